"""Who meets whom in commissioning activities, and how widely commissioners convene."""

from __future__ import annotations

import pandas as pd
import pytest

from commissioning.analytics.network.coparticipation import (
    convening_breadth,
    coparticipation_measures,
    coparticipation_network,
    financial_quarter,
)

# A1: mo (commissioning manager) 2h, gp 1h, cons 3h.  A2: mo 1h, gp 2h.  A3: mo 1h, la 1h.
PARTICIPATIONS = pd.DataFrame(
    [
        ("A1", "2011-05-10", "mo", "commissioning_manager", "pct", 2),
        ("A1", "2011-05-10", "gp", "gp", "gp_practice", 1),
        ("A1", "2011-05-10", "cons", "consultant", "acute_trust", 3),
        ("A2", "2011-06-30", "mo", "commissioning_manager", "pct", 1),
        ("A2", "2011-06-30", "gp", "gp", "gp_practice", 2),
        ("A3", "2011-07-01", "mo", "commissioning_manager", "pct", 1),
        ("A3", "2011-07-01", "la", "local_authority_officer", "local_authority", 1),
    ],
    columns=["activity", "date", "person", "person_type", "organisation_type", "hours"],
)


def test_ties_count_shared_activities_or_shared_hours():
    by_activity = coparticipation_network(PARTICIPATIONS)
    assert by_activity.edges["mo", "gp"]["weight"] == 2
    assert by_activity.edges["mo", "cons"]["weight"] == 1
    assert by_activity.edges["gp", "cons"]["weight"] == 1
    assert not by_activity.has_edge("gp", "la")
    by_hours = coparticipation_network(PARTICIPATIONS, weight="hours")
    # mo and gp: min(2, 1) in A1 + min(1, 2) in A2 = 2 hours together.
    assert by_hours.edges["mo", "gp"]["weight"] == 2
    assert by_hours.edges["mo", "cons"]["weight"] == 2
    assert by_hours.edges["gp", "cons"]["weight"] == 1
    with pytest.raises(ValueError):
        coparticipation_network(PARTICIPATIONS, weight="minutes")


def test_measures_on_the_coparticipation_network():
    t = coparticipation_measures(coparticipation_network(PARTICIPATIONS)).set_index("id")
    assert t.at["mo", "degree"] == 3
    assert t.at["mo", "weighted_degree"] == 4
    assert t.at["la", "degree"] == 1
    # Only mo links la to the others: pairs (la, gp) and (la, cons) of 3 pairs among the others.
    assert t.at["mo", "betweenness"] == pytest.approx(2 / 3)
    assert t.at["gp", "betweenness"] == 0
    assert t["pagerank"].sum() == pytest.approx(1)
    assert t.index[0] == "mo"
    assert t["eigenvector"].notna().all()  # connected, so defined
    assert t.at["mo", "type"] == "commissioning_manager"


def test_financial_quarters_start_in_april():
    dates = pd.Series(["2011-04-01", "2011-06-30", "2011-07-01", "2012-01-15", "2012-03-31"])
    assert financial_quarter(dates).tolist() == [
        "2011-12 Q1",
        "2011-12 Q1",
        "2011-12 Q2",
        "2011-12 Q4",
        "2011-12 Q4",
    ]


def test_convening_breadth_per_quarter():
    table = convening_breadth(PARTICIPATIONS)
    assert table.to_dict(orient="records") == [
        {
            "person": "mo",
            "quarter": "2011-12 Q1",
            "activities": 2,
            "people_met": 2,
            "organisation_types_met": 2,
        },
        {
            "person": "mo",
            "quarter": "2011-12 Q2",
            "activities": 1,
            "people_met": 1,
            "organisation_types_met": 1,
        },
    ]
    everyone = convening_breadth(PARTICIPATIONS, convener_types=None)
    assert set(everyone["person"]) == {"mo", "gp", "cons", "la"}

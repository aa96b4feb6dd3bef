"""Share of ties per source type, and how many respondents a commissioner is 1 or 2 steps from."""

from __future__ import annotations

import pandas as pd
import pytest

from commissioning.analytics.network.graph import build_network
from commissioning.analytics.network.reach import commissioner_reach
from commissioning.analytics.network.source_types import by_source_type

# alice -> bob -> carol (commissioning manager); bob -> carol directly; dan -> bob;
# erin names only a consultant; fred answered but named nobody.
ROWS = [
    ("alice", "cons", "consultant", 3),
    ("alice", "bob", "gp", 1),
    ("bob", "cons", "consultant", 2),
    ("bob", "carol", "commissioning_manager", 1),
    ("dan", "bob", "gp", 2),
    ("dan", "eve", "specialist_nurse", 1),
    ("erin", "cons", "consultant", 2),
]


def survey(rows=ROWS, **kwargs):
    edges = pd.DataFrame(rows, columns=["respondent", "source", "source_type", "weight"])
    return build_network(edges, **kwargs)


def test_share_of_ties_and_weight_per_source_type():
    table = by_source_type(survey()).set_index("source_type")
    # 7 ties weighing 12: consultant 3 ties (7), gp 2 (3), commissioning manager 1 (1), nurse 1 (1)
    assert table["ties"].to_dict() == {
        "consultant": 3,
        "gp": 2,
        "commissioning_manager": 1,
        "specialist_nurse": 1,
    }
    assert table.at["consultant", "share_of_ties"] == pytest.approx(3 / 7)
    assert table.at["consultant", "share_of_weight"] == pytest.approx(7 / 12)
    assert table.at["gp", "share_of_weight"] == pytest.approx(3 / 12)
    assert table.at["consultant", "sources"] == 1
    assert table["share_of_ties"].sum() == pytest.approx(1)
    assert list(table.index)[0] == "consultant"


def test_commissioner_reach_by_hand():
    reach = commissioner_reach(survey(respondents=["fred"]))
    # Respondents: alice, bob, dan, erin, fred. Bob names carol (1 step); alice and dan name
    # bob (2 steps); erin and fred do not reach her.
    assert reach["respondents"] == 5
    assert reach["commissioners"] == 1
    assert reach["within_1_step"] == 1
    assert reach["within_2_steps"] == 3
    assert reach["share_within_1_step"] == pytest.approx(1 / 5)
    assert reach["share_within_2_steps"] == pytest.approx(3 / 5)


def test_reach_follows_advice_direction_and_counts_three_steps_as_out_of_reach():
    rows = [
        ("g1", "g2", "gp", 1),
        ("g2", "g3", "gp", 1),
        ("g3", "cm", "commissioning_manager", 1),
        ("cm", "g1", "gp", 1),  # the commissioner asking a GP gives the GP no reach
    ]
    reach = commissioner_reach(survey(rows))
    # cm answered too but is a commissioner, so is left out: g3 1 step, g2 2 steps, g1 3 steps.
    assert reach["respondents"] == 3
    assert (reach["within_1_step"], reach["within_2_steps"]) == (1, 2)


def test_commissioner_types_can_be_chosen_and_none_found_is_zero():
    g = survey()
    assert commissioner_reach(g, ["public_health"])["within_2_steps"] == 0
    assert commissioner_reach(g, ["public_health"])["commissioners"] == 0
    both = commissioner_reach(g, ["commissioning_manager", "specialist_nurse"])
    assert both["within_1_step"] == 2  # bob and dan

"""Comparing commissioning communities' influence networks side by side."""

from __future__ import annotations

import pandas as pd
import pytest

from commissioning.analytics.network.compare import compare_communities, in_degree_centralisation
from commissioning.analytics.network.graph import build_network


def network(rows):
    return build_network(
        pd.DataFrame(rows, columns=["respondent", "source", "source_type", "weight"])
    )


# Wirral-like: every GP goes to the commissioning manager. Calderdale-like: a ring of GPs.
STAR = network([(g, "cm", "commissioning_manager", 1) for g in ["g1", "g2", "g3", "g4"]])
RING = network([("g1", "g2", "gp", 1), ("g2", "g3", "gp", 1), ("g3", "g1", "gp", 1)])


def test_in_degree_centralisation_by_hand():
    assert in_degree_centralisation(STAR) == pytest.approx(1)  # (4 * 4) / (5 - 1)^2
    assert in_degree_centralisation(RING) == 0


def test_communities_side_by_side():
    out = compare_communities({"Star": STAR, "Ring": RING})
    summary = out["summary"].set_index("community")
    assert summary.at["Star", "nodes"] == 5 and summary.at["Ring", "nodes"] == 3
    assert summary.at["Star", "ties"] == 4
    assert summary.at["Star", "share_of_ties_to_commissioners"] == 1
    assert summary.at["Ring", "share_of_ties_to_commissioners"] == 0
    assert summary.at["Star", "best_commissioner_rank"] == 1
    assert pd.isna(summary.at["Ring", "best_commissioner_rank"])
    assert summary.at["Star", "commissioner_pagerank"] == pytest.approx(11 / 21)
    assert summary.at["Star", "commissioner_reach_1_step"] == 1
    assert summary.at["Ring", "commissioner_reach_2_steps"] == 0
    assert summary.at["Star", "density"] == pytest.approx(4 / 20)
    types = out["by_source_type"].set_index("source_type")
    assert types.loc["commissioning_manager"].to_dict() == {"Star": 1.0, "Ring": 0.0}
    assert types.loc["gp"].to_dict() == {"Star": 0.0, "Ring": 1.0}

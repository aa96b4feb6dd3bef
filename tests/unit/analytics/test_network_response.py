"""Response rates and the non-response sensitivity check."""

from __future__ import annotations

import pandas as pd
import pytest

from commissioning.analytics.network.graph import build_network, check_edges
from commissioning.analytics.network.response import (
    check_edges_against_respondents,
    check_respondents,
    compare_rankings,
    impute_non_respondents,
    response_rates,
    sensitivity,
)
from commissioning.errors import InputError

EDGES = [
    ("alice", "cons", "consultant", "3"),
    ("alice", "bob", "gp", "1"),
    ("bob", "cons", "consultant", "2"),
    ("bob", "carol", "commissioning_manager", "1"),
    ("dan", "bob", "gp", "2"),
    ("dan", "eve", "specialist_nurse", "1"),
    ("dan", "gus", "gp", "4"),
]
INVITED = [
    ("alice", "Practice A", "yes"),
    ("bob", "Practice A", "Y"),
    ("gus", "Practice A", "no"),
    ("dan", "Practice B", "1"),
    ("fay", "Practice B", "false"),
    ("hal", "Practice C", "no"),
]


def edges():
    df = pd.DataFrame(EDGES, columns=["respondent", "source", "source_type", "weight"])
    return check_edges(df, "edges.csv")


def invited(rows=INVITED):
    df = pd.DataFrame(rows, columns=["respondent", "organisation", "responded"])
    return check_respondents(df, "invited.csv")


def test_response_rates_by_organisation():
    table = response_rates(invited()).set_index("organisation")
    assert table.loc["Practice A", ["invited", "responded"]].tolist() == [3, 2]
    assert table.at["Practice A", "response_rate"] == pytest.approx(2 / 3)
    assert table.at["Practice B", "response_rate"] == pytest.approx(1 / 2)
    assert table.at["Practice C", "response_rate"] == 0
    assert table.loc["All organisations", ["invited", "responded"]].tolist() == [6, 3]
    assert table.at["All organisations", "response_rate"] == pytest.approx(0.5)


def test_respondents_file_problems_are_located():
    rows = [("a", "X", "yes"), ("a", "X", "no"), ("", "X", "yes"), ("b", "", "maybe")]
    with pytest.raises(InputError) as caught:
        invited(rows)
    assert [str(p) for p in caught.value.problems] == [
        "invited.csv, row 3, column 'respondent': 'a' is listed again (first on row 2)",
        "invited.csv, row 4, column 'respondent': expected an identifier, found nothing",
        "invited.csv, row 5, column 'organisation': expected an organisation, found nothing",
        "invited.csv, row 5, column 'responded': expected yes or no, found 'maybe'",
    ]


def test_edge_respondents_must_be_invited_and_have_responded():
    rows = [("alice", "Practice A", "yes"), ("bob", "Practice A", "no")]
    with pytest.raises(InputError) as caught:
        check_edges_against_respondents(edges(), invited(rows), "edges.csv", "invited.csv")
    assert [str(p) for p in caught.value.problems] == [
        "edges.csv, row 4, column 'respondent': 'bob' is marked as not responded in invited.csv",
        "edges.csv, row 5, column 'respondent': 'bob' is marked as not responded in invited.csv",
        "edges.csv, row 6, column 'respondent': 'dan' is not in invited.csv",
        "edges.csv, row 7, column 'respondent': 'dan' is not in invited.csv",
        "edges.csv, row 8, column 'respondent': 'dan' is not in invited.csv",
    ]


def test_imputed_ties_are_the_colleagues_average():
    g, how = impute_non_respondents(edges(), invited())
    # gus (Practice A) from alice and bob: cons (3+2)/2, bob 1/2, carol 1/2.
    assert dict(g["gus"]) == {
        "cons": {"weight": 2.5},
        "bob": {"weight": 0.5},
        "carol": {"weight": 0.5},
    }
    # fay (Practice B) from dan alone; hal (Practice C, nobody answered) from all respondents.
    assert {k: d["weight"] for k, d in g["fay"].items()} == {"bob": 2, "eve": 1, "gus": 4}
    assert g["hal"]["cons"]["weight"] == pytest.approx(5 / 3)
    assert how == {
        "imputed_from_own_organisation": 2,
        "imputed_from_all_respondents": 1,
        "imputed_ties": 3 + 3 + 5,
    }
    assert not g.nodes["gus"]["respondent"]
    assert g.nodes["gus"]["type"] == "gp"


def test_non_respondent_is_never_tied_to_themselves():
    rows = [("dan", "Practice B", "yes"), ("gus", "Practice B", "no")]
    g, _ = impute_non_respondents(edges()[edges()["respondent"] == "dan"], invited(rows))
    assert not g.has_edge("gus", "gus")
    assert {k: d["weight"] for k, d in g["gus"].items()} == {"bob": 2, "eve": 1}


def test_rank_comparison_by_hand():
    observed = {"a": 0.4, "b": 0.3, "c": 0.2, "d": 0.1}
    reversed_ = {"a": 0.1, "b": 0.2, "c": 0.3, "d": 0.4, "e": 0.0}
    out = compare_rankings(observed, reversed_, n=2)
    assert out["nodes_compared"] == 4
    assert out["spearman"] == pytest.approx(-1)
    assert out["kendall"] == pytest.approx(-1)
    assert (out["top_n"], out["top_overlap"]) == (2, 0)
    assert out["top_observed"] == ["a", "b"] and out["top_recomputed"] == ["d", "c"]
    same = compare_rankings(observed, dict(observed), n=10)
    assert (same["spearman"], same["top_n"], same["top_overlap"]) == (1.0, 4, 4)


def test_sensitivity_drops_non_respondents_named_as_sources():
    e, people = edges(), invited()
    g = build_network(e, respondents=people.loc[people["responded"], "respondent"])
    out = sensitivity(g, e, people)
    assert out["non_respondents"] == 3
    # gus, named by dan, disappears when non-respondents are dropped.
    assert out["dropped"]["nodes"] == g.number_of_nodes() - 1
    assert out["dropped"]["nodes_compared"] == g.number_of_nodes() - 1
    assert "gus" not in out["dropped"]["top_recomputed"]
    # Imputing adds fay and hal as nodes; every observed node is compared.
    assert out["imputed"]["nodes"] == g.number_of_nodes() + 2
    assert out["imputed"]["nodes_compared"] == g.number_of_nodes()
    for part in (out["dropped"], out["imputed"]):
        assert -1 <= part["spearman"] <= 1
        assert 0 <= part["top_overlap"] <= part["top_n"]

"""Centrality measures on small networks worked out by hand or by an independent calculation."""

from __future__ import annotations

import math

import networkx as nx
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commissioning.analytics.network.graph import build_network
from commissioning.analytics.network.measures import (
    brokerage,
    brokerage_role,
    eigenvector,
    node_measures,
)


def network(rows, **kwargs) -> nx.DiGraph:
    edges = pd.DataFrame(rows, columns=["respondent", "source", "source_type", "weight"])
    return build_network(edges, **kwargs)


def by_id(table: pd.DataFrame) -> pd.DataFrame:
    return table.set_index("id")


def power_iteration_pagerank(graph: nx.DiGraph, damping=0.85, steps=500) -> dict[str, float]:
    """PageRank written out plainly: follow ties by weight; dangling nodes jump anywhere."""
    nodes = sorted(graph.nodes)
    n = len(nodes)
    rank = dict.fromkeys(nodes, 1 / n)
    for _ in range(steps):
        dangling = sum(rank[v] for v in nodes if graph.out_degree(v) == 0)
        new = dict.fromkeys(nodes, (1 - damping) / n + damping * dangling / n)
        for v in nodes:
            total = sum(d["weight"] for _, _, d in graph.out_edges(v, data=True))
            for _, w, d in graph.out_edges(v, data=True):
                new[w] += damping * rank[v] * d["weight"] / total
        rank = new
    return rank


STAR = [(leaf, "hub", "consultant", 1) for leaf in "abcd"]


def test_star_degrees_and_betweenness():
    t = by_id(node_measures(network(STAR)))
    assert t.at["hub", "in_degree"] == 4
    assert t.at["hub", "weighted_in_degree"] == 4
    assert t.at["hub", "out_degree"] == 0
    assert (t.loc[list("abcd"), "out_degree"] == 1).all()
    assert (t.loc[list("abcd"), "in_degree"] == 0).all()
    # Leaves only name the hub, so no shortest path passes through anyone.
    assert (t["betweenness"] == 0).all()


def test_star_pagerank_by_hand():
    # Leaf x, hub y: x = 0.15/5 + 0.85*y/5 and 4x + y = 1, so y = 11/21 and x = 2.5/21.
    t = by_id(node_measures(network(STAR)))
    assert t.at["hub", "pagerank"] == pytest.approx(11 / 21, abs=1e-9)
    for leaf in "abcd":
        assert t.at[leaf, "pagerank"] == pytest.approx(2.5 / 21, abs=1e-9)
    assert node_measures(network(STAR))["id"].iloc[0] == "hub"


def test_chain_betweenness_by_hand():
    # a -> b -> c -> d: b lies on a->c and a->d, c on a->d and b->d; 2 of (4-1)(4-2) = 6 pairs.
    rows = [("a", "b", "gp", 1), ("b", "c", "gp", 1), ("c", "d", "gp", 1)]
    t = by_id(node_measures(network(rows)))
    assert t.at["b", "betweenness"] == pytest.approx(2 / 6)
    assert t.at["c", "betweenness"] == pytest.approx(2 / 6)
    assert t.at["a", "betweenness"] == 0
    assert t.at["d", "betweenness"] == 0


def test_betweenness_takes_heavy_ties_as_short():
    # a reaches d through b (weights 1: length 2) or through c (weights 4: length 0.5).
    rows = [
        ("a", "b", "gp", 1),
        ("b", "d", "consultant", 1),
        ("a", "c", "gp", 4),
        ("c", "d", "consultant", 4),
    ]
    t = by_id(node_measures(network(rows)))
    assert t.at["c", "betweenness"] == pytest.approx(1 / 6)
    assert t.at["b", "betweenness"] == 0
    # With equal weights the two routes are equally short and share the pair.
    even = [(r, s, k, 1) for r, s, k, _ in rows]
    t = by_id(node_measures(network(even)))
    assert t.at["b", "betweenness"] == pytest.approx(0.5 / 6)
    assert t.at["c", "betweenness"] == pytest.approx(0.5 / 6)


def test_pagerank_matches_power_iteration_on_a_weighted_network():
    rows = [
        ("gp1", "cons", "consultant", 3),
        ("gp1", "gp2", "gp", 1),
        ("gp2", "cons", "consultant", 2),
        ("gp2", "cm", "commissioning_manager", 1),
        ("gp3", "gp2", "gp", 2),
        ("gp3", "nurse", "specialist_nurse", 1),
        ("cons", "gp1", "gp", 1),
    ]
    g = network(rows)
    expected = power_iteration_pagerank(g)
    t = by_id(node_measures(g))
    for node, value in expected.items():
        assert t.at[node, "pagerank"] == pytest.approx(value, abs=1e-8)
    assert t["pagerank"].sum() == pytest.approx(1.0)
    assert list(t.index) == sorted(expected, key=lambda k: -expected[k])


def test_duplicate_rows_add_up_and_zero_weight_is_no_tie():
    rows = [("a", "b", "gp", 1), ("a", "b", "gp", 2), ("c", "b", "gp", 0), ("c", "y", "gp", 0)]
    g = network(rows)
    assert g.edges["a", "b"]["weight"] == 3
    assert not g.has_edge("c", "b")
    assert "y" not in g  # named only with weight 0
    assert g.nodes["c"]["respondent"]  # still a respondent, with no ties


def test_types_respondents_and_silent_respondents():
    g = network([("a", "b", "consultant", 1)], respondents=["z"], respondent_type="gp")
    assert g.nodes["a"]["type"] == "gp"
    assert g.nodes["b"]["type"] == "consultant"
    assert g.nodes["z"]["respondent"] and g.degree("z") == 0
    assert not g.nodes["b"]["respondent"]


def test_brokerage_roles_by_hand():
    assert brokerage_role("gp", "gp", "gp") == "coordinator"
    assert brokerage_role("gp", "consultant", "gp") == "itinerant"
    assert brokerage_role("gp", "gp", "consultant") == "representative"
    assert brokerage_role("commissioning_manager", "gp", "gp") == "gatekeeper"
    assert brokerage_role("commissioning_manager", "gp", "consultant") == "liaison"


def test_brokerage_counts_open_two_paths_only():
    g = nx.DiGraph()
    kinds = {"g1": "gp", "g2": "gp", "g3": "gp", "c1": "consultant", "m1": "cm"}
    for node, kind in kinds.items():
        g.add_node(node, type=kind)
    g.add_edges_from([("g1", "g2"), ("g2", "g3"), ("g2", "c1"), ("m1", "g2")], weight=1)
    t = brokerage(g)
    # Paths through g2: g1-g2-g3 coordinator, g1-g2-c1 representative,
    # m1-g2-g3 gatekeeper, m1-g2-c1 liaison.
    assert t.loc["g2", ["coordinator", "representative", "gatekeeper", "liaison"]].tolist() == [
        1,
        1,
        1,
        1,
    ]
    assert t.at["g2", "itinerant"] == 0
    assert t.at["g2", "brokerage"] == 4
    # Closing g1 -> g3 removes the coordinator path.
    g.add_edge("g1", "g3", weight=1)
    assert brokerage(g).at["g2", "coordinator"] == 0
    assert brokerage(g)["brokerage"].drop("g2").sum() == 0


def test_eigenvector_only_where_defined():
    cycle = nx.DiGraph()
    cycle.add_edges_from([("a", "b"), ("b", "c"), ("c", "a")], weight=1)
    values = eigenvector(cycle)
    for v in values.values():
        assert v == pytest.approx(1 / math.sqrt(3))
    # A star is not strongly connected: eigenvector centrality is left empty.
    assert node_measures(network(STAR))["eigenvector"].isna().all()


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 6), st.integers(0, 6), st.integers(1, 5)),
        min_size=1,
        max_size=15,
    )
    .map(lambda ts: [t for t in ts if t[0] != t[1]])
    .filter(bool)
)
def test_pagerank_and_in_degree_on_any_small_network(ties):
    rows = [(f"n{a}", f"n{b}", "gp", w) for a, b, w in ties]
    g = network(rows)
    t = by_id(node_measures(g))
    expected = power_iteration_pagerank(g)
    for node, value in expected.items():
        assert t.at[node, "pagerank"] == pytest.approx(value, abs=1e-7)
    named = pd.DataFrame(rows, columns=["r", "s", "k", "w"]).drop_duplicates(["r", "s"])
    counts = named["s"].value_counts()
    for node in t.index:
        assert t.at[node, "in_degree"] == counts.get(node, 0)


def test_eigenvector_on_the_smallest_strongly_connected_networks():
    """Two people who go to each other, and a weighted triangle, match the leading eigenvector."""
    import networkx as nx

    from commissioning.analytics.network.measures import eigenvector

    pair = nx.DiGraph()
    pair.add_weighted_edges_from([("a", "b", 1), ("b", "a", 1)])
    assert eigenvector(pair) == pytest.approx({"a": 2**-0.5, "b": 2**-0.5})
    triangle = nx.DiGraph()
    triangle.add_weighted_edges_from([("a", "b", 1), ("b", "c", 2), ("c", "a", 1), ("a", "c", 1)])
    expected = nx.eigenvector_centrality_numpy(triangle, weight="weight")
    assert eigenvector(triangle) == pytest.approx(expected)

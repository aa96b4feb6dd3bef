"""Comparing the influence networks of several commissioning communities side by side.

For each community: its size (nodes, respondents, ties, density), how concentrated advice is
(in-degree centralisation: Freeman's sum of differences from the most-named node, divided by
its largest possible value (n - 1)^2 for a directed network, 0 when everyone is named equally,
1 for a star where everyone names one node), and where commissioners stand: the share of ties
and of PageRank that goes to commissioner-type nodes, the best PageRank rank a commissioner
reaches (1 = the most central node), and commissioner reach at 1 and 2 steps.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import networkx as nx
import pandas as pd

from commissioning.analytics.network.measures import node_measures
from commissioning.analytics.network.reach import DEFAULT_COMMISSIONER_TYPES, commissioner_reach
from commissioning.analytics.network.source_types import by_source_type


def in_degree_centralisation(graph: nx.DiGraph) -> float | None:
    n = graph.number_of_nodes()
    if n < 2:
        return None
    degrees = [d for _, d in graph.in_degree()]
    top = max(degrees)
    return sum(top - d for d in degrees) / ((n - 1) ** 2)


def community_summary(
    graph: nx.DiGraph, commissioner_types: Iterable[str] = DEFAULT_COMMISSIONER_TYPES
) -> dict:
    kinds = set(commissioner_types)
    nodes = node_measures(graph)
    is_commissioner = nodes["type"].isin(kinds)
    ranks = [i + 1 for i, c in enumerate(is_commissioner) if c]
    edges = graph.number_of_edges()
    to_commissioners = sum(1 for _, v in graph.edges() if graph.nodes[v].get("type") in kinds)
    reach = commissioner_reach(graph, kinds)
    return {
        "nodes": graph.number_of_nodes(),
        "respondents": int(nodes["respondent"].sum()),
        "ties": edges,
        "total_weight": float(graph.size(weight="weight")),
        "density": nx.density(graph) if graph.number_of_nodes() > 1 else None,
        "in_degree_centralisation": in_degree_centralisation(graph),
        "share_of_ties_to_commissioners": to_commissioners / edges if edges else None,
        "commissioner_pagerank": float(nodes.loc[is_commissioner, "pagerank"].sum()),
        "best_commissioner_rank": min(ranks) if ranks else None,
        "commissioner_reach_1_step": reach["share_within_1_step"],
        "commissioner_reach_2_steps": reach["share_within_2_steps"],
        "most_central_type": nodes["type"].iloc[0] if len(nodes) else None,
    }


def compare_communities(
    networks: Mapping[str, nx.DiGraph],
    commissioner_types: Iterable[str] = DEFAULT_COMMISSIONER_TYPES,
) -> dict[str, pd.DataFrame]:
    """``summary``: a row per community; ``by_source_type``: share of ties, type x community."""
    kinds = list(commissioner_types)
    summary = pd.DataFrame(
        [{"community": name, **community_summary(g, kinds)} for name, g in networks.items()]
    )
    shares = {
        name: by_source_type(g).set_index("source_type")["share_of_ties"]
        for name, g in networks.items()
    }
    by_type = pd.DataFrame(shares).fillna(0.0).sort_index()
    by_type.index.name = "source_type"
    return {"summary": summary, "by_source_type": by_type.reset_index()}

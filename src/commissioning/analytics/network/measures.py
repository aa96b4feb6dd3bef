"""Who is central in an influence network: degree, betweenness, PageRank, brokerage.

Edges run respondent -> source ("goes to for advice"), so a node's **in-degree** is how many
people go to it for advice and its **weighted in-degree** the sum of their weights; its
**out-degree** is how many sources it names.

- **Betweenness** (weighted): the share of shortest paths between other pairs of nodes that
  pass through the node, following edge direction. The length of an edge is **1 / weight**, so a
  heavily used tie is a short one. Normalised as networkx does for directed networks: divided
  by (n - 1)(n - 2), so it runs from 0 to 1.
- **PageRank**: the share of time a random walker spends at a node when it follows ties in
  proportion to their weight and, with probability 0.15 (damping 0.85), jumps to any node at
  random. A node that names nobody (a dangling node) sends its walker to any node at random.
  The scores add up to 1. High PageRank means "people who are themselves sought out seek this
  person out".
- **Eigenvector centrality** (in-ties, weighted) is only uniquely defined when every node can
  reach every other (the network is strongly connected); otherwise it is left empty. Survey
  networks, where most sources answer nothing, are rarely strongly connected.
- **Brokerage**: Gould and Fernandez (1989) roles, counted over every open two-step path
  a -> b -> c (a names b, b names c, a does not name c, a is not c), with node types as groups:
  *coordinator* (a, b and c of b's type), *itinerant* (a and c share a type, b another),
  *representative* (a of b's type, c not: b carries its own group's questions outwards),
  *gatekeeper* (c of b's type, a not: outsiders reach b's group through b) and *liaison*
  (all three types differ). ``brokerage`` is their total. Counts, not normalised.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

DAMPING = 0.85
ROLES = ("coordinator", "itinerant", "representative", "gatekeeper", "liaison")
NODE_COLUMNS = [
    "id",
    "type",
    "respondent",
    "in_degree",
    "out_degree",
    "weighted_in_degree",
    "weighted_out_degree",
    "betweenness",
    "pagerank",
    "eigenvector",
    *ROLES,
    "brokerage",
]


def with_distance(graph: nx.Graph) -> nx.Graph:
    """A copy of the graph whose edges also carry ``distance`` = 1 / weight."""
    copy = graph.copy()
    for _, _, data in copy.edges(data=True):
        data["distance"] = 1.0 / data["weight"]
    return copy


def betweenness(graph: nx.Graph) -> dict[str, float]:
    if graph.number_of_nodes() < 3:
        return dict.fromkeys(graph.nodes, 0.0)
    return nx.betweenness_centrality(with_distance(graph), weight="distance", normalized=True)


def pagerank(graph: nx.Graph) -> dict[str, float]:
    if graph.number_of_nodes() == 0:
        return {}
    return nx.pagerank(graph, alpha=DAMPING, weight="weight", tol=1e-12, max_iter=1000)


SMALL_NETWORK = 200


def eigenvector(graph: nx.Graph) -> dict[str, float]:
    """Eigenvector centrality where it is uniquely defined, else NaN for every node."""
    n = graph.number_of_nodes()
    if n < 2 or graph.number_of_edges() == 0:
        return dict.fromkeys(graph.nodes, float("nan"))
    connected = nx.is_strongly_connected if graph.is_directed() else nx.is_connected
    if not connected(graph):
        return dict.fromkeys(graph.nodes, float("nan"))
    if n <= SMALL_NETWORK:
        # ARPACK (behind networkx's numpy version) cannot solve very small matrices: take the
        # leading left eigenvector of the weighted adjacency matrix directly, as networkx does.
        nodes = list(graph.nodes)
        matrix = nx.to_numpy_array(graph, nodelist=nodes, weight="weight")
        values, vectors = np.linalg.eig(matrix.T)
        leading = np.abs(np.real(vectors[:, int(np.argmax(np.real(values)))]))
        norm = np.linalg.norm(leading)
        if not np.isfinite(norm) or norm == 0:
            return dict.fromkeys(nodes, float("nan"))
        return {k: float(v) for k, v in zip(nodes, leading / norm, strict=True)}
    try:
        values = nx.eigenvector_centrality_numpy(graph, weight="weight")
    except (nx.NetworkXException, ArithmeticError, ValueError, TypeError):
        return dict.fromkeys(graph.nodes, float("nan"))
    return {k: abs(float(v)) for k, v in values.items()}


def brokerage_role(a_type: str, b_type: str, c_type: str) -> str:
    """The Gould-Fernandez role of b on the two-step path a -> b -> c."""
    if a_type == b_type == c_type:
        return "coordinator"
    if a_type == c_type:
        return "itinerant"
    if a_type == b_type:
        return "representative"
    if b_type == c_type:
        return "gatekeeper"
    return "liaison"


def brokerage(graph: nx.DiGraph, attribute: str = "type") -> pd.DataFrame:
    """Gould-Fernandez brokerage counts, one row per node (index = node id)."""
    counts = {node: dict.fromkeys(ROLES, 0) for node in graph.nodes}
    kind = nx.get_node_attributes(graph, attribute)
    for b in graph.nodes:
        for a in graph.predecessors(b):
            for c in graph.successors(b):
                if a == c or graph.has_edge(a, c):
                    continue
                counts[b][brokerage_role(kind.get(a), kind.get(b), kind.get(c))] += 1
    table = pd.DataFrame.from_dict(counts, orient="index", columns=list(ROLES))
    table["brokerage"] = table.sum(axis=1)
    return table


def node_measures(graph: nx.DiGraph) -> pd.DataFrame:
    """One row per node with every measure above, ordered by PageRank (highest first)."""
    nodes = list(graph.nodes)
    if not nodes:
        return pd.DataFrame(columns=NODE_COLUMNS)
    pr = pagerank(graph)
    bt = betweenness(graph)
    ev = eigenvector(graph)
    roles = brokerage(graph)
    table = pd.DataFrame(
        {
            "id": nodes,
            "type": [graph.nodes[n].get("type", "") for n in nodes],
            "respondent": [bool(graph.nodes[n].get("respondent", False)) for n in nodes],
            "in_degree": [graph.in_degree(n) for n in nodes],
            "out_degree": [graph.out_degree(n) for n in nodes],
            "weighted_in_degree": [float(graph.in_degree(n, weight="weight")) for n in nodes],
            "weighted_out_degree": [float(graph.out_degree(n, weight="weight")) for n in nodes],
            "betweenness": [float(bt[n]) for n in nodes],
            "pagerank": [float(pr[n]) for n in nodes],
            "eigenvector": [ev[n] for n in nodes],
        }
    )
    for role in [*ROLES, "brokerage"]:
        table[role] = [int(roles.at[n, role]) for n in nodes]
    return rank_nodes(table)


def rank_nodes(table: pd.DataFrame, then: str = "weighted_in_degree") -> pd.DataFrame:
    """Order by PageRank, highest first, ties broken by ``then`` (highest first) and id."""
    order = table.assign(_pr=np.round(table["pagerank"], 12)).sort_values(
        ["_pr", then, "id"], ascending=[False, False, True], kind="mergesort"
    )
    return order.drop(columns="_pr").reset_index(drop=True)

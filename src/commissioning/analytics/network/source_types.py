"""Where advice comes from: the share of ties and of weight that goes to each source type."""

from __future__ import annotations

import networkx as nx
import pandas as pd

COLUMNS = ["source_type", "sources", "ties", "share_of_ties", "weight", "share_of_weight"]


def by_source_type(graph: nx.DiGraph) -> pd.DataFrame:
    """One row per type of source named: distinct sources, ties, weight and their shares.

    A tie counts once however heavy it is (``share_of_ties``); ``share_of_weight`` weighs
    each tie by its weight. Shares are fractions of all ties in the network (0 to 1). Ordered
    by share of ties, largest first.
    """
    rows = [
        (graph.nodes[v].get("type", ""), v, float(d["weight"]))
        for _, v, d in graph.edges(data=True)
    ]
    if not rows:
        return pd.DataFrame(columns=COLUMNS)
    ties = pd.DataFrame(rows, columns=["source_type", "source", "weight"])
    table = ties.groupby("source_type").agg(
        sources=("source", "nunique"), ties=("source", "size"), weight=("weight", "sum")
    )
    table["share_of_ties"] = table["ties"] / table["ties"].sum()
    table["share_of_weight"] = table["weight"] / table["weight"].sum()
    table = table.reset_index().sort_values(
        ["ties", "weight", "source_type"], ascending=[False, False, True], kind="mergesort"
    )
    return table[COLUMNS].reset_index(drop=True)

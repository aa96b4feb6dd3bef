"""The co-participation network: who meets whom in commissioning activities.

Input: one row per person per activity, columns ``activity`` and ``person``, and as needed
``hours`` (the hours the person gave), ``date`` (the activity's date), ``person_type`` (their
stakeholder role) and ``organisation_type`` (the kind of organisation they come from). A
person listed twice for one activity counts once, with the hours added.

Two people are tied when they took part in the same activity. The tie's weight is either the
number of **activities** they shared, or their **shared hours**: for each shared activity the
smaller of their two hours (the time both were there), added up.

Measures (undirected, so in- and out-degree are one **degree**): degree, weighted degree,
betweenness with edge length 1 / weight (normalised by (n - 1)(n - 2) / 2), PageRank (damping
0.85, by weight) and eigenvector centrality where the network is connected.

**Convening breadth**: per person and NHS financial-year quarter (Q1 = April to June), how
many activities they took part in, how many distinct other people they met and how many
distinct organisation types those people came from.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import combinations

import networkx as nx
import pandas as pd

from commissioning.analytics.network.measures import betweenness, eigenvector, pagerank, rank_nodes

WEIGHTS = ("activities", "hours")
DEFAULT_CONVENER_TYPES = ("commissioning_manager",)


def _tidy(participations: pd.DataFrame) -> pd.DataFrame:
    df = participations.copy()
    df["activity"] = df["activity"].astype(str)
    df["person"] = df["person"].astype(str)
    df["hours"] = pd.to_numeric(df["hours"], errors="coerce").fillna(0.0) if "hours" in df else 0.0
    keys = ["activity", "person"]
    extra = [c for c in ("date", "person_type", "organisation_type") if c in df.columns]
    agg = {"hours": "sum", **dict.fromkeys(extra, "first")}
    return df.groupby(keys, sort=True, as_index=False).agg(agg)


def coparticipation_network(participations: pd.DataFrame, weight: str = "activities") -> nx.Graph:
    """Undirected network of people who took part in the same activities."""
    if weight not in WEIGHTS:
        raise ValueError(f"weight must be one of {', '.join(WEIGHTS)}")
    df = _tidy(participations)
    graph = nx.Graph()
    for person, rows in df.groupby("person", sort=True):
        first = rows.iloc[0]
        graph.add_node(
            person,
            type=str(first.get("person_type", "")) if "person_type" in df else "",
            organisation_type=(
                str(first.get("organisation_type", "")) if "organisation_type" in df else ""
            ),
        )
    for _, rows in df.groupby("activity", sort=True):
        hours = dict(zip(rows["person"], rows["hours"], strict=True))
        for a, b in combinations(sorted(hours), 2):
            if not graph.has_edge(a, b):
                graph.add_edge(a, b, activities=0, hours=0.0)
            data = graph.edges[a, b]
            data["activities"] += 1
            data["hours"] += float(min(hours[a], hours[b]))
    for _, _, data in graph.edges(data=True):
        data["weight"] = float(data[weight])
    graph.remove_edges_from([(a, b) for a, b, d in graph.edges(data=True) if d["weight"] <= 0])
    return graph


def coparticipation_measures(graph: nx.Graph) -> pd.DataFrame:
    """One row per person: degree, weighted degree, betweenness, PageRank, eigenvector."""
    nodes = list(graph.nodes)
    pr, bt, ev = pagerank(graph), betweenness(graph), eigenvector(graph)
    table = pd.DataFrame(
        {
            "id": nodes,
            "type": [graph.nodes[n].get("type", "") for n in nodes],
            "organisation_type": [graph.nodes[n].get("organisation_type", "") for n in nodes],
            "degree": [graph.degree(n) for n in nodes],
            "weighted_degree": [float(graph.degree(n, weight="weight")) for n in nodes],
            "betweenness": [float(bt[n]) for n in nodes],
            "pagerank": [float(pr[n]) for n in nodes],
            "eigenvector": [ev[n] for n in nodes],
        }
    )
    return rank_nodes(table, then="weighted_degree")


def financial_quarter(dates: pd.Series) -> pd.Series:
    """NHS financial-year quarter labels, e.g. 2011-04-05 -> '2011-12 Q1'."""
    d = pd.to_datetime(dates)
    start = d.dt.year.where(d.dt.month >= 4, d.dt.year - 1)
    quarter = ((d.dt.month - 4) % 12) // 3 + 1
    return (
        start.astype(str)
        + "-"
        + ((start + 1) % 100).astype(str).str.zfill(2)
        + " Q"
        + quarter.astype(str)
    )


def convening_breadth(
    participations: pd.DataFrame,
    convener_types: Iterable[str] | None = DEFAULT_CONVENER_TYPES,
) -> pd.DataFrame:
    """Per convener and quarter: activities, distinct people met, distinct organisation types.

    Conveners are people whose ``person_type`` is in ``convener_types`` (everyone when None).
    """
    df = _tidy(participations)
    if "date" not in df.columns:
        raise ValueError("convening breadth needs a date column")
    df["quarter"] = financial_quarter(df["date"])
    if "organisation_type" not in df.columns:
        df["organisation_type"] = ""
    if convener_types is None or "person_type" not in df.columns:
        conveners = set(df["person"])
    else:
        conveners = set(df.loc[df["person_type"].isin(set(convener_types)), "person"])
    others = df[["activity", "person", "organisation_type"]].rename(
        columns={"person": "met", "organisation_type": "met_organisation_type"}
    )
    mine = df[df["person"].isin(conveners)][["activity", "person", "quarter"]]
    pairs = mine.merge(others, on="activity")
    pairs = pairs[pairs["person"] != pairs["met"]]
    counts = mine.groupby(["person", "quarter"]).agg(activities=("activity", "nunique"))
    met = pairs.groupby(["person", "quarter"]).agg(
        people_met=("met", "nunique"),
        organisation_types_met=(
            "met_organisation_type",
            lambda s: s[s.astype(str) != ""].nunique(),
        ),
    )
    table = counts.join(met).fillna(0).reset_index()
    table["people_met"] = table["people_met"].astype(int)
    table["organisation_types_met"] = table["organisation_types_met"].astype(int)
    return table.sort_values(["person", "quarter"], kind="mergesort").reset_index(drop=True)

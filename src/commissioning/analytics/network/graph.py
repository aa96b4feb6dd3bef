"""Building a directed, weighted influence network from a survey's edge list.

The edge list has one row per answer: ``respondent`` (who answered), ``source`` (whom they go
to for advice), ``source_type`` (the source's stakeholder role, e.g. ``gp``, ``consultant``,
``commissioning_manager``) and an optional ``weight`` (how often or how much; 1 when the column
or the cell is empty). Each row becomes an edge respondent -> source.

Rules, so that the same file always gives the same network:

- identifiers are compared after trimming spaces at either end, and are case-sensitive;
- respondents and sources share one set of identifiers: a respondent who is also named as a
  source is one node;
- a node's type is the ``source_type`` it was given when named as a source; a respondent never
  named takes the respondent type (``gp`` unless told otherwise);
- a weight of 0 means "no tie": the row is checked but adds no edge (and a source named only
  with weight 0 is not a node);
- the same respondent naming the same source on several rows gives one edge whose weight is
  the sum of the rows' weights.

Rejected, with the row and column: missing columns, blank identifiers or types, weights that
are not numbers or are negative, self-ties (a respondent naming themselves), and a source given
two different types.
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx
import pandas as pd

from commissioning.errors import InputError, Problem

REQUIRED_COLUMNS = ["respondent", "source", "source_type"]
DEFAULT_RESPONDENT_TYPE = "gp"
PROBLEM_LIMIT = 20


def _text(series: pd.Series) -> pd.Series:
    return series.astype("string").str.strip().fillna("")


def check_edges(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """Check an edge list read as text and return it tidy, or raise a located InputError.

    Returns columns ``respondent``, ``source``, ``source_type`` (trimmed text), ``weight``
    (float) and ``row`` (the spreadsheet row number, header = row 1).
    """
    missing = [c for c in REQUIRED_COLUMNS if c not in df.columns]
    if missing:
        found = ", ".join(df.columns) or "none"
        raise InputError(
            [
                Problem(name, 1, c, f"required column is missing (columns found: {found})")
                for c in missing
            ]
        )
    if df.empty:
        raise InputError(Problem(name, None, None, "has a header but no ties (no data rows)"))
    out = pd.DataFrame({c: _text(df[c]) for c in REQUIRED_COLUMNS})
    out["row"] = [int(i) + 2 for i in df.index]  # the index is the row less 2 (tables)
    problems: list[Problem] = []
    for column, what in (
        ("respondent", "a respondent identifier"),
        ("source", "the identifier of the person or team they go to"),
        ("source_type", "a source type (a stakeholder role such as gp or consultant)"),
    ):
        for row in out.loc[out[column] == "", "row"]:
            problems.append(Problem(name, int(row), column, f"expected {what}, found nothing"))
    out["weight"] = _weights(df, name, problems)
    self_ties = (out["respondent"] == out["source"]) & (out["respondent"] != "")
    for row, who in out.loc[self_ties, ["row", "respondent"]].itertuples(index=False):
        problems.append(
            Problem(
                name,
                int(row),
                "source",
                f"'{who}' names themselves; a respondent cannot be their own source",
            )
        )
    problems.extend(_type_conflicts(out, name))
    if problems:
        problems.sort(key=lambda p: p.row or 0)
        raise InputError(problems[:PROBLEM_LIMIT], more=max(0, len(problems) - PROBLEM_LIMIT))
    return out.reset_index(drop=True)


def _weights(df: pd.DataFrame, name: str, problems: list[Problem]) -> pd.Series:
    if "weight" not in df.columns:
        return pd.Series(1.0, index=df.index)
    raw = df["weight"]
    text = _text(raw).str.replace(",", "", regex=False)
    values = pd.to_numeric(text, errors="coerce")
    for i in values.index[values.isna() & (text != "")]:
        problems.append(Problem(name, int(i) + 2, "weight", f"expected a number, found '{raw[i]}'"))
    for i in values.index[values.notna() & (values < 0)]:
        problems.append(
            Problem(name, int(i) + 2, "weight", f"expected 0 or more, found '{raw[i]}'")
        )
    infinite = values.notna() & (values.abs() == float("inf"))
    for i in values.index[infinite]:
        problems.append(
            Problem(name, int(i) + 2, "weight", f"expected a finite number, found '{raw[i]}'")
        )
    return values.fillna(1.0).astype(float)


def _type_conflicts(edges: pd.DataFrame, name: str) -> list[Problem]:
    problems = []
    first: dict[str, tuple[str, int]] = {}
    for source, kind, row in edges[["source", "source_type", "row"]].itertuples(index=False):
        if not source or not kind:
            continue
        if source not in first:
            first[source] = (kind, row)
        elif first[source][0] != kind:
            seen, seen_row = first[source]
            problems.append(
                Problem(
                    name,
                    int(row),
                    "source_type",
                    f"'{source}' was given type '{seen}' on row {seen_row}, here '{kind}';"
                    " a source has one type",
                )
            )
    return problems


def build_network(
    edges: pd.DataFrame,
    *,
    respondents: Iterable[str] = (),
    respondent_type: str = DEFAULT_RESPONDENT_TYPE,
    types: dict[str, str] | None = None,
) -> nx.DiGraph:
    """The influence network: an edge respondent -> source for every tie with weight > 0.

    ``edges`` has columns ``respondent``, ``source``, ``source_type`` and optionally
    ``weight`` (as :func:`check_edges` returns them). ``respondents`` adds people who answered
    but named nobody (they are nodes with no ties). ``types`` gives types for nodes the edge list
    does not type (e.g. imputed non-respondents). Every node carries ``type`` and
    ``respondent`` (True if they answered the survey); every edge carries ``weight``.
    """
    graph = nx.DiGraph()
    weight = edges["weight"] if "weight" in edges.columns else pd.Series(1.0, index=edges.index)
    tidy = pd.DataFrame(
        {
            "respondent": edges["respondent"].astype(str),
            "source": edges["source"].astype(str),
            "weight": weight.astype(float),
        }
    )
    node_types = dict(types or {})
    node_types.update(
        zip(edges["source"].astype(str), edges["source_type"].astype(str), strict=True)
    )
    answered = set(tidy["respondent"]) | set(respondents)
    for node in sorted(answered):
        graph.add_node(node)
    summed = tidy[tidy["weight"] > 0].groupby(["respondent", "source"], sort=True)["weight"].sum()
    for (u, v), w in summed.items():
        graph.add_edge(u, v, weight=float(w))
    for node in graph.nodes:
        graph.nodes[node]["type"] = node_types.get(node, respondent_type)
        graph.nodes[node]["respondent"] = node in answered
    return graph

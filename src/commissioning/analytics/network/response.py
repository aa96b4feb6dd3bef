"""Response rates, and how much non-response could change who looks central.

The respondents file lists everyone invited to the survey: ``respondent``, ``organisation``
and ``responded`` (yes/no, true/false, y/n or 1/0). Response rates are worked out per
organisation and overall.

The **sensitivity check** recomputes PageRank twice and compares each with the network as
observed:

(a) **dropped**: everyone who did not respond is removed, including where others named them
    as a source;
(b) **imputed**: each non-respondent is given out-ties copied from the respondents of the same
    organisation (from every respondent when nobody in their organisation responded): a tie to
    every source those colleagues named, with weight = the colleagues' total weight to that
    source divided by the number of colleagues. The non-respondent's advice-seeking is thus the
    average of their colleagues', which is what PageRank uses (it spreads a node's vote in
    proportion to weight). A non-respondent is never tied to themselves.

For each, on the nodes present in both networks: Spearman's and Kendall's (tau-b) rank
correlation of PageRank, and how many of the top 10 nodes by PageRank are still in the top 10.
"""

from __future__ import annotations

import networkx as nx
import pandas as pd
from scipy import stats

from commissioning.analytics.network.graph import DEFAULT_RESPONDENT_TYPE, build_network
from commissioning.analytics.network.measures import pagerank
from commissioning.errors import InputError, Problem

REQUIRED_COLUMNS = ["respondent", "organisation", "responded"]
YES = {"yes", "y", "true", "t", "1"}
NO = {"no", "n", "false", "f", "0"}
TOP_N = 10
PROBLEM_LIMIT = 20


def check_respondents(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """Check a respondents file read as text; columns respondent, organisation, responded."""
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
        raise InputError(Problem(name, None, None, "has a header but nobody listed (no rows)"))
    out = pd.DataFrame({c: df[c].astype("string").str.strip().fillna("") for c in REQUIRED_COLUMNS})
    out["row"] = [int(i) + 2 for i in df.index]  # the index is the row less 2 (tables)
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    answered = []
    for who, org, flag, row in out.itertuples(index=False):
        if not who:
            problems.append(
                Problem(name, row, "respondent", "expected an identifier, found nothing")
            )
        elif who in seen:
            problems.append(
                Problem(
                    name, row, "respondent", f"'{who}' is listed again (first on row {seen[who]})"
                )
            )
        else:
            seen[who] = row
        if not org:
            problems.append(
                Problem(name, row, "organisation", "expected an organisation, found nothing")
            )
        word = flag.lower()
        if word in YES:
            answered.append(True)
        elif word in NO:
            answered.append(False)
        else:
            answered.append(False)
            problems.append(Problem(name, row, "responded", f"expected yes or no, found '{flag}'"))
    if problems:
        raise InputError(problems[:PROBLEM_LIMIT], more=max(0, len(problems) - PROBLEM_LIMIT))
    out["responded"] = answered
    return out.reset_index(drop=True)


def check_edges_against_respondents(
    edges: pd.DataFrame, respondents: pd.DataFrame, edges_name: str, respondents_name: str
) -> None:
    """Every respondent in the edge list must be in the respondents file, marked as responded."""
    flags = dict(zip(respondents["respondent"], respondents["responded"], strict=True))
    problems = []
    for who, row in edges[["respondent", "row"]].itertuples(index=False):
        if who not in flags:
            problems.append(
                Problem(edges_name, int(row), "respondent", f"'{who}' is not in {respondents_name}")
            )
        elif not flags[who]:
            problems.append(
                Problem(
                    edges_name,
                    int(row),
                    "respondent",
                    f"'{who}' is marked as not responded in {respondents_name}",
                )
            )
    if problems:
        raise InputError(problems[:PROBLEM_LIMIT], more=max(0, len(problems) - PROBLEM_LIMIT))


def response_rates(respondents: pd.DataFrame) -> pd.DataFrame:
    """Invited, responded and response rate per organisation, then a row for everyone."""
    by_org = (
        respondents.groupby("organisation", sort=True)["responded"]
        .agg(invited="size", responded="sum")
        .reset_index()
    )
    total = pd.DataFrame(
        [
            {
                "organisation": "All organisations",
                "invited": len(respondents),
                "responded": int(respondents["responded"].sum()),
            }
        ]
    )
    table = pd.concat([by_org, total], ignore_index=True)
    table["invited"] = table["invited"].astype(int)
    table["responded"] = table["responded"].astype(int)
    table["response_rate"] = table["responded"] / table["invited"]
    return table


def drop_non_respondents(graph: nx.DiGraph, respondents: pd.DataFrame) -> nx.DiGraph:
    missing = set(respondents.loc[~respondents["responded"], "respondent"])
    kept = graph.copy()
    kept.remove_nodes_from([n for n in missing if n in kept])
    return kept


def impute_non_respondents(
    edges: pd.DataFrame,
    respondents: pd.DataFrame,
    *,
    respondent_type: str = DEFAULT_RESPONDENT_TYPE,
) -> tuple[nx.DiGraph, dict]:
    """The network with every non-respondent's out-ties imputed from their colleagues'."""
    answered = respondents[respondents["responded"]]
    silent = respondents[~respondents["responded"]]
    live = edges[edges["weight"] > 0]
    types = dict(zip(edges["source"], edges["source_type"], strict=True))
    added = []
    from_organisation = from_everyone = 0
    for who, org in silent[["respondent", "organisation"]].itertuples(index=False):
        donors = answered.loc[answered["organisation"] == org, "respondent"]
        if len(donors):
            from_organisation += 1
        else:
            donors = answered["respondent"]
            from_everyone += 1
        if not len(donors):
            continue
        ties = live[live["respondent"].isin(set(donors)) & (live["source"] != who)]
        mean = ties.groupby("source", sort=True)["weight"].sum() / len(donors)
        for source, weight in mean.items():
            added.append(
                {
                    "respondent": who,
                    "source": source,
                    "source_type": types[source],
                    "weight": float(weight),
                }
            )
    imputed = pd.DataFrame(added, columns=["respondent", "source", "source_type", "weight"])
    combined = pd.concat(
        [edges[["respondent", "source", "source_type", "weight"]], imputed], ignore_index=True
    )
    graph = build_network(
        combined,
        respondents=answered["respondent"],
        respondent_type=respondent_type,
        types=types,
    )
    for node in set(silent["respondent"]) & set(graph.nodes):
        graph.nodes[node]["respondent"] = False
    return graph, {
        "imputed_from_own_organisation": from_organisation,
        "imputed_from_all_respondents": from_everyone,
        "imputed_ties": len(imputed),
    }


def top_nodes(scores: dict[str, float], n: int = TOP_N) -> list[str]:
    return [k for k, _ in sorted(scores.items(), key=lambda kv: (-round(kv[1], 12), kv[0]))][:n]


def compare_rankings(observed: dict[str, float], other: dict[str, float], n: int = TOP_N) -> dict:
    """Rank agreement of two PageRank results on their common nodes, and top-n overlap."""
    common = sorted(set(observed) & set(other))
    a = [observed[k] for k in common]
    b = [other[k] for k in common]
    spearman = kendall = None
    if len(common) >= 3 and len(set(a)) > 1 and len(set(b)) > 1:
        spearman = float(stats.spearmanr(a, b).statistic)
        kendall = float(stats.kendalltau(a, b).statistic)
    top_a, top_b = top_nodes(observed, n), top_nodes(other, n)
    return {
        "nodes_compared": len(common),
        "spearman": spearman,
        "kendall": kendall,
        "top_n": min(n, len(top_a)),
        "top_overlap": len(set(top_a) & set(top_b)),
        "top_observed": top_a,
        "top_recomputed": top_b,
    }


def sensitivity(
    graph: nx.DiGraph,
    edges: pd.DataFrame,
    respondents: pd.DataFrame,
    *,
    respondent_type: str = DEFAULT_RESPONDENT_TYPE,
    n: int = TOP_N,
) -> dict:
    """PageRank as observed against (a) non-respondents dropped and (b) their ties imputed."""
    observed = pagerank(graph)
    dropped = drop_non_respondents(graph, respondents)
    imputed, how = impute_non_respondents(edges, respondents, respondent_type=respondent_type)
    return {
        "non_respondents": int((~respondents["responded"]).sum()),
        "dropped": {
            "nodes": dropped.number_of_nodes(),
            **compare_rankings(observed, pagerank(dropped), n),
        },
        "imputed": {
            "nodes": imputed.number_of_nodes(),
            **how,
            **compare_rankings(observed, pagerank(imputed), n),
        },
    }

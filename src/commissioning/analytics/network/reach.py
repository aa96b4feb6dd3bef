"""Commissioner reach: how many respondents are one or two steps from a commissioner.

Steps follow the direction of advice-seeking: a respondent is **within 1 step** when they go
to a commissioner-type node for advice directly, and **within 2 steps** when they do so
directly or through one other person (they go to X, and X goes to a commissioner). The
2-step figure includes the 1-step one. Respondents who are themselves of a commissioner type
are left out of the count and of the denominator.
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx

DEFAULT_COMMISSIONER_TYPES = ("commissioning_manager",)


def commissioner_reach(
    graph: nx.DiGraph, commissioner_types: Iterable[str] = DEFAULT_COMMISSIONER_TYPES
) -> dict:
    kinds = sorted(set(commissioner_types))
    commissioners = {n for n, d in graph.nodes(data=True) if d.get("type") in kinds}
    respondents = sorted(
        n for n, d in graph.nodes(data=True) if d.get("respondent") and d.get("type") not in kinds
    )
    one = two = 0
    for r in respondents:
        first = set(graph.successors(r))
        if first & commissioners:
            one += 1
            two += 1
        elif any(set(graph.successors(x)) & commissioners for x in first):
            two += 1
    n = len(respondents)
    return {
        "commissioner_types": kinds,
        "commissioners": len(commissioners),
        "respondents": n,
        "within_1_step": one,
        "within_2_steps": two,
        "share_within_1_step": one / n if n else None,
        "share_within_2_steps": two / n if n else None,
    }

"""Recalculations of limits on the arrays of :func:`.arrays.work_out`.

:func:`_rebases` turns the confirmed recalculations (:func:`.recalculations.recorded`) into the
SPC engine's ``rebase`` array and, for each series, where its new limits start;
:func:`_proposals` finds the recalculations that the rule of :mod:`.rules` supports at a
development's go-live and that nobody has decided yet. The records themselves, their access rule
and the decisions are in :mod:`.recalculations`.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from commissioning.monitoring.models import Decision
from commissioning.monitoring.pages import Computed
from commissioning.monitoring.presenter import Proposal
from commissioning.monitoring.rules import go_live_evidence


def _rebases(
    keys: list[str], dates: np.ndarray, starts: np.ndarray, stops: np.ndarray, confirmed
) -> tuple[np.ndarray, dict[str, list[dict]]]:
    """The engine's ``rebase`` array for the confirmed recalculations (rows sorted by series
    and date; series ``i`` in rows ``starts[i]:stops[i]``), and for each series the
    recalculations that start new limits in it (where, and what was recorded).

    A recalculation starts new limits at its series' first row dated on or after its date,
    unless that is the series' first row (nothing to recalculate) or there is none.
    """
    rebase = np.zeros(len(dates), dtype=np.int8)
    restarts: dict[str, list[dict]] = {}
    if not confirmed:
        return rebase, restarts
    code_of = {key: code for code, key in enumerate(keys)}
    for r in sorted(confirmed, key=lambda r: r.starts):
        code = code_of.get(r.series)
        if code is None:
            continue
        first, stop = int(starts[code]), int(stops[code])
        at = first + int(np.searchsorted(dates[first:stop], np.datetime64(r.starts, "D")))
        if at == first or at >= stop:
            continue
        rebase[at] = 1
        restarts.setdefault(r.series, []).append(
            {
                "period": dates[at].item(),
                "starts": r.starts,
                "reason": r.reason,
                "development": r.development.title if r.development_id else "",
                "by": r.decided_by_name,
                "when": r.decided_at,
            }
        )
    return rebase, restarts


def _proposals(
    computed: Computed, dates: np.ndarray, values: np.ndarray, recalculations, go_lives
) -> list[Proposal]:
    """The recalculations the rule of :mod:`.rules` supports among ``go_lives`` (series touched
    by a development, with its go-live date) that nobody has decided yet, judged on the values
    as shown (``values``: NaN where hidden), within the period (between confirmed
    recalculations) the go-live falls in."""
    by_key = {s.key: s for s in computed.series}
    decided = {(r.series, r.starts) for r in recalculations}
    cuts: dict[str, list[dt.date]] = {}
    for r in recalculations:
        if r.decision == Decision.CONFIRMED:
            cuts.setdefault(r.series, []).append(r.starts)
    found, seen = [], set()
    for g in go_lives:
        if g.series not in by_key or (g.series, g.date) in decided or (g.series, g.date) in seen:
            continue
        seen.add((g.series, g.date))
        first, stop = computed.rows[g.series]
        here, shown = dates[first:stop], values[first:stop]
        earlier = [c for c in cuts.get(g.series, []) if c < g.date]
        later = [c for c in cuts.get(g.series, []) if c > g.date]
        day = np.datetime64(g.date, "D")
        before = here < day
        after = here >= day
        if earlier:
            before &= here >= np.datetime64(max(earlier), "D")
        if later:
            after &= here < np.datetime64(min(later), "D")
        evidence = go_live_evidence(shown[before].tolist(), shown[after].tolist())
        if evidence is not None:
            found.append(Proposal(by_key[g.series], g, evidence))
    found.sort(key=lambda p: (p.go_live.date, p.series.indicator.code, p.series.subject))
    return found

"""Attribution: other changes in the same period that touch the same things.

An indicator may move because of the development being evaluated, or because of something
else that happened at the same time: another development, a contract change, an organisational
change (a merger, a new provider, a new code). This lists the candidates; it cannot say how
much of the change each one caused.

Each input dataframe has one row per change with columns ``name``, ``start``, optionally
``end`` (blank for a change at a single date or still running) and any of ``indicators``,
``services`` and ``populations``: what it touches, as a list or as text separated by ``;``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

TOUCHES = ("indicators", "services", "populations")
COLUMNS = ["kind", "name", "start", "end", "timing", *(f"shared_{t}" for t in TOUCHES)]


def _as_set(value) -> set[str]:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return set()
    if isinstance(value, str):
        items = value.split(";")
    elif isinstance(value, Iterable):
        items = value
    else:
        items = [value]
    return {str(v).strip().casefold() for v in items if str(v).strip()}


def _label(value) -> str:
    return str(value).strip()


def concurrent_changes(
    window_start,
    window_end,
    touches: Mapping[str, Iterable[str]],
    **changes: pd.DataFrame,
) -> pd.DataFrame:
    """Changes that overlap ``[window_start, window_end]`` and touch something in ``touches``.

    ``touches`` maps ``indicators``/``services``/``populations`` to what the evaluated
    development touches. Keyword arguments name the kind of change (``developments=...``,
    ``contract_changes=...``, ``organisational_changes=...``). ``timing`` says whether the
    change began before the window (and was still running), or during it.
    """
    start, end = pd.Timestamp(window_start), pd.Timestamp(window_end)
    if end < start:
        raise ValueError("the window ends before it starts")
    ours = {t: _as_set(touches.get(t)) for t in TOUCHES}
    rows = []
    for kind, frame in changes.items():
        if frame is None or frame.empty:
            continue
        for col in ("name", "start"):
            if col not in frame.columns:
                raise ValueError(f"{kind}: missing column '{col}'")
        for rec in frame.to_dict("records"):
            began = pd.Timestamp(rec["start"])
            ended = rec.get("end")
            ended = began if ended is None or pd.isna(ended) else pd.Timestamp(ended)
            if began > end or ended < start:
                continue
            shared = {t: ours[t] & _as_set(rec.get(t)) for t in TOUCHES}
            if not any(shared.values()):
                continue
            originals = {t: [_label(v) for v in _raw(rec.get(t))] for t in TOUCHES}
            rows.append(
                {
                    "kind": kind.replace("_", " ").rstrip("s"),
                    "name": rec["name"],
                    "start": began.date(),
                    "end": None if pd.isna(rec.get("end")) else ended.date(),
                    "timing": "began before the window" if began < start else "began in window",
                    **{
                        f"shared_{t}": "; ".join(
                            v for v in originals[t] if v.casefold() in shared[t]
                        )
                        for t in TOUCHES
                    },
                }
            )
    out = pd.DataFrame(rows, columns=COLUMNS)
    return out.sort_values(["start", "kind", "name"]).reset_index(drop=True)


def _raw(value) -> list:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return []
    if isinstance(value, str):
        return [v for v in value.split(";") if v.strip()]
    if isinstance(value, Iterable):
        return list(value)
    return [value]

"""A contract's value and term on any date, worked out from its variations.

A variation is dated and has a status; only a **signed** variation changes the contract, from
its **effective** date. Its value change is the change to the annual value (£ a year, more or
less); a new end date extends or shortens the term. The value on a day is the original annual
value plus every signed change effective on or before that day; the end date is the latest
signed new end date effective by then (the one with the highest number when two take effect
on the same day), else the original.

Pure (no Django).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

SIGNED = "signed"


@dataclass(frozen=True)
class Change:
    number: int
    title: str
    status: str
    effective: dt.date | None
    value_change: float | None = None
    new_end: dt.date | None = None


def _in_force(changes: Iterable[Change], day: dt.date) -> list[Change]:
    return sorted(
        (c for c in changes if c.status == SIGNED and c.effective and c.effective <= day),
        key=lambda c: (c.effective, c.number),
    )


def value_on(original: float, changes: Iterable[Change], day: dt.date) -> float:
    """The annual value on ``day``: the original plus every signed change in force by then."""
    return original + sum(c.value_change or 0.0 for c in _in_force(changes, day))


def end_on(original_end: dt.date, changes: Iterable[Change], day: dt.date) -> dt.date:
    """The contract's end date as it stood on ``day``."""
    end = original_end
    for c in _in_force(changes, day):
        if c.new_end is not None:
            end = c.new_end
    return end


@dataclass(frozen=True)
class Step:
    """One entry of the timeline: a date, what happened, and the value and end after it."""

    day: dt.date
    what: str
    value_after: float
    end_after: dt.date
    change: Change | None = None


def timeline(
    original: float, start: dt.date, original_end: dt.date, changes: Iterable[Change]
) -> list[Step]:
    """The contract's history: its start, then each signed variation taking effect, in date
    order, with the value and end date after each. Unsigned variations are not steps (they
    change nothing yet); the presenter lists them beside the timeline."""
    value, end = original, original_end
    steps = [Step(start, "Contract starts", value, end)]
    for c in _in_force(changes, dt.date.max):
        value += c.value_change or 0.0
        end = c.new_end if c.new_end is not None else end
        steps.append(Step(c.effective, f"Variation {c.number}: {c.title}", value, end, c))
    return steps

"""When the app proposes recalculating a series' limits, and which measures cannot be negative.

Pure (no Django): the import contract ``pure-rules`` holds this module to it.

**Recalculating limits at a go-live** (NHS England, *Making Data Count*; the NHS-R community's
"Plot the Dots" package NHSRplotthedots, whose rules the SPC engine follows). Limits are
recalculated only when the process has changed for a known reason and the change has lasted;
never because a chart shows a signal alone. A development's go-live is the known reason; the
values after it say whether the change lasted. The app proposes a recalculation from a go-live
date when the values shown (a hidden value does not count) give all three of:

1. at least :data:`MINIMUM_VALUES` (12) values before it, since the series' start or its last
   confirmed recalculation: the limits being replaced rest on enough values to be firm
   ("locked", in the Plot the Dots vignette *Number of points required*: limits from fewer
   than 12 points are trial limits);
2. at least :data:`MINIMUM_VALUES` (12) values from it on, up to the next confirmed
   recalculation: the new limits are firm from the start rather than trial limits that move
   with every month added (the same vignette: "each time the limits are revised, the new
   limits are 'trial limits' until a further 12 (or more) points are collected");
3. among those, a run of at least :data:`SHIFT_RUN` (7) consecutive values on the same side of
   the mean of the values before it: Making Data Count's shift rule (7 points in a row above
   or below the centre line), judged against the old process's centre line, is the sign that
   the change is sustained. A value exactly on that mean breaks the run, as in the engine.

A commissioner then confirms the proposal, with the reason, or dismisses it: the app never
recalculates limits by itself.

**Measures that cannot be negative.** XmR limits are the mean plus or minus 2.66 mean moving
ranges, so a measure near zero can get a lower limit below zero, which no value can reach. Its
lower limit is shown from zero (:func:`cannot_be_negative`) when the indicator is:

- a percentage (unit ``%``) or a rate (a unit with the word "per", such as "per 1,000");
- a count: an indicator with no denominator, outside the finance domain;
- a time or a count of something, by its unit: days, weeks, months, years, hours, minutes, or
  patients, people, referrals, admissions, attendances, appointments, contacts, beds, visits,
  episodes, spells.

Money comes first: a unit with £, $ or € may be negative (a balance, a variance, a saving),
whatever else it says. Anything else (the finance domain, a score, an index, a change, a
difference or a net figure) may be negative too and keeps its limits as computed. Only what is
shown changes: the judgement of each point is the same either way, since no value of such a
measure can fall below zero.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

#: Values needed on each side of a go-live before a recalculation is proposed.
MINIMUM_VALUES = 12
#: Consecutive values on one side of the old mean that show a sustained change.
SHIFT_RUN = 7

_TIMES_AND_COUNTS = {
    "day",
    "week",
    "month",
    "year",
    "hour",
    "minute",
    "patient",
    "people",
    "person",
    "referral",
    "admission",
    "attendance",
    "appointment",
    "contact",
    "bed",
    "visit",
    "episode",
    "spell",
}


@dataclass(frozen=True)
class Evidence:
    """Why a recalculation is proposed: the values either side and the run that shows the
    change lasted (its length, ``above`` or ``below`` the old mean, and where it starts and
    ends, as positions among the values from the go-live on)."""

    before: int
    after: int
    old_mean: float
    run: int
    side: str
    run_start: int
    run_end: int


def _present(values: Sequence[float | None]) -> list[float]:
    return [float(v) for v in values if v is not None and not math.isnan(float(v))]


def longest_run(values: Sequence[float], centre: float) -> tuple[int, str, int, int]:
    """The longest run of consecutive ``values`` strictly on one side of ``centre``: its
    length, side ("above" or "below"), first and last position (0, "", -1, -1 when none)."""
    best = (0, "", -1, -1)
    length, side, start = 0, "", 0
    for i, value in enumerate(values):
        here = "above" if value > centre else "below" if value < centre else ""
        if here and here == side:
            length += 1
        else:
            length, side, start = (1, here, i) if here else (0, "", i + 1)
        if length > best[0]:
            best = (length, side, start, i)
    return best


def go_live_evidence(
    before: Sequence[float | None], after: Sequence[float | None]
) -> Evidence | None:
    """The evidence for recalculating limits from a go-live, or None when there is not enough
    (the module's three conditions). ``before`` and ``after`` are the series' values in date
    order either side of the go-live, within the period the go-live falls in; missing values
    (None or NaN: hidden, or not recorded) are left out."""
    old, new = _present(before), _present(after)
    if len(old) < MINIMUM_VALUES or len(new) < MINIMUM_VALUES:
        return None
    centre = math.fsum(old) / len(old)
    run, side, start, end = longest_run(new, centre)
    if run < SHIFT_RUN:
        return None
    return Evidence(len(old), len(new), centre, run, side, start, end)


def is_percentage(unit: str) -> bool:
    """Whether a measure with this unit is a percentage (unit ``%``, "percent" or "percentage"):
    its chart's axis is not padded above 100 (:func:`commissioning.charts.spc.y_domain`)."""
    text = (unit or "").strip().lower()
    words = set(re.findall(r"[a-z]+", text))
    if words & _DIFFERENCES:
        return False  # percentage points, a % change: a difference, which may be below 0
    return text.startswith("%") or bool(words & {"percent", "percentage"})


# Words saying a measure is a difference or change (of percentages or anything else): its values
# may be negative, and a difference of percentages may go past 100.
_DIFFERENCES = frozenset({"change", "difference", "net", "point", "points", "gap"})


def cannot_be_negative(unit: str, domain: str, has_denominator: bool) -> bool:
    """Whether a measure with this unit and kind can never be below zero (see the module)."""
    text = (unit or "").strip().lower()
    words = set(re.findall(r"[a-z]+", text))
    if set(text) & set("£$€") or words & {"gbp", "pound", "pounds", "money"}:
        return False  # money: a balance, a variance or a saving may be negative
    if words & _DIFFERENCES:
        return False
    if is_percentage(unit) or "per" in words:
        return True  # a percentage or a rate of counts
    if domain == "finance" or words & {"score", "index"}:
        return False
    if not has_denominator:
        return True  # a count
    return any(w in _TIMES_AND_COUNTS or w.rstrip("s") in _TIMES_AND_COUNTS for w in words)

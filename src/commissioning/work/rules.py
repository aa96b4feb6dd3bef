"""Pure rules of the work of commissioning: no Django, no database.

- **Risk scores**: the 5 x 5 matrix the NHS uses (the NPSA's *A risk matrix for risk managers*,
  2008): likelihood 1 (rare) to 5 (almost certain) times impact 1 (negligible) to 5
  (catastrophic); 1-3 is a low risk, 4-6 moderate, 8-12 high and 15-25 extreme.
- **Benefit realisation**: whether a planned benefit is realised is read from the monitoring of
  its objective's indicator (the SPC summary of the series the evaluation uses) and from the
  evaluation's estimate, never typed in (:func:`realisation`).
- **Addresses**: a development's slug from its title (:func:`slug_for`).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

LIKELIHOOD = {
    1: "Rare",
    2: "Unlikely",
    3: "Possible",
    4: "Likely",
    5: "Almost certain",
}
IMPACT = {
    1: "Negligible",
    2: "Minor",
    3: "Moderate",
    4: "Major",
    5: "Catastrophic",
}
#: (lowest score, rating, NHS.UK tag colour), highest first
RATINGS = ((15, "Extreme", "red"), (8, "High", "orange"), (4, "Moderate", "yellow"))
LOW = (1, "Low", "green")


@dataclass(frozen=True)
class Rating:
    score: int
    label: str
    colour: str


def rating(likelihood: int, impact: int) -> Rating:
    """The score (likelihood x impact) and its rating on the 5 x 5 matrix."""
    score = int(likelihood) * int(impact)
    for lowest, label, colour in RATINGS:
        if score >= lowest:
            return Rating(score, label, colour)
    return Rating(score, LOW[1], LOW[2])


def review_overdue(review_date: dt.date | None, today: dt.date, *, open_: bool = True) -> bool:
    """An open risk whose review date has passed."""
    return open_ and review_date is not None and review_date < today


# --- benefit realisation --------------------------------------------------------------------------

REALISED = "realised"
TARGET_MET = "target_met"
IMPROVING = "improving"
NO_CHANGE = "no_change"
WORSENING = "worsening"
OFF_COURSE = "off_course"
MISSED = "missed"
NO_DATA = "no_data"

#: status -> (words on the page, NHS.UK tag colour)
REALISATION = {
    REALISED: ("Realised", "green"),
    TARGET_MET: ("Target met, not yet reliably", "aqua-green"),
    IMPROVING: ("Improving", "blue"),
    NO_CHANGE: ("No change yet", "grey"),
    WORSENING: ("Getting worse", "red"),
    OFF_COURSE: ("Not on course", "orange"),
    MISSED: ("Missed its target date", "red"),
    NO_DATA: ("No data yet", "white"),
}


def meets(value: float, target: float, polarity: str) -> bool:
    """Whether ``value`` is at or beyond ``target`` in the improving direction."""
    if polarity == "lower_better":
        return value <= target
    if polarity == "higher_better":
        return value >= target
    return value == target


def realisation(
    *,
    latest_value: float | None,
    latest_date: dt.date | None,
    target: float,
    target_date: dt.date | None,
    polarity: str,
    variation: str | None,
    assurance: str | None,
    evaluation_direction: int = 0,
) -> str:
    """Where a planned benefit stands, from what monitoring and evaluation show.

    ``variation`` and ``assurance`` are the SPC summary of the series (the latest point's type,
    and the process limits against the objective's target); ``evaluation_direction`` is +1 when
    the evaluation's 95% interval for the level change lies wholly on the improving side, -1
    wholly on the worsening side, 0 otherwise. In order:

    1. no value shown yet: no data;
    2. the process consistently passes the target: realised;
    3. the latest value meets the target (but the process only hits and misses it): target met,
       not yet reliably;
    4. the target date has passed (the latest data are on or after it): missed its target date;
    5. special-cause improvement, or an evaluated improvement: improving;
    6. special-cause concern, or an evaluated worsening: getting worse;
    7. the process consistently fails the target: not on course;
    8. otherwise: no change yet.
    """
    if latest_value is None:
        return NO_DATA
    if assurance == "consistent_pass":
        return REALISED
    if meets(latest_value, target, polarity):
        return TARGET_MET
    if target_date is not None and latest_date is not None and latest_date >= target_date:
        return MISSED
    if variation == "special_cause_improvement" or evaluation_direction > 0:
        return IMPROVING
    if variation == "special_cause_concern" or evaluation_direction < 0:
        return WORSENING
    if assurance == "consistent_fail":
        return OFF_COURSE
    return NO_CHANGE


def direction(lower: float | None, upper: float | None, polarity: str) -> int:
    """+1 when an interval for a change lies wholly on the improving side of zero, -1 wholly on
    the worsening side, 0 when it includes zero (or there is none, or no side is better)."""
    if lower is None or upper is None or polarity not in ("higher_better", "lower_better"):
        return 0
    sign = 1 if polarity == "higher_better" else -1
    if lower > 0:
        return sign
    if upper < 0:
        return -sign
    return 0


# --- addresses ------------------------------------------------------------------------------------

SLUG_LENGTH = 80


def slug_for(title: str, taken: set[str]) -> str:
    """A slug for a new development: the title's words in lower case joined by hyphens, cut to
    fit, with -2, -3 ... added when another development of the community has it already."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "development"
    base = base[:SLUG_LENGTH].rstrip("-")
    slug, n = base, 1
    while slug in taken:
        n += 1
        suffix = f"-{n}"
        slug = base[: SLUG_LENGTH - len(suffix)].rstrip("-") + suffix
    return slug

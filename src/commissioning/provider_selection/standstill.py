"""Working days in England and Wales and the standstill period of regulation 12 (pure).

The Health Care Services (Provider Selection Regime) Regulations 2023 (SI 2023/1348):

- regulation 12(1): after Direct Award Process C, the Most Suitable Provider Process or the
  Competitive Process, the contract must not be entered into before the end of a standstill
  period;
- regulation 12(2): the standstill period "begins on the day after the day a notice of intention
  to award or conclude is published";
- regulation 12(3): an aggrieved provider may make written representations "before midnight at
  the end of the 8th working day after the day the standstill period begins"; with none, the
  standstill period ends then;
- regulation 12(4): representations keep the period open until the relevant authority has
  reviewed its decision and made a further decision (to go ahead, to go back to an earlier
  step, or to abandon the procurement);
- after a further decision to go ahead the authority waits 5 working days before it closes the
  standstill period and awards the contract (regulation 12 and NHS England's statutory guidance,
  "Reviewing decisions during the standstill period"). We read the 5 working days as counted like
  the 8: they end at midnight at the end of the 5th working day after the day the further
  decision is sent to the providers.

A working day is any day other than a Saturday, a Sunday, Christmas Day, Good Friday or a bank
holiday in England and Wales under the Banking and Financial Dealings Act 1971. The bank holidays
come from the ``holidays`` package (England's calendar, which Wales shares: Good Friday, Christmas
Day, substitute days and the one-off days such as 19 September 2022 and 8 May 2023 included);
see docs/architecture.md for why.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import holidays

DAY = dt.timedelta(days=1)
REPRESENTATION_DAYS = 8
FURTHER_DECISION_DAYS = 5


@lru_cache(maxsize=64)
def bank_holidays(year: int) -> frozenset[dt.date]:
    """The days of ``year`` that are not working days although they fall Monday to Friday."""
    days = holidays.country_holidays("GB", subdiv="ENG", years=year)
    fixed = {dt.date(year, 12, 25)}  # Christmas Day, named in the definition itself
    return frozenset(set(days) | fixed)


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def working_day_after(day: dt.date, n: int) -> dt.date:
    """The ``n``th working day after ``day`` (``day`` itself is never counted)."""
    if n < 1:
        raise ValueError("n must be 1 or more")
    count = 0
    while count < n:
        day += DAY
        if is_working_day(day):
            count += 1
    return day


def working_days_between(first: dt.date, last: dt.date) -> int:
    """Working days after ``first`` up to and including ``last``."""
    count, day = 0, first
    while day < last:
        day += DAY
        count += is_working_day(day)
    return count


@dataclass(frozen=True)
class Standstill:
    """A standstill period worked out from its dates.

    ``ends`` is the last day of the period (it ends at midnight at the end of that day), or None
    while representations are waiting for a further decision. ``earliest_award`` is the first
    day the contract may be entered into. ``open`` is true while it has not ended.
    """

    published: dt.date
    begins: dt.date
    representations_close: dt.date
    representations: dt.date | None
    further_decision: dt.date | None
    ends: dt.date | None

    @property
    def held_open(self) -> bool:
        return self.representations is not None and self.representations <= (
            self.representations_close
        )

    @property
    def earliest_award(self) -> dt.date | None:
        return None if self.ends is None else self.ends + DAY

    def is_open(self, on: dt.date) -> bool:
        return self.ends is None or on <= self.ends


def standstill(
    published: dt.date,
    representations: dt.date | None = None,
    further_decision: dt.date | None = None,
) -> Standstill:
    """The standstill period after a notice of intention published on ``published``.

    ``representations`` is the day written representations were first received (those after the
    8th working day do not hold the period open); ``further_decision`` the day the relevant
    authority sent its further decision to go ahead.
    """
    begins = published + DAY
    close = working_day_after(begins, REPRESENTATION_DAYS)
    held = representations is not None and representations <= close
    if not held:
        ends = close
    elif further_decision is None:
        ends = None
    else:
        ends = max(close, working_day_after(further_decision, FURTHER_DECISION_DAYS))
    return Standstill(published, begins, close, representations, further_decision, ends)


def latest_publication_for(end_by: dt.date) -> dt.date:
    """The latest day a notice of intention can be published so that, with no representations,
    the standstill period has ended before ``end_by`` (the contract can start on ``end_by``)."""
    day = end_by - DAY
    while standstill(day).ends >= end_by:
        day -= DAY
    return day

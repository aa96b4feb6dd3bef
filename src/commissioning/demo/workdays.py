"""Working days for the demo's dated work: Monday to Friday, never a bank holiday of England and
Wales (the ``holidays`` package's calendar, through the provider selection rules' own
definition), so that no meeting, document or survey answer falls on a weekend, Christmas Day or
the royal wedding of 29 April 2011."""

from __future__ import annotations

import datetime as dt

from commissioning.provider_selection.standstill import is_working_day

DAY = dt.timedelta(days=1)

__all__ = ["is_working_day", "on_or_after", "on_or_before", "nearest", "working_days"]


def on_or_after(day: dt.date) -> dt.date:
    """``day`` if it is a working day, else the next one."""
    while not is_working_day(day):
        day += DAY
    return day


def on_or_before(day: dt.date) -> dt.date:
    """``day`` if it is a working day, else the last one before it."""
    while not is_working_day(day):
        day -= DAY
    return day


def nearest(day: dt.date) -> dt.date:
    """The working day nearest ``day`` (the later one on a tie), ``day`` itself if it is one."""
    after, before = on_or_after(day), on_or_before(day)
    return before if (day - before) < (after - day) else after


def working_days(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every working day from ``first`` to ``last``, both included."""
    out, day = [], first
    while day <= last:
        if is_working_day(day):
            out.append(day)
        day += DAY
    return out

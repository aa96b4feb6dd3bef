"""Financial years and months as the NHS counts them: the year runs April to March.

Pure (no Django): used by the arithmetic, the presenter, the imports and the demo.
"""

from __future__ import annotations

import datetime as dt

MONTHS_IN_YEAR = 12


def financial_year(day: dt.date) -> int:
    """The year the financial year holding ``day`` starts in: 2012 for 2012/13."""
    return day.year if day.month >= 4 else day.year - 1


def month_of_year(day: dt.date) -> int:
    """Month 1 (April) to month 12 (March) of the financial year, as contract reports count."""
    return (day.month - 4) % 12 + 1


def months(year: int) -> list[dt.date]:
    """The first day of each month of financial year ``year``, April to March."""
    return [dt.date(year + (3 + i) // 12, (3 + i) % 12 + 1, 1) for i in range(MONTHS_IN_YEAR)]


def month_for(year: int, number: int) -> dt.date:
    """The first day of month ``number`` (1 = April) of financial year ``year``."""
    if not 1 <= number <= MONTHS_IN_YEAR:
        raise ValueError(f"a financial month is 1 to 12, not {number}")
    return months(year)[number - 1]


def label(year: int) -> str:
    """2012 -> '2012/13'."""
    return f"{year}/{(year + 1) % 100:02d}"


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    """The last day of ``day``'s month."""
    following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def parse_year(text: str) -> int | None:
    """A financial year as files write it: '2012/13', '2012-13', '201213', '2012' -> 2012.

    None when the text is not a financial year (the second part must follow the first).
    """
    t = text.strip().replace(" ", "")
    for sep in ("/", "-"):
        if sep in t:
            first, _, second = t.partition(sep)
            break
    else:
        if len(t) == 6 and t.isdigit():
            first, second = t[:4], t[4:]
        elif len(t) == 4 and t.isdigit():
            first, second = t, ""
        else:
            return None
    if not (len(first) == 4 and first.isdigit()):
        return None
    year = int(first)
    if second:
        if not second.isdigit() or len(second) not in (2, 4):
            return None
        if int(second) % 100 != (year + 1) % 100:
            return None
    return year

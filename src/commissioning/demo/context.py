"""What one demo build carries from step to step: the random streams and what was made so far,
and the two periods (eras) the demo's communities live in."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Era:
    """Five financial years observed monthly, from April of ``first_year``.

    ``study``: 2008/09 to 2012/13, the field study's primary care trusts. ``today``: 2021/22 to
    2025/26, an integrated care board and the clinical commissioning groups before it.
    """

    code: str
    first_year: int
    label: str

    @property
    def first_month(self) -> dt.date:
        return dt.date(self.first_year, 4, 1)

    @property
    def months(self) -> list[dt.date]:
        return [dt.date(self.first_year + (3 + i) // 12, (3 + i) % 12 + 1, 1) for i in range(60)]

    @property
    def financial_years(self) -> list[int]:
        return list(range(self.first_year, self.first_year + 5))

    @property
    def register_years(self) -> list[int]:
        """Years ending 31 March with a QOF register."""
        return list(range(self.first_year + 1, self.first_year + 6))

    @property
    def last_day(self) -> dt.date:
        return dt.date(self.first_year + 5, 3, 31)

    def month_index(self, date: dt.date) -> int:
        """Months from the era's first April (0) to ``date``'s month."""
        return (date.year - self.first_year) * 12 + date.month - 4


# The present-day community's "today": its records are dated up to here (a Monday), and its data
# run to March 2026. Fixed, so that the same seed always gives the same demo.
DEMO_TODAY = dt.date(2026, 3, 2)

STUDY = Era("study", 2008, "2008-2013: primary care trusts (the field study)")
TODAY = Era("today", 2021, "2021-2026: an integrated care board")

# The study era's window, kept under the names the builder's modules have always used.
FIRST_MONTH = STUDY.first_month
MONTHS = STUDY.months
FINANCIAL_YEARS = STUDY.financial_years
REGISTER_YEARS = STUDY.register_years


def month_index(date: dt.date) -> int:
    """Months from April 2008 (0) to ``date``'s month."""
    return STUDY.month_index(date)


@dataclass
class Build:
    seed: int
    communities: dict = field(default_factory=dict)  # code -> CommissioningCommunity
    orgs: dict = field(default_factory=dict)  # "calderdale:pct" -> Organisation
    practices: dict = field(default_factory=dict)  # code -> [Organisation]
    services: dict = field(default_factory=dict)  # "calderdale:memory" -> Service
    contracts: dict = field(default_factory=dict)  # reference -> Contract
    conditions: dict = field(default_factory=dict)  # slug -> Condition
    people: dict = field(default_factory=dict)  # code -> [Person]
    specialty: dict = field(default_factory=dict)  # Person pk -> condition slug or None
    developments: dict = field(default_factory=dict)  # slug -> ServiceDevelopment
    indicators: dict = field(default_factory=dict)  # code -> Indicator
    stages: dict = field(default_factory=dict)  # code -> Stage
    activities: dict = field(default_factory=dict)  # community code -> [Activity], as saved
    # Per community, by year ending March: registered patients, people with diabetes, expected
    # dementia; and the monthly dementia diagnosis rate that registers and indicators share.
    registered: dict = field(default_factory=dict)
    diabetes: dict = field(default_factory=dict)
    dementia_expected: dict = field(default_factory=dict)
    dementia_rate: dict = field(default_factory=dict)
    # Per place of the present-day community (its sub-ICB locations), the same by year.
    places: dict = field(default_factory=dict)  # place code -> {"registered": {...}, ...}

    def rng(self, stream: str) -> np.random.Generator:
        """An independent random stream per part of the build, all from the one seed."""
        key = [ord(c) for c in stream]
        return np.random.default_rng([self.seed, *key])

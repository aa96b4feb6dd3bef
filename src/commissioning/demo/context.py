"""What one demo build carries from step to step: the random streams and what was made so far."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

# The demo's window: five financial years, 2008/09 to 2012/13, observed monthly.
FIRST_MONTH = dt.date(2008, 4, 1)
MONTHS = [dt.date(2008 + (3 + i) // 12, (3 + i) % 12 + 1, 1) for i in range(60)]
FINANCIAL_YEARS = [2008, 2009, 2010, 2011, 2012]
REGISTER_YEARS = [2009, 2010, 2011, 2012, 2013]  # years ending 31 March


def month_index(date: dt.date) -> int:
    """Months from April 2008 (0) to ``date``'s month."""
    return (date.year - 2008) * 12 + date.month - 4


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
    # Per community, by year ending March: registered patients, people with diabetes, expected
    # dementia; and the monthly dementia diagnosis rate that registers and indicators share.
    registered: dict = field(default_factory=dict)
    diabetes: dict = field(default_factory=dict)
    dementia_expected: dict = field(default_factory=dict)
    dementia_rate: dict = field(default_factory=dict)

    def rng(self, stream: str) -> np.random.Generator:
        """An independent random stream per part of the build, all from the one seed."""
        key = [ord(c) for c in stream]
        return np.random.default_rng([self.seed, *key])

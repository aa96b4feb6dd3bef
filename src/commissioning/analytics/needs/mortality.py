"""Deaths for population projections: England and Wales mortality by age and sex.

A projection that ages a population forward must also let people die, or the oldest bands (and
the conditions most common in them, such as dementia) grow without end. The demo and the needs
page's projection use a Gompertz mortality curve, hazard ``μ(x) = a·exp(b·(x − 65))``, whose two
parameters per sex are chosen so that the curve gives exactly the period life expectancies the
Office for National Statistics published for England and Wales in 2010-2012 (Interim Life
Tables, England and Wales, 2010-2012, released 24 October 2013):

- men: 18.3 years at 65 and 5.8 years at 85;
- women: 20.9 years at 65 and 6.8 years at 85.

The fitted curve gives annual death probabilities close to the published life table's (for men
about 1.2% at 65, 5.9% at 80 and 17% at 90; for women about 0.7%, 4.2% and 13%). It is a
two-number summary of the ONS tables, not the tables themselves; mortality has improved a little
since 2010-2012, so projections from later years slightly overstate deaths.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

SOURCE = (
    "Gompertz mortality fitted to ONS Interim Life Tables, England and Wales, 2010-2012 (life "
    "expectancy 18.3 years at 65 and 5.8 at 85 for men, 20.9 and 6.8 for women)"
)
# Published period life expectancy at 65 and at 85 (years), ONS 2010-2012.
LIFE_EXPECTANCY = {"male": (18.3, 5.8), "female": (20.9, 6.8)}
# Gompertz parameters (a: hazard at 65, per year; b: its growth per year of age) that reproduce
# LIFE_EXPECTANCY; tests/unit/analytics/test_needs_mortality.py works them back.
GOMPERTZ = {"male": (0.0110259, 0.1099786), "female": (0.0065301, 0.1209512)}
TOP_AGE = 110  # the curve is followed to here; nobody in a band is older


def _cumulative_hazard(sex: str, start: float, end: float) -> float:
    a, b = GOMPERTZ[sex]
    return (a / b) * (math.exp(b * (end - 65)) - math.exp(b * (start - 65)))


def death_probability(age: float, sex: str) -> float:
    """The chance that someone of exact age ``age`` dies within a year."""
    return 1.0 - math.exp(-_cumulative_hazard(sex, age, age + 1))


def life_expectancy(age: float, sex: str, step: float = 0.01) -> float:
    """Years of life left at exact age ``age`` on the curve (numerical integral to TOP_AGE)."""
    ages = np.arange(age, TOP_AGE + step, step)
    a, b = GOMPERTZ[sex]
    survival = np.exp(-(a / b) * (np.exp(b * (ages - 65)) - math.exp(b * (age - 65))))
    return float(np.trapezoid(survival, ages))


def band_survival(first: int, last: int | None, sex: str) -> float:
    """The share of the people in an age band (``first`` to ``last`` inclusive, ``last`` None
    for an open top band) alive a year later.

    People are taken as spread over the band's single years as a stationary population on the
    curve would be (fewer at the older ages), which matters in the open top band.
    """
    top = TOP_AGE if last is None else last
    ages = np.arange(first, top + 1, dtype=float)
    a, b = GOMPERTZ[sex]
    alive = np.exp(-(a / b) * (np.exp(b * (ages - 65)) - math.exp(b * (first - 65))))
    dying = np.array([death_probability(x, sex) for x in ages])
    return float(1.0 - (alive * dying).sum() / alive.sum())


def survival_by_band(bands: Sequence[tuple[int, int | None]], sex: str) -> np.ndarray:
    """``band_survival`` for each (first, last) band, in order."""
    return np.array([band_survival(first, last, sex) for first, last in bands])

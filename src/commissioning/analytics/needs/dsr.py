"""Directly age-standardised rates (DSRs) with Dobson confidence intervals.

``DSR = Σ wᵢ·Oᵢ/nᵢ / Σ wᵢ × per``, where for each age band ``i`` of a unit ``Oᵢ`` is the cases,
``nᵢ`` the population and ``wᵢ`` the standard population (ESP2013). The variance is
``Σ wᵢ²·Oᵢ/nᵢ² / (Σ wᵢ)²`` and the limits are Dobson et al. (1991):
``DSR + √(var/O)·(O_limit − O)``, with ``O = ΣOᵢ`` and ``O_limit`` from Byar's method (exact
below 10). This is the method of PHE/OHID's *Technical Guide: Confidence Intervals* and of
PHEindicatormethods ``calculate_dsr`` / PHStatsMethods ``ph_dsr``.

Following PHE (and the simulation study of Morris, Tan, Fryers and Bestwick, *Evaluation of
stability of directly standardized rates for sparse data using simulation methods*), a DSR is not
given when the unit has fewer than ``min_cases`` (10) cases: the value and limits are NaN.

Which bands make up the standard: the standard population of a unit is the weights of the bands
the unit has rows for. Give every unit the same bands (zero population is fine: a band with no
people adds nothing to the rate) so that DSRs are comparable; give only 65+ bands, say, to get a
DSR standardised to the ESP2013 population aged 65 and over. Coarser bands (``85+``, ``0-14``)
take the sum of the standard weights they span.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from commissioning.analytics.needs._data import as_list, prepare_banded
from commissioning.analytics.needs.intervals import dobson
from commissioning.analytics.needs.standard_population import span_weights, standard_weights


def dsr(
    df: pd.DataFrame,
    *,
    by: str | Sequence[str] = "unit",
    age_band: str = "age_band",
    sex: str | None = "sex",
    population: str = "population",
    cases: str = "cases",
    standard: str = "esp2013",
    per: float = 100_000,
    confidence: float = 0.95,
    min_cases: float = 10,
    standardise_sex: bool = False,
    cases_within_population: bool = True,
) -> pd.DataFrame:
    """Directly standardised rate per unit.

    ``df`` has one row per unit, age band and (optionally) sex; rows for the same unit, band and
    sex are added together (so 90-94 and 95+ rows make up 90+). By default males and females are
    added together in each band and the age-specific rates for persons are weighted by the
    standard (age standardisation). With ``standardise_sex=True`` the age-sex-specific rates are
    weighted by the standard for each sex (age-sex standardisation).

    Returns one row per unit: the keys, ``population``, ``cases``, ``dsr``, ``dsr_lower``,
    ``dsr_upper`` (per ``per``).
    """
    keys = as_list(by)
    b = prepare_banded(
        df,
        by=keys,
        age_band=age_band,
        sex=sex,
        population=population,
        cases=cases,
        cases_within_population=cases_within_population,
        add_sexes=not standardise_sex,
    )
    weights = span_weights(b.first, b.last, standard_weights(standard))
    n = b.n_groups
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(b.population > 0, b.cases / b.population, 0.0)
        var_term = np.where(b.population > 0, b.cases / b.population**2, 0.0)
    total_w = np.bincount(b.group, weights, n)
    obs = np.bincount(b.group, b.cases, n)
    pop = np.bincount(b.group, b.population, n)
    value = np.bincount(b.group, weights * rate, n) / total_w
    variance = np.bincount(b.group, weights**2 * var_term, n) / total_w**2
    lower, upper = dobson(value, obs, variance, confidence)
    suppressed = obs < min_cases
    out = b.keys.copy()
    out[population] = pop
    out[cases] = obs
    out["dsr"] = np.where(suppressed, np.nan, value * per)
    out["dsr_lower"] = np.where(suppressed, np.nan, lower * per)
    out["dsr_upper"] = np.where(suppressed, np.nan, upper * per)
    return out

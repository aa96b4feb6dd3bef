"""Indirectly standardised ratios (observed / expected), e.g. SMRs or standardised admission ratios.

Expected counts apply reference age(-sex) rates to each unit's population:
``E = Σ nᵢ·Rᵢ``. The ratio is ``O / E`` (times ``per``: 1, or 100 for the "SMR = 100" style), with
Poisson limits on ``O`` divided by ``E``: Byar's method from 10 events and the exact method below
(``method="phe"``), as PHEindicatormethods ``calculate_ISRatio`` / PHStatsMethods ``ph_ISRatio``.
The expected count is treated as fixed (no allowance for error in the reference rates).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from commissioning.analytics.needs._data import (
    DataProblem,
    as_list,
    build_rate_lookup,
    group_codes,
    lookup_rates,
    numeric,
    prepare_banded,
    require,
)
from commissioning.analytics.needs.intervals import poisson_interval


def expected_counts(
    df: pd.DataFrame,
    reference: pd.DataFrame,
    *,
    by: str | Sequence[str] = "unit",
    age_band: str = "age_band",
    sex: str | None = "sex",
    population: str = "population",
    cases: str | None = None,
    ref_age_band: str = "age_band",
    ref_sex: str | None = "sex",
    ref_rate: str | None = "rate",
    ref_cases: str | None = None,
    ref_population: str | None = None,
    ref_per: float = 1.0,
) -> pd.DataFrame:
    """Expected count per unit from reference rates; also the observed count if ``cases`` is given.

    ``reference`` has an age band column, optionally a sex column (rows for ``persons`` apply to
    both sexes) and either a ``rate`` column (per ``ref_per``) or cases and population columns.
    A unit's bands must each lie within one reference band (5-year bands against a reference
    with ``85+`` is fine; ``85+`` against a reference with 85-89 and 90+ is not).

    Returns the keys, ``population``, ``expected`` and, with ``cases``, ``observed``.
    """
    keys = as_list(by)
    b = prepare_banded(df, by=keys, age_band=age_band, sex=sex, population=population, cases=cases)
    lookup = build_rate_lookup(
        reference,
        age_band=ref_age_band,
        sex=ref_sex if (ref_sex and ref_sex in reference.columns) else None,
        rate=ref_rate if ref_cases is None else None,
        cases=ref_cases,
        population=ref_population,
        per=ref_per,
    )
    rates = lookup_rates(b, lookup, age_band, sex)
    n = b.n_groups
    out = b.keys.copy()
    out["population"] = np.bincount(b.group, b.population, n)
    out["expected"] = np.bincount(b.group, b.population * rates, n)
    if cases is not None:
        out["observed"] = np.bincount(b.group, b.cases, n)
    return out


def ratio_with_limits(
    observed,
    expected,
    *,
    confidence: float = 0.95,
    method: str = "phe",
    per: float = 1.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``O/E × per`` with Poisson limits on ``O`` divided by ``E`` (NaN where ``E`` is 0)."""
    o = np.asarray(observed, dtype=float)
    e = np.asarray(expected, dtype=float)
    lo, hi = poisson_interval(o, confidence, method)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(e > 0, per / e, np.nan)
    return o * scale, lo * scale, hi * scale


def isr(
    df: pd.DataFrame,
    reference: pd.DataFrame,
    *,
    by: str | Sequence[str] = "unit",
    age_band: str = "age_band",
    sex: str | None = "sex",
    population: str = "population",
    cases: str | None = "cases",
    observed: pd.DataFrame | None = None,
    observed_column: str = "observed",
    ref_age_band: str = "age_band",
    ref_sex: str | None = "sex",
    ref_rate: str | None = "rate",
    ref_cases: str | None = None,
    ref_population: str | None = None,
    ref_per: float = 1.0,
    confidence: float = 0.95,
    method: str = "phe",
    per: float = 1.0,
) -> pd.DataFrame:
    """Indirectly standardised ratio per unit.

    Observed counts come from the ``cases`` column of ``df`` (added over bands), or, when only
    totals are known, from ``observed``: a table with the unit keys and ``observed_column``
    (then pass ``cases=None``).

    Returns the keys, ``population``, ``observed``, ``expected``, ``ratio``, ``ratio_lower``,
    ``ratio_upper``.
    """
    keys = as_list(by)
    if observed is not None and cases is not None:
        raise DataProblem("give observed counts either in the cases column or as a table, not both")
    out = expected_counts(
        df,
        reference,
        by=keys,
        age_band=age_band,
        sex=sex,
        population=population,
        cases=cases,
        ref_age_band=ref_age_band,
        ref_sex=ref_sex,
        ref_rate=ref_rate,
        ref_cases=ref_cases,
        ref_population=ref_population,
        ref_per=ref_per,
    )
    if observed is not None:
        require(observed, [*keys, observed_column])
        obs_codes, obs_keys = group_codes(observed, keys)
        totals = obs_keys.copy()
        totals["observed"] = np.bincount(
            obs_codes, numeric(observed, observed_column), len(obs_keys)
        )
        out = out.merge(totals, on=keys, how="left")
        missing = out["observed"].isna()
        if missing.any():
            raise DataProblem(
                "no observed count for some units: "
                + ", ".join(str(v) for v in out.loc[missing, keys[0]].head(5)),
                column=observed_column,
            )
    if "observed" not in out.columns:
        raise DataProblem("no observed counts: give a cases column or an observed table")
    ratio, lower, upper = ratio_with_limits(
        out["observed"], out["expected"], confidence=confidence, method=method, per=per
    )
    out["ratio"] = ratio
    out["ratio_lower"] = lower
    out["ratio_upper"] = upper
    return out[[*keys, "population", "observed", "expected", "ratio", "ratio_lower", "ratio_upper"]]

"""Expected prevalence from reference age-sex rates, and the diagnosis rate (recorded / expected).

Expected prevalence applies reference age-sex prevalence rates (from a survey or model, e.g.
CFAS II for dementia or the PHE diabetes prevalence model) to a unit's registered population:
``expected = Σ nᵢ·Rᵢ`` and ``expected prevalence = expected / Σ nᵢ``.

The diagnosis rate is ``recorded / expected`` - e.g. NHS England's estimated dementia diagnosis
rate for people aged 65+ (recorded diagnoses aged 65+ over CFAS II rates × registered 65+
population, × 100). Limits are Poisson limits on the recorded count over the expected count
(Byar from 10, exact below), i.e. the diagnosis rate is treated as an indirectly standardised
ratio; they reflect chance in the count only, not error in the reference rates, which is
usually larger. Restrict the population to the ages the rates describe (e.g. 65+) beforehand.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from commissioning.analytics.needs._data import DataProblem, as_list, numeric, require
from commissioning.analytics.needs.isr import expected_counts, ratio_with_limits


def expected_prevalence(
    df: pd.DataFrame,
    reference: pd.DataFrame,
    *,
    by: str | Sequence[str] = "unit",
    age_band: str = "age_band",
    sex: str | None = "sex",
    population: str = "population",
    ref_age_band: str = "age_band",
    ref_sex: str | None = "sex",
    ref_rate: str = "rate",
    ref_per: float = 1.0,
    per: float = 100.0,
) -> pd.DataFrame:
    """Expected number of people with the condition and expected prevalence (per ``per``, % by
    default) for each unit.

    Returns the keys, ``population``, ``expected``, ``expected_prevalence``.
    """
    out = expected_counts(
        df,
        reference,
        by=by,
        age_band=age_band,
        sex=sex,
        population=population,
        ref_age_band=ref_age_band,
        ref_sex=ref_sex,
        ref_rate=ref_rate,
        ref_per=ref_per,
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        out["expected_prevalence"] = np.where(
            out["population"] > 0, out["expected"] / out["population"] * per, np.nan
        )
    return out


def diagnosis_rate(
    expected: pd.DataFrame,
    recorded: pd.DataFrame,
    *,
    by: str | Sequence[str] = "unit",
    recorded_column: str = "recorded",
    expected_column: str = "expected",
    confidence: float = 0.95,
    method: str = "phe",
    per: float = 100.0,
) -> pd.DataFrame:
    """Diagnosis rate ``recorded / expected × per`` (a percentage by default) with Poisson limits.

    ``expected`` is the output of :func:`expected_prevalence` (or any table with the keys and an
    expected count); ``recorded`` has the keys and the recorded (register) count. Every unit in
    ``expected`` needs a recorded count.

    Returns the keys, ``recorded``, ``expected``, ``diagnosis_rate``, ``diagnosis_rate_lower``,
    ``diagnosis_rate_upper``.
    """
    keys = as_list(by)
    require(expected, [*keys, expected_column])
    require(recorded, [*keys, recorded_column])
    rec = recorded[keys].copy()
    rec["recorded"] = numeric(recorded, recorded_column)
    rec = rec.groupby(keys, sort=False, as_index=False)["recorded"].sum()
    exp = expected[keys].copy()
    exp["expected"] = numeric(expected, expected_column)
    out = exp.merge(rec, on=keys, how="left")
    missing = out["recorded"].isna()
    if missing.any():
        raise DataProblem(
            "no recorded count for some units: "
            + ", ".join(str(v) for v in out.loc[missing, keys[0]].head(5)),
            column=recorded_column,
        )
    value, lower, upper = ratio_with_limits(
        out["recorded"], out["expected"], confidence=confidence, method=method, per=per
    )
    out["diagnosis_rate"] = value
    out["diagnosis_rate_lower"] = lower
    out["diagnosis_rate_upper"] = upper
    return out[[*keys, "recorded", "expected", *out.columns[-3:]]]

"""Crude proportions (prevalence) and crude rates, per unit, with confidence intervals.

- proportion (e.g. recorded prevalence = register / list size): Wilson score interval, as PHE
  uses for proportions;
- rate (e.g. admissions per 100,000): Byar's method from 10 events, exact Poisson below 10, as
  PHE uses for crude rates (``method="phe"``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from commissioning.analytics.needs._data import DataProblem, as_list, group_codes, numeric, require
from commissioning.analytics.needs.intervals import poisson_interval, wilson


def _totals(
    df: pd.DataFrame, numerator: str, denominator: str, by: str | Sequence[str] | None
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    keys = as_list(by)
    require(df, [*keys, numerator, denominator])
    num = numeric(df, numerator)
    den = numeric(df, denominator)
    if not keys:
        out = df.copy()
        return out, num, den
    codes, out = group_codes(df, keys)
    n = len(out)
    return out, np.bincount(codes, num, n), np.bincount(codes, den, n)


def crude_proportion(
    df: pd.DataFrame,
    numerator: str = "cases",
    denominator: str = "population",
    *,
    by: str | Sequence[str] | None = None,
    confidence: float = 0.95,
    per: float = 1.0,
    name: str = "proportion",
) -> pd.DataFrame:
    """Proportion ``numerator / denominator`` with Wilson score limits, times ``per``.

    With ``by``, rows are added up per unit first; without it, each row is a unit. Returns the
    units with their totals and ``name``, ``name_lower``, ``name_upper``.
    """
    out, num, den = _totals(df, numerator, denominator, by)
    if (num > den).any():
        raise DataProblem(
            f"{numerator} is larger than {denominator}, so this is not a proportion",
            column=numerator,
            rows=np.nonzero(num > den)[0][:20] if not as_list(by) else (),
        )
    lower, upper = wilson(num, den, confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(den > 0, num / den, np.nan)
    out[numerator] = num
    out[denominator] = den
    out[name] = value * per
    out[f"{name}_lower"] = lower * per
    out[f"{name}_upper"] = upper * per
    return out


def crude_rate(
    df: pd.DataFrame,
    numerator: str = "cases",
    denominator: str = "population",
    *,
    by: str | Sequence[str] | None = None,
    confidence: float = 0.95,
    per: float = 100_000,
    method: str = "phe",
    name: str = "rate",
) -> pd.DataFrame:
    """Rate ``numerator / denominator × per``, Poisson limits (Byar from 10 events, exact below)."""
    out, num, den = _totals(df, numerator, denominator, by)
    lower, upper = poisson_interval(num, confidence, method)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(den > 0, per / den, np.nan)
    out[numerator] = num
    out[denominator] = den
    out[name] = num * scale
    out[f"{name}_lower"] = lower * scale
    out[f"{name}_upper"] = upper * scale
    return out

"""When will we know? The smallest level change a monthly series could show, and when.

Assumed analysis: the segmented regression of :mod:`.its` (constant, trend, level change, and
with ``slope_change=True`` also a slope change) fitted by least squares to ``n_before`` months
before the change and ``m`` months after it, with errors that follow an AR(1) process of
standard deviation ``sd`` and lag-1 autocorrelation ``rho``.

The variance of the level-change estimate is worked out exactly for that design, as
``sd^2 [(X'X)^-1 X' R X (X'X)^-1]`` with ``R[i, j] = rho^|i - j|``. The *design effect* is that
variance over the variance the same design would have with independent errors, and the
*effective number of months* is the number of months divided by the design effect: how many
independent months the autocorrelated ones are worth.

The smallest detectable change, with power ``power`` in a two-sided test at level ``alpha``,
is ``(z(1 - alpha/2) + z(power)) * standard error``. This treats the standard error as known;
with a short series the real test is a little less powerful.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from commissioning.analytics.impact.its import lag1_autocorrelation, seasonal_terms
from commissioning.analytics.impact.months import month_number

MONTHS_AFTER = (6, 12, 24, 36)


def level_change_se(
    sd: float, rho: float, n_before: int, n_after: int, *, slope_change: bool = False
) -> tuple[float, float]:
    """Standard error of the level-change estimate, and the design effect of autocorrelation."""
    n = n_before + n_after
    t = np.arange(n, dtype=float)
    after = (t >= n_before).astype(float)
    cols = [np.ones(n), t, after]
    if slope_change:
        cols.append(after * (t - n_before))
    x = np.column_stack(cols)
    xtx_inv = np.linalg.inv(x.T @ x)
    lag = np.abs(np.subtract.outer(np.arange(n), np.arange(n)))
    r = float(rho) ** lag
    sandwich = xtx_inv @ x.T @ r @ x @ xtx_inv
    var_ar = sd**2 * sandwich[2, 2]
    var_white = sd**2 * xtx_inv[2, 2]
    return float(np.sqrt(var_ar)), float(var_ar / var_white)


def detectable_change(
    sd: float,
    rho: float,
    n_before: int,
    months_after=MONTHS_AFTER,
    *,
    alpha: float = 0.05,
    power: float = 0.8,
    slope_change: bool = False,
) -> pd.DataFrame:
    """Smallest level change detectable after each number of months after the change.

    Columns: ``months_after``, ``detectable_change``, ``standard_error``, ``design_effect``,
    ``effective_months`` (before and after together).
    """
    if sd < 0 or not -1 < rho < 1:
        raise ValueError("sd must be non-negative and rho between -1 and 1")
    if n_before < 3:
        raise ValueError("at least 3 months before the change are needed")
    multiplier = stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(power)
    rows = []
    for m in months_after:
        se, deff = level_change_se(sd, rho, n_before, int(m), slope_change=slope_change)
        rows.append(
            {
                "months_after": int(m),
                "detectable_change": multiplier * se,
                "standard_error": se,
                "design_effect": deff,
                "effective_months": (n_before + int(m)) / deff,
            }
        )
    return pd.DataFrame(rows)


def noise_before(series: pd.DataFrame, intervention, *, seasonal: str | None = None) -> dict:
    """Residual SD and lag-1 autocorrelation of the months before ``intervention``.

    A straight-line trend (plus seasonal terms when asked) is fitted to the months before the
    change; what is left is the noise. Returns ``sd``, ``rho``, ``n_before`` and ``mean``.
    """
    df = series.assign(date=pd.to_datetime(series["date"])).sort_values("date")
    months = month_number(df["date"])
    pre = months < int(month_number([intervention])[0])
    n_before = int(pre.sum())
    if n_before < 4:
        raise ValueError(f"{n_before} month(s) before the intervention; at least 4 are needed")
    m = months[pre]
    x = pd.concat(
        [
            pd.DataFrame({"const": 1.0, "time": (m - m[0]).astype(float)}),
            seasonal_terms(m, seasonal),
        ],
        axis=1,
    )
    y = df["value"].to_numpy(dtype=float)[pre]
    res = sm.OLS(y, x).fit()
    rho = lag1_autocorrelation(res.resid)
    return {
        "sd": float(np.sqrt(res.scale)),
        "rho": float(np.clip(rho, -0.95, 0.95)),
        "n_before": n_before,
        "mean": float(np.mean(y)),
    }


def power_statement(table: pd.DataFrame, noise: dict, *, months_observed: int | None = None) -> str:
    """One paragraph in plain English saying what size of change could be seen, and when."""
    parts = []
    for row in table.itertuples():
        text = f"{row.detectable_change:.3g} after {row.months_after} months"
        if noise.get("mean"):
            text += f" ({100 * row.detectable_change / abs(noise['mean']):.0f}% of the usual level)"
        parts.append(text)
    out = (
        f"With {noise['n_before']} months before the change, month-to-month noise of "
        f"{noise['sd']:.3g} (standard deviation) and a month-to-month correlation of "
        f"{noise['rho']:.2f}, a lasting step change would be picked up 8 times in 10 "
        f"(80% power, two-sided test at 5%) only if it were at least: {'; '.join(parts)}. "
        "Smaller changes may be real but would usually not show clearly in this series."
    )
    if months_observed is not None:
        out += f" So far {months_observed} months after the change have been observed."
    return out

"""Funnel plot control limits for proportions and indirectly standardised ratios.

Each unit's value is compared with limits around a target worked out at the unit's own
denominator, at 95% (z = 1.96) and 99.8% (z = 3.09) two-sided, and flagged ``high_998``,
``high_95``, ``within``, ``low_95`` or ``low_998``. A value exactly on a limit is within.

Limits without over-dispersion
------------------------------
- Proportions, ``limits="normal"`` (default): the normal approximation around the target
  proportion, ``θ ± z·√(θ(1−θ)/n)`` at each unit's denominator, clipped to 0..1: PHE/OHID's
  funnel method (PHEindicatormethods ``phe_funnels``; PHStatsMethods
  ``calculate_funnel_limits``), whose reference tables these limits reproduce. A value is
  outside exactly when the score test of its proportion against ``θ`` rejects. (Earlier
  versions called these limits "Wilson score"; ``limits="wilson"`` is still accepted and means
  the same.) The target ``θ`` is the pooled proportion ``Σ numerators / Σ denominators`` unless
  one is given. Named in :data:`commissioning.analytics.methods.METHODS`.
- Proportions, ``limits="exact"``: binomial quantiles with Spiegelhalter's (2005, *Stat Med*
  24:1185) interpolation, ``(r − α)/n`` where ``r`` is the binomial quantile and
  ``α = (F(r) − p) / f(r)``; needs whole-number denominators.
- Ratios (observed / expected, target 1): exact Poisson limits as PHE's funnel tools: the
  limits on the observed count at expected ``E`` are the (continuous) counts whose exact Poisson
  tail probability is 2.5% (0.1%), i.e. ``O_low`` with ``P(X ≤ O_low | E) = α/2`` and ``O_high``
  with ``P(X ≥ O_high | E) = α/2``; the ratio limits are ``O/E``. A unit is then outside exactly
  when its exact confidence interval excludes 1.

Over-dispersion (Spiegelhalter 2005, *Qual Saf Health Care* 14:347; as NHS-R FunnelPlotR and
NHS Digital's SHMI)
-------------------------------------------------------------------------------------------
z-scores are taken on a variance-stabilising scale: arcsine square root for proportions
(``s = 1/(2√n)``), log for ratios as SHMI (``z = √E·log(O/E)``, ``s = 1/√E``) or square root as
CQC (``z = 2(√O − √E)``, ``s = 1/(2√E)``). Extreme z-scores are tamed first: Winsorised at the
10th and 90th percentiles (proportions, square-root ratios), or, for log ratios as SHMI,
truncated (the top and bottom 10% of units left out). Then ``φ = Σ z² / k`` over the ``k``
units used.

- multiplicative: limits ``t ± z·√φ·s`` on the transformed scale, when ``φ > 1``;
- additive (random effects, DerSimonian-Laird):
  ``τ² = max(0, (kφ − (k − 1)) / (Σwᵢ − Σwᵢ²/Σwᵢ))`` with ``wᵢ = 1/sᵢ²`` over the units used
  (0 when ``kφ < k−1``),
  limits ``t ± z·√(sᵢ² + τ²)``.

Limits are transformed back to the original scale. Where no over-dispersion is found (``φ ≤ 1``,
or ``τ² = 0``) the unadjusted limits above are used, as FunnelPlotR does.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.special import ndtri, pdtrik

from commissioning.analytics.needs._data import (
    OVERDISPERSION,
    DataProblem,
    as_list,
    group_codes,
    numeric,
    require,
)

KINDS = ("proportion", "ratio")
FLAGS = ("high_998", "high_95", "within", "low_95", "low_998")

#: two-sided levels and their tail probabilities
LEVELS = {"95": 0.025, "998": 0.001}


def _z(tail: float) -> float:
    return float(ndtri(1 - tail))


#: ``limits`` for proportions: "normal" (the default) and "exact"; "wilson" is the old name of
#: "normal", still accepted.
PROPORTION_LIMITS = ("normal", "exact", "wilson")


def proportion_limits(target, n, tail: float, limits: str = "normal"):
    """Lower and upper funnel limits for a proportion at denominators ``n``."""
    t = np.asarray(target, dtype=float)
    n = np.asarray(n, dtype=float)
    if limits in ("normal", "wilson"):
        half = _z(tail) * np.sqrt(t * (1 - t) / n)
        return np.clip(t - half, 0.0, 1.0), np.clip(t + half, 0.0, 1.0)
    if limits == "exact":
        return _binomial_limit(t, n, tail), _binomial_limit(t, n, 1 - tail)
    raise ValueError(f"unknown proportion limits '{limits}' (expected normal or exact)")


def _binomial_limit(t: np.ndarray, n: np.ndarray, p: float) -> np.ndarray:
    from scipy.stats import binom  # loaded on first use: SciPy's stats take a second

    r = binom.ppf(p, n, t)
    cdf = binom.cdf(r, n, t)
    pmf = binom.pmf(r, n, t)
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = np.where(pmf > 0, (cdf - p) / pmf, 0.0)
        return np.clip((r - alpha) / n, 0.0, 1.0)


def ratio_limits(expected, tail: float):
    """Lower and upper funnel limits for an observed/expected ratio (target 1) at ``expected``."""
    e = np.asarray(expected, dtype=float)
    low = np.maximum(pdtrik(tail, e), 0.0)
    high = pdtrik(1 - tail, e) + 1
    return low / e, high / e


def _group_quantile(z: np.ndarray, codes: np.ndarray, n_groups: int, q: float) -> np.ndarray:
    """Quantile (linear interpolation, as R's default) of ``z`` within each group."""
    order = np.lexsort((z, codes))
    zs = z[order]
    counts = np.bincount(codes, minlength=n_groups)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    h = (counts - 1) * q
    lo = np.floor(h).astype(np.int64)
    frac = h - lo
    i = starts + lo
    j = np.minimum(i + 1, starts + counts - 1)
    with np.errstate(invalid="ignore"):
        return np.where(frac > 0, zs[i] + frac * (zs[j] - zs[i]), zs[i])


def _transformed(kind: str, transform: str, num, den, target):
    """Transformed values, target and standard errors for the over-dispersion z-scores."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if kind == "proportion":
            y = np.arcsin(np.sqrt(num / den))
            t = np.arcsin(np.sqrt(target))
            s = 1 / (2 * np.sqrt(den))
        elif transform == "log":
            y = np.log(num / den)
            t = np.zeros_like(den)
            s = 1 / np.sqrt(den)
        elif transform == "sqrt":
            y = np.sqrt(num / den)
            t = np.ones_like(den)
            s = 1 / (2 * np.sqrt(den))
        else:
            raise ValueError(f"unknown transform '{transform}' (expected log or sqrt)")
    return y, t, s


def _back(kind: str, transform: str, x: np.ndarray) -> np.ndarray:
    if kind == "proportion":
        return np.sin(np.clip(x, 0.0, np.pi / 2)) ** 2
    if transform == "log":
        return np.exp(x)
    return np.maximum(x, 0.0) ** 2


def dispersion(
    z: np.ndarray,
    s: np.ndarray,
    codes: np.ndarray,
    n_groups: int,
    trim: float = 0.1,
    method: str = "winsorise",
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per group: units used ``k``, ``φ`` and DerSimonian-Laird ``τ²`` from z-scores ``z`` with
    standard errors ``s``.

    ``method="winsorise"`` (Spiegelhalter; FunnelPlotR for proportions and the CQC method) pulls
    z-scores beyond the ``trim`` and ``1 − trim`` quantiles in to those quantiles;
    ``method="truncate"`` (SHMI; FunnelPlotR's SHMI method) drops the units ranked in the bottom
    and top ``trim`` of each group (rank × (1/trim) / (n + 1), floored, must be neither 0 nor
    1/trim − 1) and uses the rest.
    """
    if method == "winsorise":
        lo = _group_quantile(z, codes, n_groups, trim)
        hi = _group_quantile(z, codes, n_groups, 1 - trim)
        zw = np.clip(z, lo[codes], hi[codes])
        used = np.ones(len(z), dtype=bool)
    elif method == "truncate":
        size = np.bincount(codes, minlength=n_groups)[codes]
        rank = pd.Series(z).groupby(codes).rank(method="average").to_numpy()
        bands = 1 / trim
        slot = np.floor(rank * bands / (size + 1))
        used = (slot > 0) & (slot < bands - 1)
        zw = np.where(used, z, 0.0)
    else:
        raise ValueError(f"unknown method '{method}' (expected winsorise or truncate)")
    if not np.isfinite(zw).all():
        raise DataProblem(
            "too many units have no events to estimate over-dispersion on the log scale; "
            "use the square-root scale (transform 'sqrt') instead"
        )
    k = np.bincount(codes, used, n_groups)
    phi = np.bincount(codes, zw**2, n_groups) / k
    w = np.where(used, 1 / s**2, 0.0)
    sw = np.bincount(codes, w, n_groups)
    sw2 = np.bincount(codes, w**2, n_groups)
    with np.errstate(divide="ignore", invalid="ignore"):
        tau2 = np.maximum(0.0, (k * phi - (k - 1)) / (sw - sw2 / sw))
    tau2 = np.where((k * phi < k - 1) | ~np.isfinite(tau2), 0.0, tau2)
    return k, np.nan_to_num(phi), tau2


def funnel(
    df: pd.DataFrame,
    numerator: str = "numerator",
    denominator: str = "denominator",
    *,
    kind: str = "proportion",
    by: str | Sequence[str] | None = None,
    overdispersion: str = "none",
    target: float | None = None,
    limits: str = "normal",
    transform: str = "log",
    trim: float = 0.1,
) -> pd.DataFrame:
    """Funnel plot limits and flags for every row of ``df``.

    ``kind="proportion"``: numerator/denominator; ``kind="ratio"``: observed/expected (the
    denominator is the expected count). ``by`` names columns whose groups are compared
    separately (e.g. a condition), each with its own target and over-dispersion.

    Returns ``df`` with ``value``, ``target``, ``lower95``, ``upper95``, ``lower998``,
    ``upper998``, ``flag``, and, when adjusting, ``phi`` and ``tau2`` of the unit's group.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown kind '{kind}' (expected one of {', '.join(KINDS)})")
    if overdispersion not in OVERDISPERSION:
        known = ", ".join(OVERDISPERSION)
        raise ValueError(f"unknown over-dispersion '{overdispersion}' (expected one of {known})")
    if kind == "ratio" and target is not None:
        raise ValueError("a ratio's target is 1; a target can only be given for proportions")
    keys = as_list(by)
    require(df, [*keys, numerator, denominator])
    num = numeric(df, numerator)
    den = numeric(df, denominator)
    if (den <= 0).any():
        rows = np.nonzero(den <= 0)[0]
        raise DataProblem(
            "expected more than 0",
            column=denominator,
            rows=rows[:20],
            found=df[denominator].iloc[rows[:20]],
        )
    if kind == "proportion" and (num > den).any():
        rows = np.nonzero(num > den)[0]
        raise DataProblem(
            f"expected no more than the {denominator} for a proportion",
            column=numerator,
            rows=rows[:20],
            found=df[numerator].iloc[rows[:20]],
        )
    if kind == "proportion" and limits == "exact" and (den % 1 != 0).any():
        rows = np.nonzero(den % 1 != 0)[0]
        raise DataProblem(
            "exact binomial limits need whole-number denominators",
            column=denominator,
            rows=rows[:20],
        )
    codes, _ = group_codes(df, keys)
    n_groups = int(codes.max()) + 1 if len(codes) else 0
    value = num / den
    if kind == "proportion":
        if target is None:
            pooled = np.bincount(codes, num, n_groups) / np.bincount(codes, den, n_groups)
            tgt = pooled[codes]
        else:
            if not 0 <= target <= 1:
                raise ValueError(f"a proportion's target must be between 0 and 1, not {target}")
            tgt = np.full(len(df), float(target))
    else:
        tgt = np.ones(len(df))

    out = df.copy()
    out["value"] = value
    out["target"] = tgt
    bounds: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for level, tail in LEVELS.items():
        if kind == "proportion":
            bounds[level] = proportion_limits(tgt, den, tail, limits)
        else:
            bounds[level] = ratio_limits(den, tail)

    if overdispersion != "none" and len(df):
        y, t, s = _transformed(kind, transform, num, den, tgt)
        with np.errstate(divide="ignore", invalid="ignore"):
            z = (y - t) / s
        how = "truncate" if kind == "ratio" and transform == "log" else "winsorise"
        _, phi, tau2 = dispersion(z, s, codes, n_groups, trim, how)
        if overdispersion == "multiplicative":
            adjust = (phi > 1)[codes]
            spread = np.sqrt(np.maximum(phi, 1.0))[codes] * s
        else:
            adjust = (tau2 > 0)[codes]
            spread = np.sqrt(s**2 + tau2[codes])
        for level, tail in LEVELS.items():
            zt = _z(tail)
            low = _back(kind, transform, t - zt * spread)
            high = _back(kind, transform, t + zt * spread)
            old_low, old_high = bounds[level]
            bounds[level] = (np.where(adjust, low, old_low), np.where(adjust, high, old_high))
        out["phi"] = phi[codes]
        out["tau2"] = tau2[codes]

    for level in LEVELS:
        out[f"lower{level}"], out[f"upper{level}"] = bounds[level]
    out["flag"] = flags(value, *bounds["95"], *bounds["998"])
    cols = [c for c in out.columns if c not in ("phi", "tau2")]
    extra = [c for c in ("phi", "tau2") if c in out.columns]
    return out[cols + extra]


def flags(value, lower95, upper95, lower998, upper998) -> np.ndarray:
    """``high_998``, ``high_95``, ``within``, ``low_95`` or ``low_998`` for each value."""
    v = np.asarray(value, dtype=float)
    return np.select(
        [v > upper998, v > upper95, v < lower998, v < lower95],
        ["high_998", "high_95", "low_998", "low_95"],
        default="within",
    ).astype(object)

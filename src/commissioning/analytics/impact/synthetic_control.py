"""Synthetic control: a weighted blend of comparator units that tracks the treated unit.

Weights are non-negative and sum to 1, and are chosen so that the blend matches the treated
unit's values on every date before the intervention as closely as possible (non-negative
least squares, scipy). After the intervention the gap between the treated unit and its
synthetic twin is the estimated effect. This fits on the outcome alone; Abadie, Diamond &
Hainmueller (2010) also match on predictors, which gives slightly different weights.

Placebo-in-space p-value: the same fit is repeated pretending each comparator was the treated
one (with the real treated unit left out). The p-value is the share of all units, the treated
one included, whose post/pre ratio of root mean squared gaps is at least the treated unit's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import nnls

from commissioning.analytics.impact.did import _panel, choose_units


@dataclass(frozen=True)
class SyntheticResult:
    weights: pd.Series
    gaps: pd.DataFrame
    average_gap: float
    pre_rmspe: float
    post_rmspe: float
    p_value: float | None
    placebos: pd.DataFrame
    dropped_donors: list


def fit_weights(target: np.ndarray, donors: np.ndarray) -> np.ndarray:
    """Non-negative weights summing to 1 minimising the squared distance to ``target``.

    ``donors`` has one column per donor and one row per pre-intervention date. Solved as
    non-negative least squares (scipy ``nnls``) with the sum-to-one constraint added as an
    extra row carrying a very large weight, which enforces it to within rounding.
    """
    n = donors.shape[1]
    if n == 1:
        return np.ones(1)
    scale = float(np.sqrt(np.mean(target**2))) or 1.0
    big = 1e4 * np.sqrt(len(target))
    a = np.vstack([donors / scale, np.full((1, n), big)])
    b = np.append(target / scale, big)
    w, _ = nnls(a, b, maxiter=50 * n)
    return w / w.sum()


def _rmspe(gap: np.ndarray) -> float:
    return float(np.sqrt(np.mean(gap**2)))


def synthetic_control(
    panel: pd.DataFrame, treated, intervention, *, peers=None, placebo: bool = True
) -> SyntheticResult:
    """Synthetic control for the treated unit(s) (several are averaged into one series)."""
    df = _panel(panel)
    treated, comparators = choose_units(df, treated, peers)
    wide = df.pivot_table(index="date", columns="unit", values="value", aggfunc="mean")
    target = wide[treated].mean(axis=1, skipna=False)
    keep = target.notna()
    wide, target = wide[keep], target[keep]
    donors = wide[comparators]
    dropped = [u for u in comparators if donors[u].isna().any()]
    donors = donors.drop(columns=dropped)
    if donors.shape[1] < 1:
        raise ValueError("no comparator unit has a value on every date the treated unit has")
    before = np.asarray(wide.index < pd.Timestamp(intervention))
    if before.sum() < 2 or (~before).sum() < 1:
        raise ValueError(
            "a synthetic control needs at least 2 dates before and 1 after the intervention"
        )

    y = target.to_numpy(dtype=float)
    d = donors.to_numpy(dtype=float)
    w = fit_weights(y[before], d[before])
    synthetic = d @ w
    gap = y - synthetic
    pre, post = _rmspe(gap[before]), _rmspe(gap[~before])

    rows = [{"unit": "(treated)", "pre_rmspe": pre, "post_rmspe": post}]
    p_value = None
    if placebo and d.shape[1] >= 2:
        for j, unit in enumerate(donors.columns):
            others = np.delete(d, j, axis=1)
            wj = fit_weights(d[before, j], others[before])
            g = d[:, j] - others @ wj
            rows.append(
                {"unit": unit, "pre_rmspe": _rmspe(g[before]), "post_rmspe": _rmspe(g[~before])}
            )
    placebos = pd.DataFrame(rows)
    placebos["ratio"] = placebos["post_rmspe"] / placebos["pre_rmspe"].where(
        placebos["pre_rmspe"] > 0
    )
    if len(placebos) > 1:
        ratio = placebos["ratio"].iloc[0]
        p_value = float((placebos["ratio"] >= ratio).sum() / len(placebos))

    gaps = pd.DataFrame(
        {
            "date": wide.index.date.astype(str),
            "treated": y,
            "synthetic": synthetic,
            "gap": gap,
            "period": np.where(before, "before", "after"),
        }
    )
    return SyntheticResult(
        weights=pd.Series(w, index=donors.columns, name="weight").sort_values(ascending=False),
        gaps=gaps,
        average_gap=float(np.mean(gap[~before])),
        pre_rmspe=pre,
        post_rmspe=post,
        p_value=p_value,
        placebos=placebos,
        dropped_donors=dropped,
    )

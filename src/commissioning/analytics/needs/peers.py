"""Peer groups: each unit's k most similar units on standardised characteristics.

Each variable (e.g. share aged 65+, IMD score, rurality) is turned into a z-score across all
units (``(x − mean) / sd``; a variable with no spread counts for nothing), optionally weighted,
and units are compared by Euclidean distance on the z-scores. A k-d tree finds the neighbours,
so thousands of practices take a fraction of a second.

Choose variables that drive need but that commissioners cannot change (age, deprivation,
rurality), not outcomes; the peers of a unit are not symmetric (A's peers may not include B
when B's include A).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from commissioning.analytics.needs._data import DataProblem, numeric, require


def standardise(df: pd.DataFrame, variables: Sequence[str]) -> np.ndarray:
    """z-scores of the variables (columns of the result), sample standard deviation."""
    x = np.column_stack([numeric(df, v, minimum=None) for v in variables])
    mean = x.mean(axis=0)
    sd = x.std(axis=0, ddof=1) if len(x) > 1 else np.zeros(x.shape[1])
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(sd > 0, (x - mean) / sd, 0.0)
    return z


def peer_groups(
    df: pd.DataFrame,
    variables: Sequence[str],
    *,
    unit: str = "unit",
    k: int = 10,
    weights: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """The ``k`` nearest units to each unit, in long form.

    Returns one row per unit and peer: ``unit``, ``rank`` (1 = most similar), ``peer`` and
    ``distance`` (Euclidean, in standard deviations). Equal distances come in no particular order.
    """
    variables = list(variables)
    if not variables:
        raise ValueError("give at least one variable to compare units on")
    require(df, [unit, *variables])
    if df[unit].isna().any():
        rows = np.nonzero(df[unit].isna().to_numpy())[0]
        raise DataProblem("a unit is missing", column=unit, rows=rows[:20])
    if df[unit].duplicated().any():
        rows = np.nonzero(df[unit].duplicated().to_numpy())[0]
        raise DataProblem("each unit must appear once", column=unit, rows=rows[:20])
    n = len(df)
    if not 1 <= k < n:
        raise ValueError(f"k must be at least 1 and less than the number of units ({n}), not {k}")
    z = standardise(df, variables)
    if weights:
        unknown = set(weights) - set(variables)
        if unknown:
            raise ValueError(f"weights given for unknown variables: {', '.join(sorted(unknown))}")
        z = z * np.sqrt([float(weights.get(v, 1.0)) for v in variables])
    from scipy.spatial import cKDTree  # loaded on first use

    tree = cKDTree(z)
    distance, index = tree.query(z, k=k + 1)
    own = index == np.arange(n)[:, None]
    # drop each unit itself (normally first; with exact duplicates it may come later or not at all)
    keep = np.argsort(own, axis=1, kind="stable")[:, :k]
    index = np.take_along_axis(index, keep, axis=1)
    distance = np.take_along_axis(distance, keep, axis=1)
    units = df[unit].to_numpy()
    return pd.DataFrame(
        {
            unit: np.repeat(units, k),
            "rank": np.tile(np.arange(1, k + 1), n),
            "peer": units[index.ravel()],
            "distance": distance.ravel(),
        }
    )

"""Statistical disclosure control for counts derived from patient-level data.

The default policy follows NHS England's method for HES and ECDS outputs (from September 2018)
and OpenSAFELY's: counts from 1 to 7 are suppressed (shown as ``*``) and every other count is
rounded to the nearest 5. Zero stays zero. Secondary suppression then stops a suppressed cell
being worked out from the total of the cells it adds up with: where a group has exactly one
suppressed cell, the next smallest cell in that group is suppressed too.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

SUPPRESSED = "*"


@dataclass(frozen=True)
class SuppressionPolicy:
    """Counts 1 to ``threshold`` are hidden; others rounded to a multiple of ``rounding``."""

    threshold: int = 7
    rounding: int = 5

    def describe(self) -> str:
        text = f"Counts from 1 to {self.threshold} are shown as {SUPPRESSED}"
        if self.rounding > 1:
            text += f"; other counts are rounded to the nearest {self.rounding}"
        return text + "."


DEFAULT_POLICY = SuppressionPolicy()


def small_mask(counts: pd.Series, policy: SuppressionPolicy = DEFAULT_POLICY) -> pd.Series:
    """True where a count is small enough to identify someone (1 to threshold)."""
    values = pd.to_numeric(counts, errors="coerce")
    return (values >= 1) & (values <= policy.threshold)


def round_counts(counts: pd.Series, policy: SuppressionPolicy = DEFAULT_POLICY) -> pd.Series:
    """Round counts to the nearest multiple of ``policy.rounding`` (halves round up)."""
    values = pd.to_numeric(counts, errors="coerce").astype(float)
    if policy.rounding <= 1:
        return values
    step = float(policy.rounding)
    return np.floor(values / step + 0.5) * step


def secondary_mask(
    df: pd.DataFrame, count: str, primary: pd.Series, groups: list[str]
) -> pd.Series:
    """Extra cells to hide so that no lone suppressed cell in a group can be derived.

    ``groups`` names the columns whose cells add up to a published total (e.g. the age bands of
    one practice). Within each group with exactly one primary-suppressed cell, the smallest other
    non-zero cell is hidden as well.
    """
    values = pd.to_numeric(df[count], errors="coerce")
    work = pd.DataFrame({"value": values, "primary": primary.astype(bool)}, index=df.index)
    keys = [df[g] for g in groups]
    lone = work.groupby(keys, dropna=False)["primary"].transform("sum") == 1
    candidates = work[lone & ~work["primary"] & (work["value"] > 0)]
    if candidates.empty:
        return pd.Series(False, index=df.index)
    cand_keys = [df.loc[candidates.index, g] for g in groups]
    smallest = candidates.groupby(cand_keys, dropna=False)["value"].idxmin()
    mask = pd.Series(False, index=df.index)
    mask.loc[smallest.to_numpy()] = True
    return mask


def suppress(
    df: pd.DataFrame,
    counts: list[str],
    *,
    groups: list[str] | None = None,
    policy: SuppressionPolicy = DEFAULT_POLICY,
    derived: dict[str, tuple[str, str]] | None = None,
) -> pd.DataFrame:
    """A copy of ``df`` fit to leave the system.

    - each column in ``counts`` has small counts replaced by ``*`` and the rest rounded;
    - with ``groups``, secondary suppression is applied to each count column;
    - ``derived`` maps a ratio column to its (numerator, denominator) count columns: the ratio is
      hidden wherever either count is hidden and recomputed from the rounded counts elsewhere.
    """
    out = df.copy()
    hidden: dict[str, pd.Series] = {}
    for column in counts:
        mask = small_mask(df[column], policy)
        if groups:
            mask = mask | secondary_mask(df, column, mask, groups)
        hidden[column] = mask
        rounded = round_counts(df[column], policy)
        shown = rounded.astype(object)
        whole = rounded.notna()
        shown[whole] = rounded[whole].astype("int64")
        shown[mask] = SUPPRESSED
        out[column] = shown
    for ratio, (num, den) in (derived or {}).items():
        mask = hidden.get(num, pd.Series(False, index=df.index)) | hidden.get(
            den, pd.Series(False, index=df.index)
        )
        num_r = round_counts(df[num], policy)
        den_r = round_counts(df[den], policy)
        scale = df[ratio] / (df[num] / df[den]).replace(0, np.nan)
        recomputed = (num_r / den_r.replace(0, np.nan)) * scale.fillna(1.0)
        shown = recomputed.astype(object)
        shown[mask] = SUPPRESSED
        out[ratio] = shown
    return out

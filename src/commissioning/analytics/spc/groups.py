"""Contiguous groups of rows in sorted arrays, handled without a loop per group.

Rows are sorted so that each group (a series, or one period of a series) is a contiguous block.
Per-group sums use ``np.bincount``; "the same group as the row k places back" is read from a
row's position within its group.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np


@dataclass(frozen=True)
class Groups:
    """Contiguous blocks of rows: ``ids[i]`` is the block of row ``i`` (0, 1, 2, ...)."""

    ids: np.ndarray
    starts: np.ndarray
    sizes: np.ndarray

    @classmethod
    def from_starts(cls, starts_here: np.ndarray) -> Groups:
        """Build groups from a boolean array that is True on the first row of each block."""
        n = len(starts_here)
        flags = np.asarray(starts_here, dtype=bool).copy()
        if n:
            flags[0] = True
        starts = np.flatnonzero(flags)
        ids = np.cumsum(flags) - 1
        sizes = np.diff(np.append(starts, n))
        return cls(ids=ids, starts=starts, sizes=sizes)

    @property
    def count(self) -> int:
        return len(self.starts)

    @cached_property
    def _position(self) -> np.ndarray:
        return np.arange(len(self.ids)) - self.starts[self.ids]

    def position(self) -> np.ndarray:
        """Each row's place within its block, counting from 0."""
        return self._position

    def remaining(self) -> np.ndarray:
        """How many rows follow each row within its block."""
        return self.sizes[self.ids] - 1 - self._position

    def ends(self) -> np.ndarray:
        """The last row of each block."""
        return self.starts + self.sizes - 1


def group_mean(values: np.ndarray, groups: Groups) -> np.ndarray:
    """Mean of each block, ignoring NaN; NaN for a block with no values.

    Uses a second pass over the residuals, as R's ``mean()`` does, so that results agree with
    NHSRplotthedots to the last few bits rather than drifting with long series.
    """
    present = ~np.isnan(values)
    count = np.bincount(groups.ids, weights=present, minlength=groups.count)
    with np.errstate(invalid="ignore", divide="ignore"):
        total = np.bincount(
            groups.ids, weights=np.where(present, values, 0.0), minlength=groups.count
        )
        mean = total / count
        residual = np.where(present, values - mean[groups.ids], 0.0)
        mean = mean + np.bincount(groups.ids, weights=residual, minlength=groups.count) / count
    return mean


def lag(values: np.ndarray, k: int, fill) -> np.ndarray:
    """``values`` moved ``k`` rows later: row i holds row i - k (``fill`` for the first k)."""
    out = np.full(values.shape, fill, dtype=values.dtype)
    if 0 < k < len(values):
        out[k:] = values[: len(values) - k]
    elif k == 0:
        out[:] = values
    return out


def lead(values: np.ndarray, k: int, fill) -> np.ndarray:
    """``values`` moved ``k`` rows earlier: row i holds row i + k (``fill`` for the last k)."""
    out = np.full(values.shape, fill, dtype=values.dtype)
    if 0 < k < len(values):
        out[: len(values) - k] = values[k:]
    elif k == 0:
        out[:] = values
    return out


def last_present(present: np.ndarray, groups: Groups) -> np.ndarray:
    """For each block, the index of its last row where ``present`` is True, or -1 if none."""
    index = np.where(present, np.arange(len(present)), -1)
    running = np.maximum.accumulate(index) if len(index) else index
    found = running[groups.ends()] if groups.count else np.array([], dtype=np.intp)
    return np.where(found >= groups.starts, found, -1)

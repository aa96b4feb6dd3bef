"""Contiguous groups of rows in sorted arrays, handled without a loop per group.

Rows are sorted so that each group (a series, or one period of a series) is a contiguous block,
described by where each block starts and how long it is. Per-block sums use ``reduceat``; a
block's value is spread over its rows with ``np.repeat``. Nothing here makes an array the
length of the table unless asked for one.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np


@dataclass(frozen=True)
class Groups:
    """Contiguous blocks of rows: block ``i`` is rows ``starts[i]`` to ``starts[i] + sizes[i]``."""

    starts: np.ndarray
    sizes: np.ndarray

    @classmethod
    def from_starts(cls, starts_here: np.ndarray) -> Groups:
        """Build groups from a boolean array that is True on the first row of each block."""
        n = len(starts_here)
        starts = np.flatnonzero(starts_here)
        if n and (not len(starts) or starts[0] != 0):
            starts = np.concatenate([[0], starts])
        sizes = np.diff(np.append(starts, n))
        return cls(starts=starts, sizes=sizes)

    @property
    def count(self) -> int:
        return len(self.starts)

    @cached_property
    def ids(self) -> np.ndarray:
        """The block of each row (0, 1, 2, ...)."""
        return np.repeat(np.arange(self.count), self.sizes)

    def ends(self) -> np.ndarray:
        """The last row of each block."""
        return self.starts + self.sizes - 1

    def spread(self, values: np.ndarray, start: int = 0, stop: int | None = None) -> np.ndarray:
        """One value per block, repeated on each of its rows (only rows ``start`` to ``stop``)."""
        if start == 0 and stop is None:
            return np.repeat(values, self.sizes)
        end = int(self.starts[-1] + self.sizes[-1]) if self.count else 0
        stop = end if stop is None else stop
        if stop <= start:
            return values[:0]
        first, last = self.block_of(np.array([start, stop - 1]))
        sizes = self.sizes[first : last + 1].copy()
        sizes[0] -= start - self.starts[first]
        sizes[-1] -= self.starts[last] + self.sizes[last] - stop
        return np.repeat(values[first : last + 1], sizes)

    def total(self, values: np.ndarray) -> np.ndarray:
        """Sum of each block (of counts or flags: exact in any order)."""
        if not self.count:
            return np.zeros(0, dtype=np.int64)
        return np.add.reduceat(values, self.starts, dtype=np.int64)

    def block_of(self, rows: np.ndarray) -> np.ndarray:
        """The block holding each of ``rows``."""
        return np.searchsorted(self.starts, rows, side="right") - 1


def lag(values: np.ndarray, k: int, fill) -> np.ndarray:
    """``values`` moved ``k`` rows later: row i holds row i - k (``fill`` for the first k)."""
    out = np.full(values.shape, fill, dtype=values.dtype)
    if 0 < k < len(values):
        out[k:] = values[: len(values) - k]
    elif k == 0:
        out[:] = values
    return out


def last_present(present: np.ndarray, groups: Groups, rows: int = 1 << 20) -> np.ndarray:
    """For each block, the index of its last row where ``present`` is True, or -1 if none.

    Works through ``rows`` rows at a time, so that a table of 60 million rows needs no array of
    60 million row numbers.
    """
    found = np.full(groups.count, -1, dtype=np.int64)
    n = len(present)
    for start in range(0, n, rows):
        stop = min(start + rows, n)
        first = int(groups.block_of(np.array([start]))[0])
        last = int(groups.block_of(np.array([stop - 1]))[0])
        local = np.maximum(groups.starts[first : last + 1] - start, 0)
        index = np.where(present[start:stop], np.arange(start, stop), -1)
        found[first : last + 1] = np.maximum(
            found[first : last + 1], np.maximum.reduceat(index, local)
        )
    return found

"""Collecting every problem in an upload, to report them all at once (up to a limit)."""

from __future__ import annotations

import pandas as pd

from commissioning.errors import InputError, Problem

LIMIT = 100


class Problems:
    """Located problems, in the order a person would fix them: file, row, then column order."""

    def __init__(self, limit: int = LIMIT):
        self.limit = limit
        self.items: list[tuple[tuple, Problem]] = []
        self.total = 0
        self._files: dict[str, int] = {}

    def _order(self, file: str) -> int:
        return self._files.setdefault(file, len(self._files))

    def add(self, file: str, row: int | None, column: str | None, message: str) -> None:
        self.total += 1
        self.items.append(((self._order(file), row or 0), Problem(file, row, column, message)))

    def add_rows(self, frame: pd.DataFrame, mask: pd.Series, column: str | None, message) -> None:
        """One problem for each row where ``mask`` is true.

        ``message`` is a string, or a function of the row (called only for rows that are shown).
        """
        if not mask.any():
            return
        hits = frame.loc[mask]
        self.total += len(hits)
        shown = hits.head(self.limit)
        for _, r in shown.iterrows():
            text = message(r) if callable(message) else message
            file = r["__file"]
            self.items.append(
                (
                    (self._order(file), int(r["__row"])),
                    Problem(file, int(r["__row"]), column, text),
                )
            )

    def __bool__(self) -> bool:
        return self.total > 0

    def error(self) -> InputError:
        ordered = [p for _, p in sorted(self.items, key=lambda t: t[0])]
        shown = ordered[: self.limit]
        return InputError(shown, more=self.total - len(shown))

    def raise_if_any(self) -> None:
        if self:
            raise self.error()

"""Turning result tables into text: an aligned table for reading, JSON or CSV for other tools."""

from __future__ import annotations

import json
import math

import pandas as pd

from commissioning.errors import UserError
from commissioning.tables import csv_text

FORMATS = ("table", "json", "csv")


class BadOption(UserError):
    """An option value the verb cannot use: bad input, exit status 2."""

    exit_status = 2


def _plain(value):
    """A JSON-ready Python value: no NaN, no numpy types, ISO dates."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if hasattr(value, "item") and not isinstance(value, list | tuple | dict):
        return _plain(value.item())
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    return value


def records(df: pd.DataFrame) -> list[dict]:
    return [{k: _plain(v) for k, v in row.items()} for row in df.to_dict(orient="records")]


def _cell(value, column: str = "") -> str:
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float) and (
        "year" in column and "years" not in column or column.endswith("_id")
    ):
        return str(int(value)) if float(value).is_integer() else str(value)
    if isinstance(value, int | float) and "share" in column and abs(value) <= 1:
        return f"{value:.1%}"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return f"{int(value):,}"
        if abs(value) < 1 and ("per" in column or "fte" in column):
            return f"{value:.4f}"
        return f"{value:,.2f}" if abs(value) < 1e15 else f"{value:.4g}"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def as_table(df: pd.DataFrame) -> str:
    """An aligned plain-text table; numbers right-aligned, empty cells blank."""
    if df.empty:
        return "(nothing to show)\n"
    columns = [str(c) for c in df.columns]
    cells = [
        [_cell(v, c) for v, c in zip(row, columns, strict=True)]
        for row in df.itertuples(index=False)
    ]
    numeric = [pd.api.types.is_numeric_dtype(df[c]) for c in df.columns]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]

    def line(values):
        parts = [
            v.rjust(w) if num else v.ljust(w)
            for v, w, num in zip(values, widths, numeric, strict=True)
        ]
        return "  ".join(parts).rstrip()

    out = [line(columns), line(["-" * w for w in widths])]
    out.extend(line(r) for r in cells)
    return "\n".join(out) + "\n"


def render(df: pd.DataFrame, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(records(df), indent=2, default=str) + "\n"
    if fmt == "csv":
        return csv_text(df, date_format="%Y-%m-%d")
    return as_table(df)


def add_options(parser) -> None:
    """The options every practice verb shares: --community, --format and -o."""
    parser.add_argument(
        "--community",
        metavar="CODE",
        action="append",
        required=True,
        help="the community's code (repeat the option to put several communities side by side)",
    )
    parser.add_argument(
        "--format", choices=FORMATS, default="table", help="output format (default: table)"
    )
    parser.add_argument(
        "-o", "--output", metavar="FILE", help="write to FILE instead of the screen"
    )


def emit(text: str, path: str | None) -> None:
    """Write ``text`` to ``path``, or to standard output when no path (or ``-``) is given."""
    import sys
    from pathlib import Path

    if path is None or path == "-":
        sys.stdout.write(text)
        return
    p = Path(path)
    if not p.parent.exists():
        raise BadOption(f"{p}: the folder {p.parent} does not exist")
    p.write_text(text, encoding="utf-8")


def stack(frames: list[pd.DataFrame], codes: list[str]) -> pd.DataFrame:
    """Results of several communities one under another, with a ``community`` column first."""
    parts = []
    for df, code in zip(frames, codes, strict=True):
        df = df.copy()
        if "community" in df.columns:
            df = df.drop(columns="community")
        df.insert(0, "community", code)
        parts.append(df)
    parts = [p for p in parts if not p.empty]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def date_option(text: str) -> pd.Timestamp:
    """An argparse type: a date written YYYY-MM-DD."""
    import argparse

    try:
        return pd.Timestamp(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a date written YYYY-MM-DD, found '{text}'"
        ) from None

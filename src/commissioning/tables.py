"""Reading and writing the tables that the command-line verbs take and give.

CSV (UTF-8, UTF-8 with BOM, Windows-1252 as Excel saves it, or UTF-16 with BOM: see
``commissioning.textfiles``) and Parquet in; CSV, Parquet or
JSON out, chosen by the file's ending. ``-`` means standard input or standard output (CSV).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from commissioning.errors import InputError, Problem, UserError, located
from commissioning.textfiles import read_records


def display_name(path: str | Path) -> str:
    return "standard input" if str(path) == "-" else str(path)


def read_table(path: str | Path, *, dtype=str) -> pd.DataFrame:
    """Read a CSV or Parquet file into a dataframe.

    CSV cells are read as text (``dtype=str``; empty cells are missing) so that each verb can
    check and convert them itself and report the exact row and column of anything it cannot
    use. The file is checked by ``textfiles.read_records``: its encoding found (UTF-8, UTF-8
    with BOM, Windows-1252, UTF-16 with BOM), every row as wide as the header, a last row cut
    short of its fields refused, all as located errors (a last row without a line end is taken
    as it is: these verbs store nothing, and standard input often ends so). Blank lines are left
    out, and the frame's index is each row's number as a spreadsheet shows it less 2, so
    ``index + 2`` is the row to report.
    """
    name = display_name(path)
    if str(path) == "-":
        raw = sys.stdin.buffer.read()
    else:
        p = Path(path)
        if not p.exists():
            raise UserError(f"{name}: no such file")
        if p.is_dir():
            raise UserError(f"{name}: is a folder, expected a CSV or Parquet file")
        if p.suffix.lower() in (".parquet", ".pq"):
            try:
                return pd.read_parquet(p)
            except Exception as exc:  # pyarrow raises several kinds
                raise located(name, None, None, f"is not a readable Parquet file ({exc})") from None
        raw = p.read_bytes()
    records = read_records(raw, name, whole_last_value=False)
    df = records.frame
    df.columns = [str(c).strip() for c in records.header]
    df = df.replace("", np.nan)
    if dtype is not str:
        df = df.astype(dtype)
    df.index = pd.Index(records.numbers - 2, dtype="int64")
    return df


def require_columns(df: pd.DataFrame, required: list[str], name: str) -> None:
    """Raise a located error naming every required column that is missing."""
    missing = [c for c in required if c not in df.columns]
    if missing:
        found = ", ".join(df.columns) or "none"
        raise InputError(
            [
                Problem(name, 1, c, f"required column is missing (columns found: {found})")
                for c in missing
            ]
        )


def to_number(
    df: pd.DataFrame,
    column: str,
    name: str,
    *,
    integer: bool = False,
    minimum: float | None = None,
    required: bool = True,
    limit: int = 20,
) -> pd.Series:
    """Convert a text column to numbers, with a located error for every bad cell.

    Thousands separators ("1,234") are accepted. Row numbers are as a spreadsheet shows them.
    """
    raw = df[column]
    if pd.api.types.is_numeric_dtype(raw):
        values = raw.astype(float)
        text = raw.astype(str)
    else:
        text = raw.astype("string").str.strip().str.replace(",", "", regex=False)
        values = pd.to_numeric(text, errors="coerce")
    problems: list[Problem] = []
    blank = raw.isna() | (text.fillna("") == "")
    bad = values.isna() & ~blank
    kind = "a whole number" if integer else "a number"
    for i in bad[bad].index:
        problems.append(Problem(name, int(i) + 2, column, f"expected {kind}, found '{raw[i]}'"))
    if required:
        for i in blank[blank].index:
            problems.append(Problem(name, int(i) + 2, column, f"expected {kind}, found nothing"))
    if integer:
        frac = values.notna() & (values % 1 != 0)
        for i in frac[frac].index:
            problems.append(Problem(name, int(i) + 2, column, f"expected {kind}, found '{raw[i]}'"))
    if minimum is not None:
        low = values.notna() & (values < minimum)
        for i in low[low].index:
            problems.append(
                Problem(name, int(i) + 2, column, f"expected {minimum:g} or more, found '{raw[i]}'")
            )
    if problems:
        problems.sort(key=lambda p: p.row or 0)
        raise InputError(problems[:limit], more=max(0, len(problems) - limit))
    return values


def write_table(df: pd.DataFrame, path: str | Path | None, *, fmt: str | None = None) -> None:
    """Write a dataframe as CSV, Parquet or JSON (records), by ``fmt`` or the file's ending.

    ``None`` or ``-`` writes CSV to standard output.
    """
    if path is None or str(path) == "-":
        if fmt == "json":
            sys.stdout.write(df.to_json(orient="records", date_format="iso", indent=2) + "\n")
        else:
            df.to_csv(sys.stdout, index=False, lineterminator="\n")
        return
    p = Path(path)
    fmt = fmt or {".parquet": "parquet", ".pq": "parquet", ".json": "json"}.get(
        p.suffix.lower(), "csv"
    )
    if p.parent and not p.parent.exists():
        raise UserError(f"{p}: the folder {p.parent} does not exist")
    if fmt == "parquet":
        df.to_parquet(p, index=False)
    elif fmt == "json":
        p.write_text(df.to_json(orient="records", date_format="iso", indent=2) + "\n")
    else:
        df.to_csv(p, index=False, lineterminator="\n")


def write_json(obj, path: str | Path | None) -> None:
    """Write a JSON document to a file, or standard output for ``None`` or ``-``."""
    text = json.dumps(obj, indent=2, default=str) + "\n"
    if path is None or str(path) == "-":
        sys.stdout.write(text)
    else:
        Path(path).write_text(text)


def tidy_numbers(table: pd.DataFrame, count_columns) -> pd.DataFrame:
    """Whole-number counts without a decimal point; other numbers to 10 significant figures
    (so that 7000.000000000001 is written 7000.0)."""
    table = table.copy()
    for col in table.columns:
        values = table[col]
        if not pd.api.types.is_float_dtype(values):
            continue
        if col in count_columns and values.notna().all() and (values % 1 == 0).all():
            table[col] = values.astype("int64")
            continue
        x = values.to_numpy(dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            digits = 9 - np.floor(np.log10(np.abs(x)))
            scale = np.where(np.isfinite(digits), 10.0**digits, 1.0)
            table[col] = np.where((x != 0) & np.isfinite(x), np.round(x * scale) / scale, x)
    return table


# A text cell starting with one of these is taken for a formula by spreadsheets.
FORMULA_START = ("=", "+", "-", "@")


def neutralise_formula(value) -> str:
    """Text for a spreadsheet cell that will not run as a formula (a leading quote is added)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text

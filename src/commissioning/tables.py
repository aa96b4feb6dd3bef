"""Reading and writing tables, and the one writer of every CSV and XLSX file the system makes.

CSV (UTF-8, UTF-8 with BOM, Windows-1252 as Excel saves it, or UTF-16 with BOM: see
``commissioning.textfiles``) and Parquet in; CSV, Parquet or
JSON out, chosen by the file's ending. ``-`` means standard input or standard output (CSV).

**The one writer.** Every CSV and XLSX file the system produces (web downloads, exports,
templates, reports, the evidence framework matrix, the audit trail, survey links, command-line
output) is written by :func:`write_csv`, :func:`csv_text`, :func:`write_xlsx` or a workbook from
:func:`new_workbook`. Each neutralises text cells the same way (:func:`safe_text`): text that a
spreadsheet would take for a formula (it starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return; OWASP's guidance on CSV injection) gets a leading single quote. Numbers are
never touched, and neither is text that is a plain negative number (``-0.5``), which cannot run
anything. Readers undo it (:func:`unguard`), so export then import changes nothing.
A data frame written to a file or standard output goes by the fast path (``arrow_tables``: the
bytes ``DataFrame.to_csv`` writes, faster), after the same neutralising.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import json
import math
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
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
    # text the writer guarded ("'=x") is read back as written ("=x")
    df.columns = [unguard(str(c).strip()) for c in records.header]
    df = df.replace("", np.nan)
    for column in df.columns:
        if not pd.api.types.is_numeric_dtype(df[column]):
            df[column] = unguard_series(df[column])
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
            write_csv(df, None)
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
        write_csv(df, p)


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


# -- the one writer of CSV and XLSX -------------------------------------------------------------

#: A text cell starting with one of these is taken for a formula by spreadsheets.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Written text may already start with quotes: "'=x" is written "''=x", so that reading it back
# (one quote off) gives "'=x" again. Every pattern below therefore allows leading quotes.
_RISKY = r"'*[=+\-@\t\r]"
_NEGATIVE_NUMBER = r"'*-(?:\d[\d,]*(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_RISKY_RE = re.compile(_RISKY)
_NEGATIVE_NUMBER_RE = re.compile(_NEGATIVE_NUMBER)


def needs_guard(text: str) -> bool:
    """Would a spreadsheet take ``text`` (after any leading quotes) for a formula?"""
    return bool(_RISKY_RE.match(text)) and not _NEGATIVE_NUMBER_RE.fullmatch(text)


def safe_text(value) -> str:
    """Text for a CSV or XLSX cell that a spreadsheet shows as text and never runs: a leading
    single quote before text starting ``=``, ``+``, ``-``, ``@``, tab or carriage return."""
    text = "" if value is None else str(value)
    return "'" + text if needs_guard(text) else text


def unguard(text: str) -> str:
    """Undo :func:`safe_text`: ``"'=x"`` is read back as ``"=x"``; anything else as it is."""
    if text.startswith("'") and needs_guard(text[1:]):
        return text[1:]
    return text


def _guarded(s: pd.Series) -> pd.Series:
    """Which cells of a column of text :func:`needs_guard` (False for cells that are not text)."""
    s = s.astype("object")
    try:
        risky = s.str.match(_RISKY).fillna(False).astype(bool)
    except AttributeError:  # a column of objects none of which is text (all whole numbers)
        return pd.Series(False, index=s.index)
    if not risky.any():
        return risky
    number = s.str.fullmatch(_NEGATIVE_NUMBER).fillna(False).astype(bool)
    return risky & ~number


def safe_series(s: pd.Series) -> pd.Series:
    """:func:`safe_text` for every text cell of a column (other cells as they are)."""
    if pd.api.types.is_numeric_dtype(s) or pd.api.types.is_datetime64_any_dtype(s):
        return s
    guard = _guarded(s)
    if not guard.any():
        return s
    return s.astype("object").where(~guard, "'" + s.where(guard, "").astype(str))


def unguard_series(s: pd.Series) -> pd.Series:
    """:func:`unguard` for every text cell of a column."""
    if pd.api.types.is_numeric_dtype(s) or pd.api.types.is_datetime64_any_dtype(s):
        return s
    try:
        quoted = s.astype("object").str.startswith("'").fillna(False).astype(bool)
    except AttributeError:  # no text in the column
        return s
    if not quoted.any():
        return s
    strip = quoted & _guarded(s.where(quoted, "").astype(str).str.slice(1))
    return s.where(~strip, s.where(strip, "").astype(str).str.slice(1))


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with every text cell (and column name) neutralised."""
    out = df.copy()
    for i in range(out.shape[1]):
        out.isetitem(i, safe_series(out.iloc[:, i]))
    out.columns = [safe_text(c) for c in out.columns]
    return out


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, bool | int | float | decimal.Decimal):
        return value
    return safe_text(value)


def _neutralised(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` itself when no text cell or column name needs neutralising, else
    :func:`safe_frame` of it (a copy only when needed: frames of millions of rows pass through)."""
    if any(isinstance(c, str) and needs_guard(c) for c in df.columns):
        return safe_frame(df)
    for i in range(df.shape[1]):
        column = df.iloc[:, i]
        if isinstance(column.dtype, pd.CategoricalDtype):
            categories = pd.Series(column.cat.categories)
            if _guarded(categories).any():
                return safe_frame(df)
        elif (
            not (
                pd.api.types.is_numeric_dtype(column)
                or pd.api.types.is_datetime64_any_dtype(column)
            )
            and _guarded(column).any()
        ):
            return safe_frame(df)
    return df


def _write_csv_to(fh, table, columns, *, lineterminator: str, quoting: int, date_format) -> None:
    if isinstance(table, pd.DataFrame):
        safe_frame(table).to_csv(
            fh,
            index=False,
            lineterminator=lineterminator,
            quoting=quoting,
            date_format=date_format,
        )
        return
    writer = csv.writer(fh, lineterminator=lineterminator, quoting=quoting)
    if columns is not None:
        writer.writerow([safe_text(c) for c in columns])
    for row in table:
        writer.writerow([_csv_cell(v) for v in row])


def csv_text(
    table: pd.DataFrame | Iterable[Sequence],
    columns: Sequence[str] | None = None,
    *,
    lineterminator: str = "\n",
    quoting: int = csv.QUOTE_MINIMAL,
    date_format: str | None = None,
) -> str:
    """A table as CSV text, every text cell neutralised.

    ``table`` is a dataframe (its columns are the header) or rows of values with ``columns``
    as the header (no header row when ``columns`` is None).
    """
    buf = io.StringIO()
    _write_csv_to(
        buf, table, columns, lineterminator=lineterminator, quoting=quoting, date_format=date_format
    )
    return buf.getvalue()


def write_csv(
    table: pd.DataFrame | Iterable[Sequence],
    target=None,
    columns: Sequence[str] | None = None,
    *,
    lineterminator: str = "\n",
    quoting: int = csv.QUOTE_MINIMAL,
    date_format: str | None = None,
    encoding: str = "utf-8",
) -> None:
    """Write a table as CSV (see :func:`csv_text`) to ``target``: a path, an open text file
    (anything with ``write``, such as a Django response), or standard output for None or ``-``."""
    options = {"lineterminator": lineterminator, "quoting": quoting, "date_format": date_format}
    plain = (lineterminator, quoting, date_format, encoding) == (
        "\n",
        csv.QUOTE_MINIMAL,
        None,
        "utf-8",
    )
    if plain and isinstance(table, pd.DataFrame) and not hasattr(target, "write"):
        from commissioning.arrow_tables import write_csv as fast  # pyarrow loads when needed

        fast(_neutralised(table), None if target is None or str(target) == "-" else target)
        return
    if target is None or str(target) == "-":
        _write_csv_to(sys.stdout, table, columns, **options)
    elif hasattr(target, "write"):
        _write_csv_to(target, table, columns, **options)
    else:
        with Path(target).open("w", newline="", encoding=encoding) as fh:
            _write_csv_to(fh, table, columns, **options)


def cell_value(value):
    """A value as a spreadsheet cell holds it: numbers and dates as they are (numpy scalars as
    Python ones, time zones dropped: Excel has none), empty for None and NaN, anything else as
    text. Text is *not* neutralised here: :func:`safe_cell` and the workbooks do that."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool | int | decimal.Decimal):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else value
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date | dt.time):
        return value
    if hasattr(value, "item"):  # numpy scalars
        return cell_value(value.item())
    return str(value)


def _xlsx_text(text: str) -> str:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    # Characters XML cannot hold (other control characters than tab and line breaks) are left
    # out: a workbook cannot store them at all.
    return safe_text(ILLEGAL_CHARACTERS_RE.sub("", text))


def safe_cell(value):
    """:func:`cell_value`, with text neutralised (:func:`safe_text`)."""
    value = cell_value(value)
    return _xlsx_text(value) if isinstance(value, str) else value


def write_xlsx(
    sheets: Mapping[str, Iterable[Sequence]], target, *, bold_header: bool = True
) -> None:
    """A workbook of plain tables, streamed: ``sheets`` maps each sheet's name to its rows (the
    first is the header, in bold). Every cell goes through :func:`safe_cell`. ``target`` is a
    path or a binary file."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for i, row in enumerate(rows):
            values = [safe_cell(v) for v in row]
            if i == 0 and bold_header:
                values = [_bold(WriteOnlyCell(sheet, value=v), Font) for v in values]
            sheet.append(values)
    book.save(target)


def _bold(cell, font):
    cell.font = font(bold=True)
    return cell


def new_workbook():
    """An openpyxl workbook for laid-out sheets (reports, the framework matrix, templates).

    Put plain values in its cells (:func:`cell_value`); when it is saved, every text cell is
    neutralised (:func:`safe_text`), including text openpyxl took for a formula because it
    starts with ``=``: nothing the system writes is ever a live formula.
    """
    from openpyxl import Workbook

    class SafeWorkbook(Workbook):
        def save(self, filename):
            neutralise_workbook(self)
            super().save(filename)

    return SafeWorkbook()


def neutralise_workbook(book) -> None:
    """Neutralise every text cell of an (ordinary, not write-only) openpyxl workbook, once."""
    done = book.__dict__.setdefault("_neutralised", {})
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                value = cell.value
                if cell.data_type == "f" and not isinstance(value, str):
                    value = str(getattr(value, "text", value))
                if not isinstance(value, str):
                    continue
                key = (sheet.title, cell.row, cell.column)
                if key in done and done[key] == value:
                    continue  # already neutralised by an earlier save
                cell.value = _xlsx_text(value)
                done[key] = cell.value

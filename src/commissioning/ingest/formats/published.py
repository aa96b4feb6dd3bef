"""Reading an NHS published file as text, and the checks every published layout shares.

Published files are read cell by cell as text (codes keep their leading zeros), with or without
a header row, in UTF-8 (with or without a byte-order mark) or Windows-1252. Each format turns
its rows into rows of the importer's own kinds (``Converted``), keeping the row numbers of the
published file so that every problem is reported where the user can find it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from commissioning.errors import located
from commissioning.ingest.problems import Problems
from commissioning.ingest.readers import FILE, ROW, Sheet, normalise_header

SNIFF_BYTES = 65_536
SNIFF_ROWS = 5

PRACTICE_CODE = re.compile(r"[A-Z]\d{5}")  # GP practice (and other prescribing cost centre)
ODS_CODE = re.compile(r"[A-Z0-9]{3,10}")

DATE_FORMATS = ("%Y%m%d", "%d-%b-%y", "%d%b%Y", "%d-%b-%Y", "%Y-%m-%d", "%d/%m/%Y")


@dataclass
class Table:
    """One published file as text: columns by normalised header (or col1, col2 … if none)."""

    file: str
    frame: pd.DataFrame  # text cells, plus ROW (the row a spreadsheet shows)
    headers: list[str]  # as written; empty for a headerless file


@dataclass
class Converted:
    """What one published file gives: sheets of the importer's kinds, and what was left out."""

    sheets: list[Sheet] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # organisations known only by code and name (e.g. a PCN named in a membership file): added
    # only when neither the database nor another file of the upload has them
    stubs: list[Sheet] = field(default_factory=list)

    def add(self, table: Table, kind: str, frame: pd.DataFrame, *, stub: bool = False) -> None:
        """Rows of ``kind`` (columns named as in the kind, plus ROW) from ``table``."""
        headers = [c for c in frame.columns if c not in (ROW, FILE)]
        frame = frame[[*headers, ROW]].reset_index(drop=True)
        (self.stubs if stub else self.sheets).append(
            Sheet(table.file, None, frame, headers, kind=kind)
        )


def decode(raw: bytes, name: str) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text
    raise located(
        name,
        None,
        None,
        "cannot be read as text (expected UTF-8 or Windows-1252, as the NHS publishes; "
        "a file saved as UTF-16 or 'Unicode text' must be saved again as CSV)",
    )


def sniff(path: str | Path) -> list[list[str]]:
    """The first few rows of a CSV file as lists of cells ([] if it cannot be read)."""
    p = Path(path)
    if not p.is_file() or p.suffix.lower() not in (".csv", ".txt", ""):
        return []
    with p.open("rb") as fh:
        raw = fh.read(SNIFF_BYTES)
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            # a multi-byte character cut at the end of the sample
            try:
                text = raw[:-3].decode(encoding)
                break
            except UnicodeDecodeError:
                continue
    else:
        return []
    rows = []
    for row in csv.reader(io.StringIO(text)):
        rows.append(row)
        if len(rows) >= SNIFF_ROWS:
            break
    return rows


def header_names(rows: list[list[str]]) -> set[str]:
    return {normalise_header(h) for h in rows[0]} if rows else set()


def read_table(path: str | Path, *, header: bool) -> Table:
    name = str(path)
    text = decode(Path(path).read_bytes(), name)
    if not text.strip():
        raise located(name, None, None, "is empty")
    try:
        df = pd.read_csv(
            io.StringIO(text),
            dtype=str,
            header=0 if header else None,
            keep_default_na=False,
            na_values=[],
            skip_blank_lines=True,
        )
    except pd.errors.ParserError as exc:
        raise located(name, None, None, f"is not a well-formed CSV file ({exc})") from None
    if header:
        headers = [str(c) for c in df.columns]
        df.columns = [normalise_header(c) for c in headers]
        first = 2
    else:
        headers = []
        df.columns = [f"col{i + 1}" for i in range(df.shape[1])]
        first = 1
    df = df.fillna("")
    for c in df.columns:
        df[c] = df[c].astype(str).str.strip()
    df[ROW] = pd.RangeIndex(first, len(df) + first)
    df[FILE] = name
    return Table(name, df, headers)


def require_columns(table: Table, names: list[str], problems: Problems) -> bool:
    missing = [n for n in names if n not in table.frame.columns]
    for n in missing:
        problems.add(table.file, 1, n.upper(), "column of the published layout is missing")
    return not missing


def check_codes(
    table: Table,
    column: str,
    problems: Problems,
    *,
    shape: re.Pattern = PRACTICE_CODE,
    what: str = "a practice code such as A81001",
    label: str | None = None,
    optional: bool = False,
) -> None:
    s = table.frame[column].str.upper()
    bad = ~s.str.fullmatch(shape.pattern)
    if optional:
        bad &= s != ""
    problems.add_rows(
        table.frame,
        bad,
        label or column.upper(),
        lambda r: f"expected {what}, found '{r[column]}'",
    )


def parse_dates(
    table: Table, column: str, problems: Problems, *, label: str | None = None
) -> pd.Series:
    """ISO dates (yyyy-mm-dd) from the NHS's spellings; '' where blank; problems if unknown."""
    s = table.frame[column]
    # a national file repeats a handful of spellings: parse each distinct one once
    cache: dict[str, str | None] = {t: _date(t) for t in s.unique() if t != ""}
    parsed = s.map(cache)
    out = parsed.where(parsed.notna(), "").astype(object)
    bad = (s != "") & parsed.isna()
    problems.add_rows(
        table.frame,
        bad,
        label or column.upper(),
        lambda r: f"expected a date such as 20200401, 01-Apr-17 or 01JAN2022, found '{r[column]}'",
    )
    return out


def _date(text: str) -> str | None:
    t = text.strip().title() if not text.strip().isdigit() else text.strip()
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(t, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def check_counts(table: Table, column: str, problems: Problems, *, label: str | None = None):
    """Whole numbers of patients (0 or more); problems for anything else."""
    s = table.frame[column].str.replace(",", "", regex=False)
    n = pd.to_numeric(s, errors="coerce")
    bad = n.isna() | (n < 0) | (n.fillna(0) % 1 != 0)
    problems.add_rows(
        table.frame,
        bad,
        label or column.upper(),
        lambda r: f"expected a whole number of patients, found '{r[column]}'",
    )
    return n

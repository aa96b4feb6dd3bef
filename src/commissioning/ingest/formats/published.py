"""Reading an NHS published file as text, and the checks every published layout shares.

Published files are read cell by cell as text (codes keep their leading zeros), with or without
a header row, in UTF-8 (with or without a byte-order mark), Windows-1252 or UTF-16 with a
byte-order mark, and checked row by row (``commissioning.textfiles``). Each format turns
its rows into rows of the importer's own kinds (``Converted``), keeping the row numbers of the
published file so that every problem is reported where the user can find it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from commissioning.ingest.problems import Problems
from commissioning.ingest.readers import FILE, ROW, Sheet, normalise_header, text_frame
from commissioning.textfiles import read_records, sniff_rows

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
    encoding: str = ""  # the text encoding found (textfiles names it)


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


def sniff(path: str | Path) -> list[list[str]]:
    """The first few complete rows of a CSV file as lists of cells ([] if it cannot be read)."""
    p = Path(path)
    if not p.is_file() or p.suffix.lower() not in (".csv", ".txt", ""):
        return []
    with p.open("rb") as fh:
        raw = fh.read(SNIFF_BYTES)
    return sniff_rows(raw, SNIFF_ROWS)


def header_names(rows: list[list[str]]) -> set[str]:
    return {normalise_header(h) for h in rows[0]} if rows else set()


def read_table(
    path: str | Path,
    *,
    header: bool,
    narrower_rows: bool = False,
    widths: tuple[int, ...] = (),
) -> Table:
    """A published file as text, checked by ``textfiles.read_records`` (encoding named, every
    row as wide as the header or the layout, a file cut short refused); cells stripped."""
    name = str(path)
    records = read_records(
        Path(path).read_bytes(), name, header=header, narrower_rows=narrower_rows, widths=widths
    )
    if header:
        headers = list(records.header)
        names = [normalise_header(c) for c in headers]
    else:
        headers = []
        names = [f"col{i + 1}" for i in range(records.frame.shape[1])]
    df = text_frame(records, names)
    for c in df.columns:
        df[c] = df[c].astype(str).str.strip()
    df[ROW] = records.numbers
    df[FILE] = name
    return Table(name, df, headers, records.encoding)


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


def check_last_band_whole(
    rows: pd.DataFrame,
    *,
    group: list[str],
    part: str,
    parts: dict[str, set],
    band_of,
    column: str,
    problems: Problems,
) -> None:
    """The rows added up into the band of the file's last row must all be there.

    Some layouts give a band in several rows (single years 85 to 89 for the band 85-89; 90_94
    and 95+ for 90+). A file cut at a line end can stop part-way through a band, and the part
    left would replace the whole band stored before: so the band of the file's last row (for
    its practice, date and sex, in ``group``) must have every one of its ``parts``.
    """
    if rows.empty:
        return
    last = rows.loc[rows[ROW].idxmax()]
    band = band_of(last[part])
    same = pd.Series(True, index=rows.index)
    for c in group:
        same &= rows[c] == last[c]
    found = {p for p in rows.loc[same, part] if band_of(p) == band}
    missing = sorted(parts.get(band, set()) - found, key=str)
    if missing:
        problems.add(
            last[FILE],
            int(last[ROW]),
            column,
            f"this is the file's last row, and the band {band} it belongs to is added up from "
            f"rows that are not all there ({', '.join(map(str, missing))} missing for the same "
            "practice and sex): the file seems cut short; check that it is complete",
        )

"""Reading import files into sheets of text: CSV (UTF-8, UTF-8 with BOM, Windows-1252, UTF-16
with BOM: see ``commissioning.textfiles``) and XLSX.

Every cell is read as text so that the checks can report exactly what was found; row numbers
are kept as a spreadsheet shows them (the header is row 1).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from commissioning.errors import UserError, located
from commissioning.textfiles import Records, read_records

ROW = "__row"
FILE = "__file"


@dataclass
class Sheet:
    """One table from one file: a CSV file, or one sheet of a workbook."""

    file: str
    name: str | None  # the workbook sheet's name, None for CSV
    frame: pd.DataFrame  # text cells, plus ROW (spreadsheet row number)
    headers: list[str]  # the headers as written
    kind: str | None = None  # set when already known (rows converted from an NHS layout)
    encoding: str | None = None  # a CSV file's text encoding, as found (None for a workbook)

    @property
    def label(self) -> str:
        return f"{self.file} (sheet {self.name})" if self.name else self.file


def normalise_header(text: object) -> str:
    """'ODS code' -> 'ods_code'; line breaks and repeated spaces are ignored."""
    s = re.sub(r"\s+", " ", str(text if text is not None else "")).strip().lower()
    return re.sub(r"[\s\-/]+", "_", s)


def read(path: str | Path) -> list[Sheet]:
    p = Path(path)
    if not p.exists():
        raise UserError(f"{p}: no such file")
    if p.is_dir():
        raise UserError(f"{p}: is a folder, expected a CSV or Excel (.xlsx) file")
    suffix = p.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(p)
    if suffix == ".xls":
        raise located(str(p), None, None, "is an old Excel file: save it as .xlsx or .csv")
    return [read_csv(p)]


def text_frame(records: Records, names: list[str]) -> pd.DataFrame:
    """A CSV file's rows (``textfiles.read_records``) as a frame of text named ``names``."""
    frame = records.frame
    frame.columns = names
    return frame


def read_csv(path: Path) -> Sheet:
    """A CSV file as a sheet of text, checked by ``textfiles.read_records``: its encoding found
    and named, every row with as many fields as the header, a file cut short refused."""
    name = str(path)
    records = read_records(path.read_bytes(), name)
    headers = records.header
    df = text_frame(records, [normalise_header(c) for c in headers])
    df[ROW] = records.numbers
    return Sheet(name, None, _drop_blank_rows(df), headers, encoding=records.encoding)


def _drop_blank_rows(df: pd.DataFrame) -> pd.DataFrame:
    cols = [c for c in df.columns if c != ROW]
    if not cols or df.empty:
        return df.reset_index(drop=True)
    blank = pd.Series(True, index=df.index)
    for c in cols:
        blank &= df[c].str.strip() == ""
    return df[~blank].reset_index(drop=True)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def read_xlsx(path: Path) -> list[Sheet]:
    """Every sheet of a workbook that has a header row, as text.

    The archive is checked before openpyxl parses it (:mod:`commissioning.ingest.workbooks`:
    size limit, damaged parts); any error while parsing is one plain, located message.
    """
    from openpyxl import load_workbook

    from commissioning.ingest.workbooks import check_workbook, damaged

    name = str(path)
    check_workbook(path, name=name)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl and its XML parsers raise many kinds on damaged parts
        raise damaged(name, exc) from None
    sheets = []
    title = None
    try:
        for ws in wb.worksheets:
            title = ws.title
            rows = ws.iter_rows(values_only=True)
            header = next(rows, None)
            if header is None or all(v is None for v in header):
                continue
            width = len(header)
            while width and header[width - 1] is None:
                width -= 1
            headers = [_cell_text(v) for v in header[:width]]
            data = []
            numbers = []
            for number, row in enumerate(rows, start=2):
                cells = [_cell_text(v) for v in row[:width]]
                cells += [""] * (width - len(cells))
                if any(c.strip() for c in cells):
                    data.append(cells)
                    numbers.append(number)
            df = pd.DataFrame(data, columns=[normalise_header(h) for h in headers], dtype=str)
            if df.empty:
                df = pd.DataFrame({normalise_header(h): pd.Series([], dtype=str) for h in headers})
            df[ROW] = pd.Series(numbers, dtype="int64")
            sheets.append(Sheet(name, ws.title, df.fillna(""), headers))
    except Exception as exc:  # a damaged sheet: the parser reads it lazily, row by row
        raise damaged(name, exc, sheet=title) from None
    finally:
        wb.close()
    if not sheets:
        raise located(name, None, None, "has no sheet with a header row")
    return sheets

"""ODS ePCN, "PCN Details": primary care networks with open and close dates.

Columns: PCN code (U and five digits), PCN name, current CCG or Sub-ICB location code and
name, open date, close date, address lines 1 to 5, postcode. Saved as CSV from the ePCN
workbook's sheet (header cells with line breaks are read as one line).
"""

from __future__ import annotations

import re

import pandas as pd

from commissioning.ingest.formats.published import (
    Converted,
    Table,
    check_codes,
    header_names,
    parse_dates,
    require_columns,
)
from commissioning.ingest.problems import Problems
from commissioning.ingest.readers import FILE, ROW

NAME = "ods-pcns"
TITLE = "ODS ePCN, PCN Details: primary care networks, with open and close dates"
HEADER = True
PCN_CODE = re.compile(r"U\d{5}")


def _column(columns, prefix: str) -> str | None:
    return next((c for c in columns if c.startswith(prefix)), None)


def detect(rows: list[list[str]]) -> bool:
    names = header_names(rows)
    return {"pcn_code", "pcn_name"} <= names and _column(names, "open_date") is not None


def to_rows(table: Table, problems: Problems, options: dict) -> Converted:
    frame = table.frame
    opened = _column(frame.columns, "open_date") or "open_date"
    closed = _column(frame.columns, "close_date") or "close_date"
    if not require_columns(table, ["pcn_code", "pcn_name", opened, closed], problems):
        return Converted()
    frame["pcn_code"] = frame["pcn_code"].str.upper()
    check_codes(table, "pcn_code", problems, shape=PCN_CODE, what="a PCN code such as U45102")
    out = Converted()
    rows = pd.DataFrame(
        {
            FILE: frame[FILE],
            ROW: frame[ROW],
            "ods_code": frame["pcn_code"],
            "name": frame["pcn_name"],
            "kind": "pcn",
            "valid_from": parse_dates(table, opened, problems, label="Open Date"),
            "valid_to": parse_dates(table, closed, problems, label="Close Date"),
            "postcode": frame["postcode"] if "postcode" in frame.columns else "",
        }
    )
    out.add(table, "organisations", rows)
    return out

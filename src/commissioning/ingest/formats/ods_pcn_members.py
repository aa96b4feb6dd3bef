"""ODS ePCN, "PCN Core Partner Details": which practices belong to which PCN, and when.

Eleven columns in a fixed order (their names changed when CCGs became Sub-ICB locations, and
the CSV report has no header row by default): partner (practice) code and name, the practice's
commissioner code and name, PCN code and name, the PCN's commissioner code and name,
relationship start date, end date (blank while current), and whether the two commissioners
match. Each row is a dated "pcn" link from the practice to its PCN; a PCN not otherwise known
is added by its code and name.
"""

from __future__ import annotations

import re

import pandas as pd

from commissioning.ingest.formats.published import (
    PRACTICE_CODE,
    Converted,
    Table,
    check_codes,
    parse_dates,
)
from commissioning.ingest.problems import Problems
from commissioning.ingest.readers import FILE, ROW

NAME = "ods-pcn-members"
TITLE = "ODS ePCN, PCN Core Partner Details: dated practice membership of PCNs"
HEADER = False
FIELDS = 11
WIDTHS = (FIELDS,)
PCN_CODE = re.compile(r"U\d{5}")
DATE = re.compile(r"\d{8}")


def _is_header(row: list[str]) -> bool:
    return bool(row) and "partner" in row[0].lower()


def detect(rows: list[list[str]]) -> bool:
    data = [r for r in rows if not _is_header(r)]
    return bool(data) and all(
        len(r) == FIELDS
        and PRACTICE_CODE.fullmatch(r[0].strip().upper())
        and PCN_CODE.fullmatch(r[4].strip().upper())
        and DATE.fullmatch(r[8].strip())
        for r in data
    )


def to_rows(table: Table, problems: Problems, options: dict) -> Converted:
    frame = table.frame
    if len(frame) and _is_header(list(frame.iloc[0][["col1"]])):
        frame = frame.iloc[1:].copy()
    if frame.shape[1] - 2 < FIELDS:  # less FILE and ROW
        problems.add(table.file, None, None, f"expected {FIELDS} columns, as ePCN publishes")
        return Converted()
    table = Table(table.file, frame, table.headers)
    frame["col1"] = frame["col1"].str.upper()
    frame["col5"] = frame["col5"].str.upper()
    check_codes(table, "col1", problems, label="Partner Organisation Code")
    check_codes(
        table, "col5", problems, shape=PCN_CODE, what="a PCN code such as U45102", label="PCN Code"
    )
    start = parse_dates(table, "col9", problems, label="Relationship Start Date")
    end = parse_dates(table, "col10", problems, label="Relationship End Date")
    out = Converted()
    out.add(
        table,
        "links",
        pd.DataFrame(
            {
                FILE: frame[FILE],
                ROW: frame[ROW],
                "child_ods": frame["col1"],
                "parent_ods": frame["col5"],
                "relationship": "pcn",
                "valid_from": start,
                "valid_to": end,
            }
        ),
    )
    pcns = pd.DataFrame(
        {
            FILE: frame[FILE],
            ROW: frame[ROW],
            "ods_code": frame["col5"],
            "name": frame["col6"],
            "kind": "pcn",
        }
    )
    out.add(table, "organisations", pcns, stub=True)
    return out

"""ODS eccg: CCGs and, since 1 July 2022, Sub-ICB locations (closed CCGs kept with close dates).

A row is a Sub-ICB location when its sub-type (field 14) is RO319 or its name has the
"… ICB - 00T" form of the current rows; otherwise a CCG.
"""

from __future__ import annotations

from commissioning.ingest.formats import ods
from commissioning.ingest.formats.published import Converted, Table
from commissioning.ingest.problems import Problems

NAME = "ods-commissioners"
TITLE = "ODS eccg: CCGs and Sub-ICB locations, with open and close dates"
HEADER = False
WIDTHS = ods.WIDTHS


def detect(rows: list[list[str]]) -> bool:
    names = ods.field(rows, 2)
    return (
        ods.looks_like_ods(rows)
        and all(v == "" for v in ods.field(rows, 26))
        and all(v == "" for v in ods.field(rows, 24))
        and all(n.upper().startswith("NHS ") for n in names)
    )


def to_rows(table: Table, problems: Problems, options: dict) -> Converted:
    ods.checked(table, problems)
    frame = table.frame
    sub_icb = (frame["col14"].str.upper() == "RO319") | frame["col2"].str.contains(
        r" ICB - [A-Z0-9]+$", regex=True
    )
    kind = sub_icb.map({True: "sub_icb", False: "ccg"})
    out = Converted()
    out.add(table, "organisations", ods.organisations(frame, kind))
    return out

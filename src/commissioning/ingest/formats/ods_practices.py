"""ODS epraccur: GP practices, their open and close dates and their commissioner.

Only rows with prescribing setting 4 (GP practice) are practices; the file also holds
thousands of other prescribing cost centres (walk-in centres, out-of-hours services, prisons,
PCNs), which are left out and counted. Each practice's commissioner (field 15, a CCG or Sub-ICB
location code) becomes a dated "commissioner" link from the join date (field 16) to the date it
left (field 17).
"""

from __future__ import annotations

import pandas as pd

from commissioning.ingest.formats import ods
from commissioning.ingest.formats.published import Converted, Table, parse_dates
from commissioning.ingest.problems import Problems
from commissioning.ingest.readers import FILE, ROW

NAME = "ods-practices"
TITLE = "ODS epraccur: GP practices, with open and close dates and their commissioner"
HEADER = False
WIDTHS = ods.WIDTHS
GP_PRACTICE = "4"


def detect(rows: list[list[str]]) -> bool:
    return ods.looks_like_ods(rows) and all(
        ods.field(rows, 26)[i].isdigit() and ods.field(rows, 13)[i] in ("A", "C", "D", "P")
        for i in range(len(rows))
    )


def to_rows(table: Table, problems: Problems, options: dict) -> Converted:
    ods.checked(table, problems)
    frame = table.frame
    practices = frame[frame["col26"] == GP_PRACTICE].copy()
    out = Converted()
    others = len(frame) - len(practices)
    if others:
        out.notes.append(
            f"{table.file}: {others} rows are not GP practices (prescribing setting other "
            "than 4: walk-in centres, out-of-hours, prisons, PCNs and so on) and were left out"
        )
    out.add(table, "organisations", ods.organisations(practices, "gp_practice"))
    sub = Table(table.file, practices, [])
    joined = parse_dates(sub, "col16", problems, label="field 16 (joined parent)")
    left = parse_dates(sub, "col17", problems, label="field 17 (left parent)")
    has_parent = practices["col15"] != ""
    links = pd.DataFrame(
        {
            FILE: practices[FILE],
            ROW: practices[ROW],
            "child_ods": practices["col1"],
            "parent_ods": practices["col15"].str.upper(),
            "relationship": "commissioner",
            "valid_from": joined,
            "valid_to": left,
        }
    )[has_parent]
    out.add(table, "links", links)
    return out

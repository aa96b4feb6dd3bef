"""The ODS "standard 27-field" layout shared by epraccur, eccg and etr: no header row, quoted.

Columns used (1-based): 1 code, 2 name, 10 postcode, 11 open date, 12 close date, 13 status,
14 sub-type, 15 parent (commissioner), 16 and 17 joined and left the parent, 24 varies,
26 prescribing setting (epraccur only).
"""

from __future__ import annotations

import re

import pandas as pd

from commissioning.ingest.formats.published import (
    ODS_CODE,
    Table,
    check_codes,
    parse_dates,
)
from commissioning.ingest.problems import Problems
from commissioning.ingest.readers import FILE, ROW

FIELDS = 27
# the numbers of fields a row may have: copies re-saved by a spreadsheet drop the last three
WIDTHS = (24, FIELDS)
DATE = re.compile(r"\d{8}")


def looks_like_ods(rows: list[list[str]]) -> bool:
    """27 fields a row, a code first, an open date (yyyymmdd) in field 11."""
    if not rows:
        return False
    return all(
        len(r) in (24, FIELDS)  # copies re-saved by a spreadsheet drop trailing empty fields
        and ODS_CODE.fullmatch(r[0].strip().upper())
        and DATE.fullmatch(r[10].strip())
        for r in rows
    )


def field(rows: list[list[str]], number: int) -> list[str]:
    return [r[number - 1].strip() if len(r) >= number else "" for r in rows]


def checked(table: Table, problems: Problems) -> Table:
    """Pad short rows to 27 fields; report rows with more, bad codes and bad dates."""
    frame = table.frame
    for i in range(1, FIELDS + 1):
        if f"col{i}" not in frame.columns:
            frame[f"col{i}"] = ""
    extra = [c for c in frame.columns if c.startswith("col") and int(c[3:]) > FIELDS]
    if extra:
        wide = pd.Series(False, index=frame.index)
        for c in extra:
            wide |= frame[c] != ""
        problems.add_rows(
            frame, wide, None, f"expected {FIELDS} fields, as in the ODS standard layout"
        )
    frame["col1"] = frame["col1"].str.upper()
    check_codes(table, "col1", problems, shape=ODS_CODE, what="an ODS code", label="field 1 (code)")
    frame["__open"] = parse_dates(table, "col11", problems, label="field 11 (open date)")
    frame["__close"] = parse_dates(table, "col12", problems, label="field 12 (close date)")
    return table


def organisations(frame: pd.DataFrame, kind: str | pd.Series) -> pd.DataFrame:
    return pd.DataFrame(
        {
            FILE: frame[FILE],
            ROW: frame[ROW],
            "ods_code": frame["col1"],
            "name": frame["col2"],
            "kind": kind,
            "valid_from": frame["__open"],
            "valid_to": frame["__close"],
            "postcode": frame["col10"],
        }
    )

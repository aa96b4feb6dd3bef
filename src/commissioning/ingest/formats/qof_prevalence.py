"""QOF prevalence by practice, 2015-16 onward: registers and list sizes, one row per group.

Layouts: 2015-16 to 2018-19 PRACTICE_CODE, INDICATOR_GROUP_CODE, REGISTER, PATIENT_LIST_TYPE,
PATIENT_LIST_SIZE; 2019-20 GROUP_CODE instead of INDICATOR_GROUP_CODE; from 2020-21
PRACTICE_LIST_SIZE instead of PATIENT_LIST_SIZE. The list size kept is the one of the group's
own list type (e.g. patients aged 17 and over for diabetes), and the register keeps that type
(PATIENT_LIST_TYPE: TOTAL, 17OV, ...), so a trend across years can show where it changes. The
file does not say its year: it is read from the published file name (PREVALENCE_1819.csv,
PREVALENCE_2021_v2.csv) or given with --year.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd

from commissioning.errors import located
from commissioning.ingest.formats import qof_groups
from commissioning.ingest.formats.published import (
    Converted,
    Table,
    check_codes,
    check_counts,
    header_names,
    require_columns,
)
from commissioning.ingest.problems import Problems
from commissioning.ingest.readers import FILE, ROW

NAME = "qof-prevalence"
TITLE = "QOF prevalence by practice (2015-16 onward): condition registers and list sizes"
HEADER = True
GROUP = ("indicator_group_code", "group_code")
LIST = ("patient_list_size", "practice_list_size")


def detect(rows: list[list[str]]) -> bool:
    names = header_names(rows)
    return (
        {"practice_code", "register", "patient_list_type"} <= names
        and bool(names & set(GROUP))
        and bool(names & set(LIST))
    )


def year_of(file: str, given: int | None) -> int:
    """The financial year a QOF file covers (2018 for 2018-19)."""
    if given:
        return given
    stem = Path(file).stem
    m = re.search(r"(?<!\d)(20\d\d)[_-](\d\d)(?!\d)", stem)
    if m and (int(m.group(1)) + 1) % 100 == int(m.group(2)):
        return int(m.group(1))
    m = re.search(r"(?<!\d)(\d\d)(\d\d)(?!\d)", stem)
    if m and (int(m.group(1)) + 1) % 100 == int(m.group(2)):
        return 2000 + int(m.group(1))
    raise located(
        file,
        None,
        None,
        "cannot tell which QOF year this is from its name: give --year (2018 for "
        "2018-19), or keep the published name, e.g. PREVALENCE_1819.csv",
    )


def period_end(year: int) -> str:
    return dt.date(year + 1, 3, 31).isoformat()


def registers(
    table: Table,
    problems: Problems,
    *,
    practice: str,
    group: str,
    register: str,
    list_size: str,
    end: str,
    list_type: str | None = None,
    whole_list: bool = False,
) -> Converted:
    """Rows of groups that name a condition, as condition registers; the rest listed.

    Each register keeps which patients its list size counts: the file's ``list_type`` column
    (QOF's PATIENT_LIST_TYPE), or TOTAL where the layout's list is the whole list
    (``whole_list``)."""
    frame = table.frame
    frame[practice] = frame[practice].str.upper()
    check_codes(table, practice, problems)
    sizes = check_counts(table, register, problems)
    lists = check_counts(table, list_size, problems)
    out = Converted()
    slugs = qof_groups.condition_slugs()
    groups = frame[group].str.upper()
    new = [g for g in qof_groups.CORE if g not in slugs and g in set(groups)]
    if new:
        out.add(
            table,
            "conditions",
            pd.DataFrame(
                {
                    ROW: [int(frame.loc[groups == g, ROW].min()) for g in new],
                    "slug": [qof_groups.CORE[g][0] for g in new],
                    "name": [qof_groups.CORE[g][1] for g in new],
                    "code_system": "qof",
                    "qof_register": [qof_groups.CORE[g][2] for g in new],
                }
            ),
        )
        slugs |= {g: qof_groups.CORE[g][0] for g in new}
    wanted = groups.isin(set(slugs))
    types = "TOTAL" if whole_list else ""
    if list_type:
        types = frame[list_type].str.strip().str.upper()
    left_out = sorted(set(groups[~wanted]))
    if left_out:
        out.notes.append(
            f"{table.file}: left out {int((~wanted).sum())} rows of QOF groups with no "
            f"condition in the database ({', '.join(left_out)})"
        )
    rows = pd.DataFrame(
        {
            FILE: frame[FILE],
            ROW: frame[ROW],
            "ods_code": frame[practice],
            "condition": groups.map(slugs),
            "period_end": end,
            "register_size": sizes.map(lambda x: "" if pd.isna(x) else str(int(x))),
            "list_size": lists.map(lambda x: "" if pd.isna(x) else str(int(x))),
            "list_type": types,
        }
    )[wanted]
    out.add(table, "registers", rows)
    if len(rows):
        conditions = ", ".join(sorted(set(rows["condition"])))
        out.notes.append(f"{table.file}: QOF year ending {end}; conditions: {conditions}")
    return out


def to_rows(table: Table, problems: Problems, options: dict) -> Converted:
    cols = set(table.frame.columns)
    group = next((g for g in GROUP if g in cols), GROUP[0])
    list_size = next((c for c in LIST if c in cols), LIST[0])
    if not require_columns(table, ["practice_code", group, "register", list_size], problems):
        return Converted()
    end = period_end(year_of(table.file, options.get("year")))
    return registers(
        table,
        problems,
        practice="practice_code",
        group=group,
        register="register",
        list_size=list_size,
        end=end,
        list_type="patient_list_type",
    )

"""QOF's mapping of NHS geographies (``MAPPING_NHS_GEOGRAPHIES_YYYY.csv``, 2019-20 onward):
England, the NHS England regions, ICBs (STPs before July 2022), sub-ICB locations (CCGs before)
and PCNs above every practice, for one QOF year.

Columns: NAT_ONS_CODE, NAT_CODE, COUNTRY (when given), REGION_ODS_CODE, REGION_ONS_CODE,
REGION_NAME, STP_ODS_CODE / ICB_ODS_CODE, …_NAME, CCG_ODS_CODE / SUB_ICB_LOC_ODS_CODE, …_NAME,
PCN_ODS_CODE, PCN_NAME, PRACTICE_CODE, PRACTICE_NAME.

What it gives:

- the organisations above the practices: the country under its ONS code (England is
  E92000001, the code Fingertips and the needs page use), regions, ICBs, sub-ICB locations (kind
  *CCG* in files with CCG columns) and PCNs under their ODS codes. They are added only when
  neither the database nor another file of the upload has them (the ODS files, which carry open
  and close dates, come first when imported together);
- dated "part of" links: sub-ICB location to ICB, ICB to region, region to country, from
  1 April of the QOF year (still open: a later file that names another parent closes them, as
  the ODS files' links are). ``commissioning area create`` follows them down from an ICB.

Practices and their links to commissioners and PCNs come from the ODS files (epraccur, ePCN),
which date them; this file's practice columns are only checked.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from commissioning.ingest.formats.published import (
    ODS_CODE,
    Converted,
    Table,
    check_codes,
    header_names,
    require_columns,
)
from commissioning.ingest.formats.qof_prevalence import year_of
from commissioning.ingest.problems import Problems
from commissioning.ingest.readers import FILE, ROW

NAME = "nhs-geographies"
TITLE = (
    "QOF mapping of NHS geographies: England, NHS regions, ICBs (STPs), sub-ICB locations (CCGs) "
    "and PCNs, linked as at the QOF year"
)
HEADER = True
ICB = ("icb", "stp")  # the ICB level's column prefix, newest first
SUB_ICB = ("sub_icb_loc", "sub_icb_location", "ccg")


def _prefix(names: set[str], choices: tuple[str, ...]) -> str | None:
    return next((p for p in choices if f"{p}_ods_code" in names), None)


def detect(rows: list[list[str]]) -> bool:
    names = header_names(rows)
    return (
        {"practice_code", "region_ods_code", "region_name"} <= names
        and _prefix(names, ICB) is not None
        and _prefix(names, SUB_ICB) is not None
    )


def to_rows(table: Table, problems: Problems, options: dict) -> Converted:
    names = set(table.frame.columns)
    icb = _prefix(names, ICB) or ICB[0]
    sub = _prefix(names, SUB_ICB) or SUB_ICB[0]
    need = ["region_ods_code", "region_name", f"{icb}_ods_code", f"{icb}_name"]
    need += [f"{sub}_ods_code", f"{sub}_name", "practice_code"]
    if not require_columns(table, need, problems):
        return Converted()
    year = year_of(table.file, options.get("year"))
    since = dt.date(year, 4, 1).isoformat()
    frame = table.frame
    out = Converted()
    levels = [
        ("region_ods_code", "region_name", "region"),
        (f"{icb}_ods_code", f"{icb}_name", "icb"),
        (f"{sub}_ods_code", f"{sub}_name", "ccg" if sub == "ccg" else "sub_icb"),
    ]
    if {"nat_ons_code", "country"} <= names:
        levels.insert(0, ("nat_ons_code", "country", "country"))
    has_pcns = {"pcn_ods_code", "pcn_name"} <= names
    pcn = ("pcn_ods_code", "pcn_name", "pcn") if has_pcns else None
    for code, _name, _kind in [*levels, *([pcn] if pcn else [])]:
        frame[code] = frame[code].str.upper()
        check_codes(table, code, problems, shape=ODS_CODE, what="a code such as 16C or Y63")
    check_codes(table, "practice_code", problems)
    if problems:
        return out
    orgs = []
    for code, name, kind in [*levels, *([pcn] if pcn else [])]:
        part = frame[frame[code] != ""].drop_duplicates(code)
        orgs.append(
            pd.DataFrame(
                {
                    FILE: part[FILE],
                    ROW: part[ROW],
                    "ods_code": part[code],
                    "name": part[name].str.slice(0, 200),
                    "kind": kind,
                    "valid_from": "",
                    "valid_to": "",
                    "successor_ods": "",
                    "postcode": "",
                }
            )
        )
    organisations = pd.concat(orgs, ignore_index=True).drop_duplicates("ods_code")
    out.add(table, "organisations", organisations, stub=True)
    links = []
    for (child, _, _), (parent, _, _) in zip(levels[1:], levels[:-1], strict=True):
        pairs = frame[(frame[child] != "") & (frame[parent] != "")].drop_duplicates([child, parent])
        links.append(
            pd.DataFrame(
                {
                    FILE: pairs[FILE],
                    ROW: pairs[ROW],
                    "child_ods": pairs[child],
                    "parent_ods": pairs[parent],
                    "relationship": "part_of",
                    "valid_from": since,
                    "valid_to": "",
                }
            )
        )
    linked = pd.concat(links, ignore_index=True)
    twice = linked.duplicated("child_ods", keep=False)
    if twice.any():
        problems.add_rows(
            linked.assign(**{FILE: table.file}),
            twice & linked.duplicated("child_ods", keep="first"),
            None,
            lambda r: f"{r['child_ods']} is placed under two parents in the same year",
        )
        return out
    out.add(table, "links", linked)
    counts = organisations["kind"].value_counts()
    labels = {
        "country": ("country", "countries"),
        "region": ("region", "regions"),
        "icb": ("ICB", "ICBs"),
        "ccg": ("CCG", "CCGs"),
        "sub_icb": ("sub-ICB location", "sub-ICB locations"),
        "pcn": ("PCN", "PCNs"),
    }
    listed = ", ".join(
        f"{counts[k]} {one if counts[k] == 1 else many}"
        for k, (one, many) in labels.items()
        if k in counts
    )
    out.notes.append(
        f"{table.file}: QOF year {year}-{str(year + 1)[-2:]}: {listed} (added where not yet "
        f"held), linked as parts of one another from {since}; "
        f"{frame['practice_code'].nunique()} practices (their links come from epraccur)"
    )
    return out

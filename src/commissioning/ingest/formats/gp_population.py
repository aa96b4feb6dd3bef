"""Patients Registered at a GP Practice, by quinary age band (gp-reg-pat-prac-quin-age.csv).

Columns PUBLICATION, EXTRACT_DATE, ORG_TYPE, ORG_CODE, ONS_CODE, POSTCODE, SEX, AGE_GROUP_5,
NUMBER_OF_PATIENTS. Only practice rows (ORG_TYPE GP) are imported; PCN, Sub-ICB, ICB and
region rows, and the ALL subtotals of sex and age, are left out. Bands 0_4 … 85_89 become
0-4 … 85-89; 90_94 and 95+ are added together as 90+, the standard top band.
"""

from __future__ import annotations

import pandas as pd

from commissioning.ingest.formats.published import (
    Converted,
    Table,
    check_codes,
    check_counts,
    check_last_band_whole,
    header_names,
    parse_dates,
    require_columns,
)
from commissioning.ingest.kinds import STANDARD_AGE_BANDS
from commissioning.ingest.problems import Problems
from commissioning.ingest.readers import FILE, ROW

NAME = "gp-population"
TITLE = "Patients registered at a GP practice by quinary age band and sex: practice populations"
HEADER = True
PRACTICE_TYPES = {"GP", "GP_PRACTICE", "PRACTICE"}
SEXES = {"MALE": "male", "FEMALE": "female"}
# the file's spellings ("0_4" ... "85_89", "90_94", "95+") of the standard bands (the last is 90+)
BANDS = {band.replace("-", "_"): band for band in STANDARD_AGE_BANDS[:-1]} | {
    "90_94": "90+",
    "95+": "90+",
}


def detect(rows: list[list[str]]) -> bool:
    return {"org_type", "org_code", "sex", "age_group_5", "number_of_patients"} <= header_names(
        rows
    )


def to_rows(table: Table, problems: Problems, options: dict) -> Converted:
    need = ["extract_date", "org_type", "org_code", "sex", "age_group_5", "number_of_patients"]
    if not require_columns(table, need, problems):
        return Converted()
    frame = table.frame
    out = Converted()
    practices = frame["org_type"].str.upper().isin(PRACTICE_TYPES)
    sex = frame["sex"].str.upper()
    band = frame["age_group_5"].str.upper()
    subtotal = (sex == "ALL") | (band == "ALL")
    keep = practices & ~subtotal
    rows = Table(table.file, frame[keep].copy(), table.headers)
    rows.frame["org_code"] = rows.frame["org_code"].str.upper()
    check_codes(rows, "org_code", problems)
    unknown_sex = ~rows.frame["sex"].str.upper().isin(set(SEXES))
    problems.add_rows(
        rows.frame,
        unknown_sex,
        "SEX",
        lambda r: f"expected MALE, FEMALE or ALL, found '{r['sex']}'",
    )
    unknown_band = ~rows.frame["age_group_5"].str.upper().isin(set(BANDS))
    problems.add_rows(
        rows.frame,
        unknown_band,
        "AGE_GROUP_5",
        lambda r: f"expected an age band such as 0_4, 90_94 or 95+, found '{r['age_group_5']}'",
    )
    counts = check_counts(rows, "number_of_patients", problems)
    dates = parse_dates(rows, "extract_date", problems)
    spelled = rows.frame.assign(__band=rows.frame["age_group_5"].str.upper())
    check_last_band_whole(
        spelled,
        group=["org_code", "extract_date", "sex"],
        part="__band",
        parts={"90+": {"90_94", "95+"}},
        band_of=lambda b: BANDS.get(b, b),
        column="AGE_GROUP_5",
        problems=problems,
    )
    if not practices.all():
        out.notes.append(
            f"{table.file}: left out {int((~practices).sum())} rows for PCNs, commissioners "
            "and regions (practices only)"
        )
    if problems:
        return out
    long = pd.DataFrame(
        {
            FILE: rows.frame[FILE],
            ROW: rows.frame[ROW],
            "ods_code": rows.frame["org_code"],
            "date": dates,
            "age_band": rows.frame["age_group_5"].str.upper().map(BANDS),
            "sex": rows.frame["sex"].str.upper().map(SEXES),
            "count": counts.astype("int64"),
        }
    )
    keys = ["ods_code", "date", "age_band", "sex"]
    summed = (
        long.groupby(keys, sort=False)
        .agg(**{"count": ("count", "sum"), ROW: (ROW, "min"), FILE: (FILE, "first")})
        .reset_index()
    )
    summed["count"] = summed["count"].astype(str)
    out.add(table, "populations", summed)
    out.notes.append(
        f"{table.file}: {summed['ods_code'].nunique()} practices, extract "
        f"{', '.join(sorted(set(summed['date'])))}; 90_94 and 95+ added together as 90+"
    )
    return out

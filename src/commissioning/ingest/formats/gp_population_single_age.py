"""Patients Registered at a GP Practice, by single year of age (gp-reg-pat-prac-sing-age-*.csv).

Columns PUBLICATION, EXTRACT_DATE, TYPE (not in every year), CCG_CODE or (from July 2022)
SUB_ICB_LOCATION_CODE, ONS_CCG_CODE or ONS_SUB_ICB_LOCATION_CODE, ORG_CODE (CODE in the older
``gp-reg-pat-prac-all.csv`` style), POSTCODE, SEX, AGE, NUMBER_OF_PATIENTS. The male and female
files are published separately; AGE runs 0 … 94, then 95+, with an ALL subtotal for each sex.

Single years are added up into the standard age bands the quinary file gives (0-4 … 85-89, and
90+ for 90 and over), so populations from either file are the same. ALL rows are subtotals:
each is checked against the sum of the rows it covers and a difference is reported on its row,
but they are not stored. Rows of other organisation types (the regional file's Sub-ICB, ICB and
region rows) are left out.

A file holding only ALL rows (``gp-reg-pat-prac-all.csv``: each practice's total, and its male
and female totals, SEX ALL, MALE and FEMALE with AGE ALL) has no ages to load: each practice's
total (SEX ALL, AGE ALL), checked against its male and female totals, becomes an observation of
the monthly indicator ``GP_REG_PATIENTS`` (the library's *Patients registered at the GP
practice*) for the month of the extract, so that the monthly publication reaches monitoring.
``GP_REG_PATIENTS`` is added as an indicator when the database lacks it (load the library for
its full definition).
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
from commissioning.ingest.problems import Problems
from commissioning.ingest.readers import FILE, ROW

NAME = "gp-population-single-age"
TITLE = (
    "Patients registered at a GP practice by single year of age and sex (male and female "
    "files): practice populations in the standard age bands"
)
HEADER = True
PRACTICE_TYPES = {"GP", "GP_PRACTICE", "PRACTICE"}
SEXES = {"MALE": "male", "FEMALE": "female"}
CODE = ("org_code", "code", "practice_code")
TYPE = ("type", "org_type")
AGE = r"\d{1,3}\+?"


def detect(rows: list[list[str]]) -> bool:
    names = header_names(rows)
    return {"sex", "age", "number_of_patients"} <= names and bool(names & set(CODE))


def band(age: int) -> str:
    """The standard band of an age in years: 0-4 … 85-89, then 90+."""
    if age >= 90:
        return "90+"
    low = age // 5 * 5
    return f"{low}-{low + 4}"


def to_rows(table: Table, problems: Problems, options: dict) -> Converted:
    cols = set(table.frame.columns)
    code = next((c for c in CODE if c in cols), CODE[0])
    if not require_columns(
        table, ["extract_date", code, "sex", "age", "number_of_patients"], problems
    ):
        return Converted()
    frame = table.frame
    out = Converted()
    kind = next((c for c in TYPE if c in cols), None)
    practices = (
        frame[kind].str.upper().isin(PRACTICE_TYPES) if kind else pd.Series(True, index=frame.index)
    )
    if not practices.all():
        out.notes.append(
            f"{table.file}: left out {int((~practices).sum())} rows for PCNs, commissioners "
            "and regions (practices only)"
        )
    rows = Table(table.file, frame[practices].copy(), table.headers)
    f = rows.frame
    f[code] = f[code].str.upper()
    check_codes(rows, code, problems, label=code.upper())
    sex = f["sex"].str.upper()
    age = f["age"].str.upper().str.replace(" ", "", regex=False)
    problems.add_rows(
        f,
        ~sex.isin({*SEXES, "ALL"}),
        "SEX",
        lambda r: f"expected MALE, FEMALE or ALL, found '{r['sex']}'",
    )
    bad_age = ~(age.str.fullmatch(AGE) | (age == "ALL"))
    problems.add_rows(
        f,
        bad_age,
        "AGE",
        lambda r: (
            f"expected an age in whole years such as 0, 94 or 95+, or ALL, found '{r['age']}'"
        ),
    )
    counts = check_counts(rows, "number_of_patients", problems)
    dates = parse_dates(rows, "extract_date", problems)
    if problems:
        return out
    years = age.str.rstrip("+").where(age != "ALL", "-1").astype("int64")
    long = pd.DataFrame(
        {
            FILE: f[FILE],
            ROW: f[ROW],
            "ods_code": f[code],
            "date": dates,
            "sex": sex,
            "age": years,  # -1 for ALL
            "count": counts.astype("int64"),
        }
    )
    _check_repeats(long, problems)
    detail = long[long["sex"].isin(set(SEXES)) & (long["age"] >= 0)]
    check_last_band_whole(
        detail,
        group=["ods_code", "date", "sex"],
        part="age",
        parts={b: {a for a in range(96) if band(a) == b} for b in {band(a) for a in range(96)}},
        band_of=band,
        column="AGE",
        problems=problems,
    )
    _check_subtotals(long, detail, problems)
    if problems:
        return out
    if detail.empty:
        return _totals(table, long, problems, out)
    banded = detail.assign(age_band=detail["age"].map(band), sex=detail["sex"].map(SEXES)).drop(
        columns="age"
    )
    keys = ["ods_code", "date", "age_band", "sex"]
    summed = (
        banded.groupby(keys, sort=False)
        .agg(**{"count": ("count", "sum"), ROW: (ROW, "min"), FILE: (FILE, "first")})
        .reset_index()
    )
    summed["count"] = summed["count"].astype(str)
    out.add(table, "populations", summed)
    subtotals = len(long) - len(detail)
    out.notes.append(
        f"{table.file}: {summed['ods_code'].nunique()} practices, extract "
        f"{', '.join(sorted(set(summed['date'])))}; {len(detail)} single-year rows added up "
        f"into the standard age bands (90 and over as 90+); {subtotals} ALL subtotal rows "
        "checked against them and not stored"
    )
    return out


def _check_repeats(long: pd.DataFrame, problems: Problems) -> None:
    keys = ["ods_code", "date", "sex", "age"]
    repeated = long.duplicated(keys, keep="first")
    if not repeated.any():
        return
    first = long.groupby(keys)[ROW].transform("min")
    problems.add_rows(
        long.assign(__first=first),
        repeated,
        None,
        lambda r: (
            f"repeats the row for practice {r['ods_code']}, {r['sex']}, age "
            f"{'ALL' if r['age'] < 0 else r['age']} (row {r['__first']})"
        ),
    )


def _check_subtotals(long: pd.DataFrame, detail: pd.DataFrame, problems: Problems) -> None:
    """Each ALL row must equal the sum of the rows it covers (when the file has them all)."""
    subtotal = long[(long["sex"] == "ALL") | (long["age"] < 0)]
    if subtotal.empty or detail.empty:
        return
    at = ["ods_code", "date"]
    by_sex = detail.groupby([*at, "sex"])["count"].sum().unstack("sex")
    by_age = detail.groupby([*at, "age", "sex"])["count"].sum().unstack("sex")
    for table in (by_sex, by_age):
        for s in SEXES:
            if s not in table.columns:
                table[s] = float("nan")
        table["ALL"] = table["MALE"] + table["FEMALE"]  # NaN unless both sexes are there
    whole = subtotal[subtotal["age"] < 0].join(by_sex.stack().rename("expected"), on=[*at, "sex"])
    ages = subtotal[subtotal["age"] >= 0].join(
        by_age.stack().rename("expected"), on=[*at, "age", "sex"]
    )
    expected = pd.concat([whole["expected"], ages["expected"]]).reindex(subtotal.index)
    subtotal = subtotal.assign(expected=expected)
    wrong = subtotal["expected"].notna() & (subtotal["expected"] != subtotal["count"])

    def message(r) -> str:
        sexes = "both sexes" if r["sex"] == "ALL" else r["sex"].lower()
        ages = "every age" if r["age"] < 0 else f"age {r['age']}"
        return (
            f"the ALL subtotal is {int(r['count']):,} but the rows it covers ({sexes}, {ages}) "
            f"add up to {int(r['expected']):,}"
        )

    problems.add_rows(subtotal, wrong, "NUMBER_OF_PATIENTS", message)


INDICATOR = {
    "code": "GP_REG_PATIENTS",
    "name": "Patients registered at the GP practice",
    "domain": "activity",
    "unit": "patients",
    "numerator": "Patients registered at the practice on the first day of the month",
    "denominator": "",
    "polarity": "neutral",
    "source": "NHS England, Patients Registered at a GP Practice (gp-reg-pat-prac-all.csv)",
    "frequency": "monthly",
}


def _totals(table: Table, long: pd.DataFrame, problems: Problems, out: Converted) -> Converted:
    """A file of ALL rows only: each practice's total as an observation of GP_REG_PATIENTS."""
    whole = long[long["age"] < 0]
    by_sex = whole.pivot_table(
        index=["ods_code", "date"], columns="sex", values="count", aggfunc="first"
    )
    total = whole[whole["sex"] == "ALL"]
    if total.empty:
        out.notes.append(
            f"{table.file}: nothing to load: the file holds only ALL subtotals of each sex, no "
            "single years of age and no practice totals (import the single-year-of-age male "
            "and female files, gp-reg-pat-prac-sing-age-male.csv and -female.csv, for age bands)"
        )
        return out
    if {"MALE", "FEMALE"} <= set(by_sex.columns):
        parts = (by_sex["MALE"] + by_sex["FEMALE"]).rename("parts")
        checked = total.join(parts, on=["ods_code", "date"])
        wrong = checked["parts"].notna() & (checked["parts"] != checked["count"])
        problems.add_rows(
            checked,
            wrong,
            "NUMBER_OF_PATIENTS",
            lambda r: (
                f"the practice's total is {int(r['count']):,} but its male and female totals "
                f"add up to {int(r['parts']):,}"
            ),
        )
        if problems:
            return out
    rows = pd.DataFrame(
        {
            FILE: total[FILE],
            ROW: total[ROW],
            "indicator_code": INDICATOR["code"],
            "organisation_ods": total["ods_code"],
            "period": total["date"].str.slice(0, 8) + "01",
            "value": total["count"].astype(str),
            "numerator": "",
            "denominator": "",
            "lower": "",
            "upper": "",
        }
    )
    out.add(table, "observations", rows)
    out.add(
        table,
        "indicators",
        pd.DataFrame([{**INDICATOR, ROW: int(rows[ROW].min()), FILE: table.file}]),
        stub=True,
    )
    months = sorted(set(rows["period"]))
    n = rows["organisation_ods"].nunique()
    out.notes.append(
        f"{table.file}: registered patients of {n} practice{'s' if n != 1 else ''} "
        f"(GP_REG_PATIENTS), month{'s' if len(months) > 1 else ''} starting {', '.join(months)}; "
        "no single years of age (those come in the male and female files)"
    )
    return out

"""Dementia diagnosis rate, aged 65 and over: Recorded Dementia Diagnoses and Primary Care
Dementia Data (PCDD), monthly, long format.

Layouts read (headers in any case; some files spell them ``Measure``, ``Value``):

- the 2018-era practice file ``rec-dem-diag-<Mon>-<YYYY>-csv.csv``: ACH_DATE (31AUG2018),
  PRACTICE_CODE, NAME, COMMISSIONER_ORGANISATION_CODE, GEOGRAPHY_CODE, Measure, Value, with
  measures DEMENTIA_REGISTER_65_PLUS, DEMENTIA_ESTIMATE_65_PLUS and PAT_LIST_65_PLUS;
- the 2018-era ``dem-diag-ind-nhs-<Mon>-<YYYY>.csv`` and the current PCDD
  ``pcdem-nhs-rate-<mon>-<yyyy>.csv``: ACH_DATE, ORG_TYPE, ORG_CODE, ONS_CODE, MEASURE, VALUE, DQ,
  with DEMENTIA_REGISTER_65_PLUS, DEMENTIA_ESTIMATE_65_PLUS, DIAG_RATE_65_PLUS and its 95%
  limits DIAG_RATE_65_PLUS_LL and _UL. England is ``ENG``, stored under England's ONS code
E92000001 (the country organisation the NHS geographies file adds, and Fingertips uses).

Each organisation's month becomes one observation of the indicator ``DEM_DX``: numerator the
register, denominator the estimate, value the diagnosis rate in % (the published
DIAG_RATE_65_PLUS where given, otherwise register ÷ estimate × 100), lower and upper from the
_LL and _UL measures; the period is the first day of the ACH_DATE month. A published rate that
register ÷ estimate cannot give (allowing for both being rounded) is reported. VALUE ``*``
(suppressed, 0 to 4), empty, ``.``, ``N/A`` and ``NULL`` mean "no figure", never zero; an
organisation-month with no figure at all is left out and counted. Other measures (the list
size aged 65 and over, breakdowns) are left out and listed. DEM_DX is added as an indicator
when the database lacks it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from commissioning.ingest.formats.published import (
    ODS_CODE,
    Converted,
    Table,
    check_codes,
    header_names,
    parse_dates,
    require_columns,
)
from commissioning.ingest.problems import Problems
from commissioning.ingest.readers import FILE, ROW

NAME = "dementia-diagnosis"
TITLE = (
    "Dementia diagnosis rate aged 65+ (Recorded Dementia Diagnoses practice file, Primary "
    "Care Dementia Data): observations of DEM_DX"
)
HEADER = True
CODE = "DEM_DX"
CODES = ("practice_code", "org_code")
REGISTER = "DEMENTIA_REGISTER_65_PLUS"
ESTIMATE = "DEMENTIA_ESTIMATE_65_PLUS"
RATE = "DIAG_RATE_65_PLUS"
LOWER = "DIAG_RATE_65_PLUS_LL"
UPPER = "DIAG_RATE_65_PLUS_UL"
USED = {
    REGISTER: "numerator",
    ESTIMATE: "denominator",
    RATE: "rate",
    LOWER: "lower",
    UPPER: "upper",
}
NAMES = {v: k for k, v in USED.items()}
NO_FIGURE = {"", "*", ".", "N/A", "NA", "NULL"}
ENGLAND = "E92000001"  # England's ONS code: the country organisation's code
INDICATOR = {
    "code": CODE,
    "name": "Dementia diagnosis rate, people aged 65 and over",
    "domain": "quality",
    "unit": "%",
    "numerator": "Patients aged 65 and over on a GP practice dementia register",
    "denominator": "Estimated number of people aged 65 and over with dementia (CFAS II "
    "prevalence applied to the registered list)",
    "polarity": "higher_better",
    "source": "NHS England, Recorded Dementia Diagnoses / Primary Care Dementia Data",
    "frequency": "monthly",
}


def detect(rows: list[list[str]]) -> bool:
    names = header_names(rows)
    return {"ach_date", "measure", "value"} <= names and bool(names & set(CODES))


def to_rows(table: Table, problems: Problems, options: dict) -> Converted:
    cols = set(table.frame.columns)
    code = next((c for c in CODES if c in cols), CODES[-1])
    if not require_columns(table, ["ach_date", code, "measure", "value"], problems):
        return Converted()
    frame = table.frame
    out = Converted()
    frame[code] = frame[code].str.upper()
    england = frame[code] == "ENG"
    if england.any():
        frame.loc[england, code] = ENGLAND
        out.notes.append(f"{table.file}: England (ENG) kept under its ONS code {ENGLAND}")
    if code == "practice_code":
        check_codes(table, code, problems)
    else:
        check_codes(
            table, code, problems, shape=ODS_CODE, what="an ODS code such as 00T, QHM or ENG"
        )
    dates = parse_dates(table, "ach_date", problems, label=_label(table, "ach_date"))
    problems.add_rows(
        frame,
        frame["ach_date"] == "",
        _label(table, "ach_date"),
        "expected the date the figures are for, such as 31AUG2018, found nothing",
    )
    measure = frame["measure"].str.upper().str.strip()
    text = frame["value"].str.replace(",", "", regex=False).str.strip()
    missing = text.str.upper().isin(NO_FIGURE)
    number = pd.to_numeric(text.where(~missing), errors="coerce")
    problems.add_rows(
        frame,
        ~missing & (number.isna() | (number < 0)),
        _label(table, "value"),
        lambda r: (
            "expected a number of 0 or more, or * (suppressed), empty, '.', N/A or NULL "
            f"(no figure), found '{r['value']}'"
        ),
    )
    if problems:
        return out
    used = measure.isin(set(USED))
    others = measure[~used].value_counts()
    if len(others):
        out.notes.append(
            f"{table.file}: left out {int(others.sum())} rows of other measures "
            f"({', '.join(sorted(others.index))})"
        )
    long = pd.DataFrame(
        {
            ROW: frame[ROW],
            "org": frame[code],
            "period": dates.str.slice(0, 8) + "01",
            "measure": measure.map(USED),
            "number": number,
        }
    )[used]
    keys = ["org", "period", "measure"]
    repeated = long.duplicated(keys, keep="first")
    if repeated.any():
        first = long.groupby(keys)[ROW].transform("min")
        problems.add_rows(
            long.assign(**{FILE: table.file, "__first": first}),
            repeated,
            None,
            lambda r: (
                f"repeats {r['org']}'s {NAMES[r['measure']]} for the month of {r['period']} "
                f"(row {r['__first']})"
            ),
        )
        return out
    if long.empty:
        out.notes.append(f"{table.file}: nothing to load: no dementia register or estimate rows")
        return out
    wide = long.pivot_table(
        index=["org", "period"], columns="measure", values="number", aggfunc="first", dropna=False
    )
    for m in USED.values():
        if m not in wide.columns:
            wide[m] = np.nan
    wide[ROW] = long.groupby(["org", "period"])[ROW].min()
    wide = wide.reset_index()
    _check_rates(wide, table.file, problems)
    if problems:
        return out
    computed = (100 * wide["numerator"] / wide["denominator"]).where(wide["denominator"] > 0)
    value = wide["rate"].where(wide["rate"].notna(), computed)
    figures = wide[["numerator", "denominator", "rate", "lower", "upper"]].notna().any(axis=1)
    empty = int((~figures).sum())
    if empty:
        out.notes.append(
            f"{table.file}: left out {empty} organisation-months with no figure (suppressed "
            "or not given)"
        )
    rows = pd.DataFrame(
        {
            FILE: table.file,
            ROW: wide[ROW].astype("int64"),
            "indicator_code": CODE,
            "organisation_ods": wide["org"],
            "period": wide["period"],
            "value": value.map(_text),
            "numerator": wide["numerator"].map(_text),
            "denominator": wide["denominator"].map(_text),
            "lower": wide["lower"].map(_text),
            "upper": wide["upper"].map(_text),
        }
    )[figures]
    if rows.empty:
        out.notes.append(f"{table.file}: nothing to load: every figure is suppressed or missing")
        return out
    out.add(table, "observations", rows)
    months = sorted(set(rows["period"]))
    out.notes.append(
        f"{table.file}: {len(rows)} monthly dementia diagnosis rates (DEM_DX) for "
        f"{rows['organisation_ods'].nunique()} organisations, month"
        f"{'s' if len(months) > 1 else ''} starting {', '.join(months)}"
    )
    first_row = int(rows[ROW].min())
    out.add(
        table,
        "indicators",
        pd.DataFrame([{**INDICATOR, ROW: first_row, FILE: table.file}]),
        stub=True,
    )
    return out


def _label(table: Table, name: str) -> str:
    """The column's name as the file spells it (ACH_DATE, Value …)."""
    from commissioning.ingest.readers import normalise_header

    for h in table.headers:
        if normalise_header(h) == name:
            return h.strip()
    return name.upper()


def _text(x: float) -> str:
    if pd.isna(x):
        return ""
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def _check_rates(wide: pd.DataFrame, file: str, problems: Problems) -> None:
    """A published rate must be what register ÷ estimate gives, allowing for rounding.

    The estimate is published to one decimal place and the rate too, so the rate may be anywhere
    between register ÷ (estimate + 0.05) and register ÷ (estimate - 0.05), give or take 0.05.
    """
    reg, est, rate = wide["numerator"], wide["denominator"], wide["rate"]
    both = reg.notna() & est.notna() & rate.notna() & (est > 0.05)
    low = 100 * reg / (est + 0.05) - 0.0501
    high = 100 * reg / (est - 0.05).clip(lower=1e-9) + 0.0501
    wrong = both & ((rate < low) | (rate > high))
    problems.add_rows(
        wide.assign(**{FILE: file}),
        wrong,
        RATE,
        lambda r: (
            f"{r['org']}, month of {r['period']}: the published rate {_text(r['rate'])} "
            f"is not register {_text(r['numerator'])} ÷ estimate {_text(r['denominator'])} × 100 "
            f"= {100 * r['numerator'] / r['denominator']:.1f}"
        ),
    )
    order = wide["lower"].notna() & wide["upper"].notna() & (wide["lower"] > wide["upper"])
    problems.add_rows(
        wide.assign(**{FILE: file}),
        order,
        LOWER,
        lambda r: (
            f"{r['org']}, month of {r['period']}: the lower limit {_text(r['lower'])} is "
            f"above the upper limit {_text(r['upper'])}"
        ),
    )

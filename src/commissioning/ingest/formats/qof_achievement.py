"""QOF achievement by practice and indicator (ACHIEVEMENT_YYYY.csv), long format.

Columns PRACTICE_CODE, INDICATOR_CODE, MEASURE, VALUE; from 2022-23 the file is split into
seven regional files (ACHIEVEMENT_LONDON_2223.csv …) whose rows start with REGION_ODS_CODE,
REGION_ONS_CODE, REGION_NAME. MEASURE is one of REGISTER, ACHIEVED_POINTS, NUMERATOR,
DENOMINATOR and EXCEPTIONS (to 2018-19) or PCAS (personalised care adjustments, from 2019-20).
An empty VALUE means "not applicable", never zero.

Each practice's NUMERATOR and DENOMINATOR for an indicator become one observation of the
indicator ``QOF_<INDICATOR_CODE>`` (QOF_DM012) with value = numerator ÷ denominator × 100 (%),
for the period starting 1 April of the QOF year (the prevalence importer dates the same year's
registers by its end, 31 March). Indicators not in the database are left out and listed with
their row counts; so are register-only indicators (REGISTER, e.g. DM017: the registers come from
the QOF prevalence file), achieved points, and exceptions or PCAs, which observations do not
hold. The year is read from the published file name (ACHIEVEMENT_1819.csv,
ACHIEVEMENT_LONDON_2223.csv) or given with --year.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from commissioning.errors import InputError, located
from commissioning.ingest.formats import qof_prevalence
from commissioning.ingest.formats.published import (
    Converted,
    Table,
    check_codes,
    header_names,
    require_columns,
)
from commissioning.ingest.problems import Problems
from commissioning.ingest.readers import FILE, ROW

NAME = "qof-achievement"
TITLE = (
    "QOF achievement by practice and indicator (long format, national or regional files): "
    "numerators and denominators as observations of QOF_<indicator>"
)
HEADER = True
MEASURES = {"REGISTER", "ACHIEVED_POINTS", "NUMERATOR", "DENOMINATOR", "EXCEPTIONS", "PCAS"}
PREFIX = "QOF_"
SHOWN = 20


def detect(rows: list[list[str]]) -> bool:
    return {"practice_code", "indicator_code", "measure", "value"} <= header_names(rows)


def indicator_code(qof_code: str) -> str:
    return f"{PREFIX}{qof_code}"


def period_start(year: int) -> str:
    """The first day of the QOF year starting in ``year`` (2018 for 2018-19)."""
    return dt.date(year, 4, 1).isoformat()


def year_of(file: str, given: int | None) -> int:
    try:
        return qof_prevalence.year_of(file, given)
    except InputError:
        raise located(
            file,
            None,
            None,
            "cannot tell which QOF year this is from its name: give --year (2018 for "
            "2018-19), or keep the published name, e.g. ACHIEVEMENT_1819.csv or "
            "ACHIEVEMENT_LONDON_2223.csv",
        ) from None


def known_indicators() -> set[str]:
    from commissioning.store.models import Indicator

    return set(Indicator.objects.filter(code__startswith=PREFIX).values_list("code", flat=True))


def listed(counts: pd.Series) -> str:
    """'DM012 (2 rows), AF006 (1 row)' for the first SHOWN codes, then how many more."""
    items = [f"{c} ({n} row{'s' if n != 1 else ''})" for c, n in counts.head(SHOWN).items()]
    more = len(counts) - SHOWN
    return ", ".join(items) + (f" and {more} more" if more > 0 else "")


def to_rows(table: Table, problems: Problems, options: dict) -> Converted:
    need = ["practice_code", "indicator_code", "measure", "value"]
    if not require_columns(table, need, problems):
        return Converted()
    frame = table.frame
    out = Converted()
    frame["practice_code"] = frame["practice_code"].str.upper()
    frame["indicator_code"] = frame["indicator_code"].str.upper()
    check_codes(table, "practice_code", problems)
    problems.add_rows(
        frame,
        ~frame["indicator_code"].str.fullmatch(r"[A-Z]{2,6}\d{3}[A-Z]?"),
        "INDICATOR_CODE",
        lambda r: (
            f"expected a QOF indicator code such as DM012 or AF006, found '{r['indicator_code']}'"
        ),
    )
    measure = frame["measure"].str.upper()
    problems.add_rows(
        frame,
        ~measure.isin(MEASURES),
        "MEASURE",
        lambda r: (
            "expected REGISTER, ACHIEVED_POINTS, NUMERATOR, DENOMINATOR, EXCEPTIONS "
            f"or PCAS, found '{r['measure']}'"
        ),
    )
    text = frame["value"].str.replace(",", "", regex=False)
    number = pd.to_numeric(text, errors="coerce")
    blank = text == ""
    problems.add_rows(
        frame,
        ~blank & (number.isna() | (number < 0)),
        "VALUE",
        lambda r: (
            f"expected a number of 0 or more, or nothing (not applicable), found '{r['value']}'"
        ),
    )
    keys = ["practice_code", "indicator_code", "measure"]
    long = frame.assign(measure=measure, number=number)
    repeated = long.duplicated(keys, keep="first")
    if repeated.any():
        first = long.groupby(keys)[ROW].transform("min")
        problems.add_rows(
            long.assign(__first=first),
            repeated,
            None,
            lambda r: (
                f"repeats practice {r['practice_code']}, indicator {r['indicator_code']}, "
                f"{r['measure']} (row {r['__first']})"
            ),
        )
    if problems:
        return out
    if "region_name" in frame.columns:
        regions = sorted(set(frame["region_name"]) - {""})
        if regions:
            out.notes.append(f"{table.file}: regional file ({', '.join(regions)})")
    given = long[~blank]
    if given.empty:
        out.notes.append(
            f"{table.file}: nothing to load: all {len(frame)} VALUE cells are empty "
            "(not applicable)"
        )
        return out
    wide = given.pivot_table(
        index=["practice_code", "indicator_code"],
        columns="measure",
        values="number",
        aggfunc="first",
    )
    rows_at = given.groupby(["practice_code", "indicator_code"])[ROW].min()
    for m in ("NUMERATOR", "DENOMINATOR", "REGISTER"):
        if m not in wide.columns:
            wide[m] = np.nan
    wide[ROW] = rows_at
    wide = wide.reset_index()
    _check_fractions(wide, table.file, problems)
    if problems:
        return out
    fraction = wide["NUMERATOR"].notna() | wide["DENOMINATOR"].notna()
    not_stored = sorted(set(given["measure"]) - {"NUMERATOR", "DENOMINATOR"})
    register_only = int((~fraction & wide["REGISTER"].notna()).sum())
    if register_only or not_stored:
        out.notes.append(
            f"{table.file}: not stored: {', '.join(not_stored)} values"
            + (
                f" ({register_only} register-only indicator values; condition registers come "
                "from the QOF prevalence file)"
                if register_only
                else ""
            )
        )
    wide = wide[fraction]
    if wide.empty:
        out.notes.append(f"{table.file}: nothing to load: no NUMERATOR or DENOMINATOR values")
        return out
    wide["code"] = wide["indicator_code"].map(indicator_code)
    known = wide["code"].isin(known_indicators())
    if not known.all():
        counts = wide.loc[~known, "indicator_code"].value_counts()
        counts = counts.sort_index().sort_values(ascending=False, kind="stable")
        out.notes.append(
            f"{table.file}: not matched, left out ({int(counts.sum())} practice values): "
            f"{len(counts)} indicators not in the database as {PREFIX}<code>: {listed(counts)}"
        )
    wide = wide[known]
    if wide.empty:
        return out
    start = period_start(year_of(table.file, options.get("year")))
    den = wide["DENOMINATOR"]
    value = (100 * wide["NUMERATOR"] / den).where(den > 0)
    rows = pd.DataFrame(
        {
            FILE: table.file,
            ROW: wide[ROW].astype("int64"),
            "indicator_code": wide["code"],
            "organisation_ods": wide["practice_code"],
            "period": start,
            "value": value.map(_text),
            "numerator": wide["NUMERATOR"].map(_text),
            "denominator": den.map(_text),
        }
    )
    out.add(table, "observations", rows)
    out.notes.append(
        f"{table.file}: QOF year starting {start}: {len(rows)} values for "
        f"{rows['organisation_ods'].nunique()} practices, indicators "
        f"{', '.join(sorted(set(wide['indicator_code'])))}"
    )
    return out


def _text(x: float) -> str:
    if pd.isna(x):
        return ""
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def _check_fractions(wide: pd.DataFrame, file: str, problems: Problems) -> None:
    """A numerator needs its denominator, and is never larger than it."""
    num, den = wide["NUMERATOR"], wide["DENOMINATOR"]
    frame = wide.assign(**{FILE: file})
    one = num.isna() != den.isna()
    problems.add_rows(
        frame,
        one,
        "MEASURE",
        lambda r: (
            f"practice {r['practice_code']}, indicator {r['indicator_code']}: has a "
            f"{'NUMERATOR' if pd.isna(r['DENOMINATOR']) else 'DENOMINATOR'} but no "
            f"{'DENOMINATOR' if pd.isna(r['DENOMINATOR']) else 'NUMERATOR'}"
        ),
    )
    over = num.notna() & den.notna() & (num > den)
    problems.add_rows(
        frame,
        over,
        "VALUE",
        lambda r: (
            f"practice {r['practice_code']}, indicator {r['indicator_code']}: NUMERATOR "
            f"{_text(r['NUMERATOR'])} is larger than DENOMINATOR {_text(r['DENOMINATOR'])}"
        ),
    )

"""OHID Fingertips data export (indicators-<AreaType>.data.csv, or the API's all_data CSV).

Columns, matched by position because some names vary with the parent area type: Indicator ID,
Indicator Name, Parent Code, Parent Name, Area Code, Area Name, Area Type, Sex, Age, Category
Type, Category, Time period, Value, Lower CI 95.0 limit, Upper CI 95.0 limit, Lower CI 99.8
limit, Upper CI 99.8 limit, Count, Denominator, … Time period Sortable, ….

Headline values only: rows with a Category Type (deprivation deciles and other breakdowns) are
left out, and so are sex and age breakdowns other than the indicator's main one (the commonest
sex and age among its headline rows). Each area's value becomes an indicator observation with
Count as numerator and Denominator as denominator, for the organisation whose ODS code is the
Area Code (practices are keyed by ODS code; most other areas by ONS code, so add those areas as
organisations under their ONS code to match them). An indicator not yet in the database is added
as FINGERTIPS-<id> with its name. The 95% confidence limits are stored with each value
(lower, upper).
"""

from __future__ import annotations

import re

import pandas as pd

from commissioning.ingest.formats.published import Converted, Table, header_names
from commissioning.ingest.problems import Problems
from commissioning.ingest.readers import FILE, ROW

NAME = "fingertips"
TITLE = "OHID Fingertips data export: indicator values by area, with counts and denominators"
HEADER = True
# the export's header names one or two more columns than its rows hold
NARROWER_ROWS = True
POSITIONS = {
    "id": 0,
    "name": 1,
    "area": 4,
    "sex": 7,
    "age": 8,
    "category_type": 9,
    "period": 11,
    "value": 12,
    "lower95": 13,
    "upper95": 14,
    "count": 17,
    "denominator": 18,
    "sortable": 23,
}
EXPECTED = {0: "indicator_id", 4: "area_code", 11: "time_period", 12: "value", 17: "count"}


def detect(rows: list[list[str]]) -> bool:
    return {"indicator_id", "area_code", "time_period", "value"} <= header_names(rows)


def code(indicator_id: str) -> str:
    return f"FINGERTIPS-{indicator_id}"


def first_day(period: str, sortable: str) -> str | None:
    """2015 -> 2015-01-01; 2011/12 (a financial year) -> 2011-04-01; 2022 - 24 -> 2022-01-01."""
    p = period.strip()
    if m := re.fullmatch(r"(\d{4})/\d{2}", p):
        return f"{m.group(1)}-04-01"
    if m := re.fullmatch(r"(\d{4})(\s*-\s*\d{2,4})?", p):
        return f"{m.group(1)}-01-01"
    if m := re.fullmatch(r"(\d{4})(\d{2})(\d{2})", sortable.strip()):
        month = max(int(m.group(2)), 1)
        day = max(int(m.group(3)), 1)
        return f"{m.group(1)}-{month:02d}-{day:02d}"
    return None


def _number(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s.str.replace(",", "", regex=False), errors="coerce")


def to_rows(table: Table, problems: Problems, options: dict) -> Converted:
    frame = table.frame
    cols = [c for c in frame.columns if c not in (ROW, FILE)]
    for pos, name in EXPECTED.items():
        if len(cols) <= pos or cols[pos] != name:
            problems.add(
                table.file, 1, name.replace("_", " ").title(), f"expected column {pos + 1} here"
            )
    if problems:
        return Converted()
    col = {k: cols[v] if v < len(cols) else None for k, v in POSITIONS.items()}
    get = {k: (frame[c] if c else pd.Series("", index=frame.index)) for k, c in col.items()}
    out = Converted()
    headline = get["category_type"] == ""
    ids = get["id"]
    bad_id = headline & ~ids.str.fullmatch(r"\d+")
    problems.add_rows(frame, bad_id, "Indicator ID", lambda r: "expected a number")
    periods = pd.Series(
        [first_day(p, s) for p, s in zip(get["period"], get["sortable"], strict=True)],
        index=frame.index,
    )
    bad_period = headline & periods.isna()
    problems.add_rows(
        frame,
        bad_period,
        "Time period",
        lambda r: (
            f"expected a period such as 2015, 2011/12 or 2022 - 24, found '{r[col['period']]}'"
        ),
    )
    values = _number(get["value"])
    bad_value = headline & (get["value"] != "") & values.isna()
    problems.add_rows(
        frame, bad_value, "Value", lambda r: f"expected a number, found '{r[col['value']]}'"
    )
    if problems:
        return out
    breakdown = (get["sex"] + "\x1f" + get["age"]).where(headline)
    main = breakdown[headline].groupby(ids[headline]).agg(lambda s: s.value_counts().index[0])
    keep = headline & (breakdown == ids.map(main))
    left = int((~keep).sum())
    if left:
        out.notes.append(
            f"{table.file}: left out {left} rows of breakdowns (deprivation deciles, other "
            "sexes or ages); kept the headline values"
        )
    rows = pd.DataFrame(
        {
            FILE: frame[FILE],
            ROW: frame[ROW],
            "indicator_code": ids.map(code),
            "organisation_ods": get["area"].str.upper(),
            "period": periods,
            "value": get["value"],
            "numerator": get["count"],
            "denominator": get["denominator"],
            "lower": get["lower95"],
            "upper": get["upper95"],
        }
    )[keep]
    out.add(table, "observations", rows)
    names = get["name"].str.replace(r"\s+", " ", regex=True).str.strip()
    indicators = pd.DataFrame(
        {
            FILE: frame[FILE],
            ROW: frame[ROW],
            "code": ids.map(code),
            "name": names.str.slice(0, 250),
            "domain": "outcome",
            "unit": "as defined in Fingertips",
            "polarity": "neutral",
            "source": "OHID Fingertips, indicator " + ids,
            "frequency": "annual",
        }
    )[keep].drop_duplicates("code")
    out.add(table, "indicators", indicators, stub=True)
    return out

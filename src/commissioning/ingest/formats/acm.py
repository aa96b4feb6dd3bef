"""Aggregate Contract Monitoring (ACM): a provider's monthly activity and money by contract line.

The national layout for monthly aggregate contract activity returns (NHS England's ACM dataset
specification, adopted as the information standard DCB2050 and defined as the NHS Data Model
and Dictionary's *Aggregate Contract Monitoring Data Set*): one row per commissioner, provider,
point of delivery, specialty and month, with planned and actual activity and price. The headers
are the Data Dictionary's data element names, in any case and spelling of spaces, underscores
and brackets (``ORGANISATION IDENTIFIER (CODE OF PROVIDER)`` or
``organisation_identifier_code_of_provider``). CSV files only (save a workbook as CSV).

Read (every other column is left out, and listed):

- FINANCIAL YEAR (``2012/13``, ``2012-13``, ``201213`` or ``2012``) and FINANCIAL MONTH (1 is
  April, 12 is March): the month of the activity;
- ORGANISATION IDENTIFIER (CODE OF COMMISSIONER) and (CODE OF PROVIDER): with LOCAL CONTRACT
  CODE when given (our contract reference), they find the contract: the one contract between
  the two organisations running in that month, or the one whose reference is the local
  contract code;
- LOCAL CONTRACT MONITORING CODE (optional): the contract line's code; otherwise POINT OF
  DELIVERY CODE with ACTIVITY TREATMENT FUNCTION CODE find the line (a line with the same point
  of delivery and specialty, or the one line with that point of delivery and no specialty);
- CONTRACT MONITORING ACTUAL ACTIVITY and CONTRACT MONITORING ACTUAL PRICE (the money for the
  row's activity, optional): the month's actual activity and cost;
- CONTRACT MONITORING PLANNED ACTIVITY and CONTRACT MONITORING PLANNED PRICE (optional): the
  month's plan, when the file carries it.

Rows of one line and month (split by site, practice or HRG) are added together. A row may be
negative (a correction), but a month's total may not. A line and month already stored are
replaced (a later "flex" return for the same month updates it). Rows whose contract or line
cannot be found are errors; with ``allow_unmatched`` they are left out and listed instead.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from commissioning.ingest.formats.published import Converted, Table, header_names
from commissioning.ingest.problems import Problems
from commissioning.ingest.readers import FILE, ROW

NAME = "acm"
TITLE = (
    "Aggregate Contract Monitoring (ACM, DCB2050): actual and planned activity and money by "
    "contract line and month"
)
HEADER = True

YEAR = "financial_year"
MONTH = "financial_month"
PROVIDER = "organisation_identifier_code_of_provider"
COMMISSIONER = "organisation_identifier_code_of_commissioner"
CONTRACT = "local_contract_code"
LINE = "local_contract_monitoring_code"
POD = "point_of_delivery_code"
TFC = "activity_treatment_function_code"
ACTUAL = "contract_monitoring_actual_activity"
ACTUAL_PRICE = "contract_monitoring_actual_price"
PLANNED = "contract_monitoring_planned_activity"
PLANNED_PRICE = "contract_monitoring_planned_price"
REQUIRED = [YEAR, MONTH, PROVIDER, COMMISSIONER, POD, ACTUAL]
READ = [*REQUIRED, CONTRACT, LINE, TFC, ACTUAL_PRICE, PLANNED, PLANNED_PRICE]


def element(header: str) -> str:
    """A header as a data element name: 'ORGANISATION IDENTIFIER (CODE OF PROVIDER)' ->
    'organisation_identifier_code_of_provider'."""
    return re.sub(r"[^a-z0-9]+", "_", str(header).lower()).strip("_")


def detect(rows: list[list[str]]) -> bool:
    names = {element(h) for h in header_names(rows)}
    return {ACTUAL, POD, MONTH} <= names


def _label(table: Table, name: str) -> str:
    for header in table.headers:
        if element(header) == name:
            return header
    return name.upper().replace("_", " ")


def _numbers(table, frame, column, problems, *, required: bool) -> pd.Series:
    text = frame[column].str.replace(",", "", regex=False).str.replace("£", "", regex=False)
    values = pd.to_numeric(text.where(text != ""), errors="coerce")
    bad = (text != "") & values.isna()
    if required:
        bad |= text == ""
    problems.add_rows(
        frame,
        bad,
        _label(table, column),
        lambda r: (
            f"expected a number, found '{r[column]}'"
            if r[column]
            else "expected a number, found nothing"
        ),
    )
    return values


def to_rows(table: Table, problems: Problems, options: dict) -> Converted:
    from commissioning.contracts.acm import find_lines

    frame = table.frame.copy()
    frame.columns = [c if c in (ROW, FILE) else element(c) for c in frame.columns]
    missing = [c for c in REQUIRED if c not in frame.columns]
    for name in missing:
        problems.add(table.file, 1, name.upper().replace("_", " "), "column of the ACM is missing")
    if missing:
        return Converted()
    for name in READ:
        if name not in frame.columns:
            frame[name] = ""
    out = Converted()
    ignored = [h for h in table.headers if element(h) not in READ and element(h) not in ("", "row")]
    if ignored:
        out.notes.append(f"{table.file}: columns not read: {', '.join(ignored)}")

    from commissioning.contracts.months import month_for, parse_year

    years = frame[YEAR].map(parse_year)
    problems.add_rows(
        frame,
        years.isna(),
        _label(table, YEAR),
        lambda r: f"expected a financial year such as 2012/13, found '{r[YEAR]}'",
    )
    month_numbers = pd.to_numeric(frame[MONTH], errors="coerce")
    bad_month = month_numbers.isna() | ~month_numbers.isin(range(1, 13))
    problems.add_rows(
        frame,
        bad_month,
        _label(table, MONTH),
        lambda r: f"expected a financial month from 1 (April) to 12 (March), found '{r[MONTH]}'",
    )
    for column in (PROVIDER, COMMISSIONER):
        frame[column] = frame[column].str.upper().str.replace(" ", "", regex=False)
        problems.add_rows(
            frame,
            ~frame[column].str.fullmatch(r"[A-Z0-9]{3,10}"),
            _label(table, column),
            lambda r, column=column: f"expected an ODS code, found '{r[column]}'",
        )
    problems.add_rows(
        frame, frame[POD] == "", _label(table, POD), "expected a point of delivery code"
    )
    actual = _numbers(table, frame, ACTUAL, problems, required=True)
    actual_price = _numbers(table, frame, ACTUAL_PRICE, problems, required=False)
    planned = _numbers(table, frame, PLANNED, problems, required=False)
    planned_price = _numbers(table, frame, PLANNED_PRICE, problems, required=False)
    if problems:
        return out
    frame["__month"] = [
        month_for(int(y), int(m)) for y, m in zip(years, month_numbers, strict=True)
    ]
    found = find_lines(frame, table, problems, allow_unmatched=options.get("allow_unmatched"))
    if found.left_out:
        out.notes.append(found.left_out)
    keep = found.reference != ""
    if problems or not keep.any():
        return out
    frame = frame.assign(
        __reference=found.reference,
        __line=found.line,
        __actual=actual,
        __actual_price=actual_price,
        __planned=planned,
        __planned_price=planned_price,
    )[keep]
    keys = ["__reference", "__line", "__month"]
    groups = frame.groupby(keys, sort=True)
    first_row = groups[ROW].min()
    summed = groups[["__actual", "__planned", "__actual_price", "__planned_price"]].sum(min_count=1)
    # money only when every row of the month gives it: a partial sum would be wrong
    for money in ("__actual_price", "__planned_price"):
        complete = groups[money].apply(lambda s: s.notna().all())
        summed.loc[~complete, money] = np.nan
    summed = summed.reset_index().assign(**{ROW: first_row.to_numpy(), FILE: table.file})
    negative = summed["__actual"] < 0
    problems.add_rows(
        summed,
        negative,
        _label(table, ACTUAL),
        lambda r: (
            f"the rows of {r['__reference']} line {r['__line']} for "
            f"{r['__month']:%B %Y} add up to {r['__actual']:g}: expected 0 or more"
        ),
    )
    if problems:
        return out

    def sheet(activity: str, price: str, prefix: str) -> pd.DataFrame:
        rows = summed[summed[activity].notna()]
        return pd.DataFrame(
            {
                "contract_reference": rows["__reference"],
                "line": rows["__line"],
                "month": [m.isoformat() for m in rows["__month"]],
                f"{prefix}_activity": [f"{v:g}" for v in rows[activity]],
                f"{prefix}_cost": ["" if pd.isna(v) else f"{v:.2f}" for v in rows[price]],
                ROW: rows[ROW],
            }
        )

    actuals = sheet("__actual", "__actual_price", "actual")
    out.add(table, "contract_actuals", actuals)
    plans = sheet("__planned", "__planned_price", "planned")
    if len(plans):
        out.add(table, "contract_plans", plans)
    out.notes.append(
        f"{table.file}: {len(frame)} rows read as {len(actuals)} months of actual activity"
        + (f" and {len(plans)} of plans" if len(plans) else "")
        + f" for {summed['__line'].nunique()} contract lines"
    )
    return out

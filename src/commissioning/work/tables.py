"""Tables of the work of commissioning as people read them: labels, money, shares and dates.

:func:`table` turns a dataframe into headers and formatted rows for a page's table partial;
:func:`cell` formats one value. Money columns are left out for logins that see no money.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from commissioning.analytics.work import scorecard
from commissioning.store.models import RoleType

MONEY_COLUMNS = {"amount", "annual_value", "cost", "contract_value", "spend", "value"}
#: scorecard measures whose numerator and denominator are sums of money
MONEY_MEASURES = {"whole_budget"}
#: columns holding codes that read better as words
WORDY_COLUMNS = {
    "group",
    "area",
    "kind",
    "status",
    "size_of_change",
    "concentration",
    "nature",
    "payment_form",
    "profile",
    "milestone",
    "setting",
}
STATUS_TAGS = {
    scorecard.MET: "green",
    scorecard.PARTLY: "yellow",
    scorecard.NOT_MET: "red",
    scorecard.NO_DATA: "grey",
}
LABELS = {
    "role_type": "Stakeholder role",
    "group": "Stakeholder group",
    "nature": "Nature of work",
    "stage": "Stage",
    "hours": "Hours",
    "fte_years": "Full-time years",
    "cost": "Cost",
    "financial_year": "Financial year",
    "payment_form": "Payment form",
    "provider": "Provider",
    "amount": "Spend",
    "share": "Share of the year's spend",
    "service": "Service",
    "last_reviewed": "Last reviewed",
    "review_due": "Review was due",
    "reviewed": "Reviewed recently",
    "cumulative_share": "Running share",
    "in_pareto": "In the 80%",
    "hhi": "Concentration index (HHI)",
    "area": "Condition",
    "month": "Month",
    "cumulative_hours": "Hours to date",
    "procurements": "Procurements",
    "procurement_effort_hours": "Hours on procurements",
    "hours_per_million": "Procurement hours per £1m",
}


ROLES = dict(RoleType.choices)


def _label(column: str) -> str:
    return LABELS.get(column, column.replace("_", " ").capitalize())


def cell(value, column: str) -> str:
    """A value as the page shows it."""
    if value is None or (not isinstance(value, (list, dict, str)) and pd.isna(value)):
        return ""
    if column in MONEY_COLUMNS:
        return f"£{float(value):,.0f}"
    if isinstance(value, (bool, np.bool_)):
        return "Yes" if value else "No"
    if column == "role_type":
        return ROLES.get(value, str(value))
    if column in WORDY_COLUMNS and isinstance(value, str):
        return value.replace("_", " ").replace("-", " ").capitalize()
    if column == "hhi":
        return f"{float(value):,.0f}"
    if isinstance(value, pd.Timestamp):
        return value.strftime("%-d %b %Y")
    if column == "financial_year":
        return f"{int(value)}/{str(int(value) + 1)[-2:]}"
    if column.endswith("share") or column == "completeness":
        return f"{float(value):.0%}"
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".") if value % 1 else f"{value:,.0f}"
    return str(value)


def table(df: pd.DataFrame, columns: list[str] | None = None, *, money: bool = True) -> dict:
    """Headers and formatted rows of a dataframe for the generic table partial (identifiers
    are left out; so are money columns when ``money`` is false)."""
    columns = [c for c in (columns or df.columns) if not str(c).endswith("_id")]
    if not money:
        columns = [c for c in columns if c not in MONEY_COLUMNS]
    numeric = {c for c in columns if c in df and pd.api.types.is_numeric_dtype(df[c])}
    return {
        "headers": [{"label": _label(c), "numeric": c in numeric} for c in columns],
        "rows": [
            [{"text": cell(row[c], c), "numeric": c in numeric} for c in columns]
            for _, row in df.iterrows()
        ],
    }

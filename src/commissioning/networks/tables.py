"""Tables of the survey and network pages as people read them: roles in words, rates as
percentages, centralities to three places.

:func:`frame_table` turns a dataframe into headers and formatted rows for
``web/_frame_table.html``.
"""

from __future__ import annotations

import math

import pandas as pd

from commissioning.store.models import RoleType

ROLE_LABELS = dict(RoleType.choices)


def _label(column: str) -> str:
    return column.replace("_", " ").capitalize()


def _cell(value, column: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if column in {"type", "source_type", "role_type"}:
        return ROLE_LABELS.get(value, str(value))
    if column.endswith("rate") or column.startswith("share"):
        return value if isinstance(value, str) else f"{float(value):.0%}"
    if isinstance(value, float):
        return (
            f"{value:.3f}"
            if column in {"pagerank", "betweenness", "eigenvector"}
            else (f"{value:,.0f}" if value == int(value) else f"{value:,.2f}")
        )
    return str(value)


def frame_table(df: pd.DataFrame, columns: dict[str, str]) -> dict:
    """Headers and formatted rows for ``web/_frame_table.html``; ``columns`` maps to labels."""
    numeric = {c for c in columns if c in df and pd.api.types.is_numeric_dtype(df[c])}
    numeric -= {"respondent"}
    return {
        "headers": [{"label": label, "numeric": c in numeric} for c, label in columns.items()],
        "rows": [
            [{"text": _cell(row[c], c), "numeric": c in numeric} for c in columns]
            for _, row in df.iterrows()
        ],
    }

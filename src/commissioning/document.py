"""A report as plain data: sections of paragraphs, tables and charts, ready for any renderer.

Values in a table are already fit to leave the system: counts resting on patient-level data have
been suppressed (a suppressed cell holds the string ``*``) before they reach a renderer, so HTML,
PDF and XLSX cannot disagree about what is shown.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field

from commissioning.analytics.disclosure import SUPPRESSED

# How a column's numbers are written (the XLSX keeps the numbers and uses the matching format).
COUNT, MONEY, PERCENT, NUMBER, DATE, TEXT = "count", "money", "percent", "number", "date", "text"
MONTH = "month"
# Figures shown at a fixed precision wherever they appear (the needs pages use the same):
# percentages with one or two decimals (a diagnosis rate 52.5%, a prevalence 6.74%), and
# rates with one decimal (a standardised rate of 827.4 per 100,000).
PERCENT_1DP, PERCENT_2DP, RATE = "percent1", "percent2", "rate"


@dataclass
class Table:
    key: str  # short unique name: the XLSX sheet and the HTML anchor
    title: str
    columns: list[str]
    rows: list[list]
    formats: dict[str, str] = field(default_factory=dict)  # column -> COUNT, MONEY, ...
    note: str = ""

    def column(self, name: str) -> list:
        i = self.columns.index(name)
        return [row[i] for row in self.rows]

    def kind(self, name: str) -> str:
        return self.formats.get(name, TEXT)


@dataclass
class Chart:
    title: str
    svg: str
    description: str  # text alternative


@dataclass
class Section:
    key: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    caveats: list[str] = field(default_factory=list)


@dataclass
class Report:
    title: str
    subtitle: str
    synthetic: bool
    generated: dt.datetime
    sources: list[tuple[str, str]]  # (what, as of / date range)
    suppression: str
    sections: list[Section] = field(default_factory=list)
    key_figures: list[tuple[str, str]] = field(default_factory=list)
    audience: str = "administrator"

    def tables(self) -> list[Table]:
        return [t for s in self.sections for t in s.tables]


def fmt(value, kind: str = TEXT) -> str:
    """A value as text for a page: suppressed cells stay ``*``, empty cells are blank."""
    if value is None or value is SUPPRESSED or value == SUPPRESSED:
        return "" if value is None else SUPPRESSED
    if isinstance(value, float) and math.isnan(value):
        return ""
    if hasattr(value, "to_pydatetime"):  # pandas Timestamp
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.strftime("%b %Y" if kind == MONTH else "%-d %b %Y")
    if kind == MONEY:
        return f"£{value:,.0f}"
    if kind == PERCENT:
        return f"{value:.2f}%" if abs(value) < 10 else f"{value:.1f}%"
    if kind == PERCENT_1DP:
        return f"{value:.1f}%"
    if kind == PERCENT_2DP:
        return f"{value:.2f}%"
    if kind == RATE:
        return f"{value:,.1f}"
    if kind == COUNT:
        return f"{value:,.0f}"
    if kind == NUMBER and isinstance(value, int | float):
        return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def label(code: str | None) -> str:
    """``special_cause_concern`` -> ``Special cause concern``."""
    if not code:
        return ""
    text = re.sub(r"_+", " ", str(code)).strip()
    return text[:1].upper() + text[1:]


def table_csv(table: Table) -> bytes:
    """One table as a CSV download (UTF-8 with a byte-order mark, as spreadsheets expect),
    through the one writer (:func:`commissioning.tables.csv_text`: text cells neutralised)."""
    import pandas as pd

    from commissioning.tables import csv_text

    return csv_text(pd.DataFrame(table.rows, columns=table.columns)).encode("utf-8-sig")

"""A report as one self-contained HTML page (charts inline as SVG images, styles inline).

The same page is printed to PDF by :mod:`.pdf`: its print stylesheet numbers the pages, fills
in the page references of the contents list and, for synthetic communities, repeats a
"SYNTHETIC DATA" watermark on every page.
"""

from __future__ import annotations

import base64

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from commissioning.document import (
    COUNT,
    DATE,
    MONEY,
    MONTH,
    NUMBER,
    PERCENT,
    PERCENT_1DP,
    PERCENT_2DP,
    RATE,
    Report,
    fmt,
)

NUMERIC = {COUNT, MONEY, PERCENT, PERCENT_1DP, PERCENT_2DP, RATE, NUMBER}


def _table(table) -> dict:
    kinds = [table.kind(c) for c in table.columns]
    return {
        "key": table.key,
        "title": table.title,
        "note": table.note,
        "header": [
            {"text": c, "numeric": k in NUMERIC} for c, k in zip(table.columns, kinds, strict=True)
        ],
        "rows": [
            [
                {"text": fmt(v, k), "numeric": k in NUMERIC or k in (DATE, MONTH)}
                for v, k in zip(row, kinds, strict=False)
            ]
            for row in table.rows
        ],
    }


def _chart(chart) -> dict:
    data = base64.b64encode(chart.svg.encode()).decode()
    return {
        "title": chart.title,
        "src": f"data:image/svg+xml;base64,{data}",
        "description": chart.description,
    }


def css_string(text: str) -> str:
    """``text`` safe inside a quoted CSS string in a <style> element."""
    out = []
    for ch in str(text):
        if ch in '\\"<>&' or ord(ch) < 32:
            out.append(f"\\{ord(ch):x} ")
        else:
            out.append(ch)
    return mark_safe("".join(out))  # noqa: S308 - every special character is escaped above


def context(report: Report) -> dict:
    generated = timezone.localtime(report.generated).strftime("%-d %B %Y at %H:%M")
    return {
        "report": report,
        "generated": generated,
        "css_title": css_string(report.title),
        "css_footer": css_string(f"Generated {generated}. Small numbers suppressed."),
        "sections": [
            {
                "key": s.key,
                "title": s.title,
                "paragraphs": s.paragraphs,
                "tables": [_table(t) for t in s.tables],
                "charts": [_chart(c) for c in s.charts],
                "caveats": s.caveats,
            }
            for s in report.sections
        ],
    }


def render_html(report: Report, *, for_print: bool = False) -> str:
    ctx = context(report)
    ctx["for_print"] = for_print
    return render_to_string("reports/report.html", ctx)

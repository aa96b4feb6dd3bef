"""A report as an Excel workbook: a cover sheet, then one sheet per table.

Numbers stay numbers (with a number format), suppressed cells hold ``*``, and any text cell
that a spreadsheet could read as a formula is prefixed with ``'`` so that opening the file never
runs anything: the workbook comes from the one writer, :func:`commissioning.tables.new_workbook`.
"""

from __future__ import annotations

import io
import re

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

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
)
from commissioning.tables import cell_value, new_workbook

NUMBER_FORMATS = {
    COUNT: "#,##0",
    MONEY: '"£"#,##0',
    PERCENT: '0.0"%"',
    PERCENT_1DP: '0.0"%"',
    PERCENT_2DP: '0.00"%"',
    RATE: "#,##0.0",
    NUMBER: "#,##0.00",
    DATE: "d mmm yyyy",
    MONTH: "mmm yyyy",
}
HEADER_FILL = PatternFill("solid", fgColor="E8EDEE")
BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(key: str, used: set[str]) -> str:
    name = BAD_SHEET_CHARS.sub("_", key)[:31] or "table"
    base, n = name, 2
    while name.lower() in used:
        suffix = f"_{n}"
        name = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(name.lower())
    return name


def render_xlsx(report: Report) -> bytes:
    wb = new_workbook()
    cover = wb.active
    cover.title = "About"
    lines = [(report.title, True), (report.subtitle, False)]
    if report.synthetic:
        lines.append(
            ("SYNTHETIC DATA: made up for demonstration; no real patient or person.", True)
        )
    lines.append((f"Generated {report.generated:%-d %B %Y %H:%M} for {report.audience}", False))
    lines.append(("Suppression applied: " + report.suppression, False))
    lines.append(("", False))
    lines += [(f"{what}: {value}", False) for what, value in report.key_figures]
    lines.append(("", False))
    lines.append(("Data sources", True))
    lines += [(f"{what}: {when}", False) for what, when in report.sources]
    lines.append(("", False))
    lines.append(("Sheets", True))
    used = {"about"}
    names = []
    for table in report.tables():
        names.append((_sheet_name(table.key, used), table))
    lines += [(f"{name}: {table.title}", False) for name, table in names]
    for i, (text, bold) in enumerate(lines, start=1):
        cell = cover.cell(row=i, column=1, value=cell_value(text))
        cell.font = Font(bold=bold, size=14 if i == 1 else 11)
    cover.column_dimensions["A"].width = 110

    for name, table in names:
        ws = wb.create_sheet(name)
        ws.cell(row=1, column=1, value=cell_value(table.title)).font = Font(bold=True, size=12)
        header_row = 2
        for j, column in enumerate(table.columns, start=1):
            cell = ws.cell(row=header_row, column=j, value=cell_value(column))
            cell.font = Font(bold=True)
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        widths = [len(str(c)) for c in table.columns]
        for i, row in enumerate(table.rows, start=header_row + 1):
            for j, (column, value) in enumerate(zip(table.columns, row, strict=False), start=1):
                cell = ws.cell(row=i, column=j, value=cell_value(value))
                kind = table.kind(column)
                if kind in NUMBER_FORMATS and not isinstance(cell.value, str):
                    cell.number_format = NUMBER_FORMATS[kind]
                if isinstance(cell.value, str) and kind != "text":
                    cell.alignment = Alignment(horizontal="right")
                widths[j - 1] = max(widths[j - 1], min(len(str(cell.value or "")), 60))
        end = header_row + len(table.rows) + 1
        if table.note:
            ws.cell(row=end + 1, column=1, value=cell_value(table.note)).font = Font(italic=True)
        if report.synthetic:
            ws.cell(row=end + 2, column=1, value="SYNTHETIC DATA").font = Font(bold=True)
        for j, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(j)].width = max(10, min(w + 2, 62))
        ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()

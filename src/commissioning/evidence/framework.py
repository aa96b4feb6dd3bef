"""The framework matrix: developments (or communities) down the side, themes across the top.

Each cell summarises the passages coded with that theme in evidence about that development:
how many passages, from how many pieces of evidence, and the first few quotes. Passages from
evidence linked to no development sit in the row "Not linked to a development".
"""

from __future__ import annotations

from dataclasses import dataclass, field

NOT_LINKED = "Not linked to a development"
QUOTES = 3
QUOTE_LENGTH = 200


@dataclass
class Cell:
    passages: int = 0
    sources: set = field(default_factory=set)
    quotes: list[str] = field(default_factory=list)

    @property
    def evidence_count(self) -> int:
        return len(self.sources)

    def summary(self) -> str:
        if not self.passages:
            return ""
        head = (
            f"{self.passages} passage{'s' if self.passages != 1 else ''} in "
            f"{self.evidence_count} piece{'s' if self.evidence_count != 1 else ''} of evidence"
        )
        return "\n".join([head, *(f"“{q}”" for q in self.quotes)])


@dataclass
class Matrix:
    rows: list[str]
    columns: list
    cells: dict[tuple[str, int], Cell]

    def cell(self, row: str, code) -> Cell:
        return self.cells.get((row, code.pk), Cell())

    def table(self) -> list[tuple[str, list[Cell]]]:
        return [(row, [self.cell(row, c) for c in self.columns]) for row in self.rows]


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= QUOTE_LENGTH else text[: QUOTE_LENGTH - 1] + "…"


def build(evidence, codes, by: str = "development") -> Matrix:
    """The matrix for the evidence in queryset ``evidence`` and the list of ``codes``."""
    from commissioning.evidence.models import Passage

    codes = list(codes)
    wanted = {c.pk for c in codes}
    passages = (
        Passage.objects.filter(evidence__in=evidence, codes__in=wanted)
        .select_related("evidence__development", "evidence__community")
        .prefetch_related("codes")
        .distinct()
        .order_by("evidence__date", "evidence_id", "start")
    )
    cells: dict[tuple[str, int], Cell] = {}
    rows: list[str] = []
    for p in passages:
        if by == "community":
            row = p.evidence.community.name
        else:
            row = p.evidence.development.title if p.evidence.development else NOT_LINKED
        if row not in rows:
            rows.append(row)
        for code in p.codes.all():
            if code.pk not in wanted:
                continue
            cell = cells.setdefault((row, code.pk), Cell())
            cell.passages += 1
            cell.sources.add(p.evidence_id)
            if len(cell.quotes) < QUOTES:
                cell.quotes.append(_quote(p.text))
    rows.sort(key=lambda r: (r == NOT_LINKED, r))
    return Matrix(rows, codes, cells)


def to_xlsx(matrix: Matrix, path_or_file, title: str = "Framework matrix") -> None:
    """Write the matrix as a workbook: summaries on one sheet, passage counts on another.

    The workbook comes from the one writer (:func:`commissioning.tables.new_workbook`): titles,
    theme names and quotes are written as text, never as formulas."""
    from openpyxl.styles import Alignment, Font

    from commissioning.tables import new_workbook

    book = new_workbook()
    sheet = book.active
    sheet.title = "Framework"
    counts = book.create_sheet("Passage counts")
    header = ["", *(c.name for c in matrix.columns)]
    for ws in (sheet, counts):
        ws.append(header)
        for cell in ws[1]:
            cell.font = Font(bold=True)
    for row, cells in matrix.table():
        sheet.append([row, *(c.summary() for c in cells)])
        counts.append([row, *(c.passages for c in cells)])
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].width = 30
    for i in range(len(matrix.columns)):
        sheet.column_dimensions[chr(ord("B") + i) if i < 25 else "Z"].width = 40
    sheet.freeze_panes = "B2"
    book.properties.title = title
    book.save(path_or_file)

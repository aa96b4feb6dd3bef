"""The framework matrix: developments × themes, with counts and quotes, and its workbook."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from commissioning.evidence import framework
from commissioning.evidence.codebook import THEME, codes_for, find_code
from commissioning.evidence.log import add_evidence, code_quote
from commissioning.evidence.models import Evidence


@pytest.fixture
def coded(town):
    """Memory service: 2 'money' passages in 2 documents, 1 'pace' passage.
    Falls review: 1 'money' passage. Unlinked: 1 'national drivers' passage."""
    c = town["community"]
    money, pace = find_code(c, "money"), find_code(c, "scale-pace")
    drivers = find_code(c, "national-drivers")
    a = add_evidence(c, "a.txt", b"No new money. It took three years.", development=town["memory"])
    b = add_evidence(
        c, "b.txt", b"The block contract stayed as it was.", development=town["memory"]
    )
    f = add_evidence(c, "f.txt", b"Falls money came from reserves.", development=town["falls"])
    u = add_evidence(c, "u.txt", b"The NICE quality standard started it.")
    code_quote(a, "No new money.", [money])
    code_quote(a, "It took three years.", [pace])
    code_quote(b, "The block contract stayed as it was.", [money])
    code_quote(f, "Falls money came from reserves.", [money])
    code_quote(u, "The NICE quality standard started it.", [drivers])
    return c


def test_matrix_counts_and_quotes(coded):
    codes = codes_for(coded).filter(group=THEME)
    matrix = framework.build(Evidence.objects.filter(community=coded), codes)
    assert matrix.rows == ["Falls clinic review", "Memory service", framework.NOT_LINKED]
    assert len(matrix.columns) == 7
    money = find_code(coded, "money")
    cell = matrix.cell("Memory service", money)
    assert (cell.passages, cell.evidence_count) == (2, 2)
    assert cell.summary().splitlines() == [
        "2 passages in 2 pieces of evidence",
        "“No new money.”",
        "“The block contract stayed as it was.”",
    ]
    assert matrix.cell("Falls clinic review", money).passages == 1
    assert matrix.cell("Falls clinic review", find_code(coded, "scale-pace")).summary() == ""
    assert matrix.cell(framework.NOT_LINKED, find_code(coded, "national-drivers")).passages == 1
    totals = sum(c.passages for _, cells in matrix.table() for c in cells)
    assert totals == 5


def test_matrix_by_community(coded):
    codes = codes_for(coded).filter(group=THEME)
    matrix = framework.build(Evidence.objects.all(), codes, by="community")
    assert matrix.rows == ["Evitown"]
    assert matrix.cell("Evitown", find_code(coded, "money")).passages == 3


def test_workbook(coded, tmp_path):
    codes = codes_for(coded).filter(group=THEME)
    matrix = framework.build(Evidence.objects.filter(community=coded), codes)
    path = tmp_path / "matrix.xlsx"
    framework.to_xlsx(matrix, path)
    book = load_workbook(path)
    counts = book["Passage counts"]
    header = [c.value for c in counts[1]]
    assert header[0] is None and header[1] == "The work commissioning takes"
    money_column = header.index("Money is often on the sidelines")
    rows = {r[0].value: r for r in counts.iter_rows(min_row=2)}
    assert rows["Memory service"][money_column].value == 2
    summary = book["Framework"].cell(row=3, column=money_column + 1).value
    assert summary.startswith("2 passages in 2 pieces of evidence")


def test_workbook_writes_titles_and_code_names_as_text_never_formulas(coded, tmp_path):
    """Issue 20, finding 9: a development title or code name starting "=" came back as a
    live formula. Every text cell is written as text (a leading quote), as in every export."""
    codes = codes_for(coded).filter(group=THEME)
    coded.developments.filter(title="Memory service").update(
        title='=HYPERLINK("http://x.test","hi")'
    )
    money = find_code(coded, "money")
    money.name = "@SUM(1)"
    money.save()
    codes = codes_for(coded).filter(group=THEME)
    matrix = framework.build(Evidence.objects.filter(community=coded), codes)
    path = tmp_path / "matrix.xlsx"
    framework.to_xlsx(matrix, path)
    book = load_workbook(path)
    for sheet in book.worksheets:
        cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
        assert all(c.data_type != "f" for c in cells), sheet.title
    counts = book["Passage counts"]
    assert "'@SUM(1)" in [c.value for c in counts[1]]
    assert '\'=HYPERLINK("http://x.test","hi")' in [r[0].value for r in counts.iter_rows()]

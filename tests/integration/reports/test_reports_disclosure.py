"""Small numbers never leave in a report; formulas never run; viewers see no money."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from commissioning.cli import main
from commissioning.reports.content import community_report
from commissioning.reports.html import render_html
from commissioning.reports.pdf import render_pdf
from commissioning.reports.xlsx import render_xlsx
from commissioning.store.models import (
    CommissioningCommunity,
    Contract,
    Indicator,
    Observation,
)
from commissioning.tables import safe_text

from .conftest import pdf_pages, workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_counts(demo):
    """A diagnosis-rate indicator whose latest month has 3 people recorded out of 7 expected."""
    community = CommissioningCommunity.objects.get(code="wirral")
    indicator = Indicator.objects.create(
        code="TEST_SMALL_DX",
        name="Test small diagnosis rate",
        domain="outcome",
        unit="%",
        polarity="higher_better",
        frequency="monthly",
        patient_counts=True,
    )
    months = [dt.date(2011 + (i // 12), 1 + i % 12, 1) for i in range(24)]
    rows = [(60 + (i % 3), 100) for i in range(23)] + [(3, 7)]
    Observation.objects.bulk_create(
        Observation(
            indicator=indicator,
            organisation=community.commissioner,
            period=month,
            numerator=n,
            denominator=d,
            value=round(n / d * 100, 2),
        )
        for month, (n, d) in zip(months, rows, strict=True)
    )
    return community


def _row(wb, sheet: str, first_cell_contains: str) -> list:
    for row in wb[sheet].iter_rows(min_row=3, values_only=True):
        if row[0] and first_cell_contains in str(row[0]):
            return list(row)
    raise AssertionError(f"no row for {first_cell_contains} in {sheet}")


def test_small_counts_are_shown_as_a_star_everywhere(small_counts, tmp_path):
    report = community_report(small_counts.code)
    wb = workbook(render_xlsx(report))
    gap = _row(wb, "diagnosis_gap", "Test small diagnosis rate")
    header = [c.value for c in wb["diagnosis_gap"][2]]
    for column in ("Recorded", "Expected", "Rate", "Lower 95%", "Upper 95%"):
        assert gap[header.index(column)] == "*", column
    latest = _row(wb, "monitoring", "Test small diagnosis rate")
    header = [c.value for c in wb["monitoring"][2]]
    assert latest[header.index("Latest value")] == "*"
    # The value worked out from 3 of 7 (42.86%) appears nowhere, in any format. (The demo's
    # other series may hold a 42.86 of their own, so the rows of this indicator are read.)
    html = render_html(report)
    rows = re.findall(r"<tr><td>Test small diagnosis rate.*?</tr>", html, flags=re.S)
    assert rows and all(">3<" not in r and ">7<" not in r for r in rows)
    assert all("42.86" not in r and "42.9" not in r for r in rows)
    text = "\n".join(pdf_pages(render_pdf(report), tmp_path))
    lines = text.splitlines()
    windows = [" ".join(lines[i : i + 3]) for i, x in enumerate(lines) if "Test small" in x]
    assert windows and all("42.86" not in w and "42.9" not in w for w in windows)
    # The diagnosis-gap row: recorded, expected, rate and its limits are all hidden.
    row = next(w for w in windows if w.count("*") >= 5)
    assert " 3 " not in row and " 7 " not in row


def test_text_that_looks_like_a_formula_is_kept_as_text(demo):
    contract = Contract.objects.filter(community__code="somerset").order_by("pk").first()
    contract.title = '=HYPERLINK("http://example.invalid","click")'
    contract.save()
    Contract.objects.filter(pk=contract.pk).update(
        start_date=dt.date(2000, 1, 1), end_date=dt.date(2100, 1, 1)
    )
    wb = workbook(render_xlsx(community_report("somerset", charts=False)))
    titles = [row[1] for row in wb["contracts"].iter_rows(min_row=3, values_only=True)]
    assert "'" + contract.title in titles
    for sheet in wb.worksheets:
        for row in sheet.iter_rows(values_only=True):
            for value in row:
                assert not (isinstance(value, str) and value.startswith(("=", "+", "@"))), value
    assert [safe_text(t) for t in ("=1+1", "+1", "-1+A1", "@SUM(A1)", "ok", "-1")] == [
        "'=1+1",
        "'+1",
        "'-1+A1",
        "'@SUM(A1)",
        "ok",
        "-1",  # a plain negative number runs nothing: it stays a number
    ]


def test_a_viewer_sees_no_money_and_only_their_community(demo):
    from django.contrib.auth import get_user_model

    from commissioning.reports.content import NotFound

    viewer = get_user_model().objects.get(username="calderdale-viewer")
    report = community_report("calderdale", user=viewer, charts=False)
    contracts = next(t for t in report.tables() if t.key == "contracts")
    assert set(contracts.column("Annual value")) == {None}
    assert "Contract values are not shown to your role." in contracts.note
    assert not any(t.key == "spend_by_condition" for t in report.tables())
    assert not any("£" in figure for _, figure in report.key_figures)
    # the labour of commissioning in hours, not its cost
    labour = next(t for t in report.tables() if t.key == "labour")
    assert set(labour.column("Cost")) == {None} and len(labour.rows) > 1
    assert "not shown to your role" in labour.note
    # the scorecard's measure of money gives its share, not the pounds behind it
    card = next(t for t in report.tables() if t.key == "scorecard")
    (budget,) = [r for r in card.rows if r[0] == "Whole-budget priority setting"]
    assert budget[1] is None and budget[2] is None and budget[3] is not None
    assert "not shown to your role" in card.note
    with pytest.raises(NotFound):
        community_report("wirral", user=viewer, charts=False)


def test_report_verb_writes_each_format(demo, tmp_path):
    for fmt in ("html", "xlsx"):
        out = tmp_path / f"somerset.{fmt}"
        assert main(["report", "--community", "somerset", "-o", str(out)]) == 0
        assert out.stat().st_size > 1000
    assert workbook((tmp_path / "somerset.xlsx").read_bytes())["About"]["A1"].value.startswith(
        "Somerset"
    )


def test_report_verb_refuses_an_unknown_community_in_one_line(demo, tmp_path, capsys):
    status = main(["report", "--community", "nowhere", "-o", str(tmp_path / "x.pdf")])
    assert status == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("commissioning report: no community 'nowhere'")
    assert "calderdale" in err and "\n" not in err


def test_report_verb_needs_a_known_format(demo, tmp_path, capsys):
    assert main(["report", "--across", "-o", str(tmp_path / "report.txt")]) == 1
    assert "--format" in capsys.readouterr().err


def test_reports_download_for_the_signed_in_user(demo, client):
    from django.contrib.auth import get_user_model

    viewer = get_user_model().objects.get(username="calderdale-viewer")
    client.force_login(viewer)
    response = client.get("/reports/calderdale.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="calderdale-report.xlsx"' in response["Content-Disposition"]
    wb = workbook(response.content)
    assert set(wb["contracts"].iter_cols(min_row=3, max_col=7, min_col=7, values_only=True)) == {
        (None,) * (wb["contracts"].max_row - 2)
    }
    assert client.get("/reports/wirral.xlsx").status_code == 404
    assert client.get("/reports/calderdale.doc").status_code == 404

"""Every report of the demo in every format, checked for the figures a board would look for."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Q

from commissioning.reports.html import render_html
from commissioning.reports.xlsx import render_xlsx
from commissioning.store.models import CommissioningCommunity, Contract

from .conftest import DEMO_CODES, pdf_pages, workbook

pytestmark = pytest.mark.django_db


def _live_contract_total(code: str, as_of: dt.date) -> float:
    live = Contract.objects.filter(community__code=code).filter(
        Q(start_date__isnull=True) | Q(start_date__lte=as_of),
        Q(end_date__isnull=True) | Q(end_date__gte=as_of),
    )
    return float(sum(c.annual_value or 0 for c in live))


def _as_of(report) -> dt.date:
    # "... as of 31 March 2013" ends the subtitle.
    return dt.datetime.strptime(report.subtitle.rsplit("as of ", 1)[1], "%d %B %Y").date()


@pytest.mark.parametrize("code", DEMO_CODES)
def test_community_pdf_shows_key_figures_and_synthetic_mark_on_every_page(
    code, reports, pdfs, tmp_path
):
    community = CommissioningCommunity.objects.get(code=code)
    pages = pdf_pages(pdfs[code], tmp_path)
    assert len(pages) > 5
    for number, page in enumerate(pages, start=1):
        assert "SYNTHETIC DATA" in page, f"page {number} has no synthetic-data mark"
        assert f"Page {number} of {len(pages)}" in page
    text = "\n".join(pages)
    assert f"{community.population:,}" in text
    total = _live_contract_total(code, _as_of(reports[code]))
    assert total > 0
    assert f"£{total:,.0f}" in text
    # The scorecard's nine measures with a status each; the contents list gives page numbers.
    assert "Effective-commissioning scorecard" in text
    assert any(s in text for s in ("Met", "Partly met", "Not met"))
    contents = pages[0]
    assert "Needs: who has the conditions" in contents
    assert "About this report: data sources and suppression" in contents
    assert "Counts from 1 to 7 are shown as *" in text
    # the work page's chart of each measure year by year, with its caption
    assert "Each measure year by year." in " ".join(text.split())


@pytest.mark.parametrize("code", DEMO_CODES)
def test_community_workbook_has_one_sheet_per_table(code, reports):
    report = reports[code]
    wb = workbook(render_xlsx(report))
    assert wb.sheetnames[0] == "About"
    for key in ("registers", "contracts", "monitoring_matrix", "monitoring", "scorecard"):
        assert key in wb.sheetnames
    assert "SYNTHETIC DATA" in [c.value for c in wb["About"]["A"]][2]
    # The contracts sheet ends with the total of the contracts in force, as a number.
    ws = wb["contracts"]
    header = [c.value for c in ws[2]]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=3) if row[0].value]
    total_row = next(r for r in rows if r[0] == "Total")
    assert total_row[header.index("Annual value")] == pytest.approx(
        _live_contract_total(code, _as_of(report))
    )
    # The monitoring matrix counts every series once.
    grid = wb["monitoring_matrix"]
    counts = [c.value for row in grid.iter_rows(min_row=3, min_col=2) for c in row]
    series = wb["monitoring"]
    n_series = sum(1 for row in series.iter_rows(min_row=3) if row[1].value is not None)
    assert sum(v for v in counts if isinstance(v, int)) == n_series > 0


@pytest.mark.parametrize("code", DEMO_CODES)
def test_community_html_is_one_self_contained_page(code, reports):
    html = render_html(reports[code])
    assert html.startswith("<!DOCTYPE html>")
    assert "SYNTHETIC DATA" in html
    assert 'src="data:image/svg+xml;base64,' in html  # SPC charts inline, nothing fetched
    assert "http://" not in html and "https://" not in html
    assert CommissioningCommunity.objects.get(code=code).name in html


def test_the_reports_needs_section_carries_the_pages_charts(client, reports):
    """The needs page draws, for each condition, the prevalence trend and the practices' funnel
    plot; the board report left out the funnel plot (issue 22). Its needs section now carries
    every chart the page draws, with the page's own text alternative."""
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="admin"))
    needs = next(s for s in reports["wirral"].sections if s.key == "needs")
    alternatives = {chart.description for chart in needs.charts}
    html = client.get("/communities/wirral/needs/diabetes/").content.decode()
    import re

    for canvas in ("funnel-chart", "trend-chart"):
        found = re.search(rf'id="{canvas}"[^>]*aria-label="([^"]+)"', html)
        assert found, canvas
        label = found.group(1).replace("&#x27;", "'").replace("&amp;", "&")
        assert label in alternatives, canvas


def test_community_report_registers_match_the_database(reports):
    from commissioning.store.models import ConditionRegister

    table = next(t for t in reports["calderdale"].tables() if t.key == "registers")
    diabetes = next(r for r in table.rows if r[0] == "Diabetes")
    period = diabetes[1]
    regs = ConditionRegister.objects.filter(
        organisation__communities__code="calderdale",
        condition__name="Diabetes",
        period_end=period,
    )
    cases = sum(r.register_size for r in regs)
    people = sum(r.list_size for r in regs)
    # Counts are rounded to the nearest 5; prevalence is the crude percentage.
    assert diabetes[3] == 5 * round(cases / 5)
    assert diabetes[5] == pytest.approx(100 * cases / people)
    assert diabetes[6] < diabetes[5] < diabetes[7]


def test_development_report_in_every_format(reports, pdfs, tmp_path):
    report = reports["development"]
    text = "\n".join(pdf_pages(pdfs["development"], tmp_path))
    assert report.title in text.replace("\n", " ") or report.title[:30] in text
    assert "Objectives" in text and "SYNTHETIC DATA" in text
    wb = workbook(render_xlsx(report))
    assert {"development", "objectives", "labour"} <= set(wb.sheetnames)
    assert "<!DOCTYPE html>" in render_html(report)


def test_across_report_compares_every_community(reports, pdfs, tmp_path):
    text = "\n".join(pdf_pages(pdfs["across"], tmp_path))
    assert "Each measure in each community." in " ".join(text.split())  # the dot plot's caption
    for community in CommissioningCommunity.objects.all():
        assert community.code in text
        assert f"{community.population:,}" in text
    wb = workbook(render_xlsx(reports["across"]))
    codes = [row[0].value for row in wb["communities"].iter_rows(min_row=3) if row[0].value]
    # the study's three and today's ICB, then the report's notes
    assert codes[:4] == sorted([*DEMO_CODES, "mereshire"])
    assert "SYNTHETIC DATA" in render_html(reports["across"])

"""Impact estimates and a development's labour: the same on its pages and in its reports.

Found by a commissioner preparing a board paper: Wirral's new memory assessment service, "cut the
wait to 6 weeks", showed a level change of -0.56 weeks on the evaluation page and -6.25 in the
board report (the report fitted its own model); a development's labour counted its tasks on the
evaluation page and left them out on the development page.
"""

from __future__ import annotations

import re

import pytest

from commissioning.document import NUMBER, fmt
from commissioning.reports.content import community_report, development_report
from commissioning.reports.html import render_html
from commissioning.reports.xlsx import render_xlsx
from commissioning.store.models import Objective, ServiceDevelopment

from .conftest import html_table, page_text, xlsx_sheet

pytestmark = pytest.mark.django_db


def _evaluated_objectives():
    return list(
        Objective.objects.exclude(indicator=None)
        .select_related("development__community", "indicator")
        .order_by("development__community__code", "development__slug", "id")
    )


def _page_estimate(client, objective) -> tuple[float, float, float] | str:
    dev = objective.development
    url = (
        f"/communities/{dev.community.code}/developments/{dev.slug}/objectives/"
        f"{objective.pk}/evaluation/"
    )
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    table = html_table(html, "effects-table")
    if table is None:
        return page_text(html)
    first = re.search(
        r'data-value="([^"]+)".*?data-lower="([^"]+)" data-upper="([^"]+)"', table, flags=re.S
    )
    return tuple(float(x) for x in first.groups())


def _report_rows(report) -> list[dict]:
    return xlsx_sheet(render_xlsx(report), "impact")


def test_every_objective_has_one_level_change_on_its_page_and_in_both_reports(admin_client):
    objectives = _evaluated_objectives()
    assert objectives, "the demo has objectives measured by indicators"
    compared = 0
    for objective in objectives:
        dev = objective.development
        code = dev.community.code
        on_page = _page_estimate(admin_client, objective)
        reports = [development_report(code, dev.slug), community_report(code, charts=False)]
        for report in reports:
            rows = [
                r
                for r in _report_rows(report)
                if r["Development"] == dev.title
                and str(r["Indicator"]).startswith(objective.indicator.name)
            ]
            html = render_html(report)
            if isinstance(on_page, str):  # not evaluated on the page: nor in the report
                assert all(r["Level change"] is None for r in rows), (dev.title, rows)
                continue
            assert len(rows) == 1, (dev.title, objective.indicator.name, rows)
            row = rows[0]
            estimate, lower, upper = on_page
            assert row["Level change"] == pytest.approx(estimate, abs=1e-9), dev.title
            assert row["Lower 95%"] == pytest.approx(lower, abs=1e-9)
            assert row["Upper 95%"] == pytest.approx(upper, abs=1e-9)
            assert fmt(estimate, NUMBER) in html_table(html, "table-impact")
            compared += 1
    assert compared >= 4


def _hours(text: str) -> float:
    return float(text.replace(",", ""))


def test_a_development_labour_is_one_figure_on_its_page_evaluation_and_report(admin_client):
    """The Calderdale diabetes strategic plan has two tasks: its labour counts theirs everywhere."""
    checked_with_tasks = 0
    for dev in ServiceDevelopment.objects.select_related("community").order_by("pk"):
        code = dev.community.code
        page = page_text(
            admin_client.get(f"/communities/{code}/developments/{dev.slug}/").content.decode()
        )
        found = re.search(r"([\d,.]+) hours of work on this development", page)
        assert found, dev.title
        on_page = _hours(found.group(1))
        labour = xlsx_sheet(render_xlsx(development_report(code, dev.slug)), "labour")
        total = next(r for r in labour if r["Development"] == "Total")
        assert total["Hours"] == pytest.approx(on_page, abs=0.005), dev.title
        for objective in dev.objectives.exclude(indicator=None):
            url = (
                f"/communities/{code}/developments/{dev.slug}/objectives/{objective.pk}/evaluation/"
            )
            evaluation = page_text(admin_client.get(url).content.decode())
            hours = re.search(r"Hours recorded ([\d,.]+)", evaluation)
            if hours:
                assert _hours(hours.group(1)) == pytest.approx(on_page, abs=0.005), dev.title
        if dev.children.exists():
            checked_with_tasks += 1
            assert " task" in found.string[found.end() : found.end() + 40]
    assert checked_with_tasks >= 1

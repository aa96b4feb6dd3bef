"""Impact estimates, baselines and a development's labour: the same on its pages, in its reports
and in the API.

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

from .conftest import api_json, html_table, page_text, xlsx_sheet

pytestmark = pytest.mark.django_db

# Each development's evaluation as the API gives it, read once (the demo does not change).
_API: dict[int, dict] = {}


def _api_evaluation(client, development) -> dict:
    if development.pk not in _API:
        _API[development.pk] = api_json(client, f"/api/developments/{development.pk}/evaluation")
    return _API[development.pk]


def _api_objective(client, objective) -> dict:
    found = _api_evaluation(client, objective.development)["objectives"]
    return next(o for o in found if o["id"] == objective.pk)


def _evaluated_objectives():
    return list(
        Objective.objects.exclude(indicator=None)
        .select_related("development__community", "indicator")
        .order_by("development__community__code", "development__slug", "id")
    )


def _page_estimate(client, objective) -> tuple[tuple[float, float, float] | str, str]:
    """The level change and its interval on the objective's evaluation page (or, when there is
    none, the page's text), and the page's text."""
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
        return page_text(html), page_text(html)
    first = re.search(
        r'data-value="([^"]+)".*?data-lower="([^"]+)" data-upper="([^"]+)"', table, flags=re.S
    )
    return tuple(float(x) for x in first.groups()), page_text(html)


def _report_rows(report) -> list[dict]:
    return xlsx_sheet(render_xlsx(report), "impact")


def test_every_objective_has_one_level_change_on_its_page_in_both_reports_and_the_api(
    admin_client,
):
    objectives = _evaluated_objectives()
    assert objectives, "the demo has objectives measured by indicators"
    compared = 0
    for objective in objectives:
        dev = objective.development
        code = dev.community.code
        on_page, text = _page_estimate(admin_client, objective)
        api = _api_objective(admin_client, objective)
        if isinstance(on_page, str):
            assert not api["evaluated"] and api["level_change"] is None, (dev.title, api)
            assert api["method"] is None
        else:
            estimate, lower, upper = on_page
            assert api["evaluated"], (dev.title, api)
            assert api["level_change"] == pytest.approx(estimate, abs=1e-9), dev.title
            assert api["lower"] == pytest.approx(lower, abs=1e-9), dev.title
            assert api["upper"] == pytest.approx(upper, abs=1e-9), dev.title
            assert api["method"] in text, (dev.title, api["method"])  # named as on the page
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
            assert api["method"] in page_text(html)  # and as in the report
            assert row["Note"] == api["note"], dev.title
            compared += 1
    assert compared >= 4


def _hours(text: str) -> float:
    return float(text.replace(",", ""))


def _page_objectives(html: str) -> dict[str, str]:
    """Each objective's baseline on the development page, by the objective's description."""
    table = re.search(r'aria-label="Objectives">.*?</table>', html, flags=re.S).group(0)
    found = {}
    for row in re.findall(r"<tr.*?</tr>", table.split("<tbody", 1)[1], flags=re.S):
        cells = re.findall(r"<td.*?</td>", row, flags=re.S)
        description = page_text(cells[0]).replace("Not specific and measurable", "").strip()
        found[description] = page_text(cells[2]).strip()
    return found


def test_a_development_labour_is_one_figure_on_its_page_evaluation_report_and_api(
    admin_client,
):
    """The Calderdale diabetes strategic plan has two tasks: its labour counts theirs everywhere.
    Its cost, and each objective's baseline, are the same on the page, in the report and in the
    API."""
    checked_with_tasks = costed = 0
    for dev in ServiceDevelopment.objects.select_related("community").order_by("pk"):
        code = dev.community.code
        html = admin_client.get(f"/communities/{code}/developments/{dev.slug}/").content.decode()
        page = page_text(html)
        found = re.search(r"([\d,.]+) hours of work on this development", page)
        assert found, dev.title
        on_page = _hours(found.group(1))
        book = render_xlsx(development_report(code, dev.slug))
        labour = xlsx_sheet(book, "labour")
        total = next(r for r in labour if r["Development"] == "Total")
        assert total["Hours"] == pytest.approx(on_page, abs=0.005), dev.title
        api = _api_evaluation(admin_client, dev)
        assert api["labour"]["hours"] == pytest.approx(on_page, abs=0.005), dev.title
        cost = re.search(r"costing about £([\d,]+)", page)
        if api["labour"]["cost"] is None:
            assert cost is None, dev.title
        else:
            costed += 1
            assert _hours(cost.group(1)) == round(api["labour"]["cost"]), dev.title
            assert total["Cost"] == pytest.approx(api["labour"]["cost"], abs=0.005), dev.title
        baselines = _page_objectives(html) if api["objectives"] else {}
        in_report = {r["Objective"]: r["Baseline"] for r in xlsx_sheet(book, "objectives")}
        for objective in api["objectives"]:
            baseline = objective["baseline_value"]
            shown = baselines[objective["description"]]
            if baseline is None:
                assert shown == "Not known", dev.title
            else:
                assert _hours(shown) == pytest.approx(baseline, abs=0.005), dev.title
            assert in_report[objective["description"]] == baseline, dev.title
        for objective in dev.objectives.exclude(indicator=None):
            url = (
                f"/communities/{code}/developments/{dev.slug}/objectives/{objective.pk}/evaluation/"
            )
            evaluated = admin_client.get(url).content.decode()
            evaluation = page_text(evaluated)
            hours = re.search(r"Hours recorded ([\d,.]+)", evaluation)
            if hours:
                assert _hours(hours.group(1)) == pytest.approx(on_page, abs=0.005), dev.title
            shown = re.search(r'Labour cost</dt>\s*<dd[^>]*data-value="([^"]+)"', evaluated)
            if shown and api["labour"]["cost"] is not None:
                assert float(shown.group(1)) == pytest.approx(api["labour"]["cost"], abs=0.005)
        if dev.children.exists():
            checked_with_tasks += 1
            assert " task" in found.string[found.end() : found.end() + 40]
    assert checked_with_tasks >= 1
    assert costed >= 1

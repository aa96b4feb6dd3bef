"""The work page draws each scorecard measure year by year in a real browser, beside the table
of its figures, and stays axe clean (WCAG 2.2 AA) with the chart drawn; so does the report
across communities with its dot plot."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

_spec = importlib.util.spec_from_file_location(
    "accessibility_checks", Path(__file__).parent / "test_accessibility.py"
)
checks = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = checks  # its dataclasses look their module up there
_spec.loader.exec_module(checks)

PATH = "/communities/wirral/work/"
ACROSS = "/reports/across.html"


def test_the_scorecard_years_chart_is_drawn_and_the_page_is_axe_clean(demo_server, browser):
    context = browser.new_context(bypass_csp=True)  # axe is injected as an inline script
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        checks.sign_in(page, demo_server, "wirral-commissioner")
        page.goto(demo_server + PATH)
        chart = page.locator("#scorecard-years-chart[data-chart-drawn='true']")
        chart.wait_for(timeout=60_000)
        checks.wait_for_charts(page)
        # one small chart per measure, each point a symbol that says its figure
        points = chart.locator("svg .mark-symbol.role-mark path")
        assert points.count() >= 9
        said = points.first.get_attribute("aria-label") or ""
        assert "%" in said and said.rsplit(", ", 1)[0] in table_names(page), said
        assert "by financial year" in (chart.get_attribute("aria-label") or "")
        table = page.locator("#scorecard-years-table tbody tr")
        assert table.count() == 9
        found = checks.run_axe(page, "wirral-commissioner", PATH)
        on_page = list(errors)  # the report is a file with no favicon: its 404 is not ours
        # the report across communities, with its dot plot as an image with its text alternative
        response = page.goto(demo_server + ACROSS)
        assert response is not None and response.ok
        image = page.locator("#section-scorecard figure img")
        assert "scorecard measures in each of" in (image.get_attribute("alt") or "")
        found += checks.run_axe(page, "wirral-commissioner", ACROSS)
    finally:
        context.close()
    failing = [v for v in found if checks.fails(v.rule, v.impact)]
    assert not failing, checks.report(failing)
    assert on_page == []


def table_names(page) -> list[str]:
    """The measures named in the first column of the page's year-by-year table."""
    return page.locator("#scorecard-years-table tbody tr td:first-child").all_inner_texts()

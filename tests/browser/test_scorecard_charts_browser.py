"""The work page draws each scorecard measure year by year in a real browser, beside the table
of its figures, and stays axe clean (WCAG 2.2 AA) with the chart drawn; so does the report
across communities with its dot plot."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

PATH = "/communities/wirral/work/"
ACROSS = "/reports/across.html"


def test_the_scorecard_years_chart_is_drawn_and_the_page_is_axe_clean(
    demo_server, axe_page, sign_in, axe
):
    page = axe_page
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, demo_server, "wirral-commissioner")
    page.goto(demo_server + PATH)
    chart = page.locator("#scorecard-years-chart[data-chart-drawn='true']")
    chart.wait_for(timeout=60_000)
    axe.wait_for_charts(page)
    # one small chart per measure, each point a symbol that says its figure
    points = chart.locator("svg .mark-symbol.role-mark path")
    assert points.count() >= 9
    said = points.first.get_attribute("aria-label") or ""
    assert "%" in said and said.rsplit(", ", 1)[0] in table_names(page), said
    assert "by financial year" in (chart.get_attribute("aria-label") or "")
    table = page.locator("#scorecard-years-table tbody tr")
    assert table.count() == 9
    found = axe.run(page, "wirral-commissioner", PATH)
    # the report across communities, with its dot plot as an image with its text alternative
    response = page.goto(demo_server + ACROSS)
    assert response is not None and response.ok
    image = page.locator("#section-scorecard figure img")
    assert "scorecard measures in each of" in (image.get_attribute("alt") or "")
    found += axe.run(page, "wirral-commissioner", ACROSS)
    axe.assert_clean(found)
    assert errors == []  # the report, with no icon of its own, once logged /favicon.ico's 404


def table_names(page) -> list[str]:
    """The measures named in the first column of the page's year-by-year table."""
    return page.locator("#scorecard-years-table tbody tr td:first-child").all_inner_texts()

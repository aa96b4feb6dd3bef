"""The monitoring page of the demo in a real browser: SPC charts draw, with icons beside them."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

SCREENSHOT = "/tmp/commissioning-monitoring.png"
DEVELOPMENT_SCREENSHOT = "/tmp/commissioning-monitoring-development.png"


def test_wirral_monitoring_charts_draw(demo_server, page, sign_in):
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    sign_in(page, demo_server, "wirral-commissioner", next_page="/communities/wirral/")
    page.get_by_role("link", name=re.compile("^Monitoring: indicators over time")).click()
    page.wait_for_url(re.compile(r"/communities/wirral/monitoring/$"))

    charts = page.locator(".app-spc-series .app-chart__canvas")
    assert charts.count() >= 10
    # the first chart of at least 12 values (the demo's context indicators, deprivation and
    # rurality, have one value each and come first)
    first = page.locator(".app-spc-series:has(tbody tr[data-period]:nth-child(12))").first
    drawn = first.locator("[data-chart-drawn='true']")
    drawn.wait_for(timeout=60_000)
    assert drawn.locator("svg .mark-symbol path").count() >= 12  # one point per month at least
    assert first.locator("svg[role='img'] title").count() == 2  # variation and assurance icons
    assert page.locator("#spc-matrix a[href^='#series-']").count() == charts.count()

    first.scroll_into_view_if_needed()
    page.screenshot(path=SCREENSHOT, full_page=False)

    # A development's page marks its decisions, procurement steps and go-live on the charts.
    page.goto(f"{demo_server}/communities/wirral/")
    page.get_by_role("link", name=re.compile("memory assessment", re.I)).first.click()
    page.get_by_role("link", name=re.compile("^Monitoring: this development")).click()
    page.wait_for_url(re.compile(r"/monitoring/$"))
    series = page.locator(".app-spc-series:has(.app-spc-events)").first
    series.locator("[data-chart-drawn='true']").wait_for(timeout=60_000)
    assert series.locator(".app-spc-events li").count() >= 1
    assert series.locator("svg .mark-rule line, svg .mark-rule path").count() >= 1
    series.scroll_into_view_if_needed()
    page.screenshot(path=DEVELOPMENT_SCREENSHOT, full_page=False)
    assert errors == []

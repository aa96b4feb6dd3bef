"""Recalculating limits at a go-live in a real browser (Chromium), with axe on each page and
form state: a commissioner sees the proposal on the monitoring page, reviews it, is told a
reason is needed (with and without JavaScript), confirms it with a reason and sees the chart
change: new limits from the go-live, marked R, the reason beside it, and the assurance icon.

The app is served from the small SQLite world of tests/integration/monitoring/world.py, not
the demo.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

PASSWORD = "recalc-Pa55-word"
WORLD = Path(__file__).parents[1] / "integration" / "monitoring" / "world.py"
MONITORING = "/communities/recalctown/monitoring/"
REASON = "The new memory service replaced the hospital clinic on 1 January 2011."
SCREENSHOT = "/tmp/commissioning-recalculation.png"


@pytest.fixture(scope="module")
def world(build_world):
    return build_world(WORLD, PASSWORD, "recalculation")


def diagnosis_chart(page):
    chart = page.locator("section.app-spc-series", has_text="Diagnosis rate").first
    chart.locator("[data-chart-drawn='true']").wait_for(timeout=60_000)
    return chart


def test_a_commissioner_confirms_a_proposed_recalculation(base, browser, sign_in, axe_clean):
    # Without JavaScript the review form still works: the server says what is missing.
    plain = browser.new_context(java_script_enabled=False)
    page = plain.new_page()
    sign_in(page, base, "recalc-commissioner", PASSWORD)
    page.goto(f"{base}{MONITORING}")
    page.get_by_role("link", name=re.compile("^Diagnosis rate, Recalctown CCG")).click()
    page.get_by_role("button", name="Confirm: recalculate the limits").click()
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    assert "Why the limits change" in page.locator(".nhsuk-error-summary").inner_text()
    plain.close()

    context = browser.new_context(bypass_csp=True)  # axe is injected as a script
    page = context.new_page()
    sign_in(page, base, "recalc-commissioner", PASSWORD)
    page.goto(f"{base}{MONITORING}")
    chart = diagnosis_chart(page)
    before = chart.inner_text()
    assert "Limits recalculated" not in before
    assert chart.locator("svg[role='img'] title", has_text="Hits and misses").count() == 1
    proposed = page.locator("#recalculations-proposed")
    assert "Limits to recalculate at go-live" in proposed.inner_text()
    axe_clean(page, "monitoring page with a proposal")

    proposed.get_by_role("link", name=re.compile("^Diagnosis rate, Recalctown CCG")).click()
    page.wait_for_url(re.compile(r"/monitoring/recalculate/\?"))
    evidence = page.locator("#recalculation-evidence").inner_text()
    assert "12 values in a row above the mean before go-live" in evidence
    assert "From go-live: mean 48.03, limits 46.82 to 49.24" in evidence
    axe_clean(page, "review page")
    page.get_by_role("button", name="Confirm: recalculate the limits").click()
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    axe_clean(page, "review page (errors shown)")
    page.locator(".nhsuk-error-summary a").first.click()  # the summary leads to the field
    assert page.evaluate("document.activeElement.id") == "reason"

    page.get_by_label("Why the limits change").fill(REASON)
    with page.expect_navigation():
        page.get_by_role("button", name="Confirm: recalculate the limits").click()
    assert re.search(r"/monitoring/\?series=series-i\d+-org\d+#series-", page.url)
    chart = diagnosis_chart(page)
    after = chart.inner_text()
    assert "Limits recalculated" in after and REASON in after
    assert "confirmed by recalc-commissioner" in after
    # The chart marks the recalculation (R) where the new limits start; the assurance changed.
    assert chart.locator("svg text", has_text=re.compile("^R, 1$")).count() == 1  # and go-live
    assert chart.locator("svg[role='img'] title", has_text="Consistently passes").count() == 1
    assert page.locator("#recalculations-proposed").count() == 0
    axe_clean(page, "monitoring page after the recalculation")
    chart.scroll_into_view_if_needed()
    page.screenshot(path=SCREENSHOT, full_page=False)
    context.close()

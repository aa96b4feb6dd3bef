"""A commissioner opens Wirral's acute contract, sees which lines are over plan (and which of them
is a signal, not noise), opens the line's SPC chart and downloads the contract's workbook
(Chromium, axe-checked). Served from the demo (tests/conftest.py's demo_server)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

pytestmark = pytest.mark.browser


def test_a_commissioner_sees_the_acute_lines_over_plan_and_downloads_the_workbook(
    demo_server, browser, sign_in, axe_clean
):
    errors: list[str] = []
    context = browser.new_context(bypass_csp=True, accept_downloads=True)
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, demo_server, "wirral-commissioner", next_page="/communities/wirral/")

    page.get_by_role("link", name=re.compile("^Contract performance")).click()
    page.wait_for_url(re.compile(r"/communities/wirral/contracts/$"))
    axe_clean(page, "/communities/wirral/contracts/", "wirral-commissioner")
    page.get_by_role("link", name=re.compile("Acute services contract")).click()
    page.wait_for_url(re.compile(r"/contracts/DEMO-5NK-01/$"))

    over = page.locator("#lines-table tr[data-direction='over']")
    assert over.count() >= 3
    nel = page.locator("#lines-table tr[data-line='NEL-300']")
    assert nel.get_attribute("data-direction") == "over"
    assert "Over plan" in nel.inner_text() and "Signal" in nel.inner_text()
    icon = nel.locator("svg[role='img']").get_attribute("aria-label")
    assert icon.startswith("Signal: Special cause neither better nor worse: high")
    page.locator("#variance-chart[data-chart-drawn='true']").wait_for(timeout=60_000)
    assert "NEL-300" in page.locator("#alerts").inner_text()
    axe_clean(page, "/communities/wirral/contracts/DEMO-5NK-01/", "wirral-commissioner")

    with page.expect_download() as info:
        page.get_by_role("link", name="Excel (XLSX) of contract DEMO-5NK-01").click()
    assert info.value.suggested_filename == "DEMO-5NK-01-performance-2012.xlsx"
    book = load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()))
    header = [c.value for c in book["lines"][2]]
    row = next(r for r in book["lines"].iter_rows(min_row=3, values_only=True) if r[0] == "NEL-300")
    assert row[header.index("Variance")] > 0 and row[header.index("Signal or noise")] == "Signal"

    nel.get_by_role("link", name="NEL-300").click()
    page.wait_for_url(re.compile(r"/lines/NEL-300/"))
    chart = page.locator("#line-chart[data-chart-drawn='true']")
    chart.wait_for(timeout=60_000)
    assert chart.locator("svg .mark-symbol path").count() >= 12
    assert "over plan" in page.locator("#line-verdict").inner_text().lower()
    axe_clean(
        page, "/communities/wirral/contracts/DEMO-5NK-01/lines/NEL-300/", "wirral-commissioner"
    )
    assert errors == []
    context.close()

"""The demo's network page draws the influence network in a real browser, with its tables."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser


def test_demo_network_page_draws_the_network_beside_its_table(demo_server, page, tmp_path, sign_in):
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    sign_in(page, demo_server, "calderdale-commissioner")

    page.goto(f"{demo_server}/communities/calderdale/network/")
    chart = page.locator("#network-chart[data-chart-drawn='true']")
    chart.wait_for(timeout=30_000)
    # one symbol per person or team, drawn as SVG paths
    dots = chart.locator("svg .mark-symbol.role-mark path")  # not the legend's
    people = page.locator("#network-nodes tbody tr").count()
    assert people > 20
    assert dots.count() == people
    assert page.locator("#top-nodes tbody tr").count() == 10
    assert page.locator("#source-types-table tbody tr").count() >= 3
    page.locator("#coparticipation-chart[data-chart-drawn='true']").wait_for(timeout=30_000)
    assert page.locator("#coparticipation-chart svg").count() == 1

    # the filters reload the page with only specialist nurses as sources
    page.get_by_role("checkbox", name="Specialist nurse").check()
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r"source_type=specialist_nurse"))
    page.locator("#network-chart[data-chart-drawn='true']").wait_for(timeout=30_000)
    roles = page.locator("#network-nodes tbody tr td:nth-child(3)").all_inner_texts()
    assert "Specialist nurse" in roles and "Hospital consultant" not in roles

    page.screenshot(path=str(tmp_path / "network.png"), full_page=True)
    assert errors == []

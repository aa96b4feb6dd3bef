"""The indicator library in a real browser: find an indicator, read its definition, add one."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser


def test_a_commissioner_finds_a_definition_and_adds_their_own(demo_server, page, sign_in):
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    sign_in(page, demo_server, "wirral-commissioner", next_page="/")
    page.get_by_role("link", name="Indicator library").first.click()
    page.wait_for_url(re.compile(r"/indicators/$"))

    page.get_by_label("Condition", exact=True).select_option("dementia")
    page.get_by_role("button", name="Show indicators").click()
    page.wait_for_url(re.compile(r"condition=dementia"))
    rows = page.locator("table.nhsuk-table tbody tr")
    assert rows.count() >= 7
    assert page.get_by_role("link", name="Foot examination and risk classification").count() == 0
    page.get_by_role("link", name="Dementia diagnosis rate (aged 65 and over)").click()
    page.wait_for_url(re.compile(r"/indicators/DEM_DX/$"))
    definition = page.locator(".nhsuk-summary-list").inner_text()
    assert "CFAS II" in definition and "dementia.toml" in definition
    assert "Why it matters" in page.locator("main").inner_text()

    # The monitoring page links each series to its definition.
    page.goto(f"{demo_server}/communities/wirral/monitoring/", timeout=180_000)  # a heavy page
    page.locator(".app-spc-series h3 a").first.click()
    page.wait_for_url(re.compile(r"/indicators/[A-Z0-9_]+/$"))
    assert page.locator("h1 .nhsuk-caption-l").inner_text().startswith("Indicator ")

    page.goto(f"{demo_server}/indicators/")
    form = page.locator("form", has=page.get_by_role("button", name="Add indicator"))
    form.get_by_label("Code", exact=True).fill("WIRRAL.FOOT_HUB")
    form.get_by_label("Name", exact=True).fill("Foot hub: seen within 2 working days")
    form.get_by_label("Description", exact=True).fill(
        "People referred to the foot hub seen within 2 days"
    )
    form.get_by_label("Domain", exact=True).select_option("quality")
    form.get_by_label("Unit", exact=True).fill("%")
    form.get_by_label("Numerator", exact=True).fill("People seen within 2 working days of referral")
    form.get_by_label("Denominator", exact=True).fill("People referred to the foot hub")
    form.get_by_label("Polarity", exact=True).select_option("higher_better")
    form.get_by_label("Frequency", exact=True).select_option("monthly")
    form.get_by_label("Diabetes", exact=True).check()
    page.get_by_role("button", name="Add indicator").click()
    page.wait_for_load_state()
    assert page.locator(".nhsuk-error-summary").count() == 0, page.locator("main").inner_text()
    page.wait_for_url(re.compile(r"/indicators/WIRRAL\.FOOT_HUB/$"), timeout=120_000)
    assert "Added by" in page.locator(".nhsuk-summary-list").inner_text()
    assert errors == []

"""A commissioner completes a direct award C record from the notice of intention to the award
and downloads its PDF; a provider cannot open a competitor's assessment (Chromium, axe).

The app is served from a small SQLite world (tests/integration/provider_selection/world.py), not the
demo, so the test needs no demo build.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

PASSWORD = "award-Pa55-word"
WORLD = Path(__file__).parents[1] / "integration" / "provider_selection" / "world.py"


@pytest.fixture(scope="module")
def world(build_world):
    built = build_world(WORLD, PASSWORD, "awards")
    return {**built, "ids": json.loads(built["stdout"].strip().splitlines()[-1])}


def answer(page, question, choice):
    page.get_by_role("group", name=re.compile(re.escape(question))).get_by_label(
        choice, exact=True
    ).check()


def test_commissioner_completes_a_direct_award_c_record_and_downloads_its_pdf(
    base, browser, sign_in, axe_clean
):
    today = dt.date.today()
    context = browser.new_context(bypass_csp=True, accept_downloads=True)
    page = context.new_page()
    sign_in(page, base, "town-commissioner", PASSWORD)
    page.goto(f"{base}/communities/minitown/")
    page.get_by_role("link", name=re.compile("^Provider selection")).click()
    page.wait_for_url(re.compile(r"/provider-selection/$"))
    assert "MT-4: Falls service" in page.locator("#pipeline-table").inner_text()
    axe_clean(page, "/provider-selection/")

    page.get_by_role("button", name="Start a decision record").click()
    page.wait_for_url(re.compile(r"/new/$"))
    # Saved with nothing filled in: the NHS.UK error summary.
    page.get_by_role("button", name="Save the record").click()
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    axe_clean(page, "/provider-selection/new/")

    page.get_by_label("Reference").fill("psr-falls")
    page.get_by_label("Title").fill("Falls service from February 2026")
    page.get_by_label("Falls service (Alpha Trust)").check()
    page.get_by_label("Estimated lifetime value (£)").fill("1200000")
    start = today + dt.timedelta(days=244)  # the day after MT-4 ends (tests' world.py)
    page.get_by_label("Contract start").fill(start.isoformat())
    page.get_by_label("Contract end").fill((start + dt.timedelta(days=3 * 365)).isoformat())
    page.get_by_label("Direct Award Process C").check()
    page.get_by_label("Existing contract (optional)").select_option(label="MT-4: Falls service")
    page.get_by_label("Provider chosen").select_option(label="Alpha Trust (ZMA)")
    answer(page, "Can only the existing provider", "No")
    answer(page, "Are patients offered a choice", "No")
    answer(page, "Is the existing provider satisfying", "Yes")
    answer(page, "Is the new contract materially different", "No")
    answer(page, "Is the change in the services", "No")
    page.get_by_label("Lifetime value of the existing contract (£)").fill("1200000")
    page.get_by_label("Committee or forum that decided").fill("Contracts committee")
    page.get_by_label("Reasons for the decision").fill("Good performance; continuity of care.")
    page.get_by_label("No conflicts of interest were declared").check()
    page.get_by_label("Notice of intention to award published").fill(
        (today - dt.timedelta(days=30)).isoformat()
    )
    page.get_by_label("Contract awarded").fill((today - dt.timedelta(days=3)).isoformat())
    page.get_by_role("button", name="Save the record").click()
    page.wait_for_url(re.compile(r"/provider-selection/psr-falls/$"))
    assert "Still needed" in page.locator("#still-missing").inner_text()

    weights = {
        "Quality and innovation": "40",
        "Value": "20",
        "Integration, collaboration and service sustainability": "20",
        "Improving access, reducing health inequalities and facilitating choice": "10",
        "Social value": "10",
    }
    for criterion, weight in weights.items():
        form = page.locator("#weights form")
        form.get_by_label("Key criterion").select_option(label=criterion)
        form.get_by_label("Weight (%)").fill(weight)
        form.get_by_label("How it was taken into account").fill("Against the specification.")
        with page.expect_navigation():
            form.get_by_role("button", name="Save the weight").click()
        assert page.url.endswith("#weights")
    form = page.locator("#assessments form")
    form.get_by_label("Provider").select_option(label="Alpha Trust (ZMA)")
    form.get_by_role("group", name=re.compile("basic selection")).get_by_label(
        "Yes", exact=True
    ).check()
    for criterion in weights:
        form.get_by_label(f"{criterion}: score out of 100 (optional)", exact=True).fill("75")
    form.get_by_role("button", name="Save the assessment").click()
    page.wait_for_url(re.compile(r"#assessments$"))
    form = page.locator("#decision_makers form")
    form.get_by_label("Name").fill("Director of commissioning")
    form.get_by_role("button", name="Add the decision maker").click()
    page.wait_for_url(re.compile(r"#decision_makers$"))
    axe_clean(page, "/provider-selection/psr-falls/")

    page.get_by_role("button", name="Finalise the record").click()
    page.wait_for_url(re.compile(r"/provider-selection/psr-falls/$"))
    assert page.locator("#record-status").inner_text() == "Finalised"
    chain = page.locator("#chain-hash").inner_text()
    assert re.fullmatch(r"[0-9a-f]{64}", chain)
    axe_clean(page, "/provider-selection/psr-falls/ (finalised)")

    with page.expect_download() as info:
        page.get_by_role("link", name="Download the record as PDF").click()
    pdf = Path(info.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert chain in text.replace("\n", "") and "Direct Award Process C" in text

    page.get_by_role("link", name="Verify this record against its seal").click()
    assert page.locator("#verify-result").get_attribute("data-ok") == "true"
    context.close()


def test_a_provider_cannot_open_a_competitors_assessment(base, browser, world, sign_in):
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, base, "beta-provider", PASSWORD)
    record = f"{base}/communities/minitown/provider-selection/psr-comp-1/"
    page.goto(record)
    assert "Open the assessment of Beta Care" in page.content()
    assert "Open the assessment of Alpha Trust" not in page.content()
    own = page.goto(f"{record}assessments/{world['ids']['beta']}/")
    assert own.status == 200
    theirs = page.goto(f"{record}assessments/{world['ids']['alpha']}/")
    assert theirs.status == 404 and "Alpha Trust" not in page.content()
    context.close()

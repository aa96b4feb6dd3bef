"""A commissioner's first visit to the demo, in a real browser (Debian's Chromium)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

DEMO_PASSWORD = "synthetic-demo-Pa55"  # the password tests/conftest.py builds the demo with

pytestmark = pytest.mark.browser

SCREENSHOT = "/tmp/commissioning-demo-timeline.png"
NHS_BLUE = "rgb(0, 94, 184)"


def test_wirral_commissioner_sees_the_memory_service_timeline(demo_server, page):
    hosts: set[str] = set()
    errors: list[str] = []
    page.on("request", lambda request: hosts.add(urlsplit(request.url).hostname or ""))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    page.goto(f"{demo_server}/communities/wirral/")
    assert "/login/" in page.url  # every page is behind sign-in

    page.get_by_label("Username").fill("wirral-commissioner")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/communities/wirral/$"))

    # NHS.UK styling has loaded: the header is NHS blue.
    header = page.locator("header.nhsuk-header")
    assert header.evaluate("e => getComputedStyle(e).backgroundColor") == NHS_BLUE
    assert page.get_by_text("Synthetic data", exact=True).is_visible()

    # htmx filters the developments table in place.
    page.get_by_label("Show developments that are").select_option("closed")
    page.wait_for_function(
        "() => !document.querySelector('#developments-table a[href*=\"memory\"]')"
    )
    page.get_by_label("Show developments that are").select_option("")
    page.get_by_role("link", name=re.compile("memory assessment", re.I)).first.click()
    page.wait_for_url(re.compile(r"/developments/[\w-]+/$"))

    chart = page.locator("#timeline-chart[data-chart-drawn='true']")
    chart.wait_for(timeout=60_000)
    assert chart.locator("svg, canvas").count() >= 1
    assert chart.locator("svg .mark-symbol path").count() > 10  # one point per activity lane
    assert "Timeline of" in (chart.get_attribute("aria-label") or "")

    assert page.locator("#activities-by-stage tr.app-activity").count() > 10
    assert page.locator("#lane-hours tbody tr").count() == 8

    page.locator("#timeline").evaluate("heading => heading.scrollIntoView()")
    page.screenshot(path=SCREENSHOT)

    assert errors == []  # no script failed, none was refused, no file was missing
    assert hosts <= {"127.0.0.1", "localhost"}, f"requests went elsewhere: {hosts}"


STRICT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def test_pages_work_under_a_strict_content_security_policy(demo_server, page, sign_in):
    """No inline script or style and no eval: the pages work without 'unsafe-*' in a CSP."""

    def add_policy(route):
        response = route.fetch(max_redirects=0)
        route.fulfill(
            response=response,
            headers={**response.headers, "content-security-policy": STRICT_CSP},
        )

    page.route("**/*", add_policy)
    blocked: list[str] = []
    page.on(
        "console",
        lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None,
    )
    sign_in(page, demo_server, "wirral-commissioner")

    page.goto(f"{demo_server}/communities/wirral/")
    page.get_by_label("Show developments that are").select_option("closed")
    page.get_by_text("No service developments with this status").wait_for()
    page.get_by_label("Show developments that are").select_option("")
    page.get_by_role("link", name=re.compile("memory assessment", re.I)).first.click()
    page.locator("#timeline-chart[data-chart-drawn='true'] svg").wait_for(timeout=60_000)
    page.locator("#timeline-chart svg .mark-symbol path").nth(5).hover(force=True)
    page.locator("#vg-tooltip-element.visible").wait_for()
    assert blocked == []

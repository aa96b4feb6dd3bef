"""A commissioner follows an indicator, runs their digest and reads it in the inbox (Chromium)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

DEMO_PASSWORD = "synthetic-demo-Pa55"  # the password tests/conftest.py builds the demo with

pytestmark = pytest.mark.browser


def test_commissioner_follows_an_indicator_and_reads_the_digest(demo_server, page):
    hosts: set[str] = set()
    errors: list[str] = []
    page.on("request", lambda request: hosts.add(urlsplit(request.url).hostname or ""))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    page.goto(f"{demo_server}/communities/wirral/monitoring/")
    page.get_by_label("Username").fill("wirral-commissioner")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/communities/wirral/monitoring/$"))

    # Follow the dementia diagnosis rate in Wirral from its chart: htmx swaps the button in place.
    name = r"Dementia diagnosis rate.* in Wirral$"
    page.get_by_role("button", name=re.compile(f"^Follow {name}")).first.click()
    page.get_by_role("button", name=re.compile(f"^Unfollow {name}")).first.wait_for()
    assert "/communities/wirral/monitoring/" in page.url  # no page load: updated in place
    assert page.get_by_text(re.compile(f"You follow {name[:-1]}")).first.is_visible()

    # The subscriptions page lists it.
    inbox_link = page.locator("header").get_by_role("link", name=re.compile("^Inbox"))
    inbox_link.click()
    page.wait_for_url(re.compile(r"/reports/inbox/$"))
    assert page.get_by_text("No unread digests.").is_visible()
    page.get_by_role("link", name="Change what you follow").click()
    table = page.locator("#subscriptions-table")
    assert "Dementia diagnosis rate" in table.inner_text() and "Wirral" in table.inner_text()

    # Run the digest: it opens on the new message, whose signal links to the chart.
    inbox_link.click()
    page.get_by_role("button", name="Run my digest now").click()
    page.wait_for_url(re.compile(r"/reports/inbox/\d+/$"))
    assert page.get_by_role("heading", name="New signal").is_visible()
    signal = page.locator("[data-kind='signal'] li").first
    assert "special cause" in signal.inner_text()
    link = signal.get_by_role("link", name=re.compile(r"^Dementia diagnosis rate.*\(Wirral"))
    href = link.get_attribute("href") or ""
    assert re.fullmatch(
        r"/communities/wirral/monitoring/\?series=(series-i\d+-(org|svc)\d+)#\1", href
    )

    # Back in the inbox the digest is there, read (it was opened); mark it unread in place.
    page.get_by_role("link", name="Back to your inbox").click()
    page.wait_for_url(re.compile(r"/reports/inbox/$"))
    row = page.locator("#inbox-table tbody tr").first
    assert re.search(r"\d+ items? to look at", row.inner_text())
    assert row.get_attribute("data-read") == "true"
    row.get_by_role("button", name=re.compile("^Mark as unread")).click()
    page.locator("#inbox-table tbody tr[data-read='false']").wait_for()
    assert page.locator("#inbox-badge").inner_text().strip().startswith("1")
    assert page.get_by_text("1 unread digest.").is_visible()

    # The signal's link opens the chart it is about.
    page.locator("#inbox-table tbody tr a").first.click()
    page.locator("[data-kind='signal'] a").first.click()
    page.wait_for_url(
        re.compile(r"/communities/wirral/monitoring/\?[^#]*#series-i\d+-(org|svc)\d+$")
    )
    anchor = urlsplit(page.url).fragment
    assert "Dementia diagnosis rate" in page.locator(f"#{anchor} h3").inner_text()

    assert errors == []
    assert hosts <= {"127.0.0.1", "localhost"}, f"requests went elsewhere: {hosts}"

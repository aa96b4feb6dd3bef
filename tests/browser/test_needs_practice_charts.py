"""The needs and practice-of-commissioning pages draw their charts in a real browser."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser


def test_needs_funnel_and_practice_effort_charts_are_drawn(demo_server, page, sign_in):
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    sign_in(page, demo_server, "wirral-commissioner")

    page.goto(f"{demo_server}/communities/wirral/")
    page.get_by_role("link", name="Diabetes", exact=True).click()
    page.wait_for_url(re.compile(r"/needs/diabetes/$"))
    funnel = page.locator("#funnel-chart[data-chart-drawn='true']")
    funnel.wait_for(timeout=60_000)
    assert funnel.locator("svg .mark-symbol path").count() > 10  # one point per practice
    page.locator("#trend-chart[data-chart-drawn='true']").wait_for(timeout=60_000)

    page.goto(f"{demo_server}/communities/wirral/work/")
    effort = page.locator("#effort-chart[data-chart-drawn='true']")
    effort.wait_for(timeout=60_000)
    assert effort.locator("svg").count() >= 1

    assert errors == []

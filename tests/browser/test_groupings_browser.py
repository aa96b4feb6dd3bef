"""A commissioner's journey through groupings in a real browser: list, one grouping, monitoring."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

SCREENSHOT = "/tmp/commissioning-grouping.png"


def test_commissioner_opens_a_locality_as_at_a_date_and_its_monitoring(demo_server, page, sign_in):
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    sign_in(page, demo_server, "wirral-commissioner", next_page="/communities/wirral/")
    page.get_by_role("link", name=re.compile("^Groupings")).click()
    page.wait_for_url(re.compile(r"/communities/wirral/groupings/$"))
    assert page.get_by_role("button", name="Make the grouping").is_visible()
    page.get_by_role("link", name="Wirral South locality").click()
    page.wait_for_url(re.compile(r"/groupings/wirral-south-locality/"))
    page.get_by_label("Members as at").fill("2011-06-01")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r"\?on=2011-06-01"))
    heading = page.get_by_role("heading", name=re.compile("^Members on 1 June 2011: ")).inner_text()
    before = int(heading.rsplit(" ", 1)[-1])
    page.get_by_label("Members as at").fill("2012-06-01")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r"\?on=2012-06-01"))
    after = page.get_by_role("heading", name=re.compile("^Members on 1 June 2012: ")).inner_text()
    # the synthetic Wirral practice that closed on 30 September 2011 is in the South locality
    assert int(after.rsplit(" ", 1)[-1]) == before - 1
    page.screenshot(path=SCREENSHOT, full_page=True)
    page.get_by_role("link", name=re.compile("^Monitoring of this grouping")).click()
    page.wait_for_url(re.compile(r"/monitoring/\?grouping=wirral-south-locality"))
    assert "Wirral South locality" in page.get_by_role("heading", level=1).inner_text()
    assert errors == []

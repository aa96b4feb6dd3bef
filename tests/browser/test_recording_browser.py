"""Recording the work of commissioning in a real browser (Chromium), with axe on every new page
and form state, errors shown included:

- a commissioner creates a development with a measurable objective, logs three activities with
  participants (the third entirely by keyboard), records a decision linked to a monitoring
  chart, raises a risk and sees it all on the development page; a second tab's stale form is
  refused with what changed;
- a provider adds an activity to a development its organisation takes part in, and cannot
  change another;
- a viewer reads but cannot change.

The app is served from the small SQLite world of tests/integration/work/world.py, not the demo.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

PASSWORD = "record-Pa55-word"
WORLD = Path(__file__).parents[1] / "integration" / "work" / "world.py"
DEV = "/communities/minitown/developments/diabetes-redesign/"


@pytest.fixture(scope="module")
def world(build_world):
    return build_world(WORLD, PASSWORD, "recording")


def errors_shown(page, what, axe_clean):
    """Save the form as it stands: the error summary, then axe on the page with errors."""
    page.locator("main form button[type=submit]").last.click()
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    axe_clean(page, f"{what} (errors shown)")


def save(page, button, url_part):
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()
    assert url_part in page.url, page.locator("main").inner_text()[:2000]


class Keys:
    """The keyboard alone: every key pressed is counted."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def press(self, key, times=1):
        for _ in range(times):
            self.page.keyboard.press(key)
            self.count += 1

    def type(self, text):
        self.page.keyboard.type(text)
        self.count += len(text)

    def focused(self) -> dict:
        return self.page.evaluate(
            "() => { const e = document.activeElement; return {tag: e.tagName, "
            "id: e.id, name: e.name || '', text: (e.innerText || '').trim()} }"
        )

    def tab_to(self, match, limit=80) -> None:
        for _ in range(limit):
            self.press("Tab")
            if match(self.focused()):
                return
        raise AssertionError(f"Tab never reached it; focus is on {self.focused()}")


def test_a_commissioner_records_the_work_of_a_development(base, browser, sign_in, axe_clean):
    context = browser.new_context(bypass_csp=True)  # axe is injected as a script
    page = context.new_page()
    sign_in(page, base, "town-commissioner", PASSWORD)
    page.goto(f"{base}/communities/minitown/")
    page.get_by_role("link", name="Record a new service development").click()
    axe_clean(page, "new development")
    errors_shown(page, "new development", axe_clean)

    page.get_by_label("Title").fill("Memory assessment service")
    page.get_by_label("Started (optional)").fill("1/4/2011")
    page.get_by_label("Diabetes", exact=True).check()
    page.get_by_label("Alpha Trust", exact=True).check()
    save(page, "Save the development", "/developments/memory-assessment-service/")
    here = page.url
    axe_clean(page, "a new development's page")

    page.get_by_role("link", name="Add an objective").click()
    axe_clean(page, "new objective")
    errors_shown(page, "new objective", axe_clean)
    page.get_by_label("Objective").fill("More people with HbA1c in range")
    page.get_by_label("Indicator that measures it").select_option(label="HbA1c in range (MT.HBA)")
    page.get_by_label("Baseline").fill("50")
    page.get_by_label("Target value").fill("55")
    page.get_by_label("Target date").fill("31/3/2013")
    save(page, "Save the objective", "#objectives")
    assert "More people with HbA1c in range" in page.locator("#objectives ~ div").first.inner_text()
    assert "Not specific and measurable" not in page.content()

    # 1: the first meeting: an empty form; the people are suggested as a name is typed (htmx)
    page.get_by_role("link", name="Log an activity").click()
    axe_clean(page, "new activity (empty)")
    errors_shown(page, "new activity", axe_clean)
    page.get_by_label("Date").fill("3/5/2011")
    page.get_by_label("What it was").fill("Memory service design group")
    page.get_by_label("Relational", exact=True).check()
    page.get_by_label("Planning and service design").check()
    page.get_by_label("Length in hours (optional)").fill("2")
    name = page.get_by_label("Participant 1: Name")
    name.press_sequentially("Da", delay=50)
    page.wait_for_function(
        "() => { const o = [...document.querySelectorAll('#people-options option')];"
        " return o.length === 1 && o[0].value === 'Dan Example'; }"
    )
    name.fill("Dan Example")
    page.get_by_label("Participant 2: Name").fill("Ann Example")
    page.get_by_label("Participant 2: Hours").fill("3")
    page.get_by_label("Outcome (optional)").fill("Agreed the referral route")
    save(page, "Save the activity", "#activity-log")
    log = page.locator("#activity-log-table").inner_text()
    assert "Memory service design group" in log and "Dan Example (2)" in log
    assert "Ann Example (3)" in log

    # 2: starts from the last meeting
    page.get_by_role("link", name="Log an activity").click()
    assert "Started from the last meeting" in page.locator("#start-from").inner_text()
    axe_clean(page, "new activity (from the last meeting)")
    page.get_by_label("Date").fill("7/6/2011")
    page.get_by_label("Length in hours (optional)").fill("3")
    save(page, "Save the activity", "#activity-log")
    assert "7 Jun 2011" in page.locator("#activity-log-table").inner_text()

    # 3: entirely by keyboard, from the development page
    keys = Keys(page)
    keys.tab_to(lambda f: f["tag"] == "A" and f["text"] == "Log an activity")
    with page.expect_navigation():
        keys.press("Enter")
    keys.tab_to(lambda f: f["name"] == "date")
    keys.press("Control+a")
    keys.type("5/7/2011")
    keys.tab_to(lambda f: f["name"] == "person_2")  # the first empty participant row
    keys.type("Bob Example")
    keys.press("Tab")
    keys.type("1")
    keys.tab_to(lambda f: f["name"] == "outcome")
    keys.type("Pathway signed off")
    keys.tab_to(lambda f: f["id"] == "save")
    with page.expect_navigation():
        keys.press("Enter")
    assert "#activity-log" in page.url
    log = page.locator("#activity-log-table").inner_text()
    assert "Pathway signed off" in log and "Bob Example (1)" in log and "5 Jul 2011" in log
    # docs/guide/recording-work.md quotes the count (101 when written): a form that grew
    # slower to fill in by keyboard would show here
    assert keys.count <= 110, f"{keys.count} key presses for a repeat meeting"

    # a decision resting on a monitoring chart
    page.get_by_role("link", name="Record a decision").click()
    axe_clean(page, "new decision")
    errors_shown(page, "new decision", axe_clean)
    page.get_by_label("Date of the decision").fill("1/8/2011")
    page.get_by_label("What was decided").fill("Open a memory assessment clinic in the community")
    page.get_by_label("Forum that decided").fill("Dementia programme board")
    page.get_by_label("Option 1", exact=True).fill("A clinic in the community")
    page.get_by_label("Chosen (option 1)").check()
    page.get_by_label("Option 2", exact=True).fill("Keep assessments in hospital")
    page.get_by_label("HbA1c in range (MT.HBA)").check()
    page.get_by_label("No interests were declared").check()
    save(page, "Save the decision", "#decisions")
    chart = page.get_by_role("link", name="Monitoring chart: HbA1c in range")
    assert chart.get_attribute("href").endswith("/monitoring/?indicator=MT.HBA#charts")
    chart.click()
    page.wait_for_url(re.compile(r"/monitoring/\?indicator=MT\.HBA"))
    assert "HbA1c in range" in page.locator("main").inner_text()
    page.go_back()

    # a risk, seen on the development page
    page.goto(here)
    page.get_by_role("link", name="Raise a risk or issue").click()
    axe_clean(page, "new risk")
    errors_shown(page, "new risk", axe_clean)
    page.get_by_label("Description").fill("The consultant post may stay empty")
    page.get_by_label("4 Likely").check()
    page.get_by_label("4 Major").check()
    page.get_by_label("Owner").fill("Ann Example")
    page.get_by_label("Review by").fill("1/9/2011")
    save(page, "Save the risk or issue", "#risks")
    risks = page.locator("#risks-table").inner_text()
    assert "The consultant post may stay empty" in risks and "16 Extreme" in risks

    page.get_by_role("link", name="Plan a benefit").click()
    axe_clean(page, "new benefit")
    errors_shown(page, "new benefit", axe_clean)
    page.get_by_label("The benefit").fill("Earlier diagnosis")
    page.get_by_label("Measured by the objective").select_option(index=1)
    save(page, "Save the benefit", "#benefits")
    assert "Earlier diagnosis" in page.locator(".app-benefit").inner_text()
    axe_clean(page, "the development page with everything recorded")

    # two tabs, one stale: the second save is told what changed, and nothing is lost
    page.get_by_role("link", name=re.compile("^Review the risk")).click()
    stale = context.new_page()
    stale.goto(page.url)
    page.get_by_label("Mitigations (optional)").fill("Advertise the post twice")
    save(page, "Save the risk or issue", "#risks")
    stale.get_by_label("3 Possible").check()
    stale.get_by_role("button", name="Save the risk or issue").click()
    assert stale.get_by_role("heading", name="There is a problem").is_visible()
    changes = stale.locator("#changes").inner_text()
    assert "Mitigations: (empty) → Advertise the post twice" in changes
    axe_clean(stale, "a risk changed meanwhile (conflict shown)")
    context.close()


def test_a_provider_records_on_its_own_developments_only(base, browser, sign_in):
    context = browser.new_context(bypass_csp=True)  # axe is injected as a script
    page = context.new_page()
    sign_in(page, base, "alpha-provider", PASSWORD)
    page.goto(base + DEV)
    assert page.get_by_role("link", name="Record a decision").count() == 0
    page.get_by_role("link", name="Log an activity").click()
    page.get_by_label("Date").fill("3/10/2011")
    page.get_by_label("What it was").fill("Clinic staffing review")
    page.get_by_label("Kind of work").select_option(label="Meeting")
    page.get_by_label("Participant 4: Name").fill("Dan Example")
    page.get_by_label("Participant 4: Hours").fill("1")
    save(page, "Save the activity", "#activity-log")
    assert "Clinic staffing review" in page.locator("#activity-log-table").inner_text()
    other = "/communities/minitown/developments/foot-care-review/"
    for path in (other, other + "activities/new/"):
        assert page.goto(base + path).status == 404
    assert page.goto(base + DEV + "edit/").status == 403
    context.close()


def test_a_viewer_reads_but_cannot_change(base, browser, sign_in, axe_clean):
    context = browser.new_context(bypass_csp=True)  # axe is injected as a script
    page = context.new_page()
    sign_in(page, base, "town-viewer", PASSWORD)
    page.goto(base + DEV)
    assert "Diabetes programme board" in page.locator("#activity-log-table").inner_text()
    assert page.get_by_role("link", name="Log an activity").count() == 0
    assert page.get_by_role("link", name=re.compile("^Change")).count() == 0
    axe_clean(page, "the development page as a viewer")
    assert page.goto(base + DEV + "activities/new/").status == 403
    context.close()

"""Every page a user can reach, checked with axe-core in a real browser (WCAG 2.2 AA).

For each role the crawler signs in, starts at the home page and follows same-origin links
breadth-first, running axe-core (vendored in tests/browser/vendor/axe-core, test-only) on every
page it reaches. It does not follow sign-out, Django's own administration pages (/admin/, not
checked: see docs/accessibility.md), the JSON API, downloads, or anything that needs a POST.

A test fails on any violation of impact serious or critical, and on any violation at all of the
rules that axe reports reliably (contrast, labels, names, landmarks, headings, lists, ARIA): the
check, shared by every browser test, is the ``axe`` fixture of tests/browser/conftest.py.
"""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urlsplit, urlunsplit

import pytest

PAGES_PER_ROLE = 150
SAME_KIND_PER_ROLE = 3  # pages built from one template with different data: check a few

pytestmark = pytest.mark.browser

COMMUNITIES = ["calderdale", "somerset", "wirral"]
ROLES = [
    "admin",
    "wirral-commissioner",
    "wirral-provider",
    "wirral-viewer",
    "somerset-commissioner",
]

# Paths the crawler never follows.
SKIP_PATH = re.compile(
    r"^/(logout|admin|api|static)/"
    r"|/(export|download)s?(/|$)"
    r"|\.(csv|xlsx|pdf|json|zip|parquet|svg|png)$",
    re.IGNORECASE,
)

DOWNLOAD_QUERY = re.compile(r"(^|&)(format|fmt|download|export)=", re.IGNORECASE)

# Known violations the crawler lets through, as (path pattern, rule) -> reason. Each entry must
# have a test of that page marked xfail(strict=True), so that a fix forces the entry out.
KNOWN: dict[tuple[str, str], str] = {}


def known(v) -> str | None:
    for (pattern, rule), reason in KNOWN.items():
        if rule == v.rule and re.search(pattern, v.path):
            return reason
    return None


def same_origin_paths(page, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]:not([download])", "links => links.map(a => a.href)")
    origin = urlsplit(base).netloc
    paths = []
    for href in hrefs:
        parts = urlsplit(href)
        if parts.scheme not in {"http", "https"} or parts.netloc != origin:
            continue
        if SKIP_PATH.search(parts.path) or DOWNLOAD_QUERY.search(parts.query):
            continue
        paths.append(urlunsplit(("", "", parts.path, parts.query, "")))
    return paths


def kind(path: str) -> str:
    """The page a path is an instance of: /communities/*/scorecard/* for every scorecard page,
    /communities/*/monitoring/?indicator&page for every page of charts of one indicator (the
    names in a query make the kind, not their values)."""
    path, _, query = path.partition("?")
    kind_ = re.sub(r"/\d+(?=/|$)", "/*", VARIABLE_SEGMENT.sub(r"\1*", path))
    names = sorted({part.partition("=")[0] for part in query.split("&") if part})
    return f"{kind_}?{'&'.join(names)}" if names else kind_


VARIABLE_SEGMENT = re.compile(
    r"(/(?:communities|developments|needs|scorecard|contracts|objectives|evidence|lines)/)"
    r"(?!(?:developments|needs|scorecard|contracts|objectives|monitoring|practice|import"
    r"|add|framework|calendar|evaluation)/)[^/?]+"
)


def crawl(page, base: str, role: str, starts: list[str], axe) -> tuple[list[str], list]:
    """Visit the pages reachable from ``starts`` breadth-first; return pages and violations.

    Of pages of one kind (the same template with different data: nine scorecard measures in
    each of three communities) the first few are checked and followed, not all of them.
    """
    seen: set[str] = set()
    kinds: dict[str, int] = {}
    visited: list[str] = []
    queue = deque(starts)
    violations = []
    while queue and len(visited) < PAGES_PER_ROLE:
        path = queue.popleft()
        if path in seen or kinds.get(kind(path), 0) >= SAME_KIND_PER_ROLE:
            continue
        seen.add(path)
        kinds[kind(path)] = kinds.get(kind(path), 0) + 1
        response = page.goto(base + path)
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        assert response.status < 500, f"[{role}] {path} answered {response.status}"
        if urlsplit(page.url).path.startswith("/login/"):
            continue  # not this role's page
        visited.append(path)
        axe.wait_for_charts(page)
        violations += axe.run(page, role, path)
        queue.extend(p for p in same_origin_paths(page, base) if p not in seen)
    return visited, violations


def test_pages_of_one_kind_are_known_by_their_path_and_query_names():
    assert kind("/communities/wirral/scorecard/convening/") == "/communities/*/scorecard/*/"
    assert kind("/communities/calderdale/monitoring/?indicator=DM1&page=3") == (
        "/communities/*/monitoring/?indicator&page"
    )
    assert kind("/communities/wirral/monitoring/?page=2&indicator=X") == (
        "/communities/*/monitoring/?indicator&page"
    )
    assert kind("/communities/wirral/monitoring/") == "/communities/*/monitoring/"
    assert kind("/communities/wirral/monitoring/?grouping=7") != kind(
        "/communities/wirral/monitoring/?page=2"
    )


@pytest.mark.parametrize("role", ROLES)
def test_every_page_a_role_can_reach_meets_wcag_aa(demo_server, browser, role, sign_in, axe):
    context = browser.new_context(bypass_csp=True)  # axe is injected as an inline script
    page = context.new_page()
    try:
        sign_in(page, demo_server, role)
        community = role.split("-")[0]
        evidence = [f"/evidence/{c}/" for c in COMMUNITIES if role == "admin" or c == community]
        visited, violations = crawl(page, demo_server, role, ["/", *evidence], axe)
    finally:
        context.close()
    assert len(visited) >= 3, f"[{role}] the crawler reached only {visited}"
    unexpected = [v for v in axe.failing(violations) if not known(v)]
    assert not unexpected, (
        f"{len(unexpected)} accessibility failure(s) on {len(visited)} pages:\n"
        + axe.report(unexpected)
    )


def test_sign_in_page_meets_wcag_aa(demo_server, axe_page, axe):
    page = axe_page
    page.goto(f"{demo_server}/login/")
    violations = axe.run(page, "anonymous", "/login/")
    # ... and with the error a mistyped password gives.
    page.get_by_label("Username").fill("wirral-viewer")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    violations += axe.run(page, "anonymous", "/login/ (after a wrong password)")
    # ... and saying an account is locked (a name no demo login has, so nothing else is locked)
    for _ in range(10):
        page.get_by_label("Username").fill("no-such-login")
        page.get_by_label("Password").fill("not the password")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
    assert "it is locked until" in page.content()
    violations += axe.run(page, "anonymous", "/login/ (an account locked)")
    axe.assert_clean(violations)


def test_the_crawler_would_catch_a_violation(demo_server, axe_page, axe):
    page = axe_page
    """The check itself works: a page with an unlabelled field and low contrast fails."""
    page.goto(f"{demo_server}/login/")
    page.evaluate(
        """() => {
            const main = document.querySelector('main');
            const input = document.createElement('input');
            input.type = 'text';
            main.appendChild(input);
            const p = document.createElement('p');
            p.textContent = 'Faint text';
            p.style.color = '#cccccc';
            main.appendChild(p);
        }"""
    )
    rules = {v.rule for v in axe.failing(axe.run(page, "anonymous", "/login/"))}
    assert {"label", "color-contrast"} <= rules


# A page with two faults the shared check must report, and the same page without them.
GIF = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"
CHECKED_PAGE = """<!doctype html>
<html lang="en"><head><title>A page for the check</title></head>
<body><main><h1>A page for the check</h1>{}</main></body></html>"""
TINY = 'type="button" style="width:10px;height:10px;padding:0;margin:0;border:0"'
FAULTS = (
    f'<img src="{GIF}"><input type="text" name="town">'
    f'<div><button {TINY} aria-label="One"></button><button {TINY} aria-label="Two"></button></div>'
)
NO_FAULTS = (
    f'<img src="{GIF}" alt="A dot"><label for="town">Town</label>'
    '<input type="text" id="town" name="town">'
    '<div><button type="button" style="padding:12px">One</button> '
    '<button type="button" style="padding:12px">Two</button></div>'
)


def test_the_shared_axe_check_fails_on_a_missing_alt_a_missing_label_and_small_targets(
    axe_page, axe_clean
):
    """The check every browser test uses (``axe_clean``) on a page served by the test: it passes
    the page without faults and reports each fault of the other by its axe rule."""
    pages = {"/faults/": FAULTS, "/no-faults/": NO_FAULTS}
    axe_page.route(
        "http://checked.test/**",
        lambda route: route.fulfill(
            status=200,
            content_type="text/html; charset=utf-8",
            body=CHECKED_PAGE.format(pages[urlsplit(route.request.url).path]),
        ),
    )
    axe_page.goto("http://checked.test/no-faults/")
    axe_clean(axe_page, "/no-faults/")
    axe_page.goto("http://checked.test/faults/")
    with pytest.raises(AssertionError) as failed:
        axe_clean(axe_page, "/faults/")
    assert "/faults/: image-alt (" in str(failed.value), failed.value
    assert "/faults/: label (" in str(failed.value), failed.value
    # and a WCAG 2.2 rule: two buttons too small and too close together
    assert "/faults/: target-size (" in str(failed.value), failed.value


# --- charts -------------------------------------------------------------------------------

CHART_PAGES = [
    "/communities/wirral/developments/memory-assessment-service/",
    "/communities/wirral/needs/dementia/",
    "/communities/wirral/work/",
    "/communities/wirral/monitoring/",
    "/communities/wirral/developments/memory-assessment-service/monitoring/",
    "/communities/wirral/developments/memory-assessment-service/objectives/13/evaluation/",
]

# For each chart: its text alternative, and the first table after it before the next heading.
CHARTS = """() => [...document.querySelectorAll('[data-chart-spec]')].map(chart => {
  const figure = chart.closest('figure');
  const caption = figure && figure.querySelector('figcaption');
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_ELEMENT);
  walker.currentNode = figure || chart;
  let table = null;
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if ((figure || chart).contains(n)) continue;
    if (/^H[1-2]$/.test(n.tagName)) break;
    if (n.tagName === 'TABLE') { table = n; break; }
  }
  return {
    id: chart.id,
    label: (chart.getAttribute('aria-label') || '').trim(),
    caption: caption ? caption.textContent.trim() : '',
    table: table ? (table.id || table.caption && table.caption.textContent.trim() || 'a table')
      : null,
    rows: table ? table.querySelectorAll('tbody tr').length : 0,
  };
})"""


def test_every_chart_has_a_text_alternative_and_a_table_of_its_figures(
    demo_server, browser, sign_in
):
    context = browser.new_context()
    page = context.new_page()
    problems: list[str] = []
    charts = 0
    try:
        sign_in(page, demo_server, "wirral-commissioner")
        for path in CHART_PAGES:
            page.goto(demo_server + path)
            for chart in page.evaluate(CHARTS):
                charts += 1
                if not (chart["label"] or chart["caption"]):
                    problems.append(f"{path} #{chart['id']}: no aria-label or figcaption")
                if not chart["table"] or not chart["rows"]:
                    problems.append(f"{path} #{chart['id']}: no table of its figures after it")
    finally:
        context.close()
    assert charts >= 10, f"only {charts} charts found"
    assert not problems, "\n".join(problems)


def test_a_chart_of_percentages_near_60_is_drawn_around_them_and_meets_wcag_aa(
    demo_server, axe_page, sign_in, axe
):
    """Found on the demo: Wirral's HbA1c control indicator (about 60%) was drawn on an axis from
    0, its values a thin band at the top of the chart. Each drawn chart's value axis (as Vega
    describes it to assistive technology) now spans its figures, within 0-100, and the page
    still meets WCAG 2.2 AA."""
    page = axe_page
    sign_in(page, demo_server, "wirral-commissioner")
    path = "/communities/wirral/monitoring/?indicator=DM_HBA1C59"
    page.goto(demo_server + path)
    axe.wait_for_charts(page)
    labels = page.locator("[data-chart-spec] svg [aria-label^='Y-axis']").evaluate_all(
        "axes => axes.map(a => a.getAttribute('aria-label'))"
    )
    assert labels
    for label in labels:
        ends = re.search(r"values from (\S+) to (\S+)$", label).groups()
        low, high = (float(end.replace(",", "")) for end in ends)
        assert 40 < low < high <= 100, label
    axe.check(page, path, "wirral-commissioner")


def _luminance(hex_colour: str) -> float:
    """Relative luminance (WCAG 2.2, definition of relative luminance)."""
    hex_colour = hex_colour.lstrip("#")
    if len(hex_colour) == 3:
        hex_colour = "".join(c * 2 for c in hex_colour)
    channels = []
    for i in (0, 2, 4):
        c = int(hex_colour[i : i + 2], 16) / 255
        channels.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
    r, g, b = channels
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_ratio_matches_published_values():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # the AA grey
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # just fails AA


def test_making_data_count_icons_have_letters_and_readable_colours(demo_server, browser, sign_in):
    """Each icon has a letter (not colour alone) with AA contrast on its circle.

    AA asks 4.5:1 of text, or 3:1 of large text (at least 24px, or 18.66px bold: WCAG 2.2's
    "large scale"); the letter's size is measured as drawn.
    """
    context = browser.new_context()
    page = context.new_page()
    try:
        sign_in(page, demo_server, "wirral-commissioner")
        page.goto(demo_server + "/communities/wirral/monitoring/")
        icons = page.evaluate(
            """() => [...document.querySelectorAll('.app-spc-icon svg')].map(svg => ({
                label: svg.getAttribute('aria-label'),
                letter: svg.querySelector('text').textContent.trim(),
                fill: svg.querySelector('circle').getAttribute('fill'),
                text: svg.querySelector('text').getAttribute('fill'),
                px: Number(svg.querySelector('text').getAttribute('font-size'))
                    * svg.getBoundingClientRect().width / svg.viewBox.baseVal.width,
                bold: svg.querySelector('text').getAttribute('font-weight') === 'bold',
            }))"""
        )
    finally:
        context.close()
    assert len(icons) >= 20
    assert all(i["letter"] and i["label"] for i in icons)
    poor = set()
    for i in icons:
        large = i["px"] >= 24 or (i["bold"] and i["px"] >= 18.66)
        ratio = contrast(i["fill"], i["text"])
        if ratio < (3.0 if large else 4.5):
            poor.add(
                f"{i['letter']} in {i['text']} on {i['fill']} at {i['px']:.0f}px: {ratio:.2f}:1"
            )
    assert not poor, "icon letters below AA contrast: " + "; ".join(sorted(poor))


def test_form_errors_are_summarised_and_linked_to_their_fields(demo_server, axe_page, sign_in, axe):
    """Sending the add-evidence form empty: an NHS.UK error summary whose links reach the fields."""
    page = axe_page
    sign_in(page, demo_server, "wirral-commissioner")
    page.goto(f"{demo_server}/evidence/wirral/add/")
    page.get_by_role("button", name="Add evidence").click()
    page.wait_for_load_state()
    summary = page.locator(".nhsuk-error-summary")
    assert summary.get_by_text("There is a problem").is_visible()
    link = summary.locator("a[href^='#']").first
    target = link.get_attribute("href")
    assert page.locator(target).count() == 1, f"the error summary links to {target}, not a field"
    assert page.locator(target).get_attribute("aria-invalid") == "true"
    axe.assert_clean(axe.run(page, "wirral-commissioner", "/evidence/wirral/add/ (sent empty)"))


def test_report_page_meets_wcag_aa(demo_server, axe_page, sign_in, axe):
    """The HTML report a commissioner opens from the community page."""
    page = axe_page
    sign_in(page, demo_server, "wirral-commissioner")
    response = page.goto(f"{demo_server}/reports/wirral.html")
    assert response is not None and response.ok
    axe.assert_clean(axe.run(page, "wirral-commissioner", "/reports/wirral.html"))


def test_set_up_pages_and_their_errors_meet_wcag_aa(demo_server, axe_page, sign_in, axe):
    """An administrator reaches Set up from the home page; a refused area and a login whose
    passwords differ give an NHS.UK error summary linked to a field. Nothing is changed."""
    page = axe_page
    sign_in(page, demo_server, "admin")
    page.get_by_role("link", name="Set up areas and logins").click()
    page.wait_for_url(f"{demo_server}/setup/")
    violations = axe.run(page, "admin", "/setup/")
    page.get_by_role("link", name="Set up an area from a commissioner's ODS code").click()
    page.get_by_label("Commissioner's ODS code").fill("ZZZ")
    page.get_by_role("button", name="Set up the area").click()
    page.wait_for_load_state()
    summary = page.locator(".nhsuk-error-summary")
    assert summary.get_by_text("no organisation has the ODS code ZZZ").is_visible()
    target = summary.locator("a[href^='#']").first.get_attribute("href")
    assert page.locator(target).count() == 1, f"the error summary links to {target}"
    violations += axe.run(page, "admin", "/setup/area/ (refused)")
    page.goto(f"{demo_server}/setup/login/")
    page.get_by_label("User name").fill("new-viewer")
    page.get_by_label("Viewer: reads their community's records, without money").check()
    page.get_by_label("Community", exact=True).select_option("wirral")
    page.get_by_label("Password", exact=True).fill("Some-Pa55-word")
    page.get_by_label("The same password again").fill("Other-Pa55-word")
    page.get_by_role("button", name="Add the login").click()
    page.wait_for_load_state()
    assert page.locator(".nhsuk-error-summary").get_by_text("The two passwords differ").is_visible()
    violations += axe.run(page, "admin", "/setup/login/ (passwords differ)")
    axe.assert_clean(violations)


def test_the_community_page_leads_to_needs_assessment(demo_server, axe_page, sign_in, axe):
    """Needs assessment is one click from the community page, whatever conditions it has."""
    page = axe_page
    sign_in(page, demo_server, "wirral-commissioner")
    page.goto(f"{demo_server}/communities/wirral/")
    page.get_by_role("link", name="Needs assessment", exact=False).first.click()
    page.wait_for_url(f"{demo_server}/communities/wirral/needs/")
    assert page.get_by_role("link", name="Diabetes").is_visible()
    violations = axe.run(page, "wirral-commissioner", "/communities/wirral/needs/")
    # the dementia page names its two diagnosis rates (and the objective's baseline) in a box
    page.get_by_role("link", name="Dementia").first.click()
    page.wait_for_url(f"{demo_server}/communities/wirral/needs/dementia/")
    assert page.locator("#diagnosis-which").get_by_text("Modelled diagnosis rate").is_visible()
    violations += axe.run(page, "wirral-commissioner", "/communities/wirral/needs/dementia/")
    axe.assert_clean(violations)


def test_import_page_with_its_emptying_box_and_a_damaged_file_meets_wcag_aa(
    demo_server, axe_page, sign_in, axe
):
    """The import page, then a file cut short sent to it: refused, located, nothing saved."""
    page = axe_page
    sign_in(page, demo_server, "wirral-commissioner")
    page.goto(f"{demo_server}/communities/wirral/import/")
    box = page.get_by_label("Let this import empty stored values")
    assert not box.is_checked()
    axe.assert_clean(axe.run(page, "wirral-commissioner", "/communities/wirral/import/"))
    cut = b"indicator_code,organisation_ods,period,value\nDM-ADM,A81001,2012-04-01,11.2\nDM-ADM,A8"
    page.set_input_files("#file", {"name": "obs.csv", "mimeType": "text/csv", "buffer": cut})
    box.check()
    page.get_by_role("button", name="Upload and import").click()
    page.wait_for_load_state()
    assert page.get_by_text("Problems found: nothing was saved").is_visible()
    assert page.get_by_text("the file ends in this row, which has 2 of the 4 fields").is_visible()
    assert page.get_by_label("Let this import empty stored values").is_checked()
    axe.assert_clean(axe.run(page, "wirral-commissioner", "/communities/wirral/import/ (refused)"))

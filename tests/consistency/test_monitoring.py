"""Monitoring: each series is judged once, and the page, the board report and the API say the
same (variation, assurance, caution, and the latest period and value as shown).

Found by a commissioner: the board report worked its SPC out again with its own chart design
(other colours for the same kinds of point), called a one-point series "common cause", labelled
annual data "latest month" and left out the caution that limits from fewer than 12 points are
provisional, which the page gives.
"""

from __future__ import annotations

import re

import pytest

from commissioning.charts.spc import POINT_STYLES
from commissioning.reports.content import community_report
from commissioning.reports.html import render_html
from commissioning.reports.xlsx import render_xlsx

from .conftest import DEMO_CODES, api_items, page_text, xlsx_sheet

pytestmark = pytest.mark.django_db

SECTION = re.compile(
    r'<section class="app-spc-series" id="(?P<anchor>[^"]+)".*?</section>', flags=re.S
)
ROW = re.compile(r'<tr class="nhsuk-table__row" data-period="([^"]+)".*?data-value="([^"]*)"')


def _latest(body: str) -> tuple[str, str] | None:
    """The latest period of a chart's table with a value recorded, and the value as shown
    (``*`` when hidden)."""
    recorded = [(period, value) for period, value in ROW.findall(body) if value != ""]
    return recorded[-1] if recorded else None


def _page_series(client, code: str) -> dict[str, dict]:
    """Every series on every page of the community's monitoring charts: its heading, the words
    of its two icons and its caution."""
    found: dict[str, dict] = {}
    page = 1
    while True:
        html = client.get(f"/communities/{code}/monitoring/?page={page}").content.decode()
        sections = list(SECTION.finditer(html))
        for m in sections:
            body = m.group(0)
            heading = page_text(re.search(r"<h3.*?</h3>", body, flags=re.S).group(0)).strip()
            name, _, rest = heading.partition("  ")
            variation = re.search(r'aria-label="Variation: ([^"]+)"', body).group(1)
            assurance = re.search(r'aria-label="Assurance: ([^"]+)"', body).group(1)
            caution = re.search(r'<div class="nhsuk-inset-text">.*?<p>(.*?)</p>', body, re.S)
            found[m.group("anchor")] = {
                "heading": " ".join(heading.split()),
                "variation": variation.replace("&#x27;", "'"),
                "assurance": assurance.replace("&#x27;", "'"),
                "caution": caution.group(1) if caution else "",
                "latest": _latest(body),
                "recalculated": re.findall(r'data-recalculated="([\d-]+)"', body),
            }
        if not sections or f"?page={page + 1}" not in html:
            return found
        page += 1


@pytest.mark.parametrize("code", DEMO_CODES)
def test_each_series_has_one_judgement_on_the_page_in_the_report_and_in_the_api(admin_client, code):
    on_page = _page_series(admin_client, code)
    assert on_page, code
    report = community_report(code, charts=False)
    rows = xlsx_sheet(render_xlsx(report), "monitoring")
    rows = [r for r in rows if r.get("Variation")]
    assert len(rows) == len(on_page), code
    api = api_items(admin_client, f"/api/communities/{code}/monitoring")
    assert {f"series-{s['key']}" for s in api} == set(on_page), code
    # the limits recalculated where a commissioner confirmed it: the same on the page and in the
    # API (the demo confirms what the app proposes at its developments' go-lives)
    for s in api:
        dates = [r["period"] for r in s["limits_recalculated"]]
        assert dates == on_page[f"series-{s['key']}"]["recalculated"], s
    # the report lists the series in the API's order
    assert [r["Series"] for r in rows] == [
        f"{s['indicator_name']} ({s['unit']}) — {s['subject']}" for s in api
    ]
    for series, row in zip(api, rows, strict=True):
        seen = on_page[f"series-{series['key']}"]
        words = (series["variation"], series["assurance"], series["caution"])
        assert words == (seen["variation"], seen["assurance"], seen["caution"]), series
        assert words == (row["Variation"], row["Assurance"], row["Caution"] or ""), series
        latest = (series["latest_period"], series["latest_value"], series["latest_hidden"])
        if seen["latest"] is None:
            assert latest == (None, None, False), series
            assert row["Latest period"] is None and row["Latest value"] is None
            continue
        period, value = seen["latest"]
        assert series["latest_period"] == period == row["Latest period"].date().isoformat()
        if value == "*":  # hidden: it rests on small numbers
            assert series["latest_hidden"] and series["latest_value"] is None, series
            assert row["Latest value"] == "*"
        else:
            assert not series["latest_hidden"], series
            assert series["latest_value"] == pytest.approx(float(value), abs=1e-9), series
            assert row["Latest value"] == pytest.approx(float(value), abs=1e-9), series
    assert "Latest period" in rows[0] and "Latest month" not in rows[0]
    by_heading = {}
    for series in on_page.values():
        by_heading.setdefault(series["heading"], []).append(series)
    for row in rows:
        name, _, subject = row["Series"].partition(" — ")
        indicator = name.rsplit(" (", 1)[0]
        matches = [
            s
            for heading, group in by_heading.items()
            if heading.startswith(indicator) and subject in heading
            for s in group
        ]
        assert matches, row["Series"]
        assert any(
            s["variation"] == row["Variation"]
            and s["assurance"] == row["Assurance"]
            and s["caution"] == (row["Caution"] or "")
            for s in matches
        ), (row, matches)


def test_the_demo_has_recalculated_limits_for_the_api_and_page_to_agree_on(admin_client):
    api = api_items(admin_client, "/api/communities/wirral/monitoring")
    assert any(s["limits_recalculated"] for s in api)


def test_a_series_too_short_to_judge_is_not_called_common_cause(admin_client):
    short = [
        s
        for code in DEMO_CODES
        for s in _page_series(admin_client, code).values()
        if s["caution"] and s["variation"] == "Common cause variation"
    ]
    for series in short:  # judged: it has enough values for a moving range
        assert series["caution"].startswith("Fewer than 12 values")


def test_the_report_draws_the_pages_chart_with_its_colours(demo):
    report = community_report("wirral")
    html = render_html(report)
    monitoring = html.split('id="section-monitoring"', 1)[1].split('id="section-impact"', 1)[0]
    assert "data:image/svg+xml" in monitoring
    page_colours = {colour for _, colour, _ in POINT_STYLES.values()}
    import base64

    svgs = [
        base64.b64decode(m).decode()
        for m in re.findall(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)", monitoring)
    ]
    used = {c for svg in svgs for c in re.findall(r"#[0-9a-f]{6}", svg.lower())}
    assert used & page_colours, "the report's SPC charts use the page's point colours"
    assert "#ffb81c" not in used  # the old report's warm yellow for concern

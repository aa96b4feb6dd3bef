"""The effective-commissioning scorecard: each measure's status, numerator, denominator and value
are one answer everywhere (the page, the community's report, the report across communities and
the API).

Found by a commissioner: the report across communities counted the measures as met / partly
met / not met 6/0/0, 7/0/0 and 5/0/0 while the communities' own scorecards gave 6/1/2, 7/0/2
and 5/1/3 (the across report counted statuses by names the scorecard does not use).
"""

from __future__ import annotations

import json
import re

import pytest

from commissioning.reports.content import across_report, community_report
from commissioning.reports.xlsx import render_xlsx

from .conftest import DEMO_CODES, api_json, page_text, xlsx_sheet

pytestmark = pytest.mark.django_db

STATUS_COLUMNS = {
    "met": "Met",
    "partly met": "Partly met",
    "not met": "Not met",
    "no data": "No data",
}


def _page_statuses(client, code: str) -> dict[str, str]:
    html = client.get(f"/communities/{code}/work/").content.decode()
    rows = re.findall(
        r'<tr class="nhsuk-table__row" data-measure="([^"]+)">.*?data-status="([^"]+)"',
        html,
        flags=re.S,
    )
    return dict(rows)


def test_each_measure_has_one_status_on_the_page_in_the_report_and_across(admin_client):
    across = xlsx_sheet(render_xlsx(across_report()), "scorecard_across")
    across = [r for r in across if r["Community"] in DEMO_CODES]
    assert [r["Community"] for r in across] == DEMO_CODES
    for code in DEMO_CODES:
        on_page = _page_statuses(admin_client, code)
        assert len(on_page) == 9, code
        report = xlsx_sheet(render_xlsx(community_report(code, charts=False)), "scorecard")
        report = [r for r in report if r["Status"]]
        assert [r["Status"].lower() for r in report] == list(on_page.values()), code
        counted = next(r for r in across if r["Community"] == code)
        for status, column in STATUS_COLUMNS.items():
            assert counted[column] == list(on_page.values()).count(status), (code, status)


def _page_measures(client, code: str) -> dict[str, dict]:
    """Each measure's row of the page's scorecard table: numerator, denominator, value, status."""
    html = client.get(f"/communities/{code}/work/").content.decode()
    found = {}
    for row in re.findall(r'<tr class="nhsuk-table__row" data-measure=.*?</tr>', html, flags=re.S):
        measure = re.search(r'data-measure="([^"]+)"', row).group(1)
        cells = [page_text(c).strip() for c in re.findall(r"<td.*?</td>", row, flags=re.S)]
        found[measure] = {
            "numerator": cells[1],
            "denominator": cells[2],
            "value": cells[3],
            "status": re.search(r'data-status="([^"]+)"', row).group(1),
        }
    return found


def _shown(text: str) -> float:
    return float(text.replace(",", "").replace("£", ""))


def test_each_measures_figures_are_the_same_on_the_page_in_the_report_and_in_the_api(
    admin_client,
):
    for code in DEMO_CODES:
        on_page = _page_measures(admin_client, code)
        report = xlsx_sheet(render_xlsx(community_report(code, charts=False)), "scorecard")
        report = [r for r in report if r["Status"]]
        api = api_json(admin_client, f"/api/communities/{code}/scorecard")["measures"]
        assert [m["id"] for m in api] == list(on_page), code
        assert [m["name"] for m in api] == [r["Measure"] for r in report], code
        for measure, row in zip(api, report, strict=True):
            seen = on_page[measure["id"]]
            assert measure["status"] == seen["status"] == row["Status"].lower(), measure
            for part, column in (("numerator", "Numerator"), ("denominator", "Denominator")):
                # money to the pound on the page; counts to two places
                places = 0.5 if measure["money"] else 0.005
                assert _shown(seen[part]) == pytest.approx(measure[part], abs=places), measure
                assert row[column] == pytest.approx(measure[part], abs=1e-9), measure
            if measure["value"] is None:
                assert seen["value"] == "No data" and row["Value"] is None, measure
            else:
                assert seen["value"] == f"{measure['value']:.0%}", measure
                assert row["Value"] == pytest.approx(measure["value"] * 100, abs=1e-9), measure


def test_each_measures_spread_across_communities_and_over_years_is_one_answer(admin_client):
    spread = xlsx_sheet(render_xlsx(across_report()), "scorecard_spread")
    spread = {r["Measure"]: r for r in spread if r["Measure"]}
    for code in DEMO_CODES:
        api = api_json(admin_client, f"/api/communities/{code}/scorecard")["measures"]
        for m in api:
            shown = spread[m["name"]][code]
            if m["value"] is None:
                assert shown is None, (code, m["id"])
            else:
                assert shown == pytest.approx(m["value"] * 100, abs=1e-9), (code, m["id"])
        # Year by year: the page's table and the report's are the same figures.
        years = xlsx_sheet(render_xlsx(community_report(code, charts=False)), "scorecard_years")
        names = {m["name"] for m in api}
        years = [r for r in years if r["Measure"] in names]  # not the note under the table
        html = admin_client.get(f"/communities/{code}/work/").content.decode()
        table = re.search(r'id="scorecard-years-table">(.*?)</table>', html, flags=re.S).group(1)
        heads = [page_text(h).strip() for h in re.findall(r"<th.*?</th>", table, flags=re.S)]
        rows = re.findall(r"<tr class=\"nhsuk-table__row\">(.*?)</tr>", table, flags=re.S)[1:]
        assert len(rows) == len(years) == 9, code
        assert len(heads) > 2, code  # more than one year
        for row, reported in zip(rows, years, strict=True):
            cells = [page_text(c).strip() for c in re.findall(r"<td.*?</td>", row, flags=re.S)]
            assert cells[0] == reported["Measure"]
            for year, text in zip(heads[1:], cells[1:], strict=True):
                value = reported[year]
                assert text == ("No data" if value is None else f"{value / 100:.0%}"), (
                    code,
                    year,
                )
        lows = [spread[m["name"]]["Lowest"] for m in api]
        assert all(v is None or 0 <= v <= 100 for v in lows)


def test_the_year_by_year_chart_on_the_page_holds_the_figures_of_its_table(admin_client):
    """The chart is drawn from the figures of the table beside it: every point is a cell."""
    for code in DEMO_CODES:
        html = admin_client.get(f"/communities/{code}/work/").content.decode()
        table = re.search(r'id="scorecard-years-table">(.*?)</table>', html, flags=re.S).group(1)
        heads = [page_text(h).strip() for h in re.findall(r"<th.*?</th>", table, flags=re.S)]
        cells = {}
        for row in re.findall(r"<tr class=\"nhsuk-table__row\">(.*?)</tr>", table, flags=re.S)[1:]:
            found = [page_text(c).strip() for c in re.findall(r"<td.*?</td>", row, flags=re.S)]
            for year, text in zip(heads[1:], found[1:], strict=True):
                cells[(found[0], year)] = text
        block = re.search(r'id="scorecard-years-spec" type="application/json">(.*?)</script>', html)
        spec = json.loads(block.group(1))
        points = {
            (r["measure"], r["year"]): r["percent"] for r in spec["data"]["values"] if r.get("year")
        }
        assert points.keys() == cells.keys(), code
        for key, value in points.items():
            assert cells[key] == ("No data" if value is None else f"{value / 100:.0%}"), (code, key)

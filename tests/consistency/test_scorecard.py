"""The effective-commissioning scorecard: each measure's status is one answer everywhere.

Found by a commissioner: the report across communities counted the measures as met / partly
met / not met 6/0/0, 7/0/0 and 5/0/0 while the communities' own scorecards gave 6/1/2, 7/0/2
and 5/1/3 (the across report counted statuses by names the scorecard does not use).
"""

from __future__ import annotations

import re

import pytest

from commissioning.reports.content import across_report, community_report
from commissioning.reports.xlsx import render_xlsx

from .conftest import DEMO_CODES, xlsx_sheet

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

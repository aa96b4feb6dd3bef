"""The work of commissioning's money and labour: one figure on the work page and in the
community's board report.

The report's money and labour sections worked their figures out through their own calls to the
engines beside the page's presenter (issue 22); they now lay out the presenter's. Found on the
way: the report named the stakeholder roles by their codes ("Gp", "Consultant", "Patient
representative") where the page names them "GP", "Hospital consultant" and "Patient or carer
representative".
"""

from __future__ import annotations

import re

import pytest

from commissioning.reports.content import community_report
from commissioning.reports.html import render_html
from commissioning.reports.xlsx import render_xlsx

from .conftest import DEMO_CODES, html_table, page_text, xlsx_sheet

pytestmark = pytest.mark.django_db


def _rows(html: str, table_id: str) -> list[list[str]]:
    """The body rows of one of the page's tables, as text (none when the table is absent)."""
    table = html_table(html, table_id)
    if table is None:
        return []
    body = table.split("<tbody", 1)[1]
    return [
        [page_text(c).strip() for c in re.findall(r"<td.*?</td>", row, flags=re.S)]
        for row in re.findall(r"<tr.*?</tr>", body, flags=re.S)
    ]


def _number(text: str) -> float:
    return float(text.replace(",", "").replace("£", ""))


def test_the_work_pages_money_and_labour_are_the_reports(admin_client):
    compared_reviews = 0
    for code in DEMO_CODES:
        html = admin_client.get(f"/communities/{code}/work/").content.decode()
        page = page_text(html)
        report = community_report(code, charts=False)
        book = render_xlsx(report)
        text = page_text(render_html(report))

        # Labour: the hours recorded, and the hours of each stakeholder role, named as on the page
        shown = re.search(r"([\d,.]+) hours of commissioning work recorded", page).group(1)
        total = next(r for r in xlsx_sheet(book, "labour") if r["Development"] == "Total")
        assert total["Hours"] == pytest.approx(_number(shown), abs=0.005), code
        on_page = {r[0]: _number(r[1]) for r in _rows(html, "labour-role")}
        in_report = {
            r["Role"]: r["Hours"]
            for r in xlsx_sheet(book, "participation")
            if r["Hours"] is not None  # not the synthetic-data mark under the table
        }
        assert set(in_report) == set(on_page), code
        for role, hours in on_page.items():
            assert in_report[role] == pytest.approx(hours, abs=0.005), (code, role)
        clinical = re.search(r"Clinicians gave (\d+%) of the hours", page).group(1)
        assert f"Clinicians gave {clinical} of the " in text, code

        # Money: the block share of the latest year's spend and the review programme
        block = re.search(r"In (\d{4}/\d\d), (\d+%) of spend was through block", page)
        assert f"In {block.group(1)}, {block.group(2)} of spend was in block contracts." in text
        due = _rows(html, "review-programme")
        listed = [r for r in xlsx_sheet(book, "review_programme") if r["Service"] and r["Provider"]]
        assert [(r["Service"], r["Provider"]) for r in listed] == [(r[0], r[1]) for r in due]
        for row, seen in zip(listed, due, strict=True):
            assert round(row["Spend"]) == _number(seen[2]), (code, row["Service"])
            compared_reviews += 1
    assert compared_reviews >= 1

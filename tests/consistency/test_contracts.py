"""Contract performance: each demo acute contract's lines (actual to date, variance, signal or
noise, forecast outturn) and its money forecast are the same on the page, in the XLSX download
and in the API."""

from __future__ import annotations

import re

from .conftest import DEMO_CODES, html_table, page_text, xlsx_sheet


def _number(text: str) -> int:
    return int(text.replace(",", "").replace("£", ""))


def test_contract_lines_and_forecast_agree_on_every_surface(admin_client):
    from commissioning.store.models import Contract

    for code in DEMO_CODES:
        contract = Contract.objects.get(community__code=code, reference__endswith="-01")
        base = f"/communities/{code}/contracts/{contract.reference}/"
        html = admin_client.get(base).content.decode()
        table = html_table(html, "lines-table")
        page = {}
        for row in re.findall(r"<tr[^>]*data-line=.*?</tr>", table, flags=re.S):
            line = re.search(r'data-line="([^"]+)"', row).group(1)
            cells = [page_text(c).strip() for c in re.findall(r"<td.*?</td>", row, flags=re.S)]
            page[line] = {
                "actual": _number(cells[2]),
                "variance": _number(cells[3].split(" (")[0]),
                "signal": re.search(r'data-signal="(\w+)"', row).group(1),
                "forecast": _number(cells[6].split()[0]),
            }
        book = {
            r["Line"]: r
            for r in xlsx_sheet(admin_client.get(f"{base}performance.xlsx").content, "lines")
            if r["Name"]  # not the note under the table
        }
        api = admin_client.get(f"/api/contracts/{contract.pk}/performance").json()
        assert set(page) == set(book) == {ln["code"] for ln in api["lines"]}, code
        for ln in api["lines"]:
            seen = page[ln["code"]]
            xl = book[ln["code"]]
            assert seen["actual"] == round(ln["actual_to_date"]) == round(xl["Actual to date"])
            assert seen["variance"] == round(ln["variance"]) == round(xl["Variance"])
            assert seen["signal"] == ln["signal_or_noise"].lower() == xl["Signal or noise"].lower()
            assert seen["forecast"] == round(ln["forecast"]["outturn"])
            assert seen["forecast"] == round(xl["Forecast outturn"])
        money = re.search(r'id="money-forecast">\s*£([\d,]+)', html).group(1)
        assert _number(money) == round(api["money"]["forecast"]), code

"""The contract performance pages, downloads, forms and API on the small community."""

from __future__ import annotations

import io
import re

from openpyxl import load_workbook

from commissioning.contracts.models import ActivityChallenge, ContractVariation, Milestone

BASE = "/communities/ctown/contracts/"


def text(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_contract_page_shows_its_lines_with_signals(client, ctown):
    client.force_login(ctown.users["commissioner"])
    response = client.get(f"{BASE}CT-ACT/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-line="NEL" data-direction="over" data-signal="signal"' in html
    assert 'data-line="OPFA" data-direction="on plan" data-signal="noise"' in html
    page = text(response)
    assert "180 (30.0%)" in page and "Over plan" in page
    assert "£1,710,000" in page  # the value on 30 September 2023, after variation 1
    assert "Extension to March 2026" in page and "Awaiting signature" in page
    assert "over plan by 30.0%" in page  # the alert
    assert 'data-chart-spec="variance-spec"' in html  # the chart, its figures in the table
    assert 'href="/communities/ctown/contracts/CT-ACT/monitoring/"' in html
    monitoring = client.get(f"{BASE}CT-ACT/monitoring/").content.decode()
    assert f'href="{BASE}CT-ACT/"' in monitoring  # and back


def test_the_line_page_has_its_spc_chart_and_figures(client, ctown):
    client.force_login(ctown.users["commissioner"])
    response = client.get(f"{BASE}CT-ACT/lines/NEL/")
    html = response.content.decode()
    assert response.status_code == 200 and 'data-chart-spec="line-spec"' in html
    # 18 months, one process: last year's 12 all run below the mean (low), this year's 6 above
    # the upper limit (high); all special cause, neither better nor worse (purple)
    assert html.count('data-point-type="special_cause_neutral"') == 18
    assert html.count(", high)") == 6 and html.count(", low)") == 12
    assert "1,560" in text(response)  # the forecast outturn
    assert client.get(f"{BASE}CT-ACT/lines/NOPE/").status_code == 404


def test_the_line_page_lays_out_the_presenters_spc_chart(client, ctown):
    """The line's SPC chart comes from the contracts presenter (``line_chart``), drawn by the one
    SPC chart from plain arguments; the page built a stand-in monitoring series for it, which
    broke once when the chart began reading a series' recalculations."""
    import json

    from django.utils.html import escape

    from commissioning.contracts import presenter
    from commissioning.store.models import Contract

    user = ctown.users["commissioner"]
    client.force_login(user)
    html = client.get(f"{BASE}CT-ACT/lines/NEL/").content.decode()
    spec = re.search(r'<script id="line-spec" type="application/json">(.*?)</script>', html, re.S)
    on_page = json.loads(spec.group(1))
    perf = presenter.performance(user, Contract.objects.get(reference="CT-ACT"), None)
    chart = presenter.line_chart(perf.line("NEL"))
    assert on_page == json.loads(json.dumps(chart.spec))
    points = chart.spec["datasets"]["points"]
    assert len(points) == len(chart.points) == 18
    assert {p["Point type"] for p in points} == {"Special cause neither better nor worse"}
    assert "marks" not in chart.spec["datasets"]  # no annotations, no recalculated limits
    assert all(p["Target"] is not None for p in points[-6:])  # the plan as target
    assert f'aria-label="{escape(chart.description)}"' in html


def test_the_board_and_downloads(client, ctown):
    client.force_login(ctown.users["commissioner"])
    board = text(client.get(BASE))
    assert "CT-ACT" in board and "CT-BLK" in board and "NEL (over)" in board
    xlsx = client.get(f"{BASE}CT-ACT/performance.xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxml")
    book = load_workbook(io.BytesIO(xlsx.content))
    assert {"lines", "months", "spc", "incentives", "variations", "challenges"} <= set(
        book.sheetnames
    )
    header = [c.value for c in book["lines"][2]]
    nel = next(r for r in book["lines"].iter_rows(min_row=3, values_only=True) if r[0] == "NEL")
    assert nel[header.index("Variance")] == 180 and nel[header.index("Paid to date (£)")] == 780_000
    lines_csv = client.get(f"{BASE}CT-ACT/performance.csv").content.decode("utf-8-sig")
    assert lines_csv.startswith("Line,Name,") and "NEL," in lines_csv
    months = client.get(f"{BASE}CT-ACT/performance.csv?table=months").content.decode("utf-8-sig")
    assert "NEL,2023-09-01,100.0,130.0,30.0" in months
    assert client.get(f"{BASE}CT-ACT/performance.pdf").status_code == 404


def test_viewers_see_no_money_and_providers_only_their_own(client, ctown):
    client.force_login(ctown.users["viewer"])
    page = client.get(f"{BASE}CT-ACT/").content.decode()
    assert "780,000" not in page and "1,710,000" not in page and "Money is not shown" in page
    book = load_workbook(io.BytesIO(client.get(f"{BASE}CT-ACT/performance.xlsx").content))
    assert not [c.value for c in book["lines"][2] if "£" in str(c.value)]
    client.force_login(ctown.users["beta"])
    assert client.get(f"{BASE}CT-ACT/").status_code == 404
    assert client.get(f"{BASE}CT-BLK/").status_code == 200
    assert "CT-ACT" not in text(client.get(BASE))
    client.force_login(ctown.users["other"])
    assert client.get(f"{BASE}CT-BLK/").status_code == 404


def test_the_api_answers_as_the_page_does(client, ctown):
    client.force_login(ctown.users["commissioner"])
    data = client.get(f"/api/contracts/{ctown.act.pk}/performance").json()
    nel = next(ln for ln in data["lines"] if ln["code"] == "NEL")
    assert nel["variance"] == 180 and nel["signal_or_noise"] == "Signal"
    assert round(nel["forecast"]["outturn"]) == 1560 and data["value_now"] == 1_710_000
    assert {a["kind"] for a in data["alerts"]} == {
        "plan_signal",
        "milestone_missed",
        "variation_unsigned",
    }
    client.force_login(ctown.users["viewer"])
    hidden = client.get(f"/api/contracts/{ctown.act.pk}/performance").json()
    assert hidden["value_now"] is None and hidden["money"] == {}
    assert all(ln["price"] is None and ln["money"] == {} for ln in hidden["lines"])
    client.force_login(ctown.users["beta"])
    assert client.get(f"/api/contracts/{ctown.act.pk}/performance").status_code == 404


def test_recording_a_variation_a_challenge_and_an_achievement(client, ctown):
    client.force_login(ctown.users["commissioner"])
    url = f"{BASE}CT-ACT/record/"
    empty = client.post(f"{url}variation/", {})
    assert empty.status_code == 400 and "There is a problem" in empty.content.decode()
    response = client.post(
        f"{url}variation/",
        {
            "variation-title": "Price change",
            "variation-kind": "value",
            "variation-status": "signed",
            "variation-proposed": "2023-10-01",
            "variation-signed": "2023-10-10",
            "variation-effective": "2023-11-01",
            "variation-value_change": "-25000",
            "variation-description": "Lower price for day cases.",
            "variation-reason": "Benchmarking.",
        },
    )
    assert response.status_code == 302 and response["Location"].endswith("#variations")
    assert ContractVariation.objects.get(contract=ctown.act, number=3).value_change == -25000
    response = client.post(
        f"{url}challenge/",
        {
            "challenge-reference": "CH-2",
            "challenge-raised": "2023-10-02",
            "challenge-line": ctown.nel.pk,
            "challenge-month": "2023-08-01",
            "challenge-kind": "duplicate",
            "challenge-description": "Duplicate spells.",
            "challenge-value": "3000",
            "challenge-status": "open",
        },
    )
    assert response.status_code == 302
    assert ActivityChallenge.objects.filter(contract=ctown.act, reference="CH-2").exists()
    q3 = ctown.milestones[2]
    response = client.post(
        f"{url}milestone/",
        {
            "milestone-milestone": q3.pk,
            "milestone-status": "partly_met",
            "milestone-achieved_share": "40",
            "milestone-recorded": "2024-01-20",
        },
    )
    assert response.status_code == 302
    q3 = Milestone.objects.get(pk=q3.pk)
    assert q3.status == "partly_met" and q3.achieved_share == 40
    client.force_login(ctown.users["viewer"])
    assert client.post(f"{url}challenge/", {}).status_code == 403
    assert client.get(f"{url}challenge/").status_code == 405


def test_the_import_page(client, ctown):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(ctown.users["commissioner"])
    assert client.get(f"{BASE}import/").status_code == 200
    damaged = SimpleUploadedFile(
        "actuals.csv",
        b"contract_reference,line,month,actual_activity\nCT-ACT,NEL,2023-10-01,1,2\n",
        content_type="text/csv",
    )
    response = client.post(f"{BASE}import/", {"file": damaged})
    page = text(response)
    assert response.status_code == 400 and "actuals.csv 2" in page and "has 5 values" in page
    good = SimpleUploadedFile(
        "actuals.csv",
        b"contract_reference,line,month,actual_activity\nCT-ACT,NEL,2023-10-01,128\n",
        content_type="text/csv",
    )
    response = client.post(f"{BASE}import/", {"file": good})
    assert response.status_code == 200 and "1 added" in text(response)
    client.force_login(ctown.users["viewer"])
    assert client.get(f"{BASE}import/").status_code == 403

"""Needs assessment: each condition's figures are one answer on the needs page, in the HTML and
XLSX board reports and in the API.

Found by a commissioner: Wirral's dementia diagnosis rate was 64.7% on the needs page and 52.6%
on the monitoring page and in the report, with nothing to say that one is modelled from
illustrative reference rates and the other the published (recorded) rate; the diabetes
prevalence trend divided by the whole list in 2013-14 and by patients aged 17 and over later,
without saying so; and for a community built from the NHS's own files the report counted the
practices another way than the page (``tests/integration/reports/test_practices_agree.py``).

The readers parse each surface as a person or program meets it; they never call the presenter.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .conftest import DEMO_CODES, html_table, page_text, xlsx_sheet

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "nhs-formats"
MODELLED, RECORDED = "Modelled diagnosis rate", "Recorded diagnosis rate"


def _cell(html: str, attribute: str) -> str | None:
    m = re.search(rf"<(?:td|dd|span)[^>]*{attribute}[^>]*>(.*?)</(?:td|dd|span)>", html, re.S)
    return " ".join(page_text(m.group(1)).split()) if m else None


def _row(html: str, attribute: str) -> str:
    m = re.search(rf"<tr[^>]*{attribute}[^>]*>.*?</tr>", html, re.S)
    assert m, attribute
    return m.group(0)


def _page(client, code: str, slug: str) -> dict:
    """The headline figures of one condition's needs page, as it shows them."""
    html = client.get(f"/communities/{code}/needs/{slug}/").content.decode()
    mine = _row(html, 'data-area="community"')
    register = re.search(r"data-register>(.*?)</td>", mine, re.S).group(1).strip()
    page = {
        "practices": _cell(html, 'data-figure="practices"'),
        "denominator": _cell(html, 'data-figure="denominator"'),
        "register": register,
        "prevalence": _cell(mine, 'data-cell="prevalence"'),
        "ci": _cell(mine, 'data-cell="ci"'),
        "rates": {},
        "trend": [],
    }
    if 'data-dsr="community"' in html:
        dsr = _row(html, 'data-dsr="community"')
        page["standardised"] = (_cell(dsr, 'data-cell="dsr"'), _cell(dsr, 'data-cell="dsr-ci"'))
    elif 'data-cell="isr"' in html:
        page["standardised"] = (_cell(html, 'data-cell="isr"'), None)
    else:
        page["standardised"] = None
    modelled = re.search(
        r"<dt[^>]*>([^<]*)</dt><dd[^>]*data-rate=\"modelled\"[^>]*>(.*?)</dd>", html
    )
    if modelled:
        page["rates"][MODELLED] = (modelled.group(1), modelled.group(2).split(" (")[0])
    table = html_table(html, "published-diagnosis-table")
    if table:
        header = page_text(re.search(r"<thead.*?</thead>", table, re.S).group(0))
        for row in re.findall(r'<tr[^>]*data-published="commissioner".*?</tr>', table, re.S):
            page["rates"][RECORDED] = (header, _cell(row, 'data-rate="recorded"'))
    trend = html_table(html, "trend-table")
    for row in re.findall(r'<tr[^>]*data-year="([^"]+)"([^>]*)>(.*?)</tr>', trend, re.S):
        year, attrs, body = row
        page["trend"].append((year, _cell(body, 'data-cell="prevalence"'), "data-change" in attrs))
    page["text"] = page_text(html)
    return page


def _report_tables(code: str) -> tuple[dict, dict]:
    """The needs tables of the HTML board report (cell texts) and of the XLSX (values)."""
    from commissioning.reports.content import community_report
    from commissioning.reports.html import render_html
    from commissioning.reports.xlsx import render_xlsx

    report = community_report(code, charts=False)
    html = render_html(report)
    tables = {}
    for key in ("registers", "standardised", "diagnosis_gap", "prevalence_trend"):
        table = html_table(html, f"table-{key}")
        assert table, key
        header = [page_text(h).strip() for h in re.findall(r"<th[^>]*>(.*?)</th>", table, re.S)]
        rows = []
        for tr in re.findall(r"<tr>(.*?)</tr>", table.split("</thead>", 1)[1], re.S):
            cells = [page_text(c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)]
            if len(cells) == len(header):
                rows.append(dict(zip(header, cells, strict=True)))
        tables[key] = rows
    content = render_xlsx(report)
    sheets = {
        key: xlsx_sheet(content, key)
        for key in ("registers", "standardised", "diagnosis_gap", "prevalence_trend")
    }
    return tables, sheets


def _pct(value, places: int) -> str:
    return value if value == "*" else f"{value:.{places}f}%"


def _count(value) -> str:
    return value if value == "*" else f"{int(value):,}"


def _conditions(client, code: str) -> list[str]:
    html = client.get(f"/communities/{code}/needs/").content.decode()
    return sorted(set(re.findall(rf'href="/communities/{code}/needs/([-a-z0-9]+)/"', html)))


@pytest.mark.parametrize("code", DEMO_CODES)
def test_each_conditions_figures_are_one_answer_on_page_reports_and_api(admin_client, code):
    slugs = _conditions(admin_client, code)
    assert slugs, code
    api = admin_client.get(f"/api/communities/{code}/needs").json()
    by_slug = {c["slug"]: c for c in api["conditions"]}
    assert sorted(by_slug) == slugs
    html, xlsx = _report_tables(code)
    for slug in slugs:
        page = _page(admin_client, code, slug)
        figures = by_slug[slug]
        name = figures["condition"]
        (h,) = [r for r in html["registers"] if r["Condition"] == name]
        (x,) = [r for r in xlsx["registers"] if r["Condition"] == name]
        # practices, register, prevalence and its interval, what the lists count
        assert page["practices"] == h["Practices"] == str(x["Practices"])
        assert int(page["practices"]) == figures["practices"]
        assert page["register"] == h["On the register"] == _count(x["On the register"])
        assert page["register"] == _count(figures["register_size"])
        assert page["prevalence"] == h["Prevalence"] == _pct(x["Prevalence"], 2)
        assert page["prevalence"] == _pct(figures["prevalence"], 2)
        lower, upper = _pct(figures["prevalence_lower"], 2), _pct(figures["prevalence_upper"], 2)
        assert page["ci"] == f"{lower} to {upper}" == f"{h['Lower 95%']} to {h['Upper 95%']}"
        # the workbook keeps the numbers (to the 15 digits a spreadsheet holds)
        assert (x["Lower 95%"], x["Upper 95%"]) == pytest.approx(
            (figures["prevalence_lower"], figures["prevalence_upper"]), rel=1e-12
        )
        assert page["denominator"] == figures["denominator"]
        assert h["Which patients the lists count"] == figures["denominator"]
        # the standardised rate (or ratio)
        s = figures["standardised"]
        (hs,) = [r for r in html["standardised"] if r["Condition"] == name]
        if s is None:
            assert page["standardised"] is None and hs["Standardised"] == "Not available"
        elif s["kind"] == "dsr":
            text = f"{s['value']:,.1f}"
            assert page["standardised"] == (text, f"{s['lower']:,.1f} to {s['upper']:,.1f}")
            assert hs["Rate per 100,000"] == text
        else:
            assert page["standardised"][0].startswith(f"{s['value']:.2f}")
            assert hs["Ratio"] == f"{s['value']:.2f}"
        # each diagnosis rate: named for what it is, the same value under the same name
        named = {r["name"]: r for r in figures["diagnosis"]}
        assert set(page["rates"]) == set(named), (code, slug)
        for kind, (label, shown) in page["rates"].items():
            assert kind in label, (code, slug, label)
            r = named[kind]
            assert shown == _pct(r["rate"], 1)
            rows = [
                d
                for d in html["diagnosis_gap"]
                if d["Diagnosis rate"].startswith(kind) and d["Subject"] == r["subject"]
            ]
            assert [d["Rate"] for d in rows] == [shown], (code, slug, kind)
            xrows = [
                d
                for d in xlsx["diagnosis_gap"]
                if (d["Diagnosis rate"] or "").startswith(kind) and d["Subject"] == r["subject"]
            ]
            assert [_pct(d["Rate"], 1) for d in xrows] == [shown]
        # the trend: each year's prevalence, and where the definition changed
        trend = [
            (t["year"], _pct(t["prevalence"], 2), bool(t["definition_changed"]))
            for t in figures["trend"]
        ]
        assert page["trend"] == trend
        report_trend = [
            (r["Year"], r["Prevalence"], r["Definition"] == "Definition changed")
            for r in html["prevalence_trend"]
            if r["Condition"] == name
        ]
        assert report_trend == trend
        xlsx_trend = [
            (r["Year"], _pct(r["Prevalence"], 2), r["Definition"] == "Definition changed")
            for r in xlsx["prevalence_trend"]
            if r["Condition"] == name
        ]
        assert xlsx_trend == trend


def test_wirrals_dementia_diagnosis_rates_are_named_and_the_recorded_one_is_the_monitorings(
    admin_client,
):
    """The needs page's modelled rate and the monitoring page's recorded rate differ on
    purpose: the page names both, and its recorded rate is the monitoring page's figure."""
    page = _page(admin_client, "wirral", "dementia")
    assert set(page["rates"]) == {MODELLED, RECORDED}
    modelled, recorded = page["rates"][MODELLED][1], page["rates"][RECORDED][1]
    assert modelled != recorded
    text = page["text"]
    assert f"{MODELLED}: {modelled}" in text and f": {recorded}" in text
    assert "differ on purpose" in text
    api = admin_client.get("/api/communities/wirral/needs").json()
    (dementia,) = [c for c in api["conditions"] if c["slug"] == "dementia"]
    (dx,) = [r for r in dementia["diagnosis"] if r["name"] == RECORDED]
    assert recorded == f"{dx['rate']:.1f}%"
    # the monitoring page's latest value of the same series is the same figure
    monitoring = page_text(admin_client.get("/communities/wirral/monitoring/").content.decode())
    from commissioning.store.models import Indicator

    name = Indicator.objects.get(code=dx["indicator"]).name  # the series' heading names it
    latest = re.search(
        rf"{re.escape(name)} for {re.escape(dx['subject'])}: .*?"
        r"Latest value ([0-9.]+) % for ([A-Z][a-z]+ \d{4})",
        monitoring,
    )
    assert latest, "the monitoring page shows the series"
    assert float(latest.group(1)) == round(dx["rate"], 2)
    assert dx["label"].endswith(f"{latest.group(2)})")
    # an objective's baseline is named with its basis and date
    baselines = re.findall(r"Baseline of an objective: [^(]+\(([^)]+)\), the value when", text)
    assert all(b for b in baselines)


PRACTICES = """ods_code,name,kind
A81001,THE DENSHAM SURGERY,gp_practice
A81002,QUEENS PARK MEDICAL CENTRE,gp_practice
A81004,ACKLAM MEDICAL CENTRE,gp_practice
"""


@pytest.fixture
def qof_community(db, tmp_path):
    """Three practices from the published QOF samples of 2013-14 (registers divided by the
    whole list) and 2018-19 (diabetes divided by patients aged 17 and over)."""
    from commissioning.ingest import import_files
    from commissioning.store.models import CommissioningCommunity, Organisation

    organisations = tmp_path / "organisations.csv"
    organisations.write_text(PRACTICES)
    import_files([organisations])
    import_files(
        [
            SAMPLES / "qof_prevalence_2013_14_prevalencebyprac.csv",
            SAMPLES / "qof_prevalence_2018_19.csv",
        ]
    )
    ccg = Organisation.objects.create(ods_code="16C", name="NHS Tees Valley CCG", kind="ccg")
    community = CommissioningCommunity.objects.create(code="tees", name="Tees", commissioner=ccg)
    community.members.add(*Organisation.objects.filter(kind="gp_practice"))
    return community


def test_the_diabetes_trend_is_marked_where_the_list_changes_on_every_surface(
    qof_community, admin_user, client
):
    from commissioning.reports.content import community_report
    from commissioning.reports.html import render_html
    from commissioning.reports.xlsx import render_xlsx

    client.force_login(admin_user)
    page = _page(client, "tees", "diabetes")
    assert [(y, changed) for y, _, changed in page["trend"]] == [
        ("2013/14", False),
        ("2018/19", True),
    ]
    assert "The definition changed" in page["text"]
    assert "the whole list, all ages" in page["text"]
    assert page["denominator"] == "patients aged 17 and over"
    api = client.get("/api/communities/tees/needs").json()
    (diabetes,) = [c for c in api["conditions"] if c["slug"] == "diabetes"]
    assert [t["denominator"] for t in diabetes["trend"]] == [
        "the whole list, all ages",
        "patients aged 17 and over",
    ]
    assert [bool(t["definition_changed"]) for t in diabetes["trend"]] == [False, True]
    report = community_report("tees", charts=False)
    html = render_html(report)
    assert "Definition changed" in html_table(html, "table-prevalence_trend")
    rows = [r for r in xlsx_sheet(render_xlsx(report), "prevalence_trend")]
    rows = [r for r in rows if r["Condition"] == diabetes["condition"]]
    assert [r["Which patients the lists count"] for r in rows] == [
        "the whole list, all ages",
        "patients aged 17 and over",
    ]
    assert [r["Definition"] for r in rows] == [None, "Definition changed"]
    # dementia divides by the whole list in both years: no change is marked
    page = _page(client, "tees", "dementia")
    assert not any(changed for _, _, changed in page["trend"])

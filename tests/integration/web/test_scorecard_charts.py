"""The scorecard's charts and ``commissioning scorecard --by-year`` on Minitown
(tests/integration/web/conftest.py), worked by hand: one set of figures in the work page's table
and chart, the board report's table and chart, the report across communities and the command
line.

Minitown's records run to 1 April 2010 (its contract's start), so two financial years:
2009/10 has its three activities: clinical involvement 2 of 3 (Bob, a GP, at the scoping
meeting and the draft specification): 67%, partly met; relational balance 5 of 10.75 hours:
47%, met (30% to 70%); manager support 0 of 2 (Ann's activities, no specialist): 0%; convening
0 of 1 (the scoping meeting brought in one outside group). 2010/11 is its first day: no
activity, and the one contract running (a one-year block) shares no risk: 0 of 1.
"""

from __future__ import annotations

import csv
import html as html_lib
import io
import json
import re

import pytest

from commissioning.cli import main


def strip(fragment: str) -> str:
    return html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment))).strip()


def work_page(client, mini) -> str:
    client.force_login(mini["commissioner"])
    response = client.get("/communities/minitown/work/")
    assert response.status_code == 200
    return response.content.decode()


def page_years(page: str) -> tuple[list[str], dict[str, list[str]]]:
    """The years (headers) and each measure's cells of the page's year-by-year table."""
    table = re.search(r'id="scorecard-years-table">(.*?)</table>', page, flags=re.S).group(1)
    heads = [strip(h) for h in re.findall(r"<th.*?</th>", table, flags=re.S)][1:]
    rows = {}
    for row in re.findall(r'<tr class="nhsuk-table__row">(.*?)</tr>', table, flags=re.S)[1:]:
        cells = [strip(c) for c in re.findall(r"<td.*?</td>", row, flags=re.S)]
        rows[cells[0]] = cells[1:]
    return heads, rows


def page_spec(page: str, name: str) -> dict:
    block = re.search(rf'<script id="{name}" type="application/json">(.*?)</script>', page, re.S)
    return json.loads(block.group(1))


def shown(share: float | None) -> str:
    """A share as the page's table writes it."""
    return "No data" if share is None else f"{share:.0%}"


def test_the_pages_chart_holds_the_figures_of_the_table_beside_it(client, mini):
    page = work_page(client, mini)
    heads, rows = page_years(page)
    assert heads == ["2009/10", "2010/11"]
    assert rows["Clinical involvement"] == ["67%", "No data"]
    assert rows["Balance of relational and contractual work"] == ["47%", "No data"]
    assert rows["Shared risk and long horizons"] == ["No data", "0%"]
    spec = page_spec(page, "scorecard-years-spec")
    data = spec["data"]["values"]  # inline, so that a year with no data stays null
    points = [r for r in data if r.get("year")]
    assert len(points) == 9 * len(heads)
    for r in points:
        share = None if r["percent"] is None else r["percent"] / 100
        assert shown(share) == rows[r["measure"]][heads.index(r["year"])], r
    thresholds = {(r["measure"], r["threshold"]) for r in data if r.get("threshold") is not None}
    assert ("Clinical involvement", 80.0) in thresholds
    assert {t for m, t in thresholds if m.startswith("Balance")} == {30.0, 70.0}
    # the chart is a labelled figure with its text alternative, before the table
    figure = re.search(r'<figure class="app-chart">\s*<div[^>]*id="scorecard-years-chart"', page)
    assert figure and page.index("scorecard-years-chart") < page.index("scorecard-years-table")
    alt_text = re.search(r'id="scorecard-years-chart"[^>]*aria-label="([^"]+)"', page).group(1)
    assert "by financial year, 2009/10 to 2010/11" in html_lib.unescape(alt_text)


def label(financial_year: str) -> str:
    """2009 -> 2009/10: the command gives the year a financial year begins."""
    year = int(financial_year)
    return f"{year}/{str(year + 1)[-2:]}"


def by_year_csv(capsys, *extra: str) -> list[dict]:
    args = ["scorecard", "--community", "minitown", "--by-year", "--format", "csv", *extra]
    assert main(args) == 0
    return list(csv.DictReader(io.StringIO(capsys.readouterr().out)))


def test_by_year_on_the_command_line_gives_the_pages_figures(client, mini, capsys):
    heads, rows = page_years(work_page(client, mini))
    found = by_year_csv(capsys)
    assert len(found) == 9 * len(heads)
    for r in found:
        value = float(r["value"]) if r["value"] else None
        assert shown(value) == rows[r["name"]][heads.index(label(r["financial_year"]))], r
    got = {(label(r["financial_year"]), r["id"]): r for r in found}
    clinical = got[("2009/10", "clinical_involvement")]
    assert float(clinical["value"]) == pytest.approx(2 / 3) and clinical["status"] == "partly met"
    balance = got[("2009/10", "relational_balance")]
    assert float(balance["value"]) == pytest.approx(5 / 10.75) and balance["status"] == "met"
    assert float(got[("2010/11", "shared_risk")]["value"]) == 0
    assert got[("2010/11", "clinical_involvement")]["status"] == "no data"
    # as a table to read: the page's table, row for row
    assert main(["scorecard", "--community", "minitown", "--by-year"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Each measure year by year: minitown, financial years 2009/10 to")
    assert re.split(r"\s{2,}", lines[1].strip()) == ["measure", *heads]
    for line in lines[3:12]:
        cells = re.split(r"\s{2,}", line.strip())
        assert cells[1:] == rows[cells[0]], line


def test_by_year_ends_at_as_of_and_an_end_before_any_record_gives_no_years(mini, capsys):
    found = by_year_csv(capsys, "--as-of", "2010-03-31")
    assert {r["financial_year"] for r in found} == {"2009"}
    assert by_year_csv(capsys, "--as-of", "2005-01-01") == []
    assert main(["scorecard", "--community", "minitown", "--by-year", "--as-of", "2005-01-01"]) == 0
    assert "no activities recorded up to 2005-01-01" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("extra", "named"),
    [(["--drilldown", "convening"], "--drilldown"), (["--from", "2010-01-01"], "--from")],
)
def test_by_year_with_an_option_it_cannot_use_is_a_plain_error(mini, capsys, extra, named):
    assert main(["scorecard", "--community", "minitown", "--by-year", *extra]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert f"--by-year cannot be used with {named}" in err


def aria_labels(svg: str) -> set[str]:
    return {html_lib.unescape(a) for a in re.findall(r'aria-label="([^"]*)"', svg)}


def test_the_board_report_draws_the_pages_chart_beside_its_table(client, mini):
    from commissioning.reports.content import community_report
    from commissioning.reports.html import render_html

    page = work_page(client, mini)
    _, rows = page_years(page)
    report = community_report("minitown")
    section = next(s for s in report.sections if s.key == "scorecard")
    (chart,) = section.charts
    assert chart.title == "Each measure year by year"
    caption = re.search(
        r'id="scorecard-years-chart".*?<figcaption[^>]*>(.*?)</figcaption>', page, re.S
    )
    assert chart.description == strip(caption.group(1))  # the page's own text alternative
    labels = aria_labels(chart.svg)
    assert "Clinical involvement, 2009/10: 67% (partly met)" in labels
    assert "Shared risk and long horizons, 2010/11: 0% (not met)" in labels
    table = next(t for t in section.tables if t.key == "scorecard_years")
    for row in table.rows:
        for year, value in zip(table.columns[1:], row[1:], strict=True):
            if value is not None:
                assert rows[row[0]][table.columns.index(year) - 1] == f"{value / 100:.0%}"
    html = render_html(report)
    assert f'alt="{html_lib.escape(chart.description)}"' in html


def test_the_report_across_communities_plots_the_table_of_each_measure(mini, tmp_path):
    from commissioning.reports.content import across_report
    from commissioning.reports.pdf import render_pdf

    report = across_report()
    section = next(s for s in report.sections if s.key == "scorecard")
    table = next(t for t in section.tables if t.key == "scorecard_spread")
    (chart,) = section.charts
    labels = aria_labels(chart.svg)
    codes = table.columns[1:-2]
    assert {"elsewhere", "minitown"} <= set(codes)
    dots = {}
    for row in table.rows:
        for code, value in zip(codes, row[1 : 1 + len(codes)], strict=True):
            said = [a for a in labels if a.startswith(f"{code}, {row[0]}: ")]
            if value is None:
                assert said == [], (code, row[0])
            else:
                dots[code] = dots.get(code, 0) + 1
                assert len(said) == 1 and f": {value / 100:.0%} (" in said[0], (code, row[0])
    assert sum(dots.values()) == len([a for a in labels if re.match(r"\S+, .*: \d+% \(", a)])
    assert dots["minitown"] == 5 and "elsewhere" not in dots  # Elsewhere has no records
    assert "minitown" in chart.description and "The table gives the same figures." in (
        chart.description
    )
    pdf = tmp_path / "across.pdf"
    pdf.write_bytes(render_pdf(report))
    import subprocess

    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "Each measure in each community." in re.sub(r"\s+", " ", text)

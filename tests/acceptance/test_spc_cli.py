"""``commissioning spc``: files in, files out, located errors and warnings."""

from __future__ import annotations

import io
import json
import sys

import pandas as pd
import pytest

from commissioning.cli import main

POINTS = ["series", "date", "value", "mean", "lpl", "upl", "special_cause", "point_type"]
SUMMARY = ["series", "points", "mean", "lpl", "upl", "variation", "assurance"]
# mean 10, limits 10 -/+ 2.66 * 39/11; 30 is above the upper limit and -10 below the lower
OUTSIDE = [9, 11, 9, 11, 9, 11, 30, 9, 11, 9, 11, 9, 11, -10]


def write_csv(path, rows: list[str]) -> str:
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return str(path)


def monthly(series: str, values, extra: str = "") -> list[str]:
    months = pd.date_range("2023-01-01", periods=len(values), freq="MS")
    return [f"{series},{m:%Y-%m-%d},{v}{extra}" for m, v in zip(months, values, strict=True)]


@pytest.fixture
def good_csv(tmp_path):
    rows = ["series,date,value,target,improvement"]
    rows += monthly("A&E waits", OUTSIDE, ",25,decrease")
    rows += monthly("referrals", [9, 11] * 6, ",,increase")
    return write_csv(tmp_path / "in.csv", rows)


def test_writes_points_and_summary(tmp_path, good_csv, capsys):
    out, summary = tmp_path / "points.csv", tmp_path / "summary.csv"
    status = main(["spc", good_csv, "-o", str(out), "--summary", str(summary)])
    assert status == 0
    points = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(points.columns) == POINTS
    assert len(points) == 26
    assert set(points["special_cause"]) == {"true", "false"}
    waits = points[points["series"] == "A&E waits"]
    assert waits["point_type"].tolist()[6] == "special_cause_concern"  # 30, lower is better
    assert waits["point_type"].tolist()[13] == "special_cause_improvement"  # -10
    assert waits["date"].tolist()[0] == "2023-01-01"
    table = pd.read_csv(summary, keep_default_na=False)
    assert list(table.columns) == SUMMARY
    assert table["series"].tolist() == ["A&E waits", "referrals"]
    assert table["points"].tolist() == [14, 12]
    assert table["variation"].tolist() == ["special_cause_improvement", "common_cause"]
    assert table["assurance"].tolist() == ["consistent_pass", ""]
    assert capsys.readouterr().err == ""


def test_points_go_to_standard_output_as_csv(good_csv, capsys):
    assert main(["spc", good_csv]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == ",".join(POINTS)
    assert len(out.splitlines()) == 27


def test_parquet_in_and_json_and_parquet_out(tmp_path):
    source = tmp_path / "in.parquet"
    pd.DataFrame(
        {
            "date": pd.date_range("2023-01-01", periods=14, freq="MS"),
            "value": OUTSIDE,
        }
    ).to_parquet(source)
    out_json, out_parquet = tmp_path / "p.json", tmp_path / "s.parquet"
    status = main(["spc", str(source), "-o", str(out_json), "--summary", str(out_parquet)])
    assert status == 0
    records = json.loads(out_json.read_text())
    assert list(records[0]) == POINTS
    assert records[0]["series"] == "" and records[0]["date"] == "2023-01-01"
    assert records[6]["special_cause"] is True
    summary = pd.read_parquet(out_parquet)
    assert list(summary.columns) == SUMMARY
    assert summary["points"].tolist() == [14]


def test_reads_standard_input(monkeypatch, capsys):
    text = "date,value\n" + "\n".join(
        f"2023-{m:02d}-01,{v}" for m, v in zip(range(1, 13), [9, 11] * 6, strict=True)
    )
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode())))
    assert main(["spc", "-"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 13


def test_options_reach_the_engine(tmp_path, capsys):
    rows = ["date,value"] + [
        f"{m:%Y-%m-%d},{v}"
        for m, v in zip(
            pd.date_range("2023-01-01", periods=16, freq="MS"),
            [9, 11] * 6 + [20, 21, 20, 21],
            strict=True,
        )
    ]
    source = write_csv(tmp_path / "in.csv", rows)
    assert main(["spc", source, "--fix-after", "12", "--improvement", "neutral"]) == 0
    points = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert points["mean"].eq(10).all()
    assert points["point_type"].tolist()[12:] == ["special_cause_neutral"] * 4
    assert main(["spc", source, "--no-screen-outliers"]) == 0
    unscreened = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert main(["spc", source]) == 0
    screened = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert unscreened["upl"][0] > screened["upl"][0]


def test_rebase_column(tmp_path, capsys):
    rows = ["series,date,value,rebase"]
    rows += monthly("x", [9, 11] * 6 + [29, 31] * 6, "")
    rows = rows[:1] + [r + (",1" if i == 12 else ",") for i, r in enumerate(rows[1:])]
    assert main(["spc", write_csv(tmp_path / "in.csv", rows)]) == 0
    points = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert points["mean"].tolist() == [10] * 12 + [30] * 12


def test_short_series_warn_and_still_succeed(tmp_path, capsys):
    rows = ["series,date,value"] + monthly("tiny", [1, 2, 3]) + monthly("fine", [9, 11] * 6)
    assert main(["spc", write_csv(tmp_path / "in.csv", rows)]) == 0
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "commissioning spc: warning: series 'tiny' has only 3 points; limits from fewer than "
        "12 points are provisional"
    ]


def test_missing_values_are_allowed(tmp_path, capsys):
    rows = ["date,value", "2023-01-01,1", "2023-02-01,", "2023-03-01,3"]
    assert main(["spc", write_csv(tmp_path / "in.csv", rows)]) == 0
    points = pd.read_csv(io.StringIO(capsys.readouterr().out), keep_default_na=False)
    assert points["value"].tolist() == ["1.0", "", "3.0"]
    assert points["point_type"].tolist() == ["common_cause", "", "common_cause"]


def test_uk_dates_and_month_dates_are_read(tmp_path, capsys):
    rows = ["date,value", "01/02/2023,1", "2023-01,2", "2023-03-01,3"]
    assert main(["spc", write_csv(tmp_path / "in.csv", rows)]) == 0
    points = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert points["date"].tolist() == ["2023-01-01", "2023-02-01", "2023-03-01"]
    assert points["value"].tolist() == [2, 1, 3]


# --- bad input: exit status 2, located message, no traceback ------------------------------------


def run_bad(tmp_path, capsys, rows: list[str], *options) -> str:
    path = write_csv(tmp_path / "bad.csv", rows)
    assert main(["spc", path, *options]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "Traceback" not in captured.err
    return captured.err


def test_missing_date_column(tmp_path, capsys):
    err = run_bad(tmp_path, capsys, ["series,when,value", "a,2023-01-01,1"])
    assert "bad.csv, row 1, column 'date': required column is missing" in err
    assert "columns found: series, when, value" in err


def test_unreadable_date(tmp_path, capsys):
    err = run_bad(tmp_path, capsys, ["date,value", "2023-01-01,1", "31/31/2023,2", ",3"])
    assert "bad.csv, row 3, column 'date': expected a date such as 2024-04-01" in err
    assert "found '31/31/2023'" in err
    assert "bad.csv, row 4, column 'date': expected a date such as 2024-04-01, found nothing" in err


def test_unreadable_value(tmp_path, capsys):
    err = run_bad(tmp_path, capsys, ["date,value", "2023-01-01,1", "2023-02-01,lots"])
    assert "bad.csv, row 3, column 'value': expected a number, found 'lots'" in err


def test_duplicate_dates_within_a_series(tmp_path, capsys):
    rows = ["series,date,value", "a,2023-01-01,1", "b,2023-01-01,1", "a,2023-01-01,2"]
    err = run_bad(tmp_path, capsys, rows)
    assert (
        "bad.csv, row 4, column 'date': expected each date once per series, but 2023-01-01 of "
        "series 'a' is also on row 2"
    ) in err


def test_bad_improvement_value_in_the_file(tmp_path, capsys):
    rows = ["date,value,improvement", "2023-01-01,1,increase", "2023-02-01,2,up"]
    err = run_bad(tmp_path, capsys, rows)
    assert (
        "bad.csv, row 3, column 'improvement': expected increase, decrease or neutral, found 'up'"
    ) in err


def test_improvement_must_not_change_within_a_series(tmp_path, capsys):
    rows = ["series,date,value,improvement", "a,2023-01-01,1,increase", "a,2023-02-01,2,decrease"]
    err = run_bad(tmp_path, capsys, rows)
    assert "bad.csv, row 3, column 'improvement': expected the same improvement" in err


def test_bad_rebase_and_blank_series(tmp_path, capsys):
    rows = ["series,date,value,rebase", "a,2023-01-01,1,2", ",2023-02-01,2,0"]
    err = run_bad(tmp_path, capsys, rows)
    assert "bad.csv, row 2, column 'rebase': expected 1 on the first point" in err
    assert "bad.csv, row 3, column 'series': expected a series name, found nothing" in err


def test_many_problems_are_counted_not_all_listed(tmp_path, capsys):
    rows = ["date,value"] + [f"2023-01-{d:02d},n/a" for d in range(1, 26)]
    err = run_bad(tmp_path, capsys, rows)
    assert err.count("expected a number, found 'n/a'") == 20
    assert "... and 5 more problems" in err


def test_empty_file(tmp_path, capsys):
    err = run_bad(tmp_path, capsys, ["date,value"])
    assert "has no data rows" in err


@pytest.mark.parametrize(
    "options", [["--improvement", "up"], ["--fix-after", "5"], ["--fix-after", "ten"]]
)
def test_bad_options_are_usage_errors(tmp_path, capsys, options):
    path = write_csv(tmp_path / "in.csv", ["date,value", "2023-01-01,1"])
    with pytest.raises(SystemExit) as exit_info:
        main(["spc", path, *options])
    assert exit_info.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


def test_both_outputs_cannot_share_standard_output(good_csv, capsys):
    assert main(["spc", good_csv, "--summary", "-"]) == 1
    assert "standard output" in capsys.readouterr().err


def test_points_written_in_chunks_are_the_same_file(tmp_path, good_csv, monkeypatch):
    whole = tmp_path / "whole.csv"
    assert main(["spc", good_csv, "-o", str(whole)]) == 0
    from commissioning import arrow_tables

    monkeypatch.setattr(arrow_tables, "CHUNK_ROWS", 5)  # a chunk ends inside a period
    chunked = tmp_path / "chunked.csv"
    assert main(["spc", good_csv, "-o", str(chunked)]) == 0
    assert chunked.read_bytes() == whole.read_bytes()


def test_long_runs_report_progress_on_standard_error_only(tmp_path, good_csv, capsys, monkeypatch):
    from commissioning.cli import spc

    assert main(["spc", good_csv]) == 0
    quiet = capsys.readouterr()
    monkeypatch.setattr(spc, "PROGRESS_ROWS", 10)  # as if the table were large
    assert main(["spc", good_csv]) == 0
    loud = capsys.readouterr()
    assert loud.out == quiet.out
    lines = loud.err.splitlines()
    assert lines[0].startswith("commissioning spc: read and checked 26 rows (2 series) (")
    assert any(line.startswith("commissioning spc: done (") for line in lines)

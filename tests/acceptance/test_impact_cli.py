"""``commissioning impact``: JSON out, counterfactual files, located errors with exit status 2."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from commissioning.cli import main

SICILY = (
    Path(__file__).resolve().parents[1] / "data" / "datasets" / "sicily_smoking_ban" / "sicily.csv"
)


def monthly_csv(path, values, unit="Wirral", start="2019-01-01", extra=None) -> str:
    dates = pd.date_range(start, periods=len(values), freq="MS")
    frame = pd.DataFrame({"unit": unit, "date": dates.strftime("%Y-%m-%d"), "value": values})
    if extra:
        frame = frame.assign(**extra)
    frame.to_csv(path, index=False)
    return str(path)


def run(argv, capsys):
    status = main(argv)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture
def step_csv(tmp_path):
    rng = np.random.default_rng(0)
    t = np.arange(48)
    values = 50 + 0.1 * t + 5.0 * (t >= 30) + rng.normal(0, 1, 48)
    return monthly_csv(tmp_path / "series.csv", values.round(2))


def test_its_prints_estimates_power_and_caveats_and_writes_the_counterfactual(
    tmp_path, step_csv, capsys
):
    out = tmp_path / "cf.csv"
    status, stdout, _ = run(
        ["impact", "its", step_csv, "--intervention", "2021-07-01", "--lag", "1", "-o", str(out)],
        capsys,
    )
    assert status == 0
    result = json.loads(stdout)
    for key in ("level_change", "slope_change"):
        assert set(result[key]) == {"estimate", "lower", "upper", "p_value"}
    assert result["errors"] == "arima"
    assert result["level_change"]["lower"] < 5.0 < result["level_change"]["upper"]
    assert [h["months"] for h in result["horizons"]] == [6, 12, 24]
    assert result["horizons"][2]["beyond_data"] is True
    assert result["power"]["statement"].startswith("With 30 months before the change")
    assert len(result["power"]["detectable_change"]) == 4
    assert result["caveats"][0].startswith("This compares what happened")
    cf = pd.read_csv(out)
    assert len(cf) == 48
    assert list(cf.loc[cf["period"] == "phase-in", "date"]) == ["2021-07-01"]


def test_its_poisson_reproduces_the_sicily_smoking_ban(tmp_path, capsys):
    raw = pd.read_csv(SICILY)
    frame = pd.DataFrame(
        {
            "unit": "Sicily",
            "date": [f"{y}-{m:02d}" for y, m in zip(raw["year"], raw["month"], strict=True)],
            "value": raw["aces"],
            "stdpop": raw["stdpop"],
        }
    )
    frame.to_csv(tmp_path / "sicily.csv", index=False)
    argv = ["impact", "its", str(tmp_path / "sicily.csv"), "--intervention", "2005-01"]
    argv += ["--family", "poisson", "--offset", "stdpop", "--seasonal", "--no-slope-change"]
    status, stdout, _ = run(argv, capsys)
    assert status == 0
    result = json.loads(stdout)
    assert result["scale"] == "rate ratio"
    level = result["level_change"]
    assert [round(level[k], 3) for k in ("estimate", "lower", "upper")] == [0.885, 0.839, 0.933]
    assert result["slope_change"] is None


@pytest.fixture
def panel_csv(tmp_path):
    rng = np.random.default_rng(1)
    rows = []
    for u in range(8):
        base = rng.normal(40, 4)
        for k, d in enumerate(pd.date_range("2020-01-01", periods=12, freq="MS")):
            v = base + 0.2 * k + rng.normal(0, 0.5) + (3.0 if u < 2 and k >= 6 else 0.0)
            rows.append({"unit": f"ICB{u}", "date": f"{d:%Y-%m-%d}", "value": round(v, 2)})
    path = tmp_path / "panel.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return str(path)


def test_did_with_synthetic_control(tmp_path, panel_csv, capsys):
    out = tmp_path / "did.csv"
    argv = ["impact", "did", panel_csv, "--intervention", "2020-07-01"]
    argv += ["--treated", "ICB0", "ICB1", "--synthetic", "--horizons", "3,6", "-o", str(out)]
    status, stdout, _ = run(argv, capsys)
    assert status == 0
    result = json.loads(stdout)
    effect = result["average_effect"]
    assert set(effect) == {"estimate", "lower", "upper", "p_value"}
    assert effect["lower"] < 3.0 < effect["upper"]
    assert result["comparators"] == [f"ICB{u}" for u in range(2, 8)]
    assert "roughly in parallel" in result["pre_trends"]["statement"]
    horizons = {h["periods_after"]: h for h in result["horizons"]}
    assert horizons[3]["lower"] < 3.0 < horizons[3]["upper"]  # the fourth month after
    assert horizons[6]["estimate"] is None  # only 6 periods after the change: 0 to 5
    assert result["synthetic"]["average_gap"]["estimate"] == pytest.approx(3.0, abs=1.0)
    assert sum(result["synthetic"]["weights"].values()) == pytest.approx(1.0, abs=0.01)
    table = pd.read_csv(out)
    assert {"treated", "comparators", "counterfactual", "synthetic", "gap"} <= set(table.columns)


def test_power_verb(step_csv, capsys):
    status, stdout, _ = run(["impact", "power", step_csv, "--intervention", "2021-07-01"], capsys)
    assert status == 0
    result = json.loads(stdout)
    assert [r["months_after"] for r in result["detectable_change"]] == [6, 12, 24, 36]
    assert result["months_before"] == 30


@pytest.mark.parametrize(
    ("content", "argv", "message"),
    [
        (
            "unit,when,value\nA,2020-01-01,1\n",
            ["its"],
            "row 1: missing column(s) date; expected unit,date,value",
        ),
        (
            "unit,date,value\nA,2020-01-01,1\nA,2020-02-30,2\nA,2020-03-01,lots\n",
            ["its"],
            "row 3, column 'date': expected a date such as 2019-04-01, got '2020-02-30'",
        ),
        (
            "unit,date,value\nA,2020-01-01,1\nA,2020-02-01,lots\n",
            ["power"],
            "row 3, column 'value': expected a number, got 'lots'",
        ),
        (
            "unit,date,value\nA,2020-01-01,1\nA,2020-01-01,2\n",
            ["its"],
            "row 3, column 'date': a second value for unit 'A' on 2020-01-01",
        ),
        (
            "unit,date,value\nA,2020-01-01,1\nB,2020-01-01,2\n",
            ["its"],
            "column 'unit': several units (A, B); choose one with --unit",
        ),
        (
            "unit,date,value\nA,2020-01-01,1\nB,2020-01-01,2\n",
            ["did", "--treated", "C"],
            "column 'unit': --treated: unit(s) not in the file: C",
        ),
        (
            "unit,date,value\n" + "".join(f"A,2019-{m:02d}-01,{m}\n" for m in range(1, 13)),
            ["its"],
            "column 'date': 3 month(s) before the intervention; at least 8 are needed",
        ),
        (
            "unit,date,value\n" + "".join(f"A,2019-{m:02d}-01,{m}\n" for m in range(1, 13)),
            ["its", "--lag", "2"],
            "1 month(s) after the intervention and its 2-month phase-in; at least 3 are needed",
        ),
    ],
)
def test_bad_input_gives_one_located_line_and_exit_status_2(
    tmp_path, capsys, content, argv, message
):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    when = "2019-10-01" if "--lag" in argv else "2019-04-01"
    status, stdout, stderr = run(
        ["impact", argv[0], str(path), "--intervention", when, *argv[1:]], capsys
    )
    assert status == 2
    assert stdout == ""
    assert stderr.startswith(f"commissioning impact: {path}")
    assert message in stderr
    assert "Traceback" not in stderr


def test_bad_intervention_date_is_refused(step_csv, capsys):
    status, _, stderr = run(["impact", "its", step_csv, "--intervention", "soon"], capsys)
    assert status == 2
    assert stderr.strip() == (
        "commissioning impact: --intervention: expected a date such as 2019-04-01, got 'soon'"
    )

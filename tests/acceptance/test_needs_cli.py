"""The ``prevalence`` and ``funnel`` verbs."""

from __future__ import annotations

import io
import json
import sys

import numpy as np
import pandas as pd
import pytest

from commissioning.analytics.needs import ESP2013_BANDS, dsr
from commissioning.cli import main
from commissioning.cli.funnel import OUTPUT_COLUMNS as FUNNEL_COLUMNS
from commissioning.cli.prevalence import OUTPUT_COLUMNS as PREVALENCE_COLUMNS


def _register_table(seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for unit in ("Y02001", "B81002", "C84003"):
        for band in ESP2013_BANDS:
            for sex in ("M", "F"):
                pop = int(rng.integers(20, 600))
                rows.append((unit, band, sex, pop, int(rng.binomial(pop, 0.03))))
    return pd.DataFrame(rows, columns=["unit", "age_band", "sex", "population", "cases"])


def _write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_prevalence_writes_one_row_per_unit(tmp_path):
    table = _register_table()
    src = tmp_path / "register.csv"
    table.to_csv(src, index=False)
    out = tmp_path / "out.csv"
    assert main(["prevalence", str(src), "-o", str(out)]) == 0
    result = pd.read_csv(out)
    assert list(result.columns) == PREVALENCE_COLUMNS
    assert list(result["unit"]) == ["Y02001", "B81002", "C84003"]  # input order
    expected = dsr(table).set_index("unit")
    for _, row in result.iterrows():
        assert row["dsr"] == pytest.approx(expected.loc[row["unit"], "dsr"], rel=1e-6)
        assert row["crude_lower"] < row["crude_rate"] < row["crude_upper"]
        assert row["crude_rate"] == pytest.approx(row["cases"] / row["population"] * 1e5, rel=1e-6)


def test_prevalence_reads_standard_input_and_writes_percentages(tmp_path, monkeypatch, capsys):
    text = "unit,age_band,sex,population,cases\nA,0-4,persons,1000,10\nA,90+,persons,100,50\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode())))
    assert main(["prevalence", "-", "--per", "100"]) == 0
    result = pd.read_csv(io.StringIO(capsys.readouterr().out))
    row = result.iloc[0]
    assert row["crude_rate"] == pytest.approx(60 / 1100 * 100, rel=1e-6)
    assert row["dsr"] == pytest.approx((5000 * 0.01 + 1000 * 0.5) / 6000 * 100, rel=1e-6)


def test_prevalence_leaves_small_counts_unstandardised_and_writes_json(tmp_path):
    src = _write(
        tmp_path,
        "small.csv",
        "unit,age_band,sex,population,cases\nA,0-4,M,100,1\nA,5-9,M,100,2\n",
    )
    out = tmp_path / "out.json"
    assert main(["prevalence", src, "-o", str(out)]) == 0
    record = json.loads(out.read_text())[0]
    assert record["cases"] == 3 and record["dsr"] is None
    assert main(["prevalence", src, "-o", str(out), "--min-cases", "0"]) == 0
    assert json.loads(out.read_text())[0]["dsr"] is not None


@pytest.mark.parametrize(
    "body, where, what",
    [
        ("A,0-4,M,100\n", "row 1, column 'cases'", "required column is missing"),
        ("A,0-4,M,-5,1\n", "row 2, column 'population'", "expected 0 or more, found '-5'"),
        ("A,0-4,M,10,1\nA,5-9,M,10,11\n", "row 3, column 'cases'", "no more cases than"),
        ("A,0-4,M,10,1\nA,3-7,M,10,1\n", "row 3, column 'age_band'", "found '3-7'"),
        ("A,0-4,M,10,1\nA,5-9,X,10,1\n", "row 3, column 'sex'", "found 'X'"),
        ("A,0-4,M,10,1\n,5-9,M,10,1\n", "row 3, column 'unit'", "found nothing"),
        ("A,0-4,M,10,one\n", "row 2, column 'cases'", "expected a number, found 'one'"),
        ("A,85+,F,10,1\nA,85-89,F,10,1\n", "row 3, column 'age_band'", "overlap"),
        ("A,0-4,persons,10,1\nA,5-9,F,10,1\n", "row 2, column 'sex'", "persons as well"),
    ],
)
def test_prevalence_bad_input_is_located_with_status_2(tmp_path, capsys, body, where, what):
    header = "unit,age_band,sex,population\n" if "required" in what else None
    header = header or "unit,age_band,sex,population,cases\n"
    src = _write(tmp_path, "bad.csv", header + body)
    assert main(["prevalence", src]) == 2
    err = capsys.readouterr().err
    assert f"bad.csv, {where}" in err
    assert what in err
    assert "Traceback" not in err


def test_prevalence_reports_every_problem_at_once(tmp_path, capsys):
    body = "A,0-3,M,10,1\nA,5-9,Q,10,1\nA,10-14,F,10,11\n"
    src = _write(tmp_path, "bad.csv", "unit,age_band,sex,population,cases\n" + body)
    assert main(["prevalence", src]) == 2
    err = capsys.readouterr().err
    assert "row 2, column 'age_band'" in err
    assert "row 3, column 'sex'" in err
    assert "row 4, column 'cases'" in err


def test_prevalence_refuses_an_empty_file_and_a_missing_file(tmp_path, capsys):
    src = _write(tmp_path, "empty.csv", "unit,age_band,sex,population,cases\n")
    assert main(["prevalence", src]) == 2
    assert "no data rows" in capsys.readouterr().err
    assert main(["prevalence", str(tmp_path / "nope.csv")]) == 1
    assert "no such file" in capsys.readouterr().err


def _funnel_input(tmp_path) -> str:
    rng = np.random.default_rng(4)
    n = 40
    den = rng.integers(100, 3000, n)
    num = rng.binomial(den, np.clip(rng.normal(0.4, 0.06, n), 0, 1))
    table = pd.DataFrame(
        {"unit": [f"U{i:02d}" for i in range(n)], "numerator": num, "denominator": den}
    )
    path = tmp_path / "funnel.csv"
    table.to_csv(path, index=False)
    return str(path)


def test_funnel_for_proportions(tmp_path):
    src = _funnel_input(tmp_path)
    out = tmp_path / "limits.csv"
    assert main(["funnel", src, "--type", "proportion", "-o", str(out)]) == 0
    result = pd.read_csv(out)
    assert list(result.columns) == FUNNEL_COLUMNS
    assert set(result["flag"]) <= {"high_998", "high_95", "within", "low_95", "low_998"}
    assert (result["lower998"] <= result["lower95"]).all()
    assert (result["lower95"] < result["target"]).all() and (
        result["target"] < result["upper95"]
    ).all()
    assert result["target"].nunique() == 1


def test_funnel_with_overdispersion_says_what_it_found(tmp_path, capsys):
    src = _funnel_input(tmp_path)
    out = tmp_path / "limits.csv"
    assert (
        main(
            ["funnel", src, "--type", "proportion", "--overdispersion", "additive", "-o", str(out)]
        )
        == 0
    )
    err = capsys.readouterr().err
    assert "phi =" in err and "tau-squared" in err
    plain = tmp_path / "plain.csv"
    assert main(["funnel", src, "--type", "proportion", "-o", str(plain)]) == 0
    wide = pd.read_csv(out)
    narrow = pd.read_csv(plain)
    assert (wide["upper95"] >= narrow["upper95"]).all()
    assert main(["funnel", src, "--type", "proportion", "--overdispersion", "multiplicative"]) == 0


def test_funnel_for_ratios(tmp_path, capsys):
    src = _write(
        tmp_path,
        "smr.csv",
        "unit,numerator,denominator\nA,10,18.39035799\nB,30,20.5\nC,0,2.5\nD,120,100\n",
    )
    assert main(["funnel", src, "--type", "ratio"]) == 0
    result = pd.read_csv(io.StringIO(capsys.readouterr().out)).set_index("unit")
    assert (result["target"] == 1).all()
    # 10 observed against 18.39 expected is PHE's 95% lower limit exactly (within, just)
    assert result.loc["A", "lower95"] == pytest.approx(10 / 18.39035799, rel=1e-6)
    assert result.loc["A", "value"] == pytest.approx(10 / 18.39035799)
    assert result.loc["C", "flag"] == "within"


@pytest.mark.parametrize(
    "body, where, what",
    [
        ("A,5,4\n", "row 2, column 'numerator'", "no more than the denominator"),
        ("A,5,0\n", "row 2, column 'denominator'", "above 0"),
        ("A,-1,4\n", "row 2, column 'numerator'", "expected 0 or more"),
        ("A,1,x\n", "row 2, column 'denominator'", "expected a number, found 'x'"),
        (",1,4\n", "row 2, column 'unit'", "found nothing"),
    ],
)
def test_funnel_bad_input_is_located_with_status_2(tmp_path, capsys, body, where, what):
    src = _write(tmp_path, "bad.csv", "unit,numerator,denominator\n" + body)
    assert main(["funnel", src, "--type", "proportion"]) == 2
    err = capsys.readouterr().err
    assert f"bad.csv, {where}" in err and what in err


def test_funnel_needs_its_columns_and_a_sensible_target(tmp_path, capsys):
    src = _write(tmp_path, "bad.csv", "unit,observed,expected\nA,1,2\n")
    assert main(["funnel", src, "--type", "ratio"]) == 2
    err = capsys.readouterr().err
    assert "row 1, column 'numerator': required column is missing" in err
    ok = _write(tmp_path, "ok.csv", "unit,numerator,denominator\nA,1,2\n")
    assert main(["funnel", ok, "--type", "ratio", "--target", "0.5"]) == 1
    assert "--target is for proportions" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["funnel", ok, "--type", "proportion", "--target", "2"])

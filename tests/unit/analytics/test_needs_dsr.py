"""Crude rates and proportions, and directly standardised rates (ESP2013, Dobson limits)."""

from __future__ import annotations

import contextlib
import io
import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commissioning.analytics.needs import (
    ESP2013_BANDS,
    ESP2013_WEIGHTS,
    DataProblem,
    crude_proportion,
    crude_rate,
    dsr,
)
from commissioning.analytics.needs.intervals import byar, poisson_interval, wilson


def _full_table(units: list[str], population, cases) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "unit": np.repeat(units, 19),
            "age_band": list(ESP2013_BANDS) * len(units),
            "population": np.asarray(population, dtype=float),
            "cases": np.asarray(cases, dtype=float),
        }
    )


def test_dsr_on_a_tiny_population_worked_by_hand():
    # two bands only: the standard is their ESP2013 weights, 5,000 (0-4) and 2,500 (85+)
    table = pd.DataFrame(
        {
            "unit": ["A", "A", "A", "A"],
            "age_band": ["0-4", "0-4", "85+", "85+"],
            "sex": ["M", "F", "M", "F"],
            "population": [100, 100, 50, 60],
            "cases": [1, 0, 10, 12],
        }
    )
    out = dsr(table)
    # age-specific rates 1/200 and 22/110; DSR = (5000·0.005 + 2500·0.2) / 7500
    value = (5000 * 1 / 200 + 2500 * 22 / 110) / 7500
    variance = (5000**2 * 1 / 200**2 + 2500**2 * 22 / 110**2) / 7500**2
    lo, hi = byar(23)
    row = out.iloc[0]
    assert row["population"] == 310 and row["cases"] == 23
    assert row["dsr"] == pytest.approx(value * 1e5)  # 7,000 per 100,000
    assert row["dsr"] == pytest.approx(7000)
    assert row["dsr_lower"] == pytest.approx((value + math.sqrt(variance / 23) * (lo - 23)) * 1e5)
    assert row["dsr_upper"] == pytest.approx((value + math.sqrt(variance / 23) * (hi - 23)) * 1e5)


def test_dsr_standardised_for_sex_as_well():
    table = pd.DataFrame(
        {
            "unit": ["A"] * 4,
            "age_band": ["0-4", "0-4", "5-9", "5-9"],
            "sex": ["male", "female", "male", "female"],
            "population": [100, 300, 200, 100],
            "cases": [10, 6, 20, 1],
        }
    )
    by_age = dsr(table, min_cases=0).iloc[0]
    by_age_sex = dsr(table, min_cases=0, standardise_sex=True).iloc[0]
    assert by_age["dsr"] == pytest.approx((5000 * 16 / 400 + 5500 * 21 / 300) / 10500 * 1e5)
    rates = 5000 * 10 / 100 + 5000 * 6 / 300 + 5500 * 20 / 200 + 5500 * 1 / 100
    assert by_age_sex["dsr"] == pytest.approx(rates / 21000 * 1e5)


def test_dsr_is_left_empty_below_10_cases_as_phe():
    table = _full_table(["A", "B"], [1000] * 38, [0] * 18 + [9] + [0] * 18 + [10])
    out = dsr(table, sex=None).set_index("unit")
    assert np.isnan(out.loc["A", "dsr"]) and np.isnan(out.loc["A", "dsr_lower"])
    assert out.loc["A", "cases"] == 9
    assert out.loc["B", "dsr"] == pytest.approx(1000 / 100_000 * 10 / 1000 * 1e5)
    everything = dsr(table, sex=None, min_cases=0).set_index("unit")
    assert everything.loc["A", "dsr"] == pytest.approx(1000 / 100_000 * 9 / 1000 * 1e5)


def test_top_bands_fold_into_90_plus_and_zero_population_adds_nothing():
    base = _full_table(["A"], [500] * 19, [5] * 19)
    split = base[base["age_band"] != "90+"].copy()
    top = pd.DataFrame(
        {
            "unit": ["A", "A"],
            "age_band": ["90-94", "95+"],
            "population": [400, 100],
            "cases": [4, 1],
        }
    )
    split = pd.concat([split, top], ignore_index=True)
    a = dsr(base, sex=None).iloc[0]
    b = dsr(split, sex=None).iloc[0]
    assert b["dsr"] == pytest.approx(a["dsr"]) and b["dsr_upper"] == pytest.approx(a["dsr_upper"])
    empty = base.copy()
    empty.loc[18, ["population", "cases"]] = 0
    c = dsr(empty, sex=None).iloc[0]
    assert c["dsr"] == pytest.approx(1000 * (100_000 - 1000) / 100_000)


def test_dsr_agrees_with_phstatsmethods(phstats):
    rng = np.random.default_rng(20)
    units = [f"U{i:02d}" for i in range(25)]
    pop = rng.integers(20, 4000, 19 * len(units))
    cases = rng.binomial(pop, rng.uniform(0.001, 0.04, len(pop)))
    table = _full_table(units, pop, cases)
    table.loc[table["unit"] == "U00", "cases"] = [1] * 5 + [0] * 14  # fewer than 10: no DSR
    mine = dsr(table, sex=None)
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        theirs = phstats.ph_dsr(table.copy(), "cases", "population", "age_band", group_cols="unit")
    both = mine.merge(theirs, on="unit")
    assert len(both) == len(units)
    assert np.allclose(both["dsr"], both["Value"], rtol=1e-10, equal_nan=True)
    assert np.allclose(both["dsr_lower"], both["lower_95_ci"], rtol=1e-10, equal_nan=True)
    assert np.allclose(both["dsr_upper"], both["upper_95_ci"], rtol=1e-10, equal_nan=True)
    assert np.isnan(both.loc[both["unit"] == "U00", "dsr"]).all()


def test_many_units_at_once_equal_one_at_a_time():
    rng = np.random.default_rng(5)
    units = [f"P{i}" for i in range(12)]
    table = _full_table(units, rng.integers(0, 900, 19 * 12), 0)
    table["cases"] = rng.binomial(table["population"].astype(int), 0.05)
    table["condition"] = "diabetes"
    table2 = table.assign(condition="dementia", cases=table["cases"] // 2)
    together = dsr(pd.concat([table, table2]), by=["unit", "condition"], sex=None)
    assert len(together) == 24
    for (unit, condition), part in pd.concat([table, table2]).groupby(["unit", "condition"]):
        alone = dsr(part, sex=None).iloc[0]
        row = together[(together["unit"] == unit) & (together["condition"] == condition)].iloc[0]
        for col in ("dsr", "dsr_lower", "dsr_upper"):
            assert row[col] == pytest.approx(alone[col], nan_ok=True)


def test_dsr_refuses_bad_tables_with_located_problems():
    table = pd.DataFrame(
        {
            "unit": ["A", "A", "A", "B"],
            "age_band": ["0-4", "5-8", "85+", "85-89"],
            "sex": ["M", "Q", "F", "F"],
            "population": [10, 10, 10, 10],
            "cases": [11, 1, 1, 1],
        }
    )
    with pytest.raises(DataProblem) as caught:
        dsr(table)
    parts = {(p.column, tuple(p.rows)) for p in caught.value.parts}
    assert ("age_band", (1,)) in parts
    assert ("sex", (1,)) in parts
    assert ("cases", (0,)) in parts
    mixed = table.iloc[[0, 2]].assign(sex=["persons", "F"])
    with pytest.raises(DataProblem, match="persons as well"):
        dsr(mixed)
    overlap = table.iloc[[2, 3]].assign(unit="A")
    with pytest.raises(DataProblem, match="overlap"):
        dsr(overlap)


def test_crude_proportion_and_rate():
    table = pd.DataFrame({"unit": ["A", "A", "B"], "cases": [4, 6, 0], "population": [50, 50, 80]})
    prop = crude_proportion(table, by="unit", per=100).set_index("unit")
    lo, hi = wilson(10, 100)
    assert prop.loc["A", "proportion"] == pytest.approx(10)
    assert prop.loc["A", "proportion_lower"] == pytest.approx(lo * 100)
    assert prop.loc["A", "proportion_upper"] == pytest.approx(hi * 100)
    assert prop.loc["B", "proportion_lower"] == 0
    rate = crude_rate(table, by="unit").set_index("unit")
    lo, hi = poisson_interval(10)
    assert rate.loc["A", "rate"] == pytest.approx(10_000)
    assert rate.loc["A", "rate_lower"] == pytest.approx(lo / 100 * 1e5)
    per_row = crude_rate(table)
    assert len(per_row) == 3 and per_row["rate"].iloc[0] == pytest.approx(8000)


def test_crude_rate_agrees_with_phstatsmethods(phstats):
    table = pd.DataFrame(
        {
            "area": list("ABCDE"),
            "cases": [3, 9, 10, 65, 1200],
            "population": [900, 10**4, 2e4, 1e5, 2e6],
        }
    )
    mine = crude_rate(table, by="area")
    theirs = phstats.ph_rate(table.copy(), "cases", "population", "area")
    assert np.allclose(mine["rate"], theirs["Value"])
    assert np.allclose(mine["rate_lower"], theirs["lower_95_ci"])
    assert np.allclose(mine["rate_upper"], theirs["upper_95_ci"])
    mine_p = crude_proportion(table, by="area", per=100)
    theirs_p = phstats.ph_proportion(table.copy(), "cases", "population", "area", multiplier=100)
    assert np.allclose(mine_p["proportion_lower"], theirs_p["lower_95_ci"])
    assert np.allclose(mine_p["proportion_upper"], theirs_p["upper_95_ci"])


@settings(max_examples=100, deadline=None)
@given(
    scale=st.floats(min_value=0.01, max_value=50),
    rates=st.lists(st.floats(min_value=0, max_value=0.5), min_size=19, max_size=19),
)
def test_a_population_shaped_like_the_standard_gets_its_crude_rate(scale, rates):
    population = np.asarray(ESP2013_WEIGHTS, dtype=float) * scale
    cases = population * np.asarray(rates)
    table = _full_table(["A"], population, cases)
    out = dsr(table, sex=None, min_cases=0).iloc[0]
    crude = cases.sum() / population.sum() * 1e5
    assert out["dsr"] == pytest.approx(crude, rel=1e-9, abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(
    population=st.lists(st.integers(min_value=1, max_value=5000), min_size=19, max_size=19),
    rate=st.floats(min_value=0.001, max_value=0.5),
    factor=st.integers(min_value=2, max_value=10),
)
def test_dsr_limits_narrow_as_the_population_grows(population, rate, factor):
    pop = np.asarray(population, dtype=float)
    cases = np.round(pop * rate)
    if cases.sum() < 10:
        return
    small = dsr(_full_table(["A"], pop, cases), sex=None).iloc[0]
    big = dsr(_full_table(["A"], pop * factor, cases * factor), sex=None).iloc[0]
    assert big["dsr"] == pytest.approx(small["dsr"])
    assert small["dsr_lower"] <= small["dsr"] <= small["dsr_upper"]
    assert big["dsr_upper"] - big["dsr_lower"] < small["dsr_upper"] - small["dsr_lower"]

"""Register projections and peer groups."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial.distance import cdist

from commissioning.analytics.needs import DataProblem, peer_groups, project_prevalence

BASE = pd.DataFrame(
    {
        "unit": ["A"] * 4 + ["B"] * 4,
        "age_band": ["0-64", "65+"] * 4,
        "sex": ["M", "M", "F", "F"] * 2,
        "population": [800, 200, 750, 250, 500, 100, 480, 120],
        "cases": [8, 40, 6, 60, 5, 20, 4, 30],
    }
)


def _projection(years=(2025, 2030), growth=1.0) -> pd.DataFrame:
    rows = []
    for unit in ("A", "B"):
        for y in years:
            g = growth ** (y - years[0])
            for band, sex, pop in [
                ("0-64", "M", 800),
                ("65+", "M", 200 * g),
                ("0-64", "F", 750),
                ("65+", "F", 250 * g),
            ]:
                rows.append((unit, y, band, sex, pop if unit == "A" else pop / 2))
    return pd.DataFrame(rows, columns=["unit", "year", "age_band", "sex", "population"])


def test_projection_holds_age_sex_rates_worked_by_hand():
    out = project_prevalence(BASE, _projection(growth=1.1)).set_index(["unit", "year"])
    # unit A in 2030: older populations grow by 1.1^5
    g = 1.1**5
    cases = 8 + 40 * g + 6 + 60 * g
    population = 800 + 200 * g + 750 + 250 * g
    assert out.loc[("A", 2030), "cases"] == pytest.approx(cases)
    assert out.loc[("A", 2030), "population"] == pytest.approx(population)
    assert out.loc[("A", 2030), "prevalence"] == pytest.approx(cases / population * 100)
    assert out.loc[("A", 2025), "cases"] == pytest.approx(114)
    # unit B has its own rates
    assert out.loc[("B", 2025), "cases"] == pytest.approx(
        5 / 500 * 400 + 20 + 4 / 480 * 375 + 30 / 120 * 125
    )


def test_projection_with_annual_trend_and_finer_projection_bands():
    trend = project_prevalence(BASE, _projection(), annual_trend=0.02, base_year=2025)
    a = trend.set_index(["unit", "year"])
    assert a.loc[("A", 2030), "cases"] == pytest.approx(114 * 1.02**5)
    fine = pd.DataFrame(
        {
            "unit": ["A", "A", "A"],
            "year": [2030] * 3,
            "age_band": ["65-69", "70-74", "75+"],
            "sex": ["F"] * 3,
            "population": [100, 100, 100],
        }
    )
    out = project_prevalence(BASE, fine).iloc[0]
    assert out["cases"] == pytest.approx(300 * 60 / 250)


def test_projection_from_reference_rates():
    reference = pd.DataFrame({"age_band": ["0-64", "65+"], "rate": [0.01, 0.2]})
    out = project_prevalence(None, _projection(), reference=reference).set_index(["unit", "year"])
    assert out.loc[("A", 2025), "cases"] == pytest.approx(1550 * 0.01 + 450 * 0.2)


def test_projection_needs_matching_rates():
    wide = pd.DataFrame(
        {"unit": ["A"], "year": [2030], "age_band": ["0-69"], "sex": ["M"], "population": [10]}
    )
    with pytest.raises(DataProblem, match="wider than the base year"):
        project_prevalence(BASE, wide)
    stranger = _projection().assign(unit="Z")
    with pytest.raises(DataProblem, match="not in the base-year"):
        project_prevalence(BASE, stranger)


def test_peers_on_a_line_worked_by_hand():
    table = pd.DataFrame({"unit": list("ABCDE"), "age65": [1.0, 2.0, 4.0, 8.0, 16.0]})
    out = peer_groups(table, ["age65"], k=2)
    peers = out.groupby("unit")["peer"].apply(list).to_dict()
    assert peers["A"] == ["B", "C"]
    assert peers["C"] == ["B", "A"]  # |4−2| = 2 < |4−1| = 3 < |4−8| = 4
    assert peers["E"] == ["D", "C"]
    sd = np.std([1, 2, 4, 8, 16], ddof=1)
    first = out[(out["unit"] == "A") & (out["rank"] == 1)].iloc[0]
    assert first["distance"] == pytest.approx(1 / sd)


def test_peers_ignore_constant_variables_and_never_include_the_unit_itself():
    table = pd.DataFrame(
        {"unit": list("ABCD"), "imd": [10, 10, 30, 30], "rural": [1, 1, 1, 1]}  # duplicates
    )
    out = peer_groups(table, ["imd", "rural"], k=1)
    assert list(out["peer"]) == ["B", "A", "D", "C"]
    assert (out["unit"] != out["peer"]).all()
    with pytest.raises(ValueError):
        peer_groups(table, ["imd"], k=4)
    with pytest.raises(DataProblem, match="once"):
        peer_groups(pd.concat([table, table]), ["imd"], k=1)


@settings(max_examples=30, deadline=None)
@given(
    n=st.integers(min_value=3, max_value=60),
    k=st.integers(min_value=1, max_value=5),
    seed=st.integers(min_value=0, max_value=10_000),
)
def test_peers_are_the_nearest_by_brute_force(n, k, seed):
    k = min(k, n - 1)
    rng = np.random.default_rng(seed)
    table = pd.DataFrame(
        {
            "unit": [f"P{i}" for i in range(n)],
            "age": rng.normal(20, 5, n),
            "imd": rng.normal(25, 10, n),
            "rural": rng.uniform(0, 1, n),
        }
    )
    weights = {"imd": 2.0}
    out = peer_groups(table, ["age", "imd", "rural"], k=k, weights=weights)
    x = table[["age", "imd", "rural"]].to_numpy()
    z = (x - x.mean(axis=0)) / x.std(axis=0, ddof=1) * np.sqrt([1.0, 2.0, 1.0])
    d = cdist(z, z)
    np.fill_diagonal(d, np.inf)
    kth = np.sort(d, axis=1)[:, :k]
    got = out["distance"].to_numpy().reshape(n, k)
    assert np.allclose(got, kth)

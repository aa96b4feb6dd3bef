"""Indirectly standardised ratios, expected prevalence and diagnosis rates."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commissioning.analytics.needs import (
    ESP2013_BANDS,
    DataProblem,
    diagnosis_rate,
    expected_counts,
    expected_prevalence,
    isr,
)
from commissioning.analytics.needs.intervals import byar, exact_poisson

OLD_BANDS = ["65-69", "70-74", "75-79", "80-84", "85-89", "90+"]
# synthetic dementia-like reference rates: about 1.3% at 65, doubling every 5 years
DEMENTIA = pd.DataFrame(
    {
        "age_band": OLD_BANDS * 2,
        "sex": ["male"] * 6 + ["female"] * 6,
        "rate": [0.014, 0.03, 0.06, 0.11, 0.18, 0.28, 0.012, 0.03, 0.07, 0.13, 0.22, 0.33],
    }
)


def _practice(unit: str, population: list[int], cases: list[int] | None = None) -> pd.DataFrame:
    out = pd.DataFrame(
        {
            "unit": unit,
            "age_band": OLD_BANDS * 2,
            "sex": ["M"] * 6 + ["F"] * 6,
            "population": population,
        }
    )
    if cases is not None:
        out["cases"] = cases
    return out


def test_expected_prevalence_worked_by_hand():
    pop = [400, 300, 200, 100, 50, 20, 420, 330, 240, 150, 90, 60]
    out = expected_prevalence(_practice("A", pop), DEMENTIA).iloc[0]
    expected = float(np.dot(pop, DEMENTIA["rate"]))
    assert out["expected"] == pytest.approx(expected)
    assert out["population"] == sum(pop)
    assert out["expected_prevalence"] == pytest.approx(expected / sum(pop) * 100)


def test_diagnosis_rate_is_recorded_over_expected():
    pop = [400, 300, 200, 100, 50, 20, 420, 330, 240, 150, 90, 60]
    exp = expected_prevalence(_practice("A", pop), DEMENTIA)
    recorded = pd.DataFrame({"unit": ["A"], "recorded": [80]})
    out = diagnosis_rate(exp, recorded).iloc[0]
    e = exp["expected"].iloc[0]
    lo, hi = byar(80)
    assert out["diagnosis_rate"] == pytest.approx(80 / e * 100)
    assert out["diagnosis_rate_lower"] == pytest.approx(lo / e * 100)
    assert out["diagnosis_rate_upper"] == pytest.approx(hi / e * 100)
    with pytest.raises(DataProblem, match="no recorded count"):
        diagnosis_rate(exp, pd.DataFrame({"unit": ["B"], "recorded": [1]}))


def test_isr_worked_by_hand_with_exact_limits_below_10():
    pop = [100] * 12
    table = _practice("A", pop, [0, 0, 1, 1, 2, 2, 0, 0, 0, 1, 1, 0])
    out = isr(table, DEMENTIA).iloc[0]
    e = 100 * DEMENTIA["rate"].sum()
    lo, hi = exact_poisson(8)
    assert out["observed"] == 8 and out["expected"] == pytest.approx(e)
    assert out["ratio"] == pytest.approx(8 / e)
    assert out["ratio_lower"] == pytest.approx(lo / e)
    assert out["ratio_upper"] == pytest.approx(hi / e)
    smr = isr(table, DEMENTIA, per=100).iloc[0]
    assert smr["ratio"] == pytest.approx(800 / e)


def test_isr_with_observed_totals_and_coarser_reference_bands():
    table = _practice("A", [100] * 12)
    coarse = pd.DataFrame({"age_band": ["65-84", "85+"], "rate": [0.05, 0.25]})  # persons
    observed = pd.DataFrame({"unit": ["A"], "observed": [30]})
    out = isr(table, coarse, cases=None, observed=observed).iloc[0]
    assert out["expected"] == pytest.approx(2 * (400 * 0.05 + 200 * 0.25))
    assert out["ratio"] == pytest.approx(30 / out["expected"])


def test_reference_from_cases_and_population():
    ref = pd.DataFrame({"age_band": ["0-44", "45+"], "cases": [10, 90], "population": [1000, 900]})
    table = pd.DataFrame(
        {
            "unit": ["A", "A"],
            "age_band": ["0-4", "50-54"],
            "population": [200, 300],
            "cases": [1, 40],
        }
    )
    out = expected_counts(
        table,
        ref,
        sex=None,
        cases="cases",
        ref_rate=None,
        ref_cases="cases",
        ref_population="population",
    ).iloc[0]
    assert out["expected"] == pytest.approx(200 * 0.01 + 300 * 0.1)
    assert out["observed"] == 41


def test_isr_refuses_bands_the_reference_cannot_cover():
    table = pd.DataFrame(
        {"unit": ["A"], "age_band": ["85+"], "sex": ["M"], "population": [10], "cases": [1]}
    )
    with pytest.raises(DataProblem, match="wider than the reference"):
        isr(table, DEMENTIA)
    young = table.assign(age_band="40-44")
    with pytest.raises(DataProblem, match="no rate for this age band"):
        isr(young, DEMENTIA)
    persons = table.assign(age_band="70-74", sex="persons")
    with pytest.raises(DataProblem, match="males and females separately"):
        isr(persons, DEMENTIA)


def test_isr_agrees_with_phstatsmethods(phstats):
    rng = np.random.default_rng(11)
    units = [f"U{i}" for i in range(20)]
    table = pd.DataFrame(
        {"unit": np.repeat(units, 19), "age_band": list(ESP2013_BANDS) * len(units)}
    )
    table["population"] = rng.integers(10, 2000, len(table))
    ref_rates = np.linspace(0.0005, 0.06, 19)
    table["cases"] = rng.binomial(table["population"], np.tile(ref_rates, len(units)) * 1.1)
    reference = pd.DataFrame({"age_band": list(ESP2013_BANDS), "rate": ref_rates})
    mine = isr(table, reference, sex=None)
    joined = table.assign(ref_n=np.tile(ref_rates * 1e6, len(units)), ref_d=1e6)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = phstats.ph_ISRatio(
            joined, "cases", "population", "ref_n", "ref_d", group_cols="unit"
        )
    both = mine.merge(theirs, on="unit")
    assert np.allclose(both["expected"], both["Expected"])
    assert np.allclose(both["ratio"], both["Value"])
    assert np.allclose(both["ratio_lower"], both["lower_95_ci"])
    assert np.allclose(both["ratio_upper"], both["upper_95_ci"])


@settings(max_examples=100, deadline=None)
@given(
    population=st.lists(st.integers(min_value=0, max_value=10_000), min_size=12, max_size=12),
    scale=st.floats(min_value=0.1, max_value=3),
)
def test_a_unit_with_the_reference_rates_has_a_ratio_of_1(population, scale):
    if sum(population) == 0:
        return
    rates = DEMENTIA["rate"].to_numpy() * scale
    reference = DEMENTIA.assign(rate=rates)
    table = _practice("A", population, list(np.asarray(population) * rates))
    out = isr(table, reference).iloc[0]
    assert out["ratio"] == pytest.approx(1.0)
    assert out["ratio_lower"] <= 1 <= out["ratio_upper"]

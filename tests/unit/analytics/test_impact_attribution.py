"""Attribution, effort versus gain, and the caveats a commissioner reads."""

from __future__ import annotations

import pandas as pd
import pytest

from commissioning.analytics.impact.attribution import concurrent_changes
from commissioning.analytics.impact.caveats import ALWAYS, attribution_caveats, its_caveats
from commissioning.analytics.impact.effort import effort_versus_gain
from commissioning.analytics.impact.estimate import Estimate

TOUCHES = {
    "indicators": ["Diabetes: 8 care processes"],
    "services": ["Diabetic podiatry"],
    "populations": ["Adults with type 2 diabetes"],
}


def test_lists_changes_in_the_same_period_touching_the_same_things():
    developments = pd.DataFrame(
        [
            # overlaps, shares an indicator (case and spacing differ)
            {
                "name": "Structured education",
                "start": "2021-06-01",
                "end": "2022-06-30",
                "indicators": "diabetes: 8 care processes ; HbA1c control",
            },
            # overlaps but touches something else
            {
                "name": "Memory service",
                "start": "2021-01-01",
                "end": None,
                "services": "Memory assessment",
            },
            # shares a service but ended before the window
            {
                "name": "Old podiatry pilot",
                "start": "2019-01-01",
                "end": "2020-12-31",
                "services": "Diabetic podiatry",
            },
        ]
    )
    contracts = pd.DataFrame(
        [
            {
                "name": "Podiatry contract variation",
                "start": "2020-04-01",
                "end": "2023-03-31",
                "services": ["Diabetic podiatry"],
                "populations": "Adults with type 2 diabetes",
            }
        ]
    )
    organisational = pd.DataFrame(
        [{"name": "CCG merger", "start": "2022-07-01", "populations": "All residents"}]
    )
    found = concurrent_changes(
        "2021-04-01",
        "2022-12-31",
        TOUCHES,
        developments=developments,
        contract_changes=contracts,
        organisational_changes=organisational,
    )
    assert list(found["name"]) == ["Podiatry contract variation", "Structured education"]
    first, second = found.to_dict("records")
    assert first["kind"] == "contract change"
    assert first["timing"] == "began before the window"
    assert first["shared_services"] == "Diabetic podiatry"
    assert first["shared_populations"] == "Adults with type 2 diabetes"
    assert second["timing"] == "began in window"
    assert second["shared_indicators"] == "diabetes: 8 care processes"

    sentences = attribution_caveats(found)
    assert sentences[0].startswith("Also in this period: contract change 'Podiatry contract")


def test_nothing_found_and_nothing_checked_read_differently():
    empty = concurrent_changes("2021-01-01", "2021-12-31", TOUCHES, developments=pd.DataFrame())
    assert empty.empty
    assert "No other recorded development" in attribution_caveats(empty)[0]
    assert "were not checked" in attribution_caveats(None)[0]
    with pytest.raises(ValueError, match="ends before it starts"):
        concurrent_changes("2022-01-01", "2021-01-01", TOUCHES)


def test_effort_versus_gain_gives_cost_per_unit_with_a_range():
    activities = pd.DataFrame({"hours": [100, 50], "hourly_cost": [40.0, 80.0]})
    result = effort_versus_gain(
        activities, Estimate(-20.0, -30.0, -10.0, 0.01), unit="admission avoided"
    )
    assert (result.hours, result.cost) == (150, 8000)
    assert result.cost_per_unit == pytest.approx(400.0)
    assert result.cost_per_unit_range == pytest.approx((8000 / 30, 800.0))
    assert "£400 of commissioning labour per admission avoided" in result.statement


def test_effort_versus_gain_gives_no_ratio_when_the_interval_includes_no_change():
    result = effort_versus_gain(
        pd.DataFrame({"hours": [10], "cost": [500]}), Estimate(2, -1, 5, 0.3)
    )
    assert result.cost_per_unit is None
    assert "no cost per unit of effect can be given" in result.statement


def test_its_caveats_speak_to_the_result():
    import numpy as np

    from commissioning.analytics.impact.its import fit_its

    rng = np.random.default_rng(0)
    data = pd.DataFrame(
        {"date": pd.date_range("2020-01-01", periods=20, freq="MS"), "value": rng.normal(size=20)}
    )
    result = fit_its(data, "2021-01-01", errors="naive", horizons=(6, 12))
    text = its_caveats(result)
    assert text[0] == ALWAYS
    assert any(t.startswith("Only 12 months before the change") for t in text)
    assert any(t.startswith("Only 8 months after the change") for t in text)
    assert any("No phase-in was allowed" in t for t in text)
    assert any("beyond the last month of data are projections" in t for t in text)
    assert any("includes no change at all" in t for t in text) == result.level_change.covers(0)


@pytest.mark.parametrize(
    ("rho", "errors", "phrase"),
    [
        (0.7, "naive", "intervals are likely too narrow"),
        (-0.7, "naive", "errs on the side of caution"),
        (0.7, "hac", "AR(1) errors (--arima) are more reliable here"),
    ],
)
def test_caveats_warn_about_month_to_month_correlation(rho, errors, phrase):
    import numpy as np

    from commissioning.analytics.impact.its import fit_its

    rng = np.random.default_rng(1)
    e = np.zeros(48)
    for i in range(1, 48):
        e[i] = rho * e[i - 1] + rng.normal()
    data = pd.DataFrame({"date": pd.date_range("2020-01-01", periods=48, freq="MS"), "value": e})
    result = fit_its(data, "2022-01-01", errors=errors)
    assert any(phrase in t for t in its_caveats(result))
    assert not any(phrase in t for t in its_caveats(fit_its(data, "2022-01-01")))

"""Difference-in-differences and the event study: a published example and simulated panels."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from commissioning.analytics.impact.did import difference_in_differences

CARD_KRUEGER = (
    Path(__file__).resolve().parents[2]
    / "data"
    / "datasets"
    / "card_krueger_nj_pa"
    / "card-krueger.csv"
)


def card_krueger() -> tuple[pd.DataFrame, list]:
    raw = pd.read_csv(CARD_KRUEGER)
    panel = pd.DataFrame(
        {
            "unit": raw["id"],
            "date": np.where(raw["d"] == 1, "1992-11-01", "1992-02-01"),
            "value": raw["fte"],
        }
    )
    return panel, sorted(raw.loc[raw["nj"] == 1, "id"].unique())


def test_card_krueger_matches_the_published_estimate():
    """Card & Krueger (1994) Table 3: mean FTE employment PA 23.33 -> 21.17, NJ 20.44 -> 21.03;
    difference-in-differences 2.76 (standard error 1.36)."""
    panel, nj = card_krueger()
    result = difference_in_differences(panel, nj, "1992-04-01", fixed_effects="group")
    assert result.effect.estimate == pytest.approx(2.76, abs=0.01)
    cf = result.counterfactual.round(2)
    assert list(cf["comparators"]) == [23.33, 21.17]
    assert list(cf["treated"]) == [20.44, 21.03]
    # cluster-robust by store rather than the paper's two-sample formula: close, not equal
    se = (result.effect.upper - result.effect.estimate) / 1.966
    assert se == pytest.approx(1.36, abs=0.1)
    assert len(result.treated) == 331 and len(result.comparators) == 79
    assert "cannot be checked" in result.pre_trend_statement


def test_card_krueger_with_store_fixed_effects():
    panel, nj = card_krueger()
    result = difference_in_differences(panel, nj, "1992-04-01")
    # stores seen in both waves only: Card & Krueger's balanced-sample figure is 2.75
    assert result.effect.estimate == pytest.approx(2.75, abs=0.01)
    assert result.effect.lower > 0


def panel(seed, *, effect=2.0, units=20, treated=5, periods=24, start=12, drift=0.0):
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2020-01-01", periods=periods, freq="MS")
    rows = []
    for u in range(units):
        base = rng.normal(50, 5)
        is_treated = u < treated
        for k, d in enumerate(dates):
            v = base + 0.3 * k + rng.normal(0, 1)
            if is_treated:
                v += drift * (k - start) + (effect if k >= start else 0.0)
            rows.append({"unit": f"U{u:02d}", "date": d, "value": v})
    return pd.DataFrame(rows), [f"U{u:02d}" for u in range(treated)], dates[start]


def test_recovers_a_known_effect_and_parallel_pre_trends_are_reported():
    data, treated, when = panel(1)
    result = difference_in_differences(data, treated, when)
    assert result.effect.covers(2.0)
    assert result.effect.estimate == pytest.approx(2.0, abs=0.5)
    events = result.event_study.set_index("period")
    assert events.loc[-1, "estimate"] == 0.0
    assert set(events.index) == set(range(-12, 12))
    # every coefficient is measured against one period (-1), so compare lags with leads
    shift = events.loc[0:, "estimate"].mean() - events.loc[:-1, "estimate"].mean()
    assert shift == pytest.approx(result.effect.estimate, abs=0.01)
    assert result.pre_trend_p_value > 0.05
    assert "roughly in parallel" in result.pre_trend_statement


def test_diverging_pre_trends_are_flagged():
    data, treated, when = panel(2, drift=0.3)
    result = difference_in_differences(data, treated, when)
    assert result.pre_trend_p_value < 0.05
    assert "drifting apart" in result.pre_trend_statement


def test_coverage_across_seeds():
    hits = sum(
        difference_in_differences(*panel(seed, periods=6, start=3)).effect.covers(2.0)
        for seed in range(100)
    )
    assert 89 <= hits <= 99  # 95 expected


def test_peer_group_chooses_the_comparators():
    data, treated, when = panel(3)
    peers = ["U10", "U11", "U12", "U00"]
    result = difference_in_differences(data, treated, when, peers=peers)
    assert result.comparators == ["U10", "U11", "U12"]  # a treated unit is never a comparator
    cf = result.counterfactual
    assert list(cf.columns[:4]) == ["date", "treated", "comparators", "counterfactual"]
    after = cf[cf["date"] >= "2021-01-01"]
    gap = after["treated"] - after["counterfactual"]
    assert np.allclose(gap, result.effect.estimate)


def test_unknown_treated_unit_is_refused():
    data, _, when = panel(4)
    with pytest.raises(ValueError, match="treated unit\\(s\\) not in the data: Z9"):
        difference_in_differences(data, ["Z9"], when)


def test_one_treated_unit_uses_placebo_comparisons_for_pre_trends():
    """Cluster-robust errors with one treated unit raise false alarms most of the time; the
    placebo comparison ranks the treated unit's earlier trend among all 20 units instead."""
    alarms = 0
    for seed in range(20):
        data, treated, when = panel(seed, treated=1, periods=12, start=6)
        alarms += difference_in_differences(data, treated, when).pre_trend_p_value <= 0.05
    assert alarms <= 3  # 1 expected
    data, treated, when = panel(2, treated=1, periods=12, start=6, drift=1.0)
    result = difference_in_differences(data, treated, when)
    assert result.pre_trend_p_value == pytest.approx(1 / 20)  # the most extreme of 20
    assert "drifting apart" in result.pre_trend_statement
    assert "every other choice of the same number of units among 20" in result.pre_trend_statement


def test_too_few_units_to_check_pre_trends_is_said_plainly():
    data, treated, when = panel(3, units=8, treated=1, periods=12, start=6, drift=1.0)
    result = difference_in_differences(data, treated, when)
    assert result.pre_trend_p_value == pytest.approx(1 / 8)
    assert "smallest possible p-value is 0.12" in result.pre_trend_statement

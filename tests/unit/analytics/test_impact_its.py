"""Interrupted time series: known effects recovered, honest intervals, a published example."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from commissioning.analytics.impact.its import fit_its, newey_west_lags

SICILY = (
    Path(__file__).resolve().parents[2] / "data" / "datasets" / "sicily_smoking_ban" / "sicily.csv"
)
START = "2018-01-01"


def ar1(rng, n: int, rho: float, sd: float = 1.0) -> np.ndarray:
    """AR(1) noise with marginal standard deviation ``sd``."""
    e = np.empty(n)
    e[0] = rng.normal(0, sd)
    for i in range(1, n):
        e[i] = rho * e[i - 1] + rng.normal(0, sd * np.sqrt(1 - rho**2))
    return e


def series(seed, *, before=48, after=36, rho=0.0, level=0.0, slope=0.0, season=0.0, lag=0):
    rng = np.random.default_rng(seed)
    n = before + after
    t = np.arange(n)
    start = before + lag
    on = t >= start
    # during a phase-in the effect builds up linearly
    ramp = np.clip((t - before + 1) / (lag + 1), 0, 1) if lag else on
    y = 10 + 0.05 * t + level * np.where(on, 1, ramp * (t >= before)) + slope * (t - start) * on
    y = y + season * np.sin(2 * np.pi * (t % 12 + 1) / 12) + ar1(rng, n, rho)
    return pd.DataFrame({"date": pd.date_range(START, periods=n, freq="MS"), "value": y})


INTERVENTION = "2022-01-01"  # month 48 of the series


def test_recovers_level_and_slope_change_and_horizons():
    result = fit_its(series(1, level=3.0, slope=0.2), INTERVENTION, errors="naive")
    assert result.level_change.estimate == pytest.approx(3.0, abs=1.0)
    assert result.level_change.covers(3.0)
    assert result.slope_change.covers(0.2)
    assert (result.n_before, result.n_after) == (48, 36)
    twelve = {h.months: h for h in result.horizons}[12]
    expected = result.level_change.estimate + 12 * result.slope_change.estimate
    assert twelve.effect.estimate == pytest.approx(expected)
    assert twelve.date == pd.Timestamp("2023-01-01")
    assert {h.months: h.beyond_data for h in result.horizons} == {6: False, 12: False, 24: False}


def test_counterfactual_is_the_earlier_trend_carried_on():
    result = fit_its(series(2, level=5.0), INTERVENTION, errors="naive")
    cf = result.counterfactual
    assert list(cf["period"].unique()) == ["before", "after"]
    before = cf[cf["period"] == "before"]
    assert np.allclose(before["fitted"], before["counterfactual"])
    after = cf[cf["period"] == "after"]
    # the observed values sit about 5 above the counterfactual after the change
    assert (after["observed"] - after["counterfactual"]).mean() == pytest.approx(5.0, abs=0.7)
    assert (cf["counterfactual_lower"] < cf["counterfactual"]).all()
    assert (cf["counterfactual"] < cf["counterfactual_upper"]).all()


def test_interval_coverage_across_200_seeds():
    hits_level = hits_slope = 0
    for seed in range(200):
        r = fit_its(series(seed, level=2.0, slope=0.1), INTERVENTION, errors="naive")
        hits_level += r.level_change.covers(2.0)
        hits_slope += r.slope_change.covers(0.1)
    # 95% intervals: 190 expected; 182-198 is about +/- 2.6 binomial standard deviations
    assert 182 <= hits_level <= 198
    assert 182 <= hits_slope <= 198


@pytest.mark.parametrize("errors", ["naive", "hac"])
def test_false_alarm_rate_without_an_effect_is_near_5_percent(errors):
    alarms = sum(
        fit_its(series(seed, before=60, after=60), "2023-01-01", errors=errors).level_change.p_value
        < 0.05
        for seed in range(200)
    )
    assert 3 <= alarms <= 18  # 10 expected


@pytest.mark.slow
def test_autocorrelation_naive_over_rejects_arima_does_not():
    naive = arima = 0
    for seed in range(200):
        data = series(seed, before=36, after=24, rho=0.5)
        naive += fit_its(data, "2021-01-01", errors="naive").level_change.p_value < 0.05
        arima += fit_its(data, "2021-01-01", errors="arima").level_change.p_value < 0.05
    assert naive >= 30  # independent-error intervals are far too narrow: about 1 in 4
    assert arima <= 20  # 10 would be nominal; maximum likelihood is a little optimistic


@pytest.mark.slow
def test_arima_interval_coverage_with_autocorrelated_months():
    hits_level = hits_slope = 0
    for seed in range(200):
        r = fit_its(series(seed, rho=0.4, level=2.0, slope=0.1), INTERVENTION)
        hits_level += r.level_change.covers(2.0)
        hits_slope += r.slope_change.covers(0.1)
    assert 180 <= hits_level <= 198
    assert 180 <= hits_slope <= 198


def test_arima_is_the_default_and_reports_the_ar_coefficient():
    result = fit_its(series(3, rho=0.6, level=2.0), INTERVENTION)
    assert result.errors == "arima"
    assert result.level_change.covers(2.0)
    assert result.notes and result.notes[0].startswith("AR(1) coefficient")


def test_newey_west_lag_rule():
    assert [newey_west_lags(n) for n in (60, 100, 120, 300)] == [3, 4, 4, 5]
    result = fit_its(series(4), INTERVENTION, errors="hac")
    assert result.hac_lags == 3  # 84 fitted months


@pytest.mark.parametrize("seasonal", ["fourier", "months"])
def test_seasonality_is_adjusted_for(seasonal):
    plain, adjusted = [], []
    for seed in range(10):
        data = series(seed, level=1.5, season=4.0)
        plain.append(fit_its(data, INTERVENTION, errors="naive"))
        adjusted.append(fit_its(data, INTERVENTION, errors="naive", seasonal=seasonal))
    # the season is four times the noise: adjusting removes most of what is left over
    assert all(a.residual_sd < 0.5 * p.residual_sd for a, p in zip(adjusted, plain, strict=True))
    # the change starts in a January, so an unadjusted fit mistakes the season for the effect
    assert np.mean([a.level_change.estimate for a in adjusted]) == pytest.approx(1.5, abs=0.35)
    assert np.mean([p.level_change.estimate for p in plain]) > 2.5
    assert sum(a.level_change.covers(1.5) for a in adjusted) >= 8


def test_phase_in_months_are_left_out_of_the_fit():
    data = series(6, level=4.0, lag=3)
    with_lag = fit_its(data, INTERVENTION, errors="naive", lag_months=3, slope_change=False)
    cf = with_lag.counterfactual
    assert list(cf.loc[~cf["used_in_fit"], "date"]) == ["2022-01-01", "2022-02-01", "2022-03-01"]
    assert (cf.loc[~cf["used_in_fit"], "period"] == "phase-in").all()
    assert with_lag.level_change.covers(4.0)
    horizons = {h.months: h for h in with_lag.horizons}
    assert horizons[6].effect.estimate == pytest.approx(with_lag.level_change.estimate)
    # fitting without the phase-in blurs the ramp into the step and underestimates it
    without = fit_its(data, INTERVENTION, errors="naive", slope_change=False)
    assert without.level_change.estimate < with_lag.level_change.estimate


def test_horizon_inside_the_phase_in_has_no_estimate():
    result = fit_its(series(7, lag=8), INTERVENTION, errors="naive", lag_months=8)
    assert {h.months: h.effect for h in result.horizons}[6] is None


def test_too_few_months_are_refused():
    with pytest.raises(ValueError, match="5 month\\(s\\) before the intervention"):
        fit_its(series(8), "2018-06-01")
    with pytest.raises(ValueError, match="after the intervention"):
        fit_its(series(8), "2024-12-01")


def sicily() -> pd.DataFrame:
    raw = pd.read_csv(SICILY)
    dates = pd.to_datetime({"year": raw["year"], "month": raw["month"], "day": 1})
    return pd.DataFrame({"date": dates, "value": raw["aces"], "offset": raw["stdpop"]})


def test_sicily_smoking_ban_matches_lopez_bernal_2017():
    """Published: quasi-Poisson with a Fourier seasonal adjustment, level change in the rate of
    acute coronary events RR 0.885 (95% CI 0.839 to 0.933); unadjusted Poisson RR 0.894."""
    kwargs = {"family": "poisson", "slope_change": False}
    adjusted = fit_its(sicily(), "2005-01-01", seasonal="fourier", **kwargs)
    assert adjusted.errors == "naive"  # quasi-Poisson standard errors, as published
    assert round(adjusted.level_change.estimate, 3) == 0.885
    assert round(adjusted.level_change.lower, 3) == 0.839
    assert round(adjusted.level_change.upper, 3) == 0.933
    unadjusted = fit_its(sicily(), "2005-01-01", **kwargs)
    assert round(unadjusted.level_change.estimate, 3) == 0.894
    assert (adjusted.n_before, adjusted.n_after) == (36, 23)

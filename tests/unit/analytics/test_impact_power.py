"""When will we know? The analytic detectable change against simulation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from commissioning.analytics.impact.power import (
    detectable_change,
    level_change_se,
    noise_before,
    power_statement,
)

Z = stats.norm.ppf(0.975) + stats.norm.ppf(0.8)  # 1.96 + 0.84 = 2.80


def ar1_matrix(rng, sims: int, n: int, rho: float, sd: float) -> np.ndarray:
    e = np.empty((sims, n))
    e[:, 0] = rng.normal(0, sd, sims)
    for i in range(1, n):
        e[:, i] = rho * e[:, i - 1] + rng.normal(0, sd * np.sqrt(1 - rho**2), sims)
    return e


def test_independent_errors_have_no_design_effect():
    se, deff = level_change_se(2.0, 0.0, 24, 12)
    # step change with a shared trend, worked by hand from (X'X)^-1 for t = 0..35
    t = np.arange(36.0)
    x = np.column_stack([np.ones(36), t, t >= 24])
    assert se == pytest.approx(2.0 * np.sqrt(np.linalg.inv(x.T @ x)[2, 2]))
    assert deff == pytest.approx(1.0)


def test_more_months_and_less_autocorrelation_mean_smaller_detectable_changes():
    table = detectable_change(1.0, 0.4, 24)
    assert list(table["months_after"]) == [6, 12, 24, 36]
    assert table["detectable_change"].is_monotonic_decreasing
    assert (table["design_effect"] > 1).all()
    assert table["detectable_change"].iloc[0] == pytest.approx(Z * table["standard_error"].iloc[0])
    calmer = detectable_change(1.0, 0.0, 24)
    assert (calmer["detectable_change"] < table["detectable_change"]).all()
    assert list(calmer["effective_months"]) == pytest.approx([30, 36, 48, 60])


@pytest.mark.parametrize("rho", [0.0, 0.5])
def test_power_agrees_with_simulation(rho):
    """Simulate 2,000 AR(1) series with a step change equal to the detectable change: the
    spread of the estimates matches the analytic standard error and 80% are detected."""
    n_before, n_after, sd = 24, 12, 1.5
    row = detectable_change(sd, rho, n_before, [n_after]).iloc[0]
    rng = np.random.default_rng(42)
    n = n_before + n_after
    t = np.arange(n, dtype=float)
    x = np.column_stack([np.ones(n), t, t >= n_before])
    y = 5 + 0.1 * t + row.detectable_change * (t >= n_before) + ar1_matrix(rng, 2000, n, rho, sd)
    estimates = (np.linalg.pinv(x) @ y.T)[2]
    assert estimates.std() == pytest.approx(row.standard_error, rel=0.06)
    detected = np.mean(np.abs(estimates) / row.standard_error > stats.norm.ppf(0.975))
    assert detected == pytest.approx(0.80, abs=0.03)


def test_slope_change_model_needs_bigger_changes():
    plain = detectable_change(1.0, 0.3, 24, [12])
    with_slope = detectable_change(1.0, 0.3, 24, [12], slope_change=True)
    assert with_slope["detectable_change"].iloc[0] > plain["detectable_change"].iloc[0]


def test_noise_is_estimated_from_the_months_before():
    rng = np.random.default_rng(3)
    n = 240
    values = 100 + 0.2 * np.arange(n) + ar1_matrix(rng, 1, n, 0.5, 2.0)[0]
    data = pd.DataFrame(
        {"date": pd.date_range("2000-01-01", periods=n, freq="MS"), "value": values}
    )
    noise = noise_before(data, "2019-01-01")
    assert noise["n_before"] == 228
    assert noise["sd"] == pytest.approx(2.0, rel=0.15)
    assert noise["rho"] == pytest.approx(0.5, abs=0.1)
    text = power_statement(detectable_change(noise["sd"], noise["rho"], 228), noise)
    assert text.startswith("With 228 months before the change")
    assert "after 12 months" in text and "80% power" in text


def test_refuses_impossible_inputs():
    with pytest.raises(ValueError):
        detectable_change(1.0, 1.0, 24)
    with pytest.raises(ValueError):
        detectable_change(1.0, 0.2, 2)

"""Funnel plot limits, flags and over-dispersion."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import binom, norm, rankdata

from commissioning.analytics.needs import DataProblem, funnel
from commissioning.analytics.needs.funnel import flags, proportion_limits, ratio_limits

# PHEindicatormethods tests/testthat/testdata_funnel_prop_outputs.csv (UKHSA): population,
# 95% lower and upper, 99.8% lower and upper limits (%) around a baseline of 80.642448%
PHE_PROPORTION_LIMITS = [
    (1, 3.204264, 100, 0, 100),
    (10, 56.154344, 100, 42.03259, 100),
    (41, 68.548635, 92.73626, 61.574398, 99.710497),
    (125, 73.716166, 87.56873, 69.721931, 91.562965),
    (1008, 78.203374, 83.081521, 76.796814, 84.488082),
    (9998, 79.867989, 81.416907, 79.421375, 81.863521),
    (110000, 80.408963, 80.875933, 80.274317, 81.010578),
]

# PHEindicatormethods tests/testthat/testdata_funnel_ratio_outputs.csv (UKHSA): for an observed
# count, the expected counts at which it sits on the 95% lower, 95% upper, 99.8% lower and
# 99.8% upper limits, and the ratio (× 100) there
PHE_RATIO_LIMITS = [
    # O, E_l95, ISR_l95, E_u95, ISR_u95, E_l998, ISR_l998, E_u998, ISR_u998
    (1, 5.571644585, 17.94802207, 0.025317898, 3949.774946, 9.233410143, 10.83023482,
     0.001000547, 99945.32721),
    (10, 18.39035799, 54.3763205, 4.795387629, 208.5337156, 24.13397235, 41.43536693,
     2.960519925, 337.778507),
    (100, 121.6268111, 82.21871402, 81.36400699, 122.9044681, 134.9243187, 74.11562345,
     71.92139974, 139.0406755),
    (716, 770.4222128, 92.93605352, 664.5083011, 107.7488421, 802.60414, 89.20960712,
     636.1521174, 112.5516964),
]  # fmt: skip


@pytest.mark.parametrize("n, l95, u95, l998, u998", PHE_PROPORTION_LIMITS)
def test_proportion_limits_reproduce_phe_reference_table(n, l95, u95, l998, u998):
    target = 0.80642448
    lo, hi = proportion_limits(target, n, 0.025)
    assert lo * 100 == pytest.approx(l95, abs=1e-5)
    assert hi * 100 == pytest.approx(u95, abs=1e-5)
    lo, hi = proportion_limits(target, n, 0.001)
    assert lo * 100 == pytest.approx(l998, abs=1e-5)
    assert hi * 100 == pytest.approx(u998, abs=1e-5)


@pytest.mark.parametrize("row", PHE_RATIO_LIMITS)
def test_ratio_limits_reproduce_phe_reference_table(row):
    o, e_l95, isr_l95, e_u95, isr_u95, e_l998, isr_l998, e_u998, isr_u998 = row
    assert ratio_limits(e_l95, 0.025)[0] * 100 == pytest.approx(isr_l95, rel=1e-5)
    assert ratio_limits(e_u95, 0.025)[1] * 100 == pytest.approx(isr_u95, rel=1e-5)
    assert ratio_limits(e_l998, 0.001)[0] * 100 == pytest.approx(isr_l998, rel=1e-5)
    assert ratio_limits(e_u998, 0.001)[1] * 100 == pytest.approx(isr_u998, rel=1e-5)
    assert isr_l95 == pytest.approx(100 * o / e_l95)


def test_limits_agree_with_phstatsmethods_funnel_tables(phstats):
    table = pd.DataFrame({"num": [50, 60, 300, 90, 700], "den": [100, 200, 1000, 100, 900]})
    theirs = phstats.calculate_funnel_limits(table, "num", "proportion", 100, denom_col="den")
    target = 1200 / 2300
    n = theirs["Population"].to_numpy(float)
    lo, hi = proportion_limits(target, n, 0.025)
    assert np.allclose(lo * 100, theirs["lower_2s_limit"], atol=1e-9)
    assert np.allclose(hi * 100, theirs["upper_2s_limit"], atol=1e-9)
    lo, hi = proportion_limits(target, n, 0.001)
    assert np.allclose(lo * 100, theirs["lower_3s_limit"], atol=1e-9)
    assert np.allclose(hi * 100, theirs["upper_3s_limit"], atol=1e-9)
    ratios = pd.DataFrame({"obs": [8, 151, 159, 191, 0], "exp": [6.2, 106.4, 232.9, 184.1, 240.6]})
    theirs = phstats.calculate_funnel_limits(
        ratios, "obs", "ratio", 1, denom_col="exp", ratio_type="isr"
    )
    o = theirs["Observed_events"].to_numpy(float)
    # PHStatsMethods finds, for each observed count, the expected counts at which it sits on a
    # limit (by bisection); our limits at those expected counts give the count back
    for col, tail, side in [
        ("lower_2s_exp_events", 0.025, 0),
        ("upper_2s_exp_events", 0.025, 1),
        ("lower_3s_exp_events", 0.001, 0),
        ("upper_3s_exp_events", 0.001, 1),
    ]:
        e = theirs[col].to_numpy(float)
        assert np.allclose(ratio_limits(e, tail)[side] * e, o, rtol=1e-5)


def test_proportion_limits_are_the_score_test_around_the_target():
    lo, hi = proportion_limits(0.3, 400, 0.025)
    half = norm.ppf(0.975) * np.sqrt(0.3 * 0.7 / 400)
    assert lo == pytest.approx(0.3 - half) and hi == pytest.approx(0.3 + half)


def test_exact_binomial_limits_interpolate_the_quantile():
    # Spiegelhalter (2005): r = binomial quantile, α = (F(r) − p)/f(r), limit = (r − α)/n
    n, theta, p = 100, 0.8, 0.025
    r = binom.ppf(p, n, theta)
    alpha = (binom.cdf(r, n, theta) - p) / binom.pmf(r, n, theta)
    lo, hi = proportion_limits(theta, n, p, limits="exact")
    assert lo == pytest.approx((r - alpha) / n)
    assert (r - 1) / n <= lo <= r / n
    assert lo < theta < hi
    # close to the Wilson (score) limits for a large denominator
    wl, wh = proportion_limits(theta, 10_000, p)
    el, eh = proportion_limits(theta, 10_000, p, limits="exact")
    assert el == pytest.approx(wl, abs=2e-4) and eh == pytest.approx(wh, abs=2e-4)


def test_flags_on_every_side():
    out = flags([0.1, 0.35, 0.5, 0.65, 0.9, 0.4], 0.4, 0.6, 0.3, 0.7)
    assert list(out) == ["low_998", "low_95", "within", "high_95", "high_998", "within"]


def test_proportion_funnel_around_the_pooled_proportion():
    table = pd.DataFrame(
        {"unit": list("ABCD"), "numerator": [50, 60, 300, 90], "denominator": [100, 200, 1000, 100]}
    )
    out = funnel(table)
    target = 500 / 1400
    assert np.allclose(out["target"], target)
    lo, hi = proportion_limits(target, 100, 0.025)
    a = out.iloc[0]
    assert a["lower95"] == pytest.approx(lo) and a["upper95"] == pytest.approx(hi)
    assert a["value"] == 0.5 and a["flag"] == "high_95"  # 99.8% limit is 0.505
    assert out.iloc[3]["flag"] == "high_998"
    assert list(out.columns[:3]) == ["unit", "numerator", "denominator"]
    fixed = funnel(table, target=0.5)
    assert fixed.iloc[0]["flag"] == "within"


def test_flags_agree_with_phstatsmethods(phstats):
    rng = np.random.default_rng(7)
    n = 300
    den = rng.integers(20, 4000, n)
    num = rng.binomial(den, np.clip(rng.normal(0.6, 0.08, n), 0, 1))
    table = pd.DataFrame({"unit": range(n), "numerator": num, "denominator": den})
    names = {
        "High (0.001)": "high_998",
        "High (0.025)": "high_95",
        "Low (0.001)": "low_998",
        "Low (0.025)": "low_95",
        "Not significant": "within",
    }
    theirs = phstats.assign_funnel_significance(
        table.copy(), "numerator", "proportion", "denominator"
    )
    mine = funnel(table)
    assert list(theirs["significance"].map(names)) == list(mine["flag"])
    assert mine["flag"].nunique() == 5
    expected = rng.uniform(2, 300, n)
    observed = rng.poisson(expected * np.exp(rng.normal(0, 0.15, n)))
    ratios = pd.DataFrame({"unit": range(n), "numerator": observed, "denominator": expected})
    theirs = phstats.assign_funnel_significance(ratios.copy(), "numerator", "ratio", "denominator")
    mine = funnel(ratios, kind="ratio")
    # PHE uses Byar's approximation for the significance of 10 or more events and exact limits
    # for the funnel; they agree here
    assert list(theirs["significance"].map(names)) == list(mine["flag"])


def _winsorised(z, trim=0.1):
    lo, hi = np.quantile(z, [trim, 1 - trim])
    return np.clip(z, lo, hi)


def _tau2(z_used, s_used):
    k = len(z_used)
    phi = np.sum(z_used**2) / k
    w = 1 / s_used**2
    if k * phi < k - 1:
        return phi, 0.0
    return phi, max(0.0, (k * phi - (k - 1)) / (w.sum() - (w**2).sum() / w.sum()))


def _overdispersed(seed=3, n=80):
    rng = np.random.default_rng(seed)
    den = rng.integers(100, 5000, n)
    num = rng.binomial(den, np.clip(rng.normal(0.3, 0.05, n), 0.01, 0.99))
    return pd.DataFrame({"unit": [f"U{i}" for i in range(n)], "numerator": num, "denominator": den})


def test_additive_overdispersion_for_proportions_as_funnelplotr():
    table = _overdispersed()
    num = table["numerator"].to_numpy(float)
    den = table["denominator"].to_numpy(float)
    target = num.sum() / den.sum()
    s = 1 / (2 * np.sqrt(den))
    z = (np.arcsin(np.sqrt(num / den)) - np.arcsin(np.sqrt(target))) / s
    phi, tau2 = _tau2(_winsorised(z), s)
    assert tau2 > 0
    out = funnel(table, overdispersion="additive")
    assert out["phi"].iloc[0] == pytest.approx(phi)
    assert out["tau2"].iloc[0] == pytest.approx(tau2)
    spread = np.sqrt(s**2 + tau2)
    t = np.arcsin(np.sqrt(target))
    assert np.allclose(out["lower95"], np.sin(t - 1.959964 * spread) ** 2, rtol=1e-6)
    assert np.allclose(out["upper998"], np.sin(t + 3.090232 * spread) ** 2, rtol=1e-6)
    plain = funnel(table)
    assert (out["upper95"] > plain["upper95"]).all()
    assert (out["flag"] != "within").sum() < (plain["flag"] != "within").sum()


def test_multiplicative_overdispersion_scales_by_root_phi():
    table = _overdispersed()
    den = table["denominator"].to_numpy(float)
    out = funnel(table, overdispersion="multiplicative")
    phi = out["phi"].iloc[0]
    assert phi > 1
    target = out["target"].iloc[0]
    t = np.arcsin(np.sqrt(target))
    s = 1 / (2 * np.sqrt(den))
    assert np.allclose(out["upper95"], np.sin(t + 1.959964 * np.sqrt(phi) * s) ** 2, rtol=1e-6)


def test_ratio_overdispersion_shmi_truncates_on_the_log_scale():
    rng = np.random.default_rng(9)
    n = 120
    expected = rng.uniform(20, 800, n)
    observed = rng.poisson(expected * np.exp(rng.normal(0, 0.2, n)))
    table = pd.DataFrame({"unit": range(n), "numerator": observed, "denominator": expected})
    z = np.sqrt(expected) * np.log(observed / expected)
    slot = np.floor(rankdata(z) * 10 / (n + 1))
    used = (slot > 0) & (slot < 9)
    phi, tau2 = _tau2(z[used], 1 / np.sqrt(expected[used]))
    out = funnel(table, kind="ratio", overdispersion="additive")
    assert out["phi"].iloc[0] == pytest.approx(phi)
    assert out["tau2"].iloc[0] == pytest.approx(tau2)
    assert np.allclose(out["lower95"], np.exp(-1.959964 * np.sqrt(1 / expected + tau2)), rtol=1e-6)
    assert np.allclose(out["upper998"], np.exp(3.090232 * np.sqrt(1 / expected + tau2)), rtol=1e-6)
    # CQC's square-root scale with Winsorisation
    zs = 2 * (np.sqrt(observed) - np.sqrt(expected))
    s = 1 / (2 * np.sqrt(expected))
    phi_s, tau2_s = _tau2(_winsorised(zs), s)
    cqc = funnel(table, kind="ratio", overdispersion="additive", transform="sqrt")
    assert cqc["tau2"].iloc[0] == pytest.approx(tau2_s)
    assert np.allclose(cqc["upper95"], (1 + 1.959964 * np.sqrt(s**2 + tau2_s)) ** 2, rtol=1e-6)


def test_no_overdispersion_found_keeps_the_plain_limits():
    n = 400
    den = np.full(n, 1000)
    num = np.round(np.linspace(0.29, 0.31, n) * 1000)  # far less spread than chance
    table = pd.DataFrame({"unit": range(n), "numerator": num, "denominator": den})
    out = funnel(table, overdispersion="additive")
    plain = funnel(table)
    assert out["tau2"].iloc[0] == 0
    assert np.allclose(out["upper95"], plain["upper95"])
    multiplicative = funnel(table, overdispersion="multiplicative")
    assert multiplicative["phi"].iloc[0] < 1
    assert np.allclose(multiplicative["lower998"], plain["lower998"])


def test_groups_are_compared_separately():
    a = _overdispersed(seed=1).assign(condition="diabetes")
    b = _overdispersed(seed=2).assign(condition="copd", numerator=lambda d: d["numerator"] // 3)
    together = funnel(pd.concat([a, b]), by="condition", overdispersion="additive")
    for part, name in ((a, "diabetes"), (b, "copd")):
        alone = funnel(part, overdispersion="additive")
        mine = together[together["condition"] == name]
        assert np.allclose(mine["upper95"], alone["upper95"])
        assert list(mine["flag"]) == list(alone["flag"])


def test_funnel_refuses_impossible_input():
    bad = pd.DataFrame({"unit": ["A", "B"], "numerator": [5, 3], "denominator": [4, 0]})
    with pytest.raises(DataProblem) as caught:
        funnel(bad)
    assert caught.value.column == "denominator" and caught.value.rows == [1]
    with pytest.raises(DataProblem, match="no more than"):
        funnel(bad.iloc[:1])
    with pytest.raises(ValueError, match="target"):
        funnel(bad.iloc[:1], kind="ratio", target=0.5)
    zeros = pd.DataFrame(
        {"unit": range(10), "numerator": [0] * 5 + [4] * 5, "denominator": [5.0] * 10}
    )
    with pytest.raises(DataProblem, match="square-root"):
        funnel(zeros, kind="ratio", overdispersion="additive")
    ok = funnel(zeros, kind="ratio", overdispersion="additive", transform="sqrt")
    assert len(ok) == 10


@settings(max_examples=200, deadline=None)
@given(
    target=st.floats(min_value=0.01, max_value=0.99),
    n=st.integers(min_value=1, max_value=100_000),
    factor=st.integers(min_value=2, max_value=100),
)
def test_proportion_limits_narrow_as_denominators_grow(target, n, factor):
    lo, hi = proportion_limits(target, n, 0.025)
    big_lo, big_hi = proportion_limits(target, n * factor, 0.025)
    assert lo <= target <= hi
    assert big_hi - big_lo <= hi - lo + 1e-12
    wide_lo, wide_hi = proportion_limits(target, n, 0.001)
    assert wide_lo <= lo and wide_hi >= hi
    # exact binomial limits are discrete: for tiny expected counts a limit can sit on the
    # target itself, so only check them where there is something to count
    if n * target * (1 - target) >= 2:
        lo, hi = proportion_limits(target, n, 0.025, "exact")
        wide_lo, wide_hi = proportion_limits(target, n, 0.001, "exact")
        assert wide_lo <= lo <= target <= hi <= wide_hi


@settings(max_examples=200, deadline=None)
@given(
    expected=st.floats(min_value=0.05, max_value=1e5),
    factor=st.floats(min_value=1.01, max_value=100),
)
def test_ratio_limits_narrow_as_expected_counts_grow(expected, factor):
    lo, hi = ratio_limits(expected, 0.025)
    big_lo, big_hi = ratio_limits(expected * factor, 0.025)
    assert 0 <= lo <= 1 <= hi
    assert big_lo >= lo - 1e-9 and big_hi <= hi + 1e-9
    wide_lo, wide_hi = ratio_limits(expected, 0.001)
    assert wide_lo <= lo and wide_hi >= hi

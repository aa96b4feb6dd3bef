"""Mortality for projections: the Gompertz curve gives back the ONS life expectancies it was
fitted to, and its death probabilities are those of the published 2010-2012 tables' magnitude."""

from __future__ import annotations

import pytest

from commissioning.analytics.needs import mortality


@pytest.mark.parametrize("sex", ["male", "female"])
def test_the_curve_gives_back_the_published_life_expectancy_at_65_and_85(sex):
    at_65, at_85 = mortality.LIFE_EXPECTANCY[sex]
    assert mortality.life_expectancy(65, sex) == pytest.approx(at_65, abs=0.01)
    assert mortality.life_expectancy(85, sex) == pytest.approx(at_85, abs=0.01)


def test_death_probabilities_rise_with_age_and_are_higher_for_men():
    # ONS 2010-2012 (England and Wales): men about 1.2% at 65 and 17% at 90.
    assert mortality.death_probability(65, "male") == pytest.approx(0.0116, abs=0.0005)
    assert mortality.death_probability(90, "male") == pytest.approx(0.167, abs=0.005)
    assert mortality.death_probability(80, "female") == pytest.approx(0.0417, abs=0.001)
    for age in (65, 75, 85, 95):
        assert mortality.death_probability(age, "male") > mortality.death_probability(age, "female")
        assert mortality.death_probability(age + 5, "male") > mortality.death_probability(
            age, "male"
        )


def test_band_survival_is_the_average_over_the_band_and_the_open_band_dies_fastest():
    one = mortality.band_survival(70, 74, "female")
    singles = [1 - mortality.death_probability(x, "female") for x in range(70, 75)]
    assert min(singles) < one < max(singles)
    top = mortality.band_survival(90, None, "male")
    assert top < mortality.band_survival(85, 89, "male") < mortality.band_survival(80, 84, "male")
    assert 0.7 < top < 0.85
    assert list(mortality.survival_by_band([(65, 69), (90, None)], "male")) == [
        mortality.band_survival(65, 69, "male"),
        top,
    ]

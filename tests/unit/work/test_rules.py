"""The pure rules of the work of commissioning: the 5 x 5 risk matrix, benefit realisation and
development addresses (worked by hand)."""

from __future__ import annotations

import datetime as dt

import pytest

from commissioning.work import rules


@pytest.mark.parametrize(
    ("likelihood", "impact", "score", "label"),
    [
        (1, 1, 1, "Low"),
        (1, 3, 3, "Low"),
        (2, 2, 4, "Moderate"),
        (2, 3, 6, "Moderate"),
        (2, 4, 8, "High"),
        (3, 4, 12, "High"),
        (3, 5, 15, "Extreme"),
        (5, 5, 25, "Extreme"),
    ],
)
def test_the_nhs_five_by_five_matrix(likelihood, impact, score, label):
    assert (rules.rating(likelihood, impact).score, rules.rating(likelihood, impact).label) == (
        score,
        label,
    )


def test_a_review_is_overdue_only_when_open_and_past():
    today = dt.date(2012, 1, 10)
    assert rules.review_overdue(dt.date(2012, 1, 9), today)
    assert not rules.review_overdue(dt.date(2012, 1, 10), today)
    assert not rules.review_overdue(dt.date(2011, 1, 1), today, open_=False)


def status(**given):
    base = {
        "latest_value": 52.0,
        "latest_date": dt.date(2011, 6, 1),
        "target": 55.0,
        "target_date": dt.date(2012, 3, 31),
        "polarity": "higher_better",
        "variation": "common_cause",
        "assurance": "inconsistent",
    }
    return rules.realisation(**{**base, **given})


def test_realisation_in_its_stated_order():
    assert status(latest_value=None) == rules.NO_DATA
    assert status(assurance="consistent_pass", latest_value=40) == rules.REALISED
    assert status(latest_value=56) == rules.TARGET_MET
    assert status(latest_date=dt.date(2012, 4, 1)) == rules.MISSED
    assert status(variation="special_cause_improvement") == rules.IMPROVING
    assert status(evaluation_direction=1) == rules.IMPROVING
    assert status(variation="special_cause_concern") == rules.WORSENING
    assert status(assurance="consistent_fail") == rules.OFF_COURSE
    assert status() == rules.NO_CHANGE
    # lower is better: 50 is beyond a target of 55
    assert status(polarity="lower_better", latest_value=50) == rules.TARGET_MET


def test_an_interval_says_which_way_a_change_went():
    assert rules.direction(0.5, 2.0, "higher_better") == 1
    assert rules.direction(0.5, 2.0, "lower_better") == -1
    assert rules.direction(-2.0, -0.5, "lower_better") == 1
    assert rules.direction(-1.0, 1.0, "higher_better") == 0
    assert rules.direction(None, None, "higher_better") == 0
    assert rules.direction(0.5, 2.0, "neutral") == 0


def test_slugs_from_titles():
    assert rules.slug_for("Memory Assessment Service!", set()) == "memory-assessment-service"
    assert rules.slug_for("Café review", {"cafe-review"}) == "cafe-review-2"
    assert rules.slug_for("Café review", {"cafe-review", "cafe-review-2"}) == "cafe-review-3"
    assert rules.slug_for("???", set()) == "development"
    long = rules.slug_for("a" * 200, {"a" * 80})
    assert len(long) == 80 and long.endswith("-2")

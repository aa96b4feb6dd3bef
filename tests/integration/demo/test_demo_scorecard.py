"""The effective-commissioning scorecard on the demo tells the study's communities apart the way
the field study's narrative does (shared/domain/study.md; docs/guide/scorecard.md gives each
measure's source sentence): Calderdale convenes, Somerset contracts and monitors formally, Wirral
hands its dementia work over. Every figure is computed from the demo database."""

from __future__ import annotations

import pytest

from commissioning.analytics.work.scorecard import MEASURES

pytestmark = pytest.mark.usefixtures("demo", "db")

STUDY = ["calderdale", "somerset", "wirral"]


@pytest.fixture
def cards():
    from commissioning.store.frames import load_community
    from commissioning.work.presenter import community_scorecard

    return {code: community_scorecard(load_community(code)) for code in STUDY}


def value(cards, code, measure):
    return cards[code].measure(measure).value


def test_calderdale_convenes_more_than_somerset_and_wirral(cards):
    for other in ("somerset", "wirral"):
        assert value(cards, "calderdale", "convening") > value(cards, other, "convening") + 0.05


def test_somerset_contracts_and_monitors_more_formally(cards):
    for measure in ("shared_risk", "monitoring_feeds_review", "costliest_reviewed"):
        for other in ("calderdale", "wirral"):
            assert value(cards, "somerset", measure) > value(cards, other, measure), measure


def test_wirral_reviews_less_on_monitoring_after_its_handover(cards):
    drill = cards["wirral"].measure("monitoring_feeds_review").drilldown
    before = drill[drill["date"] < "2012-03-01"]["counted"].mean()
    after = drill[drill["date"] >= "2012-03-01"]["counted"].mean()
    assert after < before


def test_no_measure_is_the_same_in_every_study_community(cards):
    for spec in MEASURES:
        values = {round(value(cards, code, spec["id"]) or 0, 3) for code in STUDY}
        assert len(values) > 1, spec["id"]


def test_denominators_are_not_a_handful(cards):
    # Only the objectives of new or re-commissioned services count developments; every other
    # measure counts activities, decisions, contracts, services or money.
    for code in STUDY:
        for m in cards[code].measures:
            if m.id not in ("measurable_objectives", "whole_budget", "relational_balance"):
                assert m.denominator >= 5, (code, m.id, m.denominator)


def test_whole_budget_divides_by_the_whole_commissioned_spend(cards):
    from commissioning.store.models import Spend

    for code in STUDY:
        m = cards[code].measure("whole_budget")
        year = int(m.drilldown["financial_year"].iloc[0])
        ltc = sum(
            float(a)
            for a in Spend.objects.filter(
                service__community__code=code, financial_year=year
            ).values_list("amount", flat=True)
        )
        assert m.denominator > 5 * ltc  # the acute, community and mental health contracts

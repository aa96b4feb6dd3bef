"""Benefit realisation is read from monitoring and evaluation: the same series, points, mean and
limits as the monitoring page draws, and the same estimate as the evaluation page."""

from __future__ import annotations

import datetime as dt

import pytest

pytestmark = pytest.mark.django_db


def test_a_benefit_reads_the_monitoring_pages_series_and_the_evaluation(town):
    from commissioning.access.policy import visible
    from commissioning.evaluation.presenter import objective_summary
    from commissioning.monitoring.presenter import build
    from commissioning.store.models import Observation
    from commissioning.work import benefits, rules
    from commissioning.work.models import Benefit
    from commissioning.work.presenter import workplace

    user, dev, objective = town["commissioner"], town["redesign"], town["objective"]
    Benefit.objects.create(development=dev, objective=objective, description="Better control")
    spc = benefits.monitored(user, dev, objective)
    # the monitoring page's series of the indicator for the commissioner
    page = build(
        visible(user, Observation).filter(indicator=objective.indicator),
        indicators=[objective.indicator],
    )
    (series,) = page.series
    assert spc.subject == "Minitown CCG (commissioner)"
    assert spc.points == series.summary["points"] == 24
    for key in ("mean", "lpl", "upl"):
        assert getattr(spc, key) == pytest.approx(series.summary[key])
    assert spc.variation == "special_cause_improvement"  # a shift of 8 in 2011
    assert (spc.latest_value, spc.latest_date) == (pytest.approx(57.7), dt.date(2011, 12, 1))
    # by hand: 57.7 meets 55, and the limits around the mean of 54 hold the target: not reliably
    assert spc.assurance == "inconsistent"

    summary = objective_summary(user, dev, objective)
    (row,) = workplace(user, dev, today=dt.date(2012, 1, 1))["benefits"]
    assert row["status"] == rules.TARGET_MET
    assert row["evaluation"].startswith(f"Level change {summary.estimate:+,.2f} (95% interval")
    assert "Latest 57.7 (Dec 2011, Minitown CCG (commissioner)); mean" in row["monitoring"]
    assert row["chart_url"].endswith("/monitoring/?indicator=MT.HBA#charts")


def test_no_values_no_realisation(town):
    from commissioning.store.models import Indicator, Objective
    from commissioning.work import rules
    from commissioning.work.models import Benefit
    from commissioning.work.presenter import workplace

    empty = Indicator.objects.create(
        code="MT.NONE",
        name="Nothing yet",
        domain="outcome",
        unit="%",
        polarity="higher_better",
        frequency="monthly",
    )
    objective = Objective.objects.create(
        development=town["redesign"],
        description="Something new",
        indicator=empty,
        baseline_value=1,
        target_value=2,
        target_date=dt.date(2013, 1, 1),
    )
    Benefit.objects.create(development=town["redesign"], objective=objective, description="New")
    (row,) = workplace(town["commissioner"], town["redesign"], today=dt.date(2012, 1, 1))[
        "benefits"
    ]
    assert row["status"] == rules.NO_DATA and row["status_label"] == "No data yet"

"""Smoke test: the practice measures and the scorecard run on every demo community."""

import json

import pytest

from commissioning.analytics.work import labour, market, participation, spend
from commissioning.analytics.work.pay_rates import load_pay_rates
from commissioning.analytics.work.scorecard import MEASURES, scorecard
from commissioning.cli import main

STATUSES = {"met", "partly met", "not met", "no data"}


@pytest.fixture
def communities(demo, db):
    from commissioning.store.frames import load_community
    from commissioning.store.models import CommissioningCommunity

    codes = list(
        CommissioningCommunity.objects.filter(synthetic=True).values_list("code", flat=True)
    )
    assert codes, "the demo built no communities"
    return [load_community(code) for code in codes]


def test_scorecard_and_measures_run_on_every_demo_community(communities):
    rates = load_pay_rates()
    for f in communities:
        card = scorecard(f)
        assert [m.id for m in card.measures] == [m["id"] for m in MEASURES]
        for m in card.measures:
            assert m.status in STATUSES, (f.code, m.id)
            if m.denominator > 0:
                assert 0 <= m.value <= 1, (f.code, m.id)
            else:
                assert m.value is None and m.status == "no data"
        split = labour.stage_hours(f.activities, f.activity_stages, f.participations)
        # Hours split across stages add up to the hours recorded.
        assert split["hours"].sum() == pytest.approx(f.participations["hours"].sum())
        table = labour.labour_table(split, rates.hourly(), rates.hours_per_fte_year)
        assert table["cost"].notna().all(), f"{f.code}: a role has no pay rate"
        by_condition = spend.spend_by(
            "condition", f.spend, f.services, f.service_conditions, f.contracts,
            f.contract_services,
        )  # fmt: skip
        assert by_condition["amount"].sum() == pytest.approx(f.spend["amount"].sum())
        areas = market.market_conditions(
            services=f.services,
            service_conditions=f.service_conditions,
            contracts=f.contracts,
            contract_services=f.contract_services,
            spend=f.spend,
            observations=f.observations,
            developments=f.developments,
            development_conditions=f.development_conditions,
            development_services=f.development_services,
            split=split,
            as_of=card.as_of,
            indicator_conditions=f.indicator_conditions,
        )
        assert (areas["hhi"].dropna().between(0, 10_000)).all()
        assert participation.doers(f.participations, f.activities)["hours"].sum() == pytest.approx(
            f.participations["hours"].sum()
        )


def test_scorecard_verb_on_the_demo(communities, capsys):
    code = communities[0].code
    assert main(["scorecard", "--community", code, "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert len(doc) == 9 and {m["status"] for m in doc} <= STATUSES

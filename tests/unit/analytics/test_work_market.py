"""Quasi-market conditions by service area, worked by hand on Northfield."""

import importlib.util
from pathlib import Path

import pandas as pd
import pytest

_spec = importlib.util.spec_from_file_location(
    "work_community", Path(__file__).with_name("test_work_community.py")
)
community = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(community)
AS_OF = community.AS_OF
northfield, empty_community = community.northfield, community.empty_community

from commissioning.analytics.work import labour, market  # noqa: E402


def conditions(f, **kw):
    split = labour.stage_hours(f.activities, f.activity_stages, f.participations)
    args = dict(
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
        as_of=AS_OF,
        indicator_conditions=f.indicator_conditions,
    )
    args.update(kw)
    return market.market_conditions(**args).set_index("area")


@pytest.fixture
def m():
    return conditions(northfield())


def test_hhi_on_the_0_to_10000_scale():
    assert market.hhi(pd.Series([5.0])) == 10_000  # a single provider
    assert market.hhi(pd.Series([1.0, 1.0, 1.0, 1.0])) == 2_500  # four equal providers
    assert market.hhi(pd.Series([0.0, 0.0])) is None  # nothing to share out
    assert market.concentration(1_499) == "unconcentrated"
    assert market.concentration(2_500) == "moderately concentrated"
    assert market.concentration(10_000) == "highly concentrated"


def test_providers_and_concentration_by_condition(m):
    # Dementia 2012/13: MH-1 200,000 (Mersey), ACU-2 100,000 (General Hospital), half of
    # VOL-1 20,000 (Memory Charity): shares 62.5%, 31.25%, 6.25%.
    assert m.loc["dementia", "providers"] == 3
    assert m.loc["dementia", "contract_value"] == 320_000
    assert m.loc["dementia", "hhi"] == pytest.approx(62.5**2 + 31.25**2 + 6.25**2)  # 4,921.875
    # Diabetes: 60,000 and 300,000: shares 1/6 and 5/6.
    assert m.loc["diabetes", "hhi"] == pytest.approx((100 / 6) ** 2 + (500 / 6) ** 2)
    # Stroke: one provider only.
    assert m.loc["stroke", "providers"] == 1 and m.loc["stroke", "hhi"] == 10_000


def test_spend_tendered_rolled_over_and_in_blocks(m):
    # Dementia spend 2012/13: Memory assessment 200,000 (100,000 rolled-over block MH-1,
    # 100,000 direct award ACU-2) + half of Carers' support 20,000 (tendered block VOL-1).
    assert m.loc["dementia", "spend"] == 220_000
    assert m.loc["dementia", "tendered_share"] == pytest.approx(20 / 220)
    assert m.loc["dementia", "rolled_over_share"] == pytest.approx(100 / 220)
    assert m.loc["dementia", "block_share"] == pytest.approx(120 / 220)
    assert m.loc["diabetes", "tendered_share"] == pytest.approx(300 / 360)


def test_decommissioning_information_and_transaction_effort(m):
    assert m.loc["dementia", "services_decommissioned"] == 1  # Carers' support ended
    assert m.loc["stroke", "services_decommissioned"] == 1
    assert m.loc["diabetes", "services_decommissioned"] == 0
    # DEM-DX: quarterly April 2011 to October 2012 = 7 quarters, 6 with a value; latest one
    # quarter before March 2013.
    assert m.loc["dementia", "completeness"] == pytest.approx(6 / 7)
    assert m.loc["dementia", "timely_share"] == 1.0
    # Diabetes: podiatry waits, monthly, 9 of 9 months but the latest December 2011, 15 months
    # late; and a practice's annual care-process figure (an organisation series, placed by its
    # indicator's condition), 2 of 3 years, latest April 2011: one year late, so timely.
    assert m.loc["diabetes", "completeness"] == pytest.approx((9 + 2) / (9 + 3))
    assert m.loc["diabetes", "indicator_series"] == 2
    assert m.loc["diabetes", "timely_share"] == 0.5
    assert pd.isna(m.loc["stroke", "completeness"])
    # Procurement hours: A3's 8 hours on the memory service.
    assert m.loc["dementia", "procurement_hours"] == 8.0
    assert m.loc["dementia", "relational_share"] == pytest.approx(5 / 19)
    assert m.loc["diabetes", "relational_share"] == pytest.approx(11 / 12.5)


def test_profile_with_its_evidence(m):
    # Dementia: concentrated (relational), little tendered (relational), a service
    # decommissioned (transactional), mostly block (relational), mostly technical hours
    # (transactional): 2 of 5 signals -> mixed.
    assert m.loc["dementia", "profile"] == "mixed"
    assert "1 service decommissioned (transactional)" in m.loc["dementia", "evidence"]
    assert "3 providers, concentration index 4,922 (relational)" in m.loc["dementia", "evidence"]


def test_profile_labels():
    base = {
        "providers": 5, "hhi": 1200.0, "tendered_share": 0.9, "spend": 1.0,
        "services_decommissioned": 2, "block_share": 0.1, "relational_share": 0.2,
    }  # fmt: skip
    assert market.profile(base)[0] == "transactional"
    relational = {
        **base,
        "providers": 1,
        "hhi": 10_000.0,
        "tendered_share": 0.0,
        "services_decommissioned": 0,
        "block_share": 1.0,
        "relational_share": 0.8,
    }
    assert market.profile(relational)[0] == "relational"
    nothing = {
        "providers": 0,
        "hhi": None,
        "tendered_share": None,
        "spend": 0.0,
        "services_decommissioned": 0,
        "block_share": None,
        "relational_share": None,
    }
    assert market.profile(nothing)[0] == "no data"


def test_areas_by_care_setting():
    s = conditions(northfield(), by="setting")
    assert set(s.index) == {"mental_health", "community", "acute"}
    # Community: podiatry (Community Health, 60,000) and carers (Memory Charity, 40,000).
    assert s.loc["community", "hhi"] == pytest.approx(60**2 + 40**2)


def test_an_empty_community_has_no_areas():
    e = empty_community()
    assert conditions(e).empty


def test_procurement_effort_beside_value_by_area():
    """Two procurements: P1 (£2,000,000, 30 hours) for the diabetes service S1 only; P2
    (£1,000,000, 12 hours) for S1 and a dementia service S2, split half and half. Diabetes:
    £2,000,000 + £500,000 and 30 + 6 hours, 36 / 2.5 = 14.4 hours per £1m; dementia: £500,000
    and 6 hours, 12 per £1m."""
    services = pd.DataFrame({"service_id": [1, 2]})
    conditions_ = pd.DataFrame({"service_id": [1, 2], "condition": ["diabetes", "dementia"]})
    areas = market.service_areas(services, conditions_)
    procurements = pd.DataFrame(
        {"procurement_id": [10, 20], "value": [2_000_000.0, 1_000_000.0], "hours": [30.0, 12.0]}
    )
    links = pd.DataFrame({"procurement_id": [10, 20, 20], "service_id": [1, 1, 2]})
    effort = market.procurement_effort_by_area(procurements, links, areas)
    diabetes = market._effort_row(effort, "diabetes")
    assert diabetes == {
        "procurements": 2,
        "procurement_value": 2_500_000.0,
        "procurement_effort_hours": 36.0,
        "hours_per_million": pytest.approx(14.4),
    }
    assert market._effort_row(effort, "dementia")["hours_per_million"] == pytest.approx(12.0)


def test_market_conditions_carry_the_procurement_effort(m):
    f = northfield()
    service = int(f.services["service_id"].iloc[0])
    procurements = pd.DataFrame({"procurement_id": [1], "value": [1_000_000.0], "hours": [40.0]})
    links = pd.DataFrame({"procurement_id": [1], "service_id": [service]})
    with_effort = conditions(f, procurements=procurements, procurement_services=links)
    assert with_effort["procurement_effort_hours"].sum() == pytest.approx(40.0)
    assert m["procurements"].isna().all()  # without procurements: not given

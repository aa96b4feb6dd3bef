"""Money: spend breakdowns, block share, incentives, the Pareto set and the review programme."""

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

from commissioning.analytics.work import spend  # noqa: E402


@pytest.fixture
def f():
    return northfield()


def by(f, what):
    return spend.spend_by(
        what, f.spend, f.services, f.service_conditions, f.contracts, f.contract_services
    )


def test_spend_by_condition_splits_a_service_for_two_conditions_equally(f):
    t = by(f, "condition")
    y2012 = t[t["financial_year"] == 2012].set_index("condition")
    # Memory assessment 200,000 + half of Carers' support 40,000.
    assert y2012["amount"].to_dict() == {"dementia": 220_000, "diabetes": 360_000, "stroke": 20_000}
    assert y2012["share"].sum() == pytest.approx(1.0)
    y2011 = t[t["financial_year"] == 2011].set_index("condition")
    assert y2011.loc["dementia", "amount"] == 110_000  # 100,000 + 10,000
    assert t["amount"].sum() == 470_000 + 600_000


def test_spend_by_payment_form_follows_the_contracts_running_that_year(f):
    t = by(f, "payment_form")
    y2012 = t[t["financial_year"] == 2012].set_index("payment_form")["amount"].to_dict()
    # Memory assessment sits in two contracts in 2012/13 (block MH-1 and cost and volume
    # ACU-2): 100,000 each. Podiatry 60,000 block; carers 40,000 block; outpatients activity.
    assert y2012 == {"block": 200_000, "cost_and_volume": 100_000, "activity": 300_000}
    y2011 = t[t["financial_year"] == 2011].set_index("payment_form")["amount"].to_dict()
    # Podiatry's contract starts in 2012: its 2011/12 spend has no contract.
    assert y2011 == {"block": 120_000, "activity": 300_000, spend.NO_CONTRACT: 50_000}


def test_spend_by_provider_service_and_year(f):
    t = by(f, "provider")
    assert (
        t[t["financial_year"] == 2012].set_index("provider").loc["General Hospital", "amount"]
        == 300_000
    )
    years = by(f, "financial_year").set_index("financial_year")["amount"].to_dict()
    assert years == {2011: 470_000, 2012: 600_000}
    assert by(f, "service")["amount"].sum() == 1_070_000


def test_share_of_spend_in_block_contracts(f):
    share = spend.block_share(f.spend, f.contracts, f.contract_services)
    assert share["financial_year"] == 2012
    assert share["numerator"] == 200_000 and share["denominator"] == 600_000
    assert share["value"] == pytest.approx(1 / 3)


def test_incentive_value_uses_the_percentage_where_no_value_is_recorded(f):
    t = spend.incentive_values(f.incentives, f.contracts)
    row = t.iloc[0]
    # 2.5% of ACU-1's 300,000 = 7,500, plus 5,000 recorded on MH-1.
    assert (row["scheme"], row["financial_year"], row["contracts"]) == ("CQUIN", 2012, 2)
    assert row["value"] == pytest.approx(12_500) and row["estimated"] == 1


def test_pareto_set_is_the_fewest_services_reaching_80_percent(f):
    t = spend.pareto(f.spend, f.services, as_of=AS_OF)
    assert t["service"].tolist() == [
        "Diabetes outpatients", "Memory assessment", "Diabetic podiatry", "Carers' support",
    ]  # fmt: skip
    assert t["cumulative_share"].tolist() == pytest.approx([0.5, 5 / 6, 14 / 15, 1.0])
    assert t["in_pareto"].tolist() == [True, True, False, False]
    # Memory assessment reviewed March 2012, within 3 years of March 2013; outpatients never.
    assert t["reviewed"].tolist() == [False, True, False, True]


def test_a_service_reviewed_exactly_three_years_ago_counts_as_reviewed(f):
    services = f.services.copy()
    services.loc[services["service_id"] == 3, "last_reviewed"] = pd.Timestamp("2010-03-31")
    t = spend.pareto(f.spend, services, as_of=AS_OF).set_index("service_id")
    assert bool(t.loc[3, "reviewed"])
    services.loc[services["service_id"] == 3, "last_reviewed"] = pd.Timestamp("2010-03-30")
    t = spend.pareto(f.spend, services, as_of=AS_OF).set_index("service_id")
    assert not bool(t.loc[3, "reviewed"])


def test_review_programme_lists_running_services_not_reviewed_largest_first(f):
    t = spend.review_programme(f.spend, f.services, as_of=AS_OF)
    assert t["service"].tolist() == ["Diabetes outpatients", "Diabetic podiatry"]
    assert pd.isna(t.loc[0, "review_due"])  # never reviewed
    assert t.loc[1, "review_due"] == pd.Timestamp("2011-06-01")  # reviewed June 2008
    # A shorter period brings Carers' support in? No: it ended in December 2012.
    one = spend.review_programme(f.spend, f.services, as_of=AS_OF, review_years=1)
    assert one["service"].tolist() == [
        "Diabetes outpatients", "Memory assessment", "Diabetic podiatry",
    ]  # fmt: skip


def test_zero_spend_gives_no_data_not_a_division_by_zero(f):
    zero = f.spend.assign(amount=0.0)
    assert spend.block_share(zero, f.contracts, f.contract_services)["value"] is None
    assert spend.pareto(zero, f.services, as_of=AS_OF).empty
    t = spend.spend_by("condition", zero, f.services, f.service_conditions, f.contracts,
                       f.contract_services)  # fmt: skip
    assert t["share"].isna().all()


def test_financial_years_start_in_april():
    assert spend.financial_year("2012-03-31") == 2011
    assert spend.financial_year("2012-04-01") == 2012

"""The demo's present-day community: an integrated care board with three places, nine primary
care networks and 2021-2026 data, its contracts under the NHS Payment Scheme, provider selection
decision records and its history from clinical commissioning groups to the ICB."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest

from commissioning.store.models import (
    Activity,
    CommissioningCommunity,
    ConditionRegister,
    Contract,
    IncentiveScheme,
    Observation,
    Organisation,
    OrganisationalChange,
    Participation,
    Relationship,
)

D = dt.date
pytestmark = pytest.mark.usefixtures("demo", "db")


@pytest.fixture
def mereshire():
    return CommissioningCommunity.objects.get(code="mereshire")


def test_an_icb_with_three_places_that_were_ccgs(mereshire):
    icb = mereshire.commissioner
    assert icb.kind == "icb" and icb.valid_from == D(2022, 7, 1) and icb.synthetic
    places = Organisation.objects.filter(
        parent_links__parent=icb, parent_links__relationship=Relationship.PART_OF
    )
    assert places.count() == 3 and set(places.values_list("kind", flat=True)) == {"sub_icb"}
    for place in places:
        [ccg] = place.predecessors.all()
        assert ccg.kind == "ccg" and ccg.valid_to == D(2022, 6, 30)
        assert ccg.valid_from == D(2013, 4, 1)
    changes = OrganisationalChange.objects.filter(community=mereshire)
    founding = changes.get(date=D(2022, 7, 1))
    assert founding.kind == "restructure" and "sub-ICB locations" in founding.description
    assert changes.filter(date__lt=D(2022, 7, 1)).exists()  # the CCGs' years
    assert changes.filter(description__contains="Provider Selection Regime").exists()


def test_practices_belong_to_networks_and_move_from_their_ccg_to_their_place(mereshire):
    practices = list(mereshire.members.filter(kind="gp_practice").order_by("ods_code"))
    assert len(practices) == 72
    pcns = mereshire.members.filter(kind="pcn")
    assert pcns.count() == 9
    for pcn in pcns:
        assert pcn.parent_on(D(2024, 1, 1), Relationship.PART_OF).kind == "sub_icb"
    for practice in practices[::10]:
        assert practice.ods_code.startswith("Y94")
        assert practice.parent_on(D(2021, 6, 1), "commissioner").kind == "ccg"
        assert practice.parent_on(D(2024, 6, 1), "commissioner").kind == "sub_icb"
        assert practice.parent_on(D(2024, 6, 1), "pcn").kind == "pcn"


def test_data_for_2021_to_2026_with_todays_qof_codes(mereshire):
    practices = mereshire.members.filter(kind="gp_practice")
    ends = set(
        ConditionRegister.objects.filter(organisation__in=practices).values_list(
            "period_end", flat=True
        )
    )
    assert ends == {D(y, 3, 31) for y in range(2022, 2027)}
    qof = Observation.objects.filter(organisation__in=practices)
    assert set(qof.values_list("indicator__code", flat=True)) == {
        "QOF_DM012",
        "QOF_DM020",
        "QOF_DEM004",
        "QOF_STIA007",
    }
    assert set(qof.values_list("period", flat=True)) == {D(y, 4, 1) for y in range(2021, 2026)}
    ours = Observation.objects.filter(organisation__communities=mereshire).exclude(
        indicator__code__startswith="AREA_"  # the area's deprivation (2019) and rurality
    ) | Observation.objects.filter(service__community=mereshire)
    periods = set(ours.values_list("period", flat=True))
    assert min(periods) >= D(2021, 1, 1) and max(periods) <= D(2026, 3, 1)
    codes = set(ours.values_list("indicator__code", flat=True))
    assert {"DEM_DX", "DM_8CP", "STROKE_ESD", "GPPS_LTC_SUPPORT"} <= codes
    assert not any(c.startswith("PCT_") for c in codes)
    # The diagnosis rate of today: people aged 65 and over, for the ICB and each place.
    dx = Observation.objects.filter(indicator__code="DEM_DX")
    assert set(dx.values_list("organisation__kind", flat=True)) == {"icb", "sub_icb"}
    latest = dx.filter(organisation=mereshire.commissioner, period=D(2026, 3, 1)).get()
    assert 60 < latest.value < 70 and latest.target == 66.7


def test_contracts_under_the_nhs_payment_scheme(mereshire):
    contracts = Contract.objects.filter(community=mereshire).select_related("provider")
    forms = Counter(contracts.values_list("payment_form", flat=True))
    assert forms["api"] == 2  # the acute trust and the community and mental health trust
    api = contracts.filter(payment_form="api")
    assert all(c.start_date == D(2022, 4, 1) for c in api)
    assert all("aligned payment and incentive" in c.risk_share.lower() for c in api)
    covid = contracts.filter(start_date=D(2021, 4, 1), end_date=D(2022, 3, 31))
    assert covid.count() == 2 and all(c.payment_form == "block" for c in covid)
    assert all(c.commissioner.kind == "ccg" for c in covid)  # before the ICB
    lva = contracts.get(title__startswith="Low-volume activity agreement")
    assert lva.annual_value < Decimal("500000") and "LVA" in lva.risk_share
    assert all(c.commissioner.kind == "icb" for c in api)
    cquin = IncentiveScheme.objects.filter(contract__community=mereshire)
    assert {(s.financial_year, s.percent) for s in cquin} == {(2022, Decimal("1.25"))}


def test_provider_selection_decision_records(mereshire):
    from commissioning.provider_selection import records
    from commissioning.provider_selection.models import DecisionRecord

    found = {r.reference: r for r in DecisionRecord.objects.filter(community=mereshire)}
    assert set(found) == {"psr-dac-1", "psr-comp-1", "psr-msp-1"}
    for reference in ("psr-dac-1", "psr-comp-1"):
        record = found[reference]
        assert record.is_final and records.verify(record).ok
        assert record.awarded_contract.community == mereshire
        assert record.activities.exists()
    assert not found["psr-msp-1"].is_final
    # The direct award continues the enhanced diabetes service with the GP federation.
    assert "Enhanced diabetes care" in found["psr-dac-1"].title
    assert found["psr-dac-1"].chosen_provider.name.startswith("Mereshire GP Federation")


def test_todays_labour_and_logins(demo, mereshire):
    acts = Activity.objects.filter(community=mereshire)
    assert acts.filter(development__isnull=False).count() >= 300
    assert Participation.objects.filter(activity__community=mereshire).count() > 1_500
    assert min(acts.values_list("date", flat=True)) >= D(2021, 4, 1)
    assert max(acts.values_list("date", flat=True)) <= D(2026, 3, 31)
    logins = {x.username: x for x in demo.logins}
    assert {"mereshire-commissioner", "mereshire-provider", "mereshire-viewer"} <= set(logins)

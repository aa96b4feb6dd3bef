"""The domain model keeps history and refuses records that make no sense."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from commissioning.store.models import (
    Activity,
    CommissioningCommunity,
    Contract,
    Indicator,
    Observation,
    Organisation,
    OrganisationLink,
    Participation,
    Person,
    Relationship,
    ServiceDevelopment,
    Stage,
)

D = dt.date


@pytest.fixture
def wirral(db):
    pct = Organisation.objects.create(
        ods_code="5NK", name="Wirral PCT", kind="pct", valid_to=D(2013, 3, 31)
    )
    ccg = Organisation.objects.create(
        ods_code="12F", name="NHS Wirral CCG", kind="ccg", valid_from=D(2013, 4, 1)
    )
    pct.successor = ccg
    pct.save()
    community = CommissioningCommunity.objects.create(
        code="wirral", name="Wirral", commissioner=pct
    )
    return community, pct, ccg


def test_the_eight_stages_exist_in_order(db):
    assert [s.code for s in Stage.objects.all()] == [
        "scoping",
        "needs_assessment",
        "planning",
        "procurement",
        "implementation",
        "monitoring",
        "review",
        "decommissioning",
    ]


def test_a_practice_that_moved_answers_as_at_a_date(wirral):
    _, pct, ccg = wirral
    practice = Organisation.objects.create(ods_code="N81001", name="A Practice", kind="gp_practice")
    OrganisationLink.objects.create(
        child=practice,
        parent=pct,
        relationship=Relationship.COMMISSIONED_BY,
        valid_to=D(2013, 3, 31),
    )
    OrganisationLink.objects.create(
        child=practice,
        parent=ccg,
        relationship=Relationship.COMMISSIONED_BY,
        valid_from=D(2013, 4, 1),
    )
    assert practice.parent_on(D(2011, 6, 1)) == pct
    assert practice.parent_on(D(2015, 6, 1)) == ccg
    assert practice.parent_on(D(2015, 6, 1), Relationship.MEMBER_OF_PCN) is None
    assert pct.open_on(D(2012, 1, 1)) and not pct.open_on(D(2014, 1, 1))
    assert list(ccg.predecessors.all()) == [pct]


def test_an_organisation_cannot_close_before_it_opens(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(
            ods_code="X1",
            name="Backwards",
            kind="icb",
            valid_from=D(2020, 1, 1),
            valid_to=D(2019, 1, 1),
        )


def test_an_observation_belongs_to_exactly_one_subject_and_is_unique(wirral):
    _, pct, _ = wirral
    ind = Indicator.objects.create(
        code="DEM-DR",
        name="Dementia diagnosis rate",
        domain="outcome",
        unit="%",
        polarity="higher_better",
        frequency="monthly",
    )
    Observation.objects.create(indicator=ind, organisation=pct, period=D(2011, 4, 1), value=42.0)
    with pytest.raises(IntegrityError), transaction.atomic():
        Observation.objects.create(indicator=ind, organisation=pct, period=D(2011, 4, 1), value=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Observation.objects.create(indicator=ind, period=D(2011, 5, 1), value=1)


def test_contract_dates_and_value_are_checked(wirral):
    community, pct, _ = wirral
    trust = Organisation.objects.create(ods_code="RXA", name="A Trust", kind="mental_health_trust")
    with pytest.raises(IntegrityError), transaction.atomic():
        Contract.objects.create(
            reference="C1",
            title="Memory",
            community=community,
            commissioner=pct,
            provider=trust,
            payment_form="block",
            start_date=D(2011, 4, 1),
            end_date=D(2010, 3, 31),
            annual_value=Decimal("1"),
        )


def test_an_activity_serves_several_stages_and_hours_add_up(wirral):
    community, _, _ = wirral
    dev = ServiceDevelopment.objects.create(title="Memory", slug="memory", community=community)
    a = Person.objects.create(name="Dr A. Example", role_type="gp", is_clinician=True)
    b = Person.objects.create(name="B. Example", role_type="commissioning_manager")
    act = Activity.objects.create(
        community=community,
        development=dev,
        date=D(2010, 6, 1),
        title="Workshop",
        kind="engagement",
        nature="relational",
    )
    act.stages.set(Stage.objects.filter(code__in=["needs_assessment", "planning"]))
    Participation.objects.create(activity=act, person=a, hours=Decimal("2.5"))
    Participation.objects.create(activity=act, person=b, hours=Decimal("3"))
    assert act.stages.count() == 2
    assert sum(p.hours for p in act.participations.all()) == Decimal("5.5")
    with pytest.raises(IntegrityError), transaction.atomic():
        Participation.objects.create(activity=act, person=a, hours=Decimal("1"))

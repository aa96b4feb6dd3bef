"""A small hand-made community for the web tests, so figures can be worked out by hand.

Mini development "Falls clinic review" in community "minitown":
- 2010-01-10 "Scoping meeting" (meeting, relational, stages scoping and planning):
  Ann 2 h + Bob 3 h = 5 h
- 2010-02-01 "Needs analysis" (analysis, technical, stage needs assessment): Ann 1.5 h
- 2010-03-15 "Draft specification" (document, technical, stage planning): Bob 4.25 h
Lanes: scoping 5, needs assessment 1.5, planning 5 + 4.25 = 9.25, others 0.
People: Ann 3.5 h over 2 activities, Bob 7.25 h over 2 activities.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

PASSWORD = "mini-Pa55-word"


@pytest.fixture
def mini(db, django_user_model):
    from commissioning.store.models import (
        Activity,
        CommissioningCommunity,
        Contract,
        ExternalDriver,
        Indicator,
        Objective,
        Organisation,
        Participation,
        Person,
        Profile,
        Service,
        ServiceDevelopment,
        Stage,
    )

    ccg = Organisation.objects.create(ods_code="ZZ1", name="Minitown CCG", kind="ccg")
    trust = Organisation.objects.create(ods_code="ZZT", name="Minitown Trust", kind="acute_trust")
    practice = Organisation.objects.create(ods_code="Z00001", name="High St", kind="gp_practice")
    other_ccg = Organisation.objects.create(ods_code="ZZ2", name="Elsewhere CCG", kind="ccg")
    town = CommissioningCommunity.objects.create(
        code="minitown", name="Minitown", commissioner=ccg, population=12345, synthetic=True
    )
    town.members.add(trust, practice)
    elsewhere = CommissioningCommunity.objects.create(
        code="elsewhere", name="Elsewhere", commissioner=other_ccg, population=500
    )
    service = Service.objects.create(
        name="Falls clinic", community=town, provider=trust, setting="acute", tier="specialist"
    )
    Contract.objects.create(
        reference="MINI-001",
        title="Acute contract",
        community=town,
        commissioner=ccg,
        provider=trust,
        payment_form="block",
        start_date=dt.date(2010, 4, 1),
        end_date=dt.date(2011, 3, 31),
        annual_value=Decimal("1234567.00"),
    )
    dev = ServiceDevelopment.objects.create(
        title="Falls clinic review",
        slug="falls-review",
        community=town,
        summary="A made-up review.",
        start_date=dt.date(2010, 1, 1),
    )
    dev.services.add(service)
    ServiceDevelopment.objects.create(title="Hidden plan", slug="hidden-plan", community=elsewhere)
    indicator = Indicator.objects.create(
        code="MINI1",
        name="Falls admissions",
        domain="outcome",
        unit="per 1,000",
        polarity="lower_better",
        frequency="annual",
    )
    Objective.objects.create(
        development=dev,
        description="Fewer falls admissions by 2012",
        indicator=indicator,
        baseline_value=10,
        target_value=8,
        target_date=dt.date(2012, 3, 31),
    )
    Objective.objects.create(development=dev, description="Better joined-up care")
    driver = ExternalDriver.objects.create(
        title="National falls guidance", kind="national_guidance", year=2009
    )
    dev.drivers.add(driver)
    ann = Person.objects.create(name="Ann Example", role_type="commissioning_manager")
    bob = Person.objects.create(name="Bob Example", role_type="gp", is_clinician=True)
    stages = {s.code: s for s in Stage.objects.all()}

    def activity(date, title, kind, nature, stage_codes, hours):
        a = Activity.objects.create(
            community=town, development=dev, date=date, title=title, kind=kind, nature=nature
        )
        a.stages.set([stages[c] for c in stage_codes])
        for person, h in hours:
            Participation.objects.create(activity=a, person=person, hours=Decimal(h))
        return a

    activity(
        dt.date(2010, 1, 10),
        "Scoping meeting",
        "meeting",
        "relational",
        ["scoping", "planning"],
        [(ann, "2"), (bob, "3")],
    )
    activity(
        dt.date(2010, 2, 1),
        "Needs analysis",
        "analysis",
        "technical",
        ["needs_assessment"],
        [(ann, "1.5")],
    )
    activity(
        dt.date(2010, 3, 15),
        "Draft specification",
        "document",
        "technical",
        ["planning"],
        [(bob, "4.25")],
    )

    def user(name, role=None, community=None, **extra):
        u = django_user_model.objects.create_user(name, password=PASSWORD, **extra)
        if role:
            Profile.objects.create(user=u, role=role, community=community)
        return u

    return {
        "community": town,
        "elsewhere": elsewhere,
        "development": dev,
        "commissioner": user("mini-commissioner", "commissioner", town),
        "viewer": user("mini-viewer", "viewer", town),
        "admin": user("mini-admin", "admin"),
        "nobody": user("mini-nobody"),
    }

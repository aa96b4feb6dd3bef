"""A small hand-made community for the tests of recording the work of commissioning, buildable in
a test database and, for the browser tests, in a served SQLite file (``python world.py DB PW``).

Minitown (commissioner Minitown CCG, ZW1), with Alpha Trust (ZWA) and Beta Care (ZWB):
- "Diabetes redesign" (diabetes-redesign): started 1 January 2010, live 1 January 2011, service
  Diabetes clinic (Alpha Trust), partner Alpha Trust; one measurable objective (MT.HBA from 50
  to 55 by 31 March 2012); one meeting, the "Diabetes programme board" on 1 March 2010 (scoping
  and planning, relational): Ann 2 h, Bob 1.5 h, Cath 2 h. One evidence-log document.
- "Foot care review" (foot-care-review): partner Beta Care; one analysis on 1 June 2010.
- Indicator MT.HBA (HbA1c in range, %, higher is better, not patient counts): Minitown CCG
  monthly from January 2010 to December 2011: 50 plus a small wobble in 2010, 58 plus the same
  wobble in 2011.
- People (all Minitown's): Ann Example (commissioning manager, CCG), Bob Example (GP), Cath
  Example (provider manager, Alpha Trust), Dan Example (consultant, Alpha Trust).
- Elsewhere: another community, with its own development and commissioner.

Logins: town-commissioner, town-viewer, alpha-provider (Alpha Trust), beta-provider (Beta
Care), elsewhere-commissioner.
"""

from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal

WOBBLE = [0.5, -0.3, 0.2, -0.4, 0.1, 0.3, -0.2, 0.4, -0.1, 0.0, 0.2, -0.3]
LEVELS = {2010: 50.0, 2011: 58.0}


def build(*, password: str | None = None) -> dict:
    from django.contrib.auth import get_user_model

    from commissioning.evidence.models import Evidence
    from commissioning.store.models import (
        Activity,
        CommissioningCommunity,
        Condition,
        Indicator,
        Objective,
        Observation,
        Organisation,
        Participation,
        Person,
        Profile,
        Service,
        ServiceDevelopment,
        Stage,
    )
    from commissioning.work.models import Partner

    org = Organisation.objects.create
    ccg = org(ods_code="ZW1", name="Minitown CCG", kind="ccg")
    alpha = org(ods_code="ZWA", name="Alpha Trust", kind="acute_trust")
    beta = org(ods_code="ZWB", name="Beta Care", kind="community_trust")
    practice = org(ods_code="ZW0001", name="High Street Surgery", kind="gp_practice")
    other = org(ods_code="ZX1", name="Elsewhere CCG", kind="ccg")
    town = CommissioningCommunity.objects.create(
        code="minitown", name="Minitown", commissioner=ccg, synthetic=True
    )
    town.members.add(alpha, beta, practice)
    elsewhere = CommissioningCommunity.objects.create(
        code="elsewhere", name="Elsewhere", commissioner=other, synthetic=True
    )
    diabetes, _ = Condition.objects.get_or_create(slug="diabetes", defaults={"name": "Diabetes"})
    clinic = Service.objects.create(
        name="Diabetes clinic", community=town, provider=alpha, setting="community"
    )
    feet = Service.objects.create(
        name="Foot service", community=town, provider=beta, setting="community"
    )
    hba = Indicator.objects.create(
        code="MT.HBA",
        name="HbA1c in range",
        domain="outcome",
        unit="%",
        polarity="higher_better",
        frequency="monthly",
        patient_counts=False,
    )
    for year, level in LEVELS.items():
        for month, wobble in enumerate(WOBBLE, start=1):
            Observation.objects.create(
                indicator=hba,
                organisation=ccg,
                period=dt.date(year, month, 1),
                value=level + wobble,
            )
    redesign = ServiceDevelopment.objects.create(
        title="Diabetes redesign",
        slug="diabetes-redesign",
        community=town,
        start_date=dt.date(2010, 1, 1),
        go_live_date=dt.date(2011, 1, 1),
    )
    redesign.services.add(clinic)
    redesign.conditions.add(diabetes)
    Partner.objects.create(development=redesign, organisation=alpha)
    objective = Objective.objects.create(
        development=redesign,
        description="More people with diabetes with HbA1c in range",
        indicator=hba,
        baseline_value=50,
        target_value=55,
        target_date=dt.date(2012, 3, 31),
    )
    feet_review = ServiceDevelopment.objects.create(
        title="Foot care review", slug="foot-care-review", community=town
    )
    feet_review.services.add(feet)
    Partner.objects.create(development=feet_review, organisation=beta)
    ServiceDevelopment.objects.create(title="Hidden plan", slug="hidden-plan", community=elsewhere)

    def person(name, role, organisation=None, clinician=False):
        p = Person.objects.create(
            name=name, role_type=role, organisation=organisation, is_clinician=clinician
        )
        p.communities.add(town)
        return p

    ann = person("Ann Example", "commissioning_manager", ccg)
    bob = person("Bob Example", "gp", practice, clinician=True)
    cath = person("Cath Example", "provider_manager", alpha)
    dan = person("Dan Example", "consultant", alpha, clinician=True)
    stages = {s.code: s for s in Stage.objects.all()}
    board = Activity.objects.create(
        community=town,
        development=redesign,
        date=dt.date(2010, 3, 1),
        title="Diabetes programme board",
        kind="meeting",
        nature="relational",
    )
    board.stages.set([stages["scoping"], stages["planning"]])
    for p, hours in ((ann, "2"), (bob, "1.5"), (cath, "2")):
        Participation.objects.create(activity=board, person=p, hours=Decimal(hours))
    analysis = Activity.objects.create(
        community=town,
        development=feet_review,
        date=dt.date(2010, 6, 1),
        title="Foot ulcer audit",
        kind="analysis",
        nature="technical",
    )
    analysis.stages.set([stages["needs_assessment"]])
    Participation.objects.create(activity=analysis, person=ann, hours=Decimal("6"))
    minutes = Evidence.objects.create(
        community=town,
        development=redesign,
        title="Programme board minutes",
        kind="meeting_notes",
        date=dt.date(2010, 3, 1),
        filename="minutes.txt",
        content=b"The board agreed to redesign diabetes care.",
        size=43,
        text="The board agreed to redesign diabetes care.",
    )

    def user(name, role, community=town, organisation=None):
        u = get_user_model().objects.create_user(name, password=password)
        Profile.objects.create(user=u, role=role, community=community, organisation=organisation)
        return u

    return {
        "community": town,
        "elsewhere": elsewhere,
        "ccg": ccg,
        "alpha": alpha,
        "beta": beta,
        "clinic": clinic,
        "indicator": hba,
        "diabetes": diabetes,
        "redesign": redesign,
        "feet": feet_review,
        "objective": objective,
        "board": board,
        "analysis": analysis,
        "minutes": minutes,
        "people": {"ann": ann, "bob": bob, "cath": cath, "dan": dan},
        "commissioner": user("town-commissioner", "commissioner"),
        "viewer": user("town-viewer", "viewer"),
        "alpha_user": user("alpha-provider", "provider", organisation=alpha),
        "beta_user": user("beta-provider", "provider", organisation=beta),
        "elsewhere_user": user("elsewhere-commissioner", "commissioner", community=elsewhere),
    }


if __name__ == "__main__":  # python world.py sqlite:///path PASSWORD
    from commissioning.store.runtime import setup

    setup(sys.argv[1])
    build(password=sys.argv[2])

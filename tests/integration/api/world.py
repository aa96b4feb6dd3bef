"""A small hand-made world for the API and permission tests (never the demo).

Two communities:
- "north": commissioner North CCG; members Acute Trust A, Community Trust B and a practice.
  Services "Diabetes clinic" (Trust A) and "Memory service" (Trust B); contracts NA-1 (Trust A,
  £1,200,000 a year, CQUIN worth £24,000) and NB-1 (Trust B, £300,000). Development "Diabetes
  redesign" with one objective, one driver and one activity (Ann 2 h + Bob 3.5 h = 5.5 h).
- "south": commissioner South CCG; member South Trust; service, contract SA-1 (£500,000),
  development "Stroke review" with one activity.

Indicators: DM1 (patient counts) and FIN1 (not patient counts). Observations of DM1:
- Trust A 2024-04-01: 5 / 40 (value 12.5)        -> numerator suppressed, value hidden
- Trust A 2024-05-01: 23 / 98 (value 23.4694)    -> 25 / 100, value 25.0
- Memory service (Trust B) 2024-04-01: 12 / 50 (value 24.0) -> 10 / 50, value 20.0
- South Trust 2024-04-01: 30 / 60 (value 50.0)   -> 30 / 60, value 50.0
and FIN1 for Trust A 2024-04-01: 3 / 4 (value 75.0): not patient counts, shown as stored.

Groupings: "north-locality" (north: Trust A and the practice), "south-network" (south: South
Trust) and "shared-peers" (no community, so shared: the practice and South Trust).

Logins (no passwords: tests sign in with force_login): admin (superuser), north_commissioner,
provider_a (Trust A), north_viewer, south_commissioner, and nobody (signed in, no profile).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

ROLES = [
    "anonymous",
    "admin",
    "north_commissioner",
    "provider_a",
    "north_viewer",
    "south_commissioner",
    "nobody",
]


def build_world():
    from django.contrib.auth.models import User

    from commissioning.store import models as m

    w = SimpleNamespace()
    org = m.Organisation.objects.create
    w.north_ccg = org(ods_code="NCG", name="North CCG", kind="ccg")
    w.trust_a = org(ods_code="RTA", name="Acute Trust A", kind="acute_trust")
    w.trust_b = org(ods_code="RTB", name="Community Trust B", kind="community_trust")
    w.practice = org(ods_code="N00001", name="North Street Surgery", kind="gp_practice")
    w.south_ccg = org(ods_code="SCG", name="South CCG", kind="ccg")
    w.south_trust = org(ods_code="RTS", name="South Trust", kind="acute_trust")
    w.north = m.CommissioningCommunity.objects.create(
        code="north", name="North", commissioner=w.north_ccg, population=250000
    )
    w.north.members.add(w.trust_a, w.trust_b, w.practice)
    w.south = m.CommissioningCommunity.objects.create(
        code="south", name="South", commissioner=w.south_ccg, population=180000
    )
    w.south.members.add(w.south_trust)

    w.diabetes = m.Condition.objects.create(name="Diabetes", slug="diabetes")
    svc = m.Service.objects.create
    w.svc_a = svc(name="Diabetes clinic", community=w.north, provider=w.trust_a, setting="acute")
    w.svc_a.conditions.add(w.diabetes)
    w.svc_b = svc(name="Memory service", community=w.north, provider=w.trust_b, setting="community")
    w.svc_s = svc(name="Stroke unit", community=w.south, provider=w.south_trust, setting="acute")

    def contract(ref, community, commissioner, provider, value, services):
        c = m.Contract.objects.create(
            reference=ref,
            title=f"Contract {ref}",
            community=community,
            commissioner=commissioner,
            provider=provider,
            payment_form="block",
            start_date=dt.date(2024, 4, 1),
            end_date=dt.date(2027, 3, 31),
            annual_value=Decimal(value),
        )
        c.services.add(*services)
        return c

    w.con_a = contract("NA-1", w.north, w.north_ccg, w.trust_a, "1200000.00", [w.svc_a])
    w.con_b = contract("NB-1", w.north, w.north_ccg, w.trust_b, "300000.00", [w.svc_b])
    w.con_s = contract("SA-1", w.south, w.south_ccg, w.south_trust, "500000.00", [w.svc_s])
    m.IncentiveScheme.objects.create(
        contract=w.con_a,
        scheme="CQUIN",
        financial_year=2024,
        percent=Decimal("2.00"),
        value=Decimal("24000.00"),
    )

    w.dm1 = m.Indicator.objects.create(
        code="DM1",
        name="Diabetes patients with HbA1c in range",
        domain="outcome",
        unit="%",
        polarity="higher_better",
        frequency="monthly",
        patient_counts=True,
    )
    w.fin1 = m.Indicator.objects.create(
        code="FIN1",
        name="Invoices paid on time",
        domain="finance",
        unit="%",
        polarity="higher_better",
        frequency="monthly",
        patient_counts=False,
    )
    obs = m.Observation.objects.create
    april, may = dt.date(2024, 4, 1), dt.date(2024, 5, 1)
    w.obs_a_small = obs(
        indicator=w.dm1,
        organisation=w.trust_a,
        period=april,
        numerator=5,
        denominator=40,
        value=12.5,
    )
    w.obs_a_round = obs(
        indicator=w.dm1,
        organisation=w.trust_a,
        period=may,
        numerator=23,
        denominator=98,
        value=100 * 23 / 98,
    )
    w.obs_b_service = obs(
        indicator=w.dm1, service=w.svc_b, period=april, numerator=12, denominator=50, value=24.0
    )
    w.obs_s = obs(
        indicator=w.dm1,
        organisation=w.south_trust,
        period=april,
        numerator=30,
        denominator=60,
        value=50.0,
    )
    w.obs_a_fin = obs(
        indicator=w.fin1,
        organisation=w.trust_a,
        period=april,
        numerator=3,
        denominator=4,
        value=75.0,
    )

    w.driver = m.ExternalDriver.objects.create(
        title="NSF for Diabetes", kind="national_guidance", year=2001
    )
    w.dev_n = m.ServiceDevelopment.objects.create(
        title="Diabetes redesign", slug="diabetes-redesign", community=w.north
    )
    w.dev_n.drivers.add(w.driver)
    w.dev_n.services.add(w.svc_a)
    m.Objective.objects.create(
        development=w.dev_n,
        description="More patients in range",
        indicator=w.dm1,
        target_value=60,
        target_date=dt.date(2026, 3, 31),
    )
    w.dev_s = m.ServiceDevelopment.objects.create(
        title="Stroke review", slug="stroke-review", community=w.south
    )
    person = m.Person.objects.create
    w.ann = person(
        name="Ann Commissioner", role_type="commissioning_manager", organisation=w.north_ccg
    )
    w.bob = person(
        name="Bob Consultant", role_type="consultant", is_clinician=True, organisation=w.trust_a
    )
    w.ann.communities.add(w.north)
    w.bob.communities.add(w.north)
    w.act_n = m.Activity.objects.create(
        community=w.north,
        development=w.dev_n,
        date=dt.date(2024, 1, 10),
        title="Scoping meeting",
        kind="meeting",
        nature="relational",
    )
    m.Participation.objects.create(activity=w.act_n, person=w.ann, hours=Decimal("2.00"))
    m.Participation.objects.create(activity=w.act_n, person=w.bob, hours=Decimal("3.50"))
    w.act_s = m.Activity.objects.create(
        community=w.south,
        development=w.dev_s,
        date=dt.date(2024, 2, 1),
        title="Stroke audit",
        kind="analysis",
        nature="technical",
    )

    grouping = m.Grouping.objects.create
    w.grp_n = grouping(
        code="north-locality", name="North locality", kind="locality", community=w.north
    )
    w.grp_n.members.add(w.trust_a, w.practice)
    w.grp_s = grouping(
        code="south-network", name="South network", kind="clinical_network", community=w.south
    )
    w.grp_s.members.add(w.south_trust)
    w.grp_shared = grouping(code="shared-peers", name="Shared peers", kind="peer_group")
    w.grp_shared.members.add(w.practice, w.south_trust)

    w.users = {}
    w.users["admin"] = User.objects.create_superuser("admin", password=None)

    def login(name, role, community, organisation=None):
        user = User.objects.create_user(name, password=None)
        m.Profile.objects.create(
            user=user, role=role, community=community, organisation=organisation
        )
        w.users[name] = user

    login("north_commissioner", "commissioner", w.north)
    login("provider_a", "provider", w.north, w.trust_a)
    login("north_viewer", "viewer", w.north)
    login("south_commissioner", "commissioner", w.south)
    w.users["nobody"] = User.objects.create_user("nobody", password=None)
    return w

"""A small hand-made community for the tests of recalculating limits at a go-live, buildable in
a test database and, for the browser test, in a served SQLite file (``python world.py DB PW``).

Recalctown (commissioner Recalctown CCG, ZR1), with Memory Trust (ZRT) providing the Memory
clinic; another community, Elsewhere (ZR2), with its own commissioner.

- RT.DX "Diagnosis rate" (%, higher is better, a numerator and a denominator, not patient
  counts): Recalctown CCG monthly, January 2010 to December 2011: 40 plus WOBBLE in 2010, 48
  plus the same WOBBLE in 2011; target 45.
  WOBBLE sums to 0.4: the means are 40.0333 (2010) and 48.0333 (2011); its 11 moving ranges
  (0.8, 0.5, 0.6, 0.5, 0.2, 0.5, 0.6, 0.5, 0.1, 0.2, 0.5) sum to 5, so each year's mean moving
  range is 5/11 = 0.4545 and its limits are its mean -/+ 2.66 x 0.4545 = 1.2091: 38.8242 to
  41.2424 and 46.8242 to 49.2424. With one set of limits over both years, the jump between
  them (8.8) is screened out (above 3.267 x 18.8/23): mean 44.0333, limits 42.8242 to 45.2424,
  every point outside them, and the target 45 between them (hits and misses). Recalculated
  from January 2011: every 2011 point is common cause, and the target 45 is below the lower
  limit 46.8242 (consistently passes).
- "Memory service" (memory-service) went live on 1 January 2011, objective RT.DX: 12 values
  before and 12 from go-live, all 12 above the earlier mean: a recalculation is proposed.
- RT.WAIT "Wait for assessment" (weeks, lower is better): Recalctown CCG, the same months, 12
  plus WOBBLE until June 2011 and 9 plus WOBBLE from July 2011. "Quick wins" (quick-wins) went
  live on 1 July 2011 with objective RT.WAIT: 18 values before, only 6 from go-live: not yet.
- RT.FALLS "Falls" (a count: no denominator; unit "falls", lower is better): Memory clinic,
  January to December 2010: 1, 3, 0, 2, 5, 1, 0, 4, 2, 1, 3, 0. Mean 22/12 = 1.8333, mean
  moving range 27/11 = 2.4545, lower limit 1.8333 - 6.5291 = -4.6958 (shown as 0), upper
  limit 8.3624.

Logins: recalc-commissioner, recalc-viewer, recalc-provider (Memory Trust), recalc-admin
(administrator), elsewhere-commissioner.
"""

from __future__ import annotations

import datetime as dt
import sys

WOBBLE = [0.5, -0.3, 0.2, -0.4, 0.1, 0.3, -0.2, 0.4, -0.1, 0.0, 0.2, -0.3]
MONTHS = [dt.date(2010 + i // 12, 1 + i % 12, 1) for i in range(24)]
DX = [40 + w for w in WOBBLE] + [48 + w for w in WOBBLE]
WAIT = [12 + w for w in WOBBLE] + [12 + w for w in WOBBLE[:6]] + [9 + w for w in WOBBLE[6:]]
FALLS = [1, 3, 0, 2, 5, 1, 0, 4, 2, 1, 3, 0]
GO_LIVE = dt.date(2011, 1, 1)


def build(*, password: str | None = None) -> dict:
    from django.contrib.auth import get_user_model

    from commissioning.store.models import (
        CommissioningCommunity,
        Indicator,
        Objective,
        Observation,
        Organisation,
        Profile,
        Service,
        ServiceDevelopment,
    )

    org = Organisation.objects.create
    ccg = org(ods_code="ZR1", name="Recalctown CCG", kind="ccg")
    trust = org(ods_code="ZRT", name="Memory Trust", kind="mental_health_trust")
    other = org(ods_code="ZR2", name="Elsewhere CCG", kind="ccg")
    town = CommissioningCommunity.objects.create(
        code="recalctown", name="Recalctown", commissioner=ccg, synthetic=True
    )
    town.members.add(trust)
    elsewhere = CommissioningCommunity.objects.create(
        code="elsewhere", name="Elsewhere", commissioner=other, synthetic=True
    )
    clinic = Service.objects.create(
        name="Memory clinic", community=town, provider=trust, setting="community"
    )

    def indicator(code, name, unit, polarity, denominator):
        return Indicator.objects.create(
            code=code,
            name=name,
            domain="outcome",
            unit=unit,
            numerator="People counted",
            denominator=denominator,
            polarity=polarity,
            frequency="monthly",
            patient_counts=False,
        )

    dx = indicator("RT.DX", "Diagnosis rate", "%", "higher_better", "People estimated")
    wait = indicator("RT.WAIT", "Wait for assessment", "weeks", "lower_better", "People seen")
    falls = indicator("RT.FALLS", "Falls", "falls", "lower_better", "")
    rows = [
        Observation(indicator=dx, organisation=ccg, period=p, value=round(v, 4), target=45.0)
        for p, v in zip(MONTHS, DX, strict=True)
    ]
    rows += [
        Observation(indicator=wait, organisation=ccg, period=p, value=round(v, 4))
        for p, v in zip(MONTHS, WAIT, strict=True)
    ]
    rows += [
        Observation(indicator=falls, service=clinic, period=p, value=float(v))
        for p, v in zip(MONTHS[:12], FALLS, strict=True)
    ]
    Observation.objects.bulk_create(rows)

    memory = ServiceDevelopment.objects.create(
        title="Memory service",
        slug="memory-service",
        community=town,
        summary="A new memory assessment service. Synthetic.",
        go_live_date=GO_LIVE,
    )
    memory.services.add(clinic)
    Objective.objects.create(
        development=memory, description="Diagnose more people", indicator=dx, target_value=45
    )
    quick = ServiceDevelopment.objects.create(
        title="Quick wins", slug="quick-wins", community=town, go_live_date=dt.date(2011, 7, 1)
    )
    Objective.objects.create(development=quick, description="Shorter waits", indicator=wait)

    def user(name, role, community=town, organisation=None):
        u = get_user_model().objects.create_user(name, password=password)
        Profile.objects.create(user=u, role=role, community=community, organisation=organisation)
        return u

    return {
        "community": town,
        "elsewhere": elsewhere,
        "ccg": ccg,
        "trust": trust,
        "clinic": clinic,
        "dx": dx,
        "wait": wait,
        "falls": falls,
        "memory": memory,
        "quick": quick,
        "commissioner": user("recalc-commissioner", "commissioner"),
        "viewer": user("recalc-viewer", "viewer"),
        "provider": user("recalc-provider", "provider", organisation=trust),
        "admin": user("recalc-admin", "admin", community=None),
        "elsewhere_user": user("elsewhere-commissioner", "commissioner", community=elsewhere),
    }


if __name__ == "__main__":  # python world.py sqlite:///path PASSWORD
    from commissioning.store.runtime import setup

    setup(sys.argv[1])
    build(password=sys.argv[2])

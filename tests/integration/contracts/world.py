"""A small community whose contract figures can be worked by hand (never the demo).

Ctown CCG (ZC1) commissions from Alpha Hospital (ZCA, acute) and Beta Community Care (ZCB):

- **CT-ACT** (Alpha, activity-based, £1,650,000 a year), 2023/24 reported April to
  September 2023 (six months), 2022/23 complete:

  - line ``NEL`` (HRG spells, £1,000 each): last year 98, 102, 98, 102, ... (1,200); plan 100 a
    month; this year 130 every month: over plan by 180 (30%), a special cause signal;
  - line ``OPFA`` (attendances, £150 each): last year 50 a month; plan 50 a month; this year
    52, 48, 51, 49, 50, 50 (300, on plan): noise.

  A CQUIN scheme for 2023/24 at 2% of the annual value on 1 April 2023 (£1,710,000 after
  variation 1): £34,200, with one indicator (100%) of four quarterly milestones (25% each,
  £8,550): Q1 recorded met, Q2 recorded not met, Q3 and Q4 pending and not yet due on
  30 September 2023 (the end of the latest month reported). Variation 1 (signed, +£60,000 a
  year from 1 October 2022) and variation 2 (awaiting signature, an extension). One open
  activity challenge of £4,000.
- **CT-BLK** (Beta, block, £1,200,000 a year) with variation 1 (signed, +£120,000 a year from
  1 July 2023): one line ``L1`` (contacts, indicative £40) planned 2,500 a month, actual 2,600
  a month April to September 2023.
- **CT-API** (Alpha, aligned payment and incentive): line ``NEL`` fixed (plan 100 a month at
  £2,000) and line ``EL`` variable at a marginal rate of 75% (plan 50 a month at £3,000);
  actual NEL 130 and EL 60 a month, April to June 2023.

Logins (no passwords: tests sign in with force_login): ctown-commissioner, ctown-viewer,
alpha-provider, beta-provider, and other-commissioner of another community.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

D = dt.date
YEAR = 2023  # 2023/24
PREVIOUS = [D(2022 + (3 + i) // 12, (3 + i) % 12 + 1, 1) for i in range(12)]
THIS = [D(2023 + (3 + i) // 12, (3 + i) % 12 + 1, 1) for i in range(12)]


def build() -> SimpleNamespace:
    from django.contrib.auth import get_user_model

    from commissioning.contracts.models import (
        ActivityChallenge,
        ContractLine,
        ContractVariation,
        IncentiveIndicator,
        Milestone,
        MonthlyActual,
        MonthlyPlan,
    )
    from commissioning.store.models import (
        CommissioningCommunity,
        Contract,
        IncentiveScheme,
        Organisation,
        Profile,
    )

    w = SimpleNamespace()
    org = Organisation.objects.create
    w.ccg = org(ods_code="ZC1", name="Ctown CCG", kind="ccg")
    w.alpha = org(ods_code="ZCA", name="Alpha Hospital", kind="acute_trust")
    w.beta = org(ods_code="ZCB", name="Beta Community Care", kind="community_trust")
    w.other_ccg = org(ods_code="ZO1", name="Otherton CCG", kind="ccg")
    w.community = CommissioningCommunity.objects.create(
        code="ctown", name="Ctown", commissioner=w.ccg, synthetic=True
    )
    w.community.members.add(w.alpha, w.beta)
    w.other = CommissioningCommunity.objects.create(
        code="otherton", name="Otherton", commissioner=w.other_ccg
    )

    def contract(ref, provider, form, value):
        return Contract.objects.create(
            reference=ref,
            title=f"Contract {ref}",
            community=w.community,
            commissioner=w.ccg,
            provider=provider,
            payment_form=form,
            start_date=D(2022, 4, 1),
            end_date=D(2025, 3, 31),
            annual_value=Decimal(value),
        )

    w.act = contract("CT-ACT", w.alpha, "activity", 1_650_000)
    w.blk = contract("CT-BLK", w.beta, "block", 1_200_000)
    w.api = contract("CT-API", w.alpha, "api", 9_000_000)

    def line(contract_, code, pod, currency, price, **extra):
        return ContractLine.objects.create(
            contract=contract_,
            code=code,
            name=f"{code} line",
            point_of_delivery=pod,
            currency=currency,
            price=Decimal(price),
            **extra,
        )

    def monthly(model, line_, months, values):
        model.objects.bulk_create(
            [model(line=line_, month=m, activity=v) for m, v in zip(months, values, strict=False)]
        )

    w.nel = line(w.act, "NEL", "NEL", "HRG spell", 1000, treatment_function="300")
    w.opfa = line(w.act, "OPFA", "OPFA", "attendance", 150)
    monthly(MonthlyActual, w.nel, PREVIOUS, [98, 102] * 6)
    monthly(MonthlyPlan, w.nel, THIS, [100] * 12)
    monthly(MonthlyActual, w.nel, THIS, [130] * 6)
    monthly(MonthlyActual, w.opfa, PREVIOUS, [50] * 12)
    monthly(MonthlyPlan, w.opfa, THIS, [50] * 12)
    monthly(MonthlyActual, w.opfa, THIS, [52, 48, 51, 49, 50, 50])

    w.l1 = line(w.blk, "L1", "COM", "contact", 40)
    monthly(MonthlyPlan, w.l1, THIS, [2500] * 12)
    monthly(MonthlyActual, w.l1, THIS, [2600] * 6)

    w.api_nel = line(w.api, "NEL", "NEL", "HRG spell", 2000, fixed=True)
    w.api_el = line(w.api, "EL", "EL", "HRG spell", 3000, marginal_rate=Decimal(75))
    monthly(MonthlyPlan, w.api_nel, THIS, [100] * 12)
    monthly(MonthlyActual, w.api_nel, THIS, [130] * 3)
    monthly(MonthlyPlan, w.api_el, THIS, [50] * 12)
    monthly(MonthlyActual, w.api_el, THIS, [60] * 3)

    ContractVariation.objects.create(
        contract=w.act,
        number=1,
        title="More stroke beds",
        kind="value",
        status="signed",
        proposed=D(2022, 8, 1),
        signed=D(2022, 9, 1),
        effective=D(2022, 10, 1),
        value_change=Decimal(60_000),
        description="Two stroke beds.",
        reason="Demand.",
    )
    ContractVariation.objects.create(
        contract=w.act,
        number=2,
        title="Extension to March 2026",
        kind="term",
        status="awaiting_signature",
        proposed=D(2023, 9, 10),
        effective=D(2025, 4, 1),
        new_end_date=D(2026, 3, 31),
        description="One more year.",
        reason="Re-procurement delayed.",
    )
    ContractVariation.objects.create(
        contract=w.blk,
        number=1,
        title="Extra district nurses",
        kind="value",
        status="signed",
        proposed=D(2023, 5, 1),
        signed=D(2023, 6, 20),
        effective=D(2023, 7, 1),
        value_change=Decimal(120_000),
        description="Six more nurses.",
        reason="Winter pressures.",
    )
    ActivityChallenge.objects.create(
        contract=w.act,
        line=w.nel,
        reference="CH-1",
        raised=D(2023, 8, 15),
        month=D(2023, 6, 1),
        kind="coding",
        description="Zero-day stays coded as spells.",
        value=Decimal(4000),
    )
    w.scheme = IncentiveScheme.objects.create(
        contract=w.act, scheme="CQUIN", financial_year=YEAR, percent=Decimal("2.00")
    )
    w.indicator = IncentiveIndicator.objects.create(
        scheme=w.scheme, code="FLU", name="Staff flu vaccination", weight=Decimal(100)
    )
    w.milestones = [
        Milestone.objects.create(
            indicator=w.indicator,
            due=due,
            description=f"Quarter {q}",
            weight=Decimal(25),
            status=status,
            recorded=recorded,
        )
        for q, due, status, recorded in (
            (1, D(2023, 6, 30), "met", D(2023, 7, 20)),
            (2, D(2023, 9, 30), "not_met", D(2023, 10, 5)),
            (3, D(2023, 12, 31), "pending", None),
            (4, D(2024, 3, 31), "pending", None),
        )
    ]

    User = get_user_model()

    def user(name, role, community, organisation=None):
        u = User.objects.create_user(name, password=None)
        Profile.objects.create(user=u, role=role, community=community, organisation=organisation)
        return u

    w.users = {
        "commissioner": user("ctown-commissioner", "commissioner", w.community),
        "viewer": user("ctown-viewer", "viewer", w.community),
        "alpha": user("alpha-provider", "provider", w.community, w.alpha),
        "beta": user("beta-provider", "provider", w.community, w.beta),
        "other": user("other-commissioner", "commissioner", w.other),
    }
    return w

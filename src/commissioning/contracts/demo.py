"""Synthetic contract performance for a community (called by the demo builder and by tests).

:func:`add_contract_performance` gives every contract of a community that has none yet:

- **lines** by the contract's payment form and provider: an acute contract paid by activity
  (Payment by Results at national tariff, 2008-2013) gets eleven lines by point of delivery and
  specialty (elective and day case spells, emergency spells in general and stroke medicine,
  excess bed days, outpatient first and follow-up attendances in diabetic medicine and the rest,
  A&E attendances, critical care bed days) with prices; block contracts get one line per
  service, with an indicative price; a cost and volume contract gets one line with its volume
  band; a section 75 agreement one line of sessions;
- **plans** for each financial year from ``first_year`` to ``last_month``'s, phased by month in
  the line's seasonal shape (winter peaks for emergency care, dips in August and December for
  planned care) with 2% growth a year;
- **actual activity** each month from the later of the contract's start and April of
  ``first_year`` to ``last_month`` (33 months for the demo: April 2010 to December 2012),
  around the plan with Poisson and 2% noise, and with real changes: every acute contract's
  general medicine emergency spells rise 14% from June of the last year (over plan, a special
  cause signal) and its other follow-up attendances fall 12% from June (under plan); the
  first block contract's first line rises 15% from July (over its indicative plan);
- **variations**: an annual refresh for every contract (signed; for 2011/12, or the nearest
  year inside the contract's term), added stroke capacity for acute contracts (signed) and a
  one-year extension awaiting signature, and a new specification for community contracts that
  run in June 2012; proposed and signed on working days, effective within the contract's term;
- **incentive indicators and milestones** for the NHS trusts' CQUIN schemes (2009/10 and
  2010/11, the years whose rates our sources confirm; the demo builder makes the schemes): two
  or three indicators each with quarterly milestones, those due recorded as met, some partly met
  and some not met; the community trust's foot-protection waits are left to be judged from
  monitoring (DM_FOOT_DAYS) when present;
- **activity challenges**: three on each acute contract (coding, duplicates, readmissions)
  and one on each block contract (on July 2012's activity, or two months before the end of a
  contract that ended earlier).

Everything is synthetic. ``rng`` is a NumPy ``Generator``: the same stream gives the same data.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np

from commissioning.contracts.models import (
    ActivityChallenge,
    ChallengeStatus,
    ContractLine,
    ContractVariation,
    IncentiveIndicator,
    Milestone,
    MilestoneStatus,
    MonthlyActual,
    MonthlyPlan,
    VariationKind,
    VariationStatus,
)
from commissioning.contracts.months import financial_year, months
from commissioning.contracts.phasing import phase
from commissioning.store.models import (
    Contract,
    IncentiveScheme,
    Indicator,
    OrganisationKind,
    PaymentForm,
)

D = dt.date
K = OrganisationKind
GROWTH = 0.02
LAST_MONTH = D(2012, 12, 1)  # the demo's latest month of activity (month 9 of 2012/13)
# Calendar-month multipliers (January first), each averaging 1.
SEASONS = {
    "emergency": [1.10, 1.05, 1.02, 0.98, 0.97, 0.95, 0.96, 0.94, 0.97, 1.00, 1.03, 1.03],
    "planned": [1.02, 1.03, 1.05, 0.94, 1.02, 1.04, 1.03, 0.88, 1.02, 1.06, 1.06, 0.85],
    "community": [1.01, 1.02, 1.03, 0.97, 1.01, 1.02, 1.01, 0.93, 1.01, 1.03, 1.03, 0.93],
    "flat": [1.0] * 12,
}
# code, name, point of delivery, treatment function, currency, price (£), share of value, season
ACUTE_LINES = [
    ("EL-100", "General surgery elective spells", "EL", "100", "HRG spell", 3300, 0.14,
     "planned"),
    ("DC-100", "General surgery day cases", "DC", "100", "HRG spell", 720, 0.07, "planned"),
    ("NEL-300", "General medicine emergency spells", "NEL", "300", "HRG spell", 1650, 0.30,
     "emergency"),
    ("NEL-328", "Stroke medicine emergency spells", "NEL", "328", "HRG spell", 4200, 0.05,
     "emergency"),
    ("XBD-300", "General medicine excess bed days", "NELXBD", "300", "bed day", 240, 0.04,
     "emergency"),
    ("OPFA-307", "Diabetic medicine first attendances", "OPFA", "307", "attendance", 190, 0.02,
     "planned"),
    ("OPFUP-307", "Diabetic medicine follow-up attendances", "OPFUP", "307", "attendance", 95,
     0.03, "planned"),
    ("OPFA-OTH", "Other outpatient first attendances", "OPFA", "", "attendance", 150, 0.10,
     "planned"),
    ("OPFUP-OTH", "Other outpatient follow-up attendances", "OPFUP", "", "attendance", 85, 0.10,
     "planned"),
    ("AE", "A&E attendances", "AE", "", "attendance", 90, 0.07, "emergency"),
    ("CC", "Adult critical care bed days", "CC", "192", "bed day", 1150, 0.08, "flat"),
]  # fmt: skip
# Real changes in the last year: line code -> (first month's calendar month, size)
ACUTE_CHANGES = {"NEL-300": (6, 0.14), "OPFUP-OTH": (6, -0.12)}
BLOCK_CHANGE = (7, 0.15)
UNIT = {  # block and other lines by provider kind: point of delivery, currency, £ a unit
    K.COMMUNITY_TRUST: ("COM", "contact", 48),
    K.MENTAL_HEALTH_TRUST: ("MH", "contact", 120),
    K.VOLUNTARY: ("COM", "contact", 35),
    K.LOCAL_AUTHORITY: ("OTHER", "session", 60),
    K.ACUTE_TRUST: ("OPFA", "attendance", 150),
}
CQUIN_INDICATORS = {
    K.ACUTE_TRUST: [
        ("STROKE90", "Stroke: 80% of patients spend 90% of their stay on a stroke unit", 40,
         None, None),
        ("DEM75", "Dementia: memory screening of emergency admissions aged 75 and over", 30,
         None, None),
        ("VTE", "Venous thromboembolism risk assessment of adult admissions", 30, None, None),
    ],
    K.COMMUNITY_TRUST: [
        ("FOOT", "Diabetes: days waiting for a foot protection appointment", 50,
         "DM_FOOT_DAYS", 18.0),
        ("EXPERIENCE", "Patient experience survey acted on", 50, None, None),
    ],
    K.MENTAL_HEALTH_TRUST: [
        ("CAREPLAN", "Dementia: care plans shared with the GP within 2 weeks of diagnosis", 60,
         None, None),
        ("CARERS", "Carers of people with dementia offered an assessment", 40, None, None),
    ],
}  # fmt: skip
NHS_TRUSTS = set(CQUIN_INDICATORS)


def _season(kind: str, month: dt.date) -> float:
    return SEASONS[kind][month.month - 1]


def _lines(contract: Contract) -> list[ContractLine]:
    """The lines of one contract, by payment form and provider (not yet saved)."""
    value = float(contract.annual_value)
    kind = contract.provider.kind
    if contract.payment_form == PaymentForm.ACTIVITY:
        return [
            ContractLine(
                contract=contract,
                code=code,
                name=name,
                point_of_delivery=pod,
                treatment_function=tfc,
                currency=currency,
                price=Decimal(price),
                marginal_rate=Decimal(100),
            )
            for code, name, pod, tfc, currency, price, _share, _season in ACUTE_LINES
        ]
    if contract.payment_form == PaymentForm.COST_AND_VOLUME:
        patients = 290
        return [
            ContractLine(
                contract=contract,
                code="PATIENTS",
                name=f"{_first_service_name(contract)}: patients",
                point_of_delivery="COM",
                currency="patient",
                price=Decimal(round(value / patients, 2)).quantize(Decimal("0.01")),
                marginal_rate=Decimal(80),
                band_floor=250,
                band_ceiling=330,
            )
        ]
    pod, currency, price = UNIT.get(kind, ("OTHER", "unit", 50))
    services = list(contract.services.order_by("name")) or [None]
    return [
        ContractLine(
            contract=contract,
            code=f"L{n}",
            name=f"{service.name if service else contract.title}: {currency}s",
            point_of_delivery=pod,
            currency=currency,
            price=Decimal(price),
        )
        for n, service in enumerate(services, start=1)
    ]


def _first_service_name(contract) -> str:
    service = contract.services.order_by("name").first()
    return service.name if service else contract.title


def _share(contract, line: ContractLine, n_lines: int) -> float:
    if contract.payment_form == PaymentForm.ACTIVITY:
        return next(s for c, *_, s, _ in ACUTE_LINES if c == line.code)
    return 1 / n_lines


def _season_of(contract, line: ContractLine) -> str:
    if contract.payment_form == PaymentForm.ACTIVITY:
        return next(season for c, *_, season in ACUTE_LINES if c == line.code)
    return "community" if line.point_of_delivery in ("COM", "MH") else "flat"


def _change(contract, line, month: dt.date, last_year: int, block_first: bool) -> float:
    if financial_year(month) != last_year:
        return 1.0
    if contract.payment_form == PaymentForm.ACTIVITY and line.code in ACUTE_CHANGES:
        start, size = ACUTE_CHANGES[line.code]
    elif block_first:
        start, size = BLOCK_CHANGE
    else:
        return 1.0
    first = dt.date(last_year if start >= 4 else last_year + 1, start, 1)
    return 1.0 + size if month >= first else 1.0


def add_contract_performance(
    community,
    rng: np.random.Generator,
    *,
    first_year: int = 2010,
    last_month: dt.date = LAST_MONTH,
) -> dict[str, int]:
    """Lines, plans, actuals, variations, incentive milestones and challenges for every
    contract of ``community`` that has no lines yet; returns the counts of what it made."""
    contracts = list(
        Contract.objects.filter(community=community, lines__isnull=True)
        .select_related("provider")
        .prefetch_related("services")
        .order_by("reference")
    )
    last_year = financial_year(last_month)
    years = list(range(first_year, last_year + 1))
    all_lines: list[ContractLine] = []
    for contract in contracts:
        all_lines += _lines(contract)
    ContractLine.objects.bulk_create(all_lines)
    by_contract: dict[int, list[ContractLine]] = {}
    for line in all_lines:
        by_contract.setdefault(line.contract_id, []).append(line)
    first_block = next(
        (c.pk for c in contracts if c.payment_form == PaymentForm.BLOCK and c.pk in by_contract),
        None,
    )
    plans, actuals = [], []
    for contract in contracts:
        lines = by_contract.get(contract.pk, [])
        start = max(contract.start_date.replace(day=1), D(first_year, 4, 1))
        for line in lines:
            share = _share(contract, line, len(lines))
            season = _season_of(contract, line)
            price = float(line.price or 1)
            level = float(contract.annual_value) * share / price  # units a year at the start
            block_first = contract.pk == first_block and line is lines[0]
            for year in years:
                year_months = months(year)
                if year_months[-1] < start or year_months[0] > contract.end_date:
                    continue
                # the plan: last year's level grown, give or take what planning misjudged
                annual = level * (1 + GROWTH) ** (year - first_year + 0.5)
                annual *= rng.normal(1.0, 0.02)
                shape = [_season(season, m) for m in year_months]
                for month, planned in zip(
                    year_months, phase(annual, shape, whole=True), strict=True
                ):
                    if month < start or month > contract.end_date:
                        continue
                    plans.append(MonthlyPlan(line=line, month=month, activity=planned))
                    if month > last_month:
                        continue
                    underlying = level * (1 + GROWTH) ** (year - first_year + 0.5)
                    mean = underlying / 12 * _season(season, month)
                    mean *= _change(contract, line, month, last_year, block_first)
                    mean *= rng.normal(1.0, 0.02)
                    actual = float(rng.poisson(max(mean, 0.0)))
                    actuals.append(MonthlyActual(line=line, month=month, activity=actual))
    MonthlyPlan.objects.bulk_create(plans, batch_size=2000)
    MonthlyActual.objects.bulk_create(actuals, batch_size=2000)
    variations = _variations(contracts, rng)
    indicators, milestones = _incentives(contracts, years, last_month)
    challenges = _challenges(contracts, by_contract, last_month)
    return {
        "contracts": len(contracts),
        "lines": len(all_lines),
        "plans": len(plans),
        "actuals": len(actuals),
        "variations": variations,
        "incentive indicators": indicators,
        "milestones": milestones,
        "challenges": challenges,
    }


def _fy(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


def _runs_on(contract: Contract, day: dt.date) -> bool:
    return contract.start_date <= day <= contract.end_date


def _refresh_year(contract: Contract) -> int:
    """The financial year whose annual refresh the contract gets: 2011/12, or the nearest year
    it runs into (a contract that ended in March 2011 is refreshed for 2010/11, one that began
    in July 2011 for 2012/13)."""
    for year in (2011, 2012, 2010, 2009):
        if _runs_on(contract, D(year, 4, 1)):
            return year
    return max(contract.start_date.year, 2009)


def _working_day_on_or_before(day: dt.date) -> dt.date:
    """``day``, or the last working day before it (no weekend or bank holiday)."""
    from commissioning.provider_selection.standstill import is_working_day

    while not is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


def _variations(contracts, rng) -> int:
    made = []
    for contract in contracts:
        value = float(contract.annual_value)
        uplift = round(value * rng.uniform(0.005, 0.02), -2 if value < 1e6 else -3)
        year = _refresh_year(contract)
        made.append(
            ContractVariation(
                contract=contract,
                number=1,
                title=f"Annual refresh for {_fy(year)}: activity plans and prices",
                kind=VariationKind.LINES,
                status=VariationStatus.SIGNED,
                proposed=_working_day_on_or_before(D(year, 2, 14)),
                signed=_working_day_on_or_before(D(year, 3, 25)),
                effective=D(year, 4, 1),
                value_change=Decimal(uplift),
                description=f"Plans for {_fy(year)} agreed line by line; prices at the "
                f"{_fy(year)} tariff or local prices.",
                reason="The contract's annual refresh.",
            )
        )
        if contract.payment_form == PaymentForm.ACTIVITY:
            made.append(
                ContractVariation(
                    contract=contract,
                    number=2,
                    title="Hyper-acute stroke beds",
                    kind=VariationKind.VALUE,
                    status=VariationStatus.SIGNED,
                    proposed=D(2011, 7, 4),
                    signed=D(2011, 9, 20),
                    effective=D(2011, 10, 1),
                    value_change=Decimal(round(value * 0.006, -3)),
                    description="Four hyper-acute stroke beds added to the stroke unit.",
                    reason="The stroke strategy: thrombolysis within the first hours.",
                )
            )
            made.append(
                ContractVariation(
                    contract=contract,
                    number=3,
                    title="One-year extension to 31 March 2014",
                    kind=VariationKind.TERM,
                    status=VariationStatus.AWAITING_SIGNATURE,
                    proposed=D(2012, 12, 10),
                    effective=D(2013, 4, 1),
                    new_end_date=D(2014, 3, 31),
                    description="The contract runs a further year on the same terms.",
                    reason="The clinical commissioning group takes over in April 2013 and "
                    "will re-let the contract itself.",
                )
            )
        elif contract.provider.kind == K.COMMUNITY_TRUST and _runs_on(contract, D(2012, 6, 1)):
            made.append(
                ContractVariation(
                    contract=contract,
                    number=2,
                    title="Diabetic foot protection pathway",
                    kind=VariationKind.SPECIFICATION,
                    status=VariationStatus.SIGNED,
                    proposed=D(2012, 4, 2),
                    signed=D(2012, 5, 15),
                    effective=D(2012, 6, 1),
                    description="The podiatry specification now follows the foot "
                    "protection pathway, with a 14-day wait standard for high risk feet.",
                    reason="The review of diabetic podiatry.",
                )
            )
    ContractVariation.objects.bulk_create(made)
    return len(made)


def _incentives(contracts, years, last_month) -> tuple[int, int]:
    """Indicators and quarterly milestones for the contracts' CQUIN schemes (those the demo
    builder made, in the years whose rates our sources confirm)."""
    monitored = {i.code: i for i in Indicator.objects.filter(code="DM_FOOT_DAYS")}
    schemes = [
        (scheme, scheme.contract.provider.kind)
        for scheme in IncentiveScheme.objects.filter(contract__in=contracts)
        .select_related("contract__provider")
        .order_by("contract__reference", "financial_year")
        if scheme.contract.provider.kind in NHS_TRUSTS and not scheme.indicators.exists()
    ]
    indicators = []
    for scheme, kind in schemes:
        for code, name, weight, monitored_code, _target in CQUIN_INDICATORS[kind]:
            indicators.append(
                IncentiveIndicator(
                    scheme=scheme,
                    code=code,
                    name=name,
                    weight=Decimal(weight),
                    indicator=monitored.get(monitored_code),
                    description="Synthetic: quarterly milestones, 25% of the indicator each.",
                )
            )
    IncentiveIndicator.objects.bulk_create(indicators)
    targets = {code: target for spec in CQUIN_INDICATORS.values() for code, *_, target in spec}
    milestones = []
    for n, ind in enumerate(indicators):
        year = ind.scheme.financial_year
        for q, due in enumerate(
            (D(year, 6, 30), D(year, 9, 30), D(year, 12, 31), D(year + 1, 3, 31)), start=1
        ):
            status, share = MilestoneStatus.PENDING, None
            # a monitored indicator's milestones are left to be judged from monitoring
            if due < last_month and not ind.indicator_id:
                status = MilestoneStatus.MET
                if q == 2 and n % 3 == 1:
                    status = MilestoneStatus.NOT_MET
                elif q == 3 and n % 4 == 2:
                    status, share = MilestoneStatus.PARTLY_MET, Decimal(50)
            milestones.append(
                Milestone(
                    indicator=ind,
                    due=due,
                    description=f"Quarter {q}: {ind.name.split(':')[0].lower()} goal reached",
                    target=targets.get(ind.code) if ind.indicator_id else None,
                    weight=Decimal(25),
                    status=status,
                    achieved_share=share,
                    recorded=due + dt.timedelta(days=45) if status != "pending" else None,
                    note="Synthetic.",
                )
            )
    Milestone.objects.bulk_create(milestones)
    return len(indicators), len(milestones)


def _challenges(contracts, by_contract, last_month) -> int:
    made = []
    for contract in contracts:
        lines = {line.code: line for line in by_contract.get(contract.pk, [])}
        if contract.payment_form == PaymentForm.ACTIVITY:
            specs = [
                ("CH-1", D(2012, 7, 20), "NEL-300", D(2012, 5, 1), "coding",
                 "Emergency readmissions within 30 days charged at full tariff.", 182_000,
                 ChallengeStatus.PARTLY_UPHELD, 95_000,
                 "Agreed that 52% were avoidable readmissions: credited.", D(2012, 10, 31)),
                ("CH-2", D(2012, 10, 12), "OPFA-307", D(2012, 8, 1), "coding",
                 "Follow-up attendances recorded as first attendances in diabetic medicine.",
                 42_000, ChallengeStatus.OPEN, None, "", None),
                ("CH-3", D(2012, 11, 5), "AE", D(2012, 9, 1), "duplicate",
                 "Duplicate A&E attendances for patients transferred between sites.", 8_400,
                 ChallengeStatus.UPHELD, 8_400, "Credited in full.", D(2012, 12, 14)),
            ]  # fmt: skip
        else:
            first = next(iter(lines), None)
            # July 2012, or two months before the end of a contract that ended earlier
            month, raised = D(2012, 7, 1), D(2012, 9, 3)
            if contract.end_date < month:
                end = contract.end_date.replace(day=1)
                month = (end - dt.timedelta(days=32)).replace(day=1)
                raised = _working_day_on_or_before(month + dt.timedelta(days=63))
            specs = [
                ("CH-1", raised, first, month, "data_quality",
                 "Contacts counted twice when two staff attended one visit.", 0,
                 ChallengeStatus.OPEN, None, "", None),
            ]  # fmt: skip
        for ref, raised, code, month, kind, what, value, status, agreed, outcome, closed in specs:
            if raised > last_month.replace(day=28) + dt.timedelta(days=10):
                continue
            made.append(
                ActivityChallenge(
                    contract=contract,
                    line=lines.get(code),
                    reference=ref,
                    raised=raised,
                    month=month,
                    kind=kind,
                    description=what,
                    value=Decimal(round(value * float(contract.annual_value) / 196e6, -2))
                    if contract.payment_form == PaymentForm.ACTIVITY
                    else Decimal(value),
                    status=status,
                    value_agreed=None
                    if agreed is None
                    else Decimal(round(agreed * float(contract.annual_value) / 196e6, -2)),
                    outcome=outcome,
                    closed=closed,
                )
            )
    ActivityChallenge.objects.bulk_create(made)
    return len(made)


def remove_contract_performance(communities) -> None:
    """Delete the contract performance records of ``communities`` (a queryset) with plain
    DELETE statements, before the demo builder deletes their contracts the same way."""
    in_contracts = {"contract__community__in": communities}
    for qs in (
        Milestone.objects.filter(indicator__scheme__contract__community__in=communities),
        IncentiveIndicator.objects.filter(scheme__contract__community__in=communities),
        MonthlyPlan.objects.filter(line__contract__community__in=communities),
        MonthlyActual.objects.filter(line__contract__community__in=communities),
        ActivityChallenge.objects.filter(**in_contracts),
        ContractVariation.objects.filter(**in_contracts),
        ContractLine.objects.filter(**in_contracts),
    ):
        qs._raw_delete(qs.db)

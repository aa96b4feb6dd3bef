"""Synthetic contract performance for a community (called by the demo builder and by tests).

:func:`add_contract_performance` gives every contract of a community that has none yet lines,
plans, monthly activity, variations, incentive milestones and activity challenges. One function
serves both of the demo's eras; what differs between them (the months, the lines an acute
contract has and their prices, the real changes built in, the dates and wording of variations,
challenges and incentive indicators) is a :class:`PerformanceEra`, ``STUDY`` or ``TODAY``.

What every contract gets:

- **lines** by the contract's payment form and provider: an acute trust's contract gets lines
  by point of delivery and specialty (elective and day case spells, emergency spells in general
  and stroke medicine, excess bed days, outpatient first and follow-up attendances in diabetic
  medicine and the rest, A&E attendances, critical care bed days) with prices; other contracts
  get one line per service, with an indicative price (the price for an activity-based one); a
  cost and volume contract gets one line with its volume band;
- **plans** for each financial year from the era's first to the year of its last month, phased
  by month in the line's seasonal shape (winter peaks for emergency care, dips in August and
  December for planned care) with growth each year;
- **actual activity** each month from the later of the contract's start and the era's first
  April to its last month, around the plan with Poisson and 2% noise, and with real changes
  (:class:`Change`) that the SPC charts pick out;
- **variations**: an annual refresh for every contract and the era's others (each only when it
  takes effect inside the contract's term), proposed and signed on working days;
- **incentive indicators and milestones** for the CQUIN schemes the demo builder made for NHS
  trusts, with quarterly milestones, some met, some partly met, some not;
- **activity challenges**: three on each priced acute contract, one on every other contract.

**The study (2008-2013)**: lines for Payment by Results acute contracts, block contracts and
Somerset's cost and volume contract; plans for 2010/11 to 2012/13 and activity from April 2010
to December 2012 (33 months); every acute contract's general medicine emergency spells rise 14%
from June 2012 (over plan, a special cause signal) and its other follow-up attendances fall 12%
from June 2012 (under plan); the first block contract's first line rises 15% from July 2012.

**Today (2021-2026)**, the NHS Payment Scheme: an acute trust's aligned payment and incentive
contract has a fixed element (emergency care, A&E, critical care and outpatient follow-ups,
paid as planned) and a variable element (elective and day case spells, outpatient first
attendances and procedures at 100% of unit prices); its 2021/22 system block payment has the
same lines, monitored only; a low-volume activity agreement (under £0.5m) monitors the three
lines it covers; the community and mental health trust's contract is a fixed element only, a
line per service; the community interest company is paid a local price per course place
(activity-based payment); the local enhanced service, section 75 agreements and grant are
fixed sums with indicative activity. Plans run 2021/22 to 2025/26 and activity April 2021 to
March 2026 (60 months, each contract within its term, each service's line from the service's
start), with elective recovery after the pandemic (planned care at 82% of its full level in
April 2021 rising to 97% by March 2022, below the plan; in 2023/24 below a plan of 107%, with
months of industrial action), the Omicron wave (planned care down in December 2021 and January
2022), a winter peak in emergency care in December 2022, community stroke beds down a quarter
from the integrated community stroke service (October 2023; planned for from 2024/25), and in
the latest year general medicine emergency spells up 14% from October 2025, diabetic
follow-up attendances down 25% from July 2025 and memory assessments up 15% from September 2025
(signals in March 2026). The structured education course ran 30% below plan in 2021/22 as
courses restarted. Actual and planned money (activity x price) are recorded with each month.

Everything is synthetic. ``rng`` is a NumPy ``Generator``: the same stream gives the same data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
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
from commissioning.contracts.months import financial_year, label, months
from commissioning.contracts.phasing import phase
from commissioning.store.models import (
    Contract,
    IncentiveScheme,
    Indicator,
    OrganisationKind,
    PaymentForm,
    Setting,
)

D = dt.date
K = OrganisationKind
P = PaymentForm
# Calendar-month multipliers (January first), each averaging 1.
SEASONS = {
    "emergency": [1.10, 1.05, 1.02, 0.98, 0.97, 0.95, 0.96, 0.94, 0.97, 1.00, 1.03, 1.03],
    "planned": [1.02, 1.03, 1.05, 0.94, 1.02, 1.04, 1.03, 0.88, 1.02, 1.06, 1.06, 0.85],
    "community": [1.01, 1.02, 1.03, 0.97, 1.01, 1.02, 1.01, 0.93, 1.01, 1.03, 1.03, 0.93],
    "flat": [1.0] * 12,
}
FIRST_BLOCK_LINE = "first block line"  # a Change's selector: the first block contract's first line


@dataclass(frozen=True)
class AcuteLine:
    """A line of an acute trust's contract: price in £ a unit, share of the contract's value."""

    code: str
    name: str
    pod: str
    tfc: str
    currency: str
    price: int
    share: float
    season: str
    fixed: bool = False  # in an aligned payment and incentive contract's fixed element
    low_volume_share: float = 0.0  # share of a low-volume agreement (0: not monitored there)


@dataclass(frozen=True)
class Change:
    """A real change in activity: ``size`` (0.14: 14% more) on the lines named, in the months
    from ``first`` to ``last`` (open-ended without one). From financial year ``planned_from``
    the plans expect it too; before that (or without it) activity runs away from plan.

    ``lines`` names line codes, the start of line names (a service's name), ``season:<kind>``
    (every line of an acute contract with that seasonal shape) or :data:`FIRST_BLOCK_LINE`."""

    lines: tuple[str, ...]
    first: dt.date
    last: dt.date | None
    size: float
    planned_from: int | None = None


@dataclass(frozen=True)
class Extra:
    """A variation beyond the annual refresh, for contracts of the payment ``forms`` and
    provider ``kinds`` named (empty: any), when it takes effect inside the contract's term (or,
    extending the term, the day after it ends). ``value_share``: the change to the annual value
    as a share of it, to the nearest £1,000."""

    forms: tuple[str, ...]
    kinds: tuple[str, ...]
    title: str
    kind: str
    status: str
    proposed: dt.date
    signed: dt.date | None
    effective: dt.date
    description: str
    reason: str
    value_share: float | None = None
    new_end_date: dt.date | None = None


@dataclass(frozen=True)
class Challenge:
    """An activity challenge on a priced acute contract; money scaled by the contract's value
    over the era's ``challenge_scale``."""

    reference: str
    raised: dt.date
    line: str
    month: dt.date
    kind: str
    description: str
    value: float
    status: str
    agreed: float | None
    outcome: str
    closed: dt.date | None


@dataclass(frozen=True)
class PerformanceEra:
    """What differs between the demo's eras in contract performance (see the module's text)."""

    code: str
    first_year: int  # plans from April of this year
    last_month: dt.date  # the latest month of activity
    growth: float  # a year
    acute_forms: tuple[str, ...]  # an acute trust's contracts with lines by point of delivery
    acute_lines: tuple[AcuteLine, ...]
    units: dict  # provider kind, or (kind, payment form): (point of delivery, currency, £)
    changes: tuple[Change, ...]
    plan_levels: dict  # "season:<kind>" -> {financial year: share of the line's full level}
    refresh_years: tuple[int, ...]  # the refresh's year: the first of these the contract runs on
    price_basis: tuple[tuple[int, str], ...]  # from year: the refresh's prices ("{fy}": year)
    extras: tuple[Extra, ...]
    acute_challenges: tuple[Challenge, ...]
    challenge_scale: float
    other_challenge: tuple[dt.date, dt.date, str]  # month, raised, what
    cquin_indicators: dict  # provider kind -> [(code, name, weight, monitored code, target)]
    setting_units: dict = field(default_factory=dict)  # service setting -> unit (before kind)
    bed_units: dict = field(default_factory=dict)  # setting -> unit of a service with beds
    low_volume_limit: float | None = None  # £ a year: an acute agreement below it is low volume
    grow_from_start: bool = False  # growth counted from the contract's first year, not the era's
    lines_follow_services: bool = False  # a service's line runs only while the service does
    record_money: bool = False  # plans and actuals carry their money (activity x price)

    def prices(self, year: int) -> str:
        text = next(t for first, t in reversed(self.price_basis) if year >= first)
        return text.format(fy=label(year))


# ------------------------------------------------------------------------- the study, 2008-2013

STUDY = PerformanceEra(
    code="study",
    first_year=2010,
    last_month=D(2012, 12, 1),  # month 9 of 2012/13
    growth=0.02,
    acute_forms=(P.ACTIVITY,),
    acute_lines=tuple(
        AcuteLine(*spec)
        for spec in [
            ("EL-100", "General surgery elective spells", "EL", "100", "HRG spell", 3300, 0.14,
             "planned"),
            ("DC-100", "General surgery day cases", "DC", "100", "HRG spell", 720, 0.07,
             "planned"),
            ("NEL-300", "General medicine emergency spells", "NEL", "300", "HRG spell", 1650,
             0.30, "emergency"),
            ("NEL-328", "Stroke medicine emergency spells", "NEL", "328", "HRG spell", 4200,
             0.05, "emergency"),
            ("XBD-300", "General medicine excess bed days", "NELXBD", "300", "bed day", 240,
             0.04, "emergency"),
            ("OPFA-307", "Diabetic medicine first attendances", "OPFA", "307", "attendance",
             190, 0.02, "planned"),
            ("OPFUP-307", "Diabetic medicine follow-up attendances", "OPFUP", "307",
             "attendance", 95, 0.03, "planned"),
            ("OPFA-OTH", "Other outpatient first attendances", "OPFA", "", "attendance", 150,
             0.10, "planned"),
            ("OPFUP-OTH", "Other outpatient follow-up attendances", "OPFUP", "", "attendance",
             85, 0.10, "planned"),
            ("AE", "A&E attendances", "AE", "", "attendance", 90, 0.07, "emergency"),
            ("CC", "Adult critical care bed days", "CC", "192", "bed day", 1150, 0.08, "flat"),
        ]
    ),
    units={
        K.COMMUNITY_TRUST: ("COM", "contact", 48),
        K.MENTAL_HEALTH_TRUST: ("MH", "contact", 120),
        K.VOLUNTARY: ("COM", "contact", 35),
        K.LOCAL_AUTHORITY: ("OTHER", "session", 60),
        K.ACUTE_TRUST: ("OPFA", "attendance", 150),
    },
    changes=(
        Change(("NEL-300",), D(2012, 6, 1), None, 0.14),
        Change(("OPFUP-OTH",), D(2012, 6, 1), None, -0.12),
        Change((FIRST_BLOCK_LINE,), D(2012, 7, 1), None, 0.15),
    ),
    plan_levels={},
    refresh_years=(2011, 2012, 2010, 2009),
    price_basis=((0, "the {fy} tariff"),),
    extras=(
        Extra(
            (P.ACTIVITY,), (), "Hyper-acute stroke beds", VariationKind.VALUE,
            VariationStatus.SIGNED, D(2011, 7, 4), D(2011, 9, 20), D(2011, 10, 1),
            "Four hyper-acute stroke beds added to the stroke unit.",
            "The stroke strategy: thrombolysis within the first hours.", value_share=0.006,
        ),
        Extra(
            (P.ACTIVITY,), (), "One-year extension to 31 March 2014", VariationKind.TERM,
            VariationStatus.AWAITING_SIGNATURE, D(2012, 12, 10), None, D(2013, 4, 1),
            "The contract runs a further year on the same terms.",
            "The clinical commissioning group takes over in April 2013 and will re-let the "
            "contract itself.", new_end_date=D(2014, 3, 31),
        ),
        Extra(
            (), (K.COMMUNITY_TRUST,), "Diabetic foot protection pathway",
            VariationKind.SPECIFICATION, VariationStatus.SIGNED, D(2012, 4, 2), D(2012, 5, 15),
            D(2012, 6, 1),
            "The podiatry specification now follows the foot protection pathway, with a 14-day "
            "wait standard for high risk feet.",
            "The review of diabetic podiatry.",
        ),
    ),
    acute_challenges=(
        Challenge("CH-1", D(2012, 7, 20), "NEL-300", D(2012, 5, 1), "coding",
                  "Emergency readmissions within 30 days charged at full tariff.", 182_000,
                  ChallengeStatus.PARTLY_UPHELD, 95_000,
                  "Agreed that 52% were avoidable readmissions: credited.", D(2012, 10, 31)),
        Challenge("CH-2", D(2012, 10, 12), "OPFA-307", D(2012, 8, 1), "coding",
                  "Follow-up attendances recorded as first attendances in diabetic medicine.",
                  42_000, ChallengeStatus.OPEN, None, "", None),
        Challenge("CH-3", D(2012, 11, 5), "AE", D(2012, 9, 1), "duplicate",
                  "Duplicate A&E attendances for patients transferred between sites.", 8_400,
                  ChallengeStatus.UPHELD, 8_400, "Credited in full.", D(2012, 12, 14)),
    ),
    challenge_scale=196e6,
    other_challenge=(
        D(2012, 7, 1), D(2012, 9, 3), "Contacts counted twice when two staff attended one visit."
    ),
    cquin_indicators={
        K.ACUTE_TRUST: [
            ("STROKE90", "Stroke: 80% of patients spend 90% of their stay on a stroke unit", 40,
             None, None),
            ("DEM75", "Dementia: memory screening of emergency admissions aged 75 and over", 30,
             None, None),
            ("VTE", "Venous thromboembolism risk assessment of adult admissions", 30, None,
             None),
        ],
        K.COMMUNITY_TRUST: [
            ("FOOT", "Diabetes: days waiting for a foot protection appointment", 50,
             "DM_FOOT_DAYS", 18.0),
            ("EXPERIENCE", "Patient experience survey acted on", 50, None, None),
        ],
        K.MENTAL_HEALTH_TRUST: [
            ("CAREPLAN", "Dementia: care plans shared with the GP within 2 weeks of diagnosis",
             60, None, None),
            ("CARERS", "Carers of people with dementia offered an assessment", 40, None, None),
        ],
    },
)  # fmt: skip


# ------------------------------------------------------------------------ today, 2021-2026


def _recovery() -> tuple[Change, ...]:
    """Planned care after the pandemic: 82% of its full level in April 2021 rising to 97% by
    March 2022; 98% in 2022/23; in 2023/24 100%, less 4% in the months of resident doctors'
    strikes; 104% in 2024/25 and 108% in 2025/26 (each on top of the year's growth)."""
    ramp = tuple(
        Change(("season:planned",), m, m, 0.82 + 0.15 * i / 11 - 1)
        for i, m in enumerate(months(2021))
    )
    strikes = tuple(
        Change(("season:planned",), D(y, m, 1), D(y, m, 1), -0.04)
        for y, m in [(2023, 4), (2023, 6), (2023, 7), (2023, 8), (2023, 9), (2023, 10),
                     (2023, 12), (2024, 1), (2024, 2)]
    )  # fmt: skip
    years = tuple(
        Change(("season:planned",), D(y, 4, 1), D(y + 1, 3, 1), size)
        for y, size in [(2022, -0.02), (2024, 0.04), (2025, 0.08)]
    )
    return ramp + strikes + years


TODAY = PerformanceEra(
    code="today",
    first_year=2021,
    last_month=D(2026, 3, 1),  # the demo's data run to March 2026
    growth=0.02,
    acute_forms=(P.BLOCK, P.API),
    acute_lines=tuple(
        AcuteLine(*spec)
        for spec in [
            # the variable element: elective activity at 100% of NHS Payment Scheme unit prices
            ("EL-100", "General surgery elective spells", "EL", "100", "HRG spell", 4300, 0.10,
             "planned"),
            ("DC-100", "General surgery day cases", "DC", "100", "HRG spell", 1050, 0.06,
             "planned"),
            ("OPFA-307", "Diabetic medicine first attendances", "OPFA", "307", "attendance",
             260, 0.015, "planned", False, 0.15),
            ("OPFA-OTH", "Other outpatient first attendances", "OPFA", "", "attendance", 210,
             0.08, "planned"),
            ("OPPROC", "Outpatient procedures", "OPPROC", "", "attendance", 190, 0.04,
             "planned"),
            # the fixed element: paid as planned whatever the activity
            ("OPFUP-307", "Diabetic medicine follow-up attendances", "OPFUP", "307",
             "attendance", 120, 0.02, "planned", True, 0.15),
            ("OPFUP-OTH", "Other outpatient follow-up attendances", "OPFUP", "", "attendance",
             110, 0.08, "planned", True),
            ("NEL-300", "General medicine emergency spells", "NEL", "300", "HRG spell", 2100,
             0.28, "emergency", True),
            ("NEL-328", "Stroke medicine emergency spells", "NEL", "328", "HRG spell", 5600,
             0.05, "emergency", True, 0.6),
            ("XBD-300", "General medicine excess bed days", "NELXBD", "300", "bed day", 350,
             0.03, "emergency", True),
            ("AE", "A&E attendances", "AE", "", "attendance", 200, 0.09, "emergency", True),
            ("CC", "Adult critical care bed days", "CC", "192", "bed day", 1900, 0.08, "flat",
             True),
        ]
    ),
    units={
        (K.INDEPENDENT, P.ACTIVITY): ("COM", "course place", 160),  # a local price
        (K.INDEPENDENT, P.OTHER): ("OTHER", "enhanced care review", 60),
        (K.VOLUNTARY, P.OTHER): ("COM", "contact", 45),
        K.COMMUNITY_TRUST: ("COM", "contact", 62),
        K.MENTAL_HEALTH_TRUST: ("MH", "contact", 160),
        K.LOCAL_AUTHORITY: ("OTHER", "session", 75),
    },
    setting_units={
        Setting.MENTAL_HEALTH: ("MH", "contact", 160),
        Setting.COMMUNITY: ("COM", "contact", 62),
        Setting.HOME: ("COM", "contact", 62),
        Setting.CARE_HOME: ("COM", "contact", 62),
    },
    bed_units={
        Setting.MENTAL_HEALTH: ("MH", "bed day", 520),
        Setting.COMMUNITY: ("COM", "bed day", 380),
    },
    changes=_recovery()
    + (
        Change(("season:planned",), D(2021, 12, 1), D(2022, 1, 1), -0.08),  # Omicron
        Change(("NEL-300", "NEL-328", "XBD-300", "AE"), D(2022, 12, 1), D(2022, 12, 1), 0.12),
        Change(("Structured diabetes education",), D(2021, 7, 1), D(2022, 3, 1), -0.30),
        Change(("Community stroke rehabilitation beds",), D(2023, 10, 1), None, -0.25, 2024),
        Change(("OPFUP-307",), D(2025, 7, 1), None, -0.25),
        Change(("Memory assessment service",), D(2025, 9, 1), None, 0.15),
        Change(("NEL-300",), D(2025, 10, 1), None, 0.14),
    ),
    # Elective plans: recovery in 2021/22, then above pre-pandemic levels (107% in 2023/24,
    # the national target: HFMA, June 2023).
    plan_levels={"season:planned": {2021: 0.90, 2022: 1.04, 2023: 1.07, 2024: 1.06, 2025: 1.08}},
    refresh_years=(2025, 2024, 2023, 2022, 2021),
    price_basis=(
        (0, "the {fy} National Tariff"),
        (2023, "the NHS Payment Scheme's {fy} unit prices"),
    ),
    extras=(
        Extra(
            (P.API,), (K.ACUTE_TRUST,), "Additional day case capacity for elective recovery",
            VariationKind.VALUE, VariationStatus.SIGNED, D(2024, 7, 1), D(2024, 9, 17),
            D(2024, 10, 1),
            "A second day surgery list six days a week, paid through the variable element at "
            "NHS Payment Scheme unit prices.",
            "The system's elective recovery plan: more elective activity than before the "
            "pandemic.", value_share=0.004,
        ),
        Extra(
            (P.API,), (K.ACUTE_TRUST,), "Plans and prices for 2026/27", VariationKind.LINES,
            VariationStatus.AWAITING_SIGNATURE, D(2026, 2, 16), None, D(2026, 4, 1),
            "Elective activity plans for the variable element and the fixed element for "
            "2026/27.",
            "The contract's annual refresh, agreed before the year starts.",
        ),
        Extra(
            (P.API,), (K.MENTAL_HEALTH_TRUST,), "Integrated community stroke service",
            VariationKind.SPECIFICATION, VariationStatus.SIGNED, D(2023, 7, 3), D(2023, 9, 12),
            D(2023, 10, 2),
            "Community stroke rehabilitation follows the integrated community stroke service "
            "model: more rehabilitation at home, fewer community stroke bed days.",
            "The stroke network's review of community rehabilitation.",
        ),
    ),
    acute_challenges=(
        Challenge("CH-1", D(2025, 6, 16), "EL-100", D(2025, 4, 1), "not_agreed",
                  "Procedures on the Evidence-Based Interventions list charged without the "
                  "prior approval the policy asks for.", 64_000, ChallengeStatus.PARTLY_UPHELD,
                  38_000, "Agreed that 60% lacked prior approval: credited against the "
                  "variable element.", D(2025, 9, 12)),
        Challenge("CH-2", D(2025, 11, 10), "DC-100", D(2025, 9, 1), "coding",
                  "Outpatient procedures recorded as day cases and charged at the day case "
                  "price.", 118_000, ChallengeStatus.OPEN, None, "", None),
        Challenge("CH-3", D(2026, 1, 19), "OPFA-OTH", D(2025, 11, 1), "duplicate",
                  "First attendances counted twice for patients seen in a virtual and a "
                  "face-to-face clinic on the same day.", 12_600, ChallengeStatus.UPHELD,
                  12_600, "Credited in full.", D(2026, 2, 20)),
    ),
    challenge_scale=448e6,
    other_challenge=(
        D(2025, 7, 1), D(2025, 9, 1),
        "Activity counted twice for some weeks after the provider moved to a new electronic "
        "patient record.",
    ),
    cquin_indicators={
        K.ACUTE_TRUST: [
            ("FLU", "Flu vaccinations for frontline healthcare workers", 30, None, None),
            ("NEWS2", "Recording of and response to NEWS2 score for unplanned critical care "
             "admissions", 40, None, None),
            ("DMS", "Timely communication of changes to medicines to community pharmacists "
             "via the Discharge Medicines Service", 30, None, None),
        ],
        K.MENTAL_HEALTH_TRUST: [
            ("ROM", "Routine outcome monitoring in community mental health services", 50, None,
             None),
            ("FLU", "Flu vaccinations for frontline healthcare workers", 25, None, None),
            ("PRESSURE", "Assessment and documentation of pressure ulcer risk", 25, None,
             None),
        ],
    },
    low_volume_limit=500_000,  # LVA: relationships under £0.5m (NHS Payment Scheme 2023/25)
    grow_from_start=True,
    lines_follow_services=True,
    record_money=True,
)  # fmt: skip

# ------------------------------------------------------------------------------------- lines


def _season(kind: str, month: dt.date) -> float:
    return SEASONS[kind][month.month - 1]


def _acute(contract: Contract, era: PerformanceEra) -> bool:
    """An acute trust's contract with lines by point of delivery and specialty."""
    return contract.provider.kind == K.ACUTE_TRUST and contract.payment_form in era.acute_forms


def _low_volume(contract: Contract, era: PerformanceEra) -> bool:
    return era.low_volume_limit is not None and contract.annual_value < era.low_volume_limit


def _acute_specs(contract: Contract, era: PerformanceEra) -> list[AcuteLine]:
    if _low_volume(contract, era):
        return [spec for spec in era.acute_lines if spec.low_volume_share]
    return list(era.acute_lines)


def _unit(era: PerformanceEra, contract: Contract, service) -> tuple[str, str, int]:
    kind = contract.provider.kind
    unit = era.units.get((kind, contract.payment_form))
    if unit is None and service is not None:
        if "beds" in service.name.lower():
            unit = era.bed_units.get(service.setting)
        unit = unit or era.setting_units.get(service.setting)
    return unit or era.units.get(kind, ("OTHER", "unit", 50))


def _lines(contract: Contract, era: PerformanceEra) -> list[tuple[ContractLine, object]]:
    """The lines of one contract, by payment form and provider (not yet saved), each with the
    service it stands for (None for lines by point of delivery)."""
    value = float(contract.annual_value)
    form = contract.payment_form
    if _acute(contract, era):
        return [
            (
                ContractLine(
                    contract=contract,
                    code=spec.code,
                    name=spec.name,
                    point_of_delivery=spec.pod,
                    treatment_function=spec.tfc,
                    currency=spec.currency,
                    price=Decimal(spec.price),
                    fixed=spec.fixed and form == P.API,
                    # paid for activity away from plan: activity-based and the variable element
                    marginal_rate=Decimal(100)
                    if form == P.ACTIVITY or (form == P.API and not spec.fixed)
                    else None,
                ),
                None,
            )
            for spec in _acute_specs(contract, era)
        ]
    if form == P.COST_AND_VOLUME:
        patients = 290
        return [
            (
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
                ),
                None,
            )
        ]
    services = list(contract.services.order_by("name")) or [None]
    out = []
    for n, service in enumerate(services, start=1):
        pod, currency, price = _unit(era, contract, service)
        out.append(
            (
                ContractLine(
                    contract=contract,
                    code=f"L{n}",
                    name=f"{service.name if service else contract.title}: {currency}s",
                    point_of_delivery=pod,
                    currency=currency,
                    price=Decimal(price),
                    fixed=form == P.API,  # no variable element: all in the fixed element
                ),
                service,
            )
        )
    return out


def _first_service_name(contract) -> str:
    service = contract.services.order_by("name").first()
    return service.name if service else contract.title


def _share(contract, line: ContractLine, n_lines: int, era: PerformanceEra) -> float:
    if _acute(contract, era):
        spec = next(s for s in era.acute_lines if s.code == line.code)
        return spec.low_volume_share if _low_volume(contract, era) else spec.share
    return 1 / n_lines


def _season_of(contract, line: ContractLine, era: PerformanceEra) -> str:
    if _acute(contract, era):
        return next(s.season for s in era.acute_lines if s.code == line.code)
    return "community" if line.point_of_delivery in ("COM", "MH") else "flat"


def _names(selector: str, line: ContractLine, season: str, acute: bool, block_first: bool):
    if selector == FIRST_BLOCK_LINE:
        return block_first
    if selector.startswith("season:"):
        return acute and season == selector.removeprefix("season:")
    return line.code == selector or line.name.startswith(selector)


def _factor(era, line, season, acute, block_first, month) -> float:
    """The real changes in force in ``month`` for this line, multiplied (1.0 when none)."""
    factor = 1.0
    for change in era.changes:
        if month < change.first or (change.last is not None and month > change.last):
            continue
        if any(_names(s, line, season, acute, block_first) for s in change.lines):
            factor *= 1.0 + change.size
    return factor


def _plan_factor(era, line, season, acute, block_first, year: int) -> float:
    """What the year's plan expects beyond growth: the planned level of its kind of care, and
    the changes planned for from this year (1.0 when none)."""
    factor = 1.0
    for selector, levels in era.plan_levels.items():
        if year in levels and _names(selector, line, season, acute, block_first):
            factor *= levels[year]
    for change in era.changes:
        if change.planned_from is None or year < change.planned_from:
            continue
        if any(_names(s, line, season, acute, block_first) for s in change.lines):
            factor *= 1.0 + change.size
    return factor


def _money(activity: float, line: ContractLine, era: PerformanceEra) -> Decimal | None:
    if not era.record_money or line.price is None:
        return None
    return (Decimal(int(activity)) * line.price).quantize(Decimal("0.01"))


def add_contract_performance(
    community, rng: np.random.Generator, *, era: PerformanceEra = STUDY
) -> dict[str, int]:
    """Lines, plans, actuals, variations, incentive milestones and challenges for every
    contract of ``community`` that has no lines yet, in ``era`` (:data:`STUDY` or
    :data:`TODAY`); returns the counts of what it made."""
    contracts = list(
        Contract.objects.filter(community=community, lines__isnull=True)
        .select_related("provider")
        .prefetch_related("services")
        .order_by("reference")
    )
    last_month = era.last_month
    last_year = financial_year(last_month)
    years = list(range(era.first_year, last_year + 1))
    made: list[tuple[ContractLine, object]] = []
    for contract in contracts:
        made += _lines(contract, era)
    all_lines = [line for line, _ in made]
    ContractLine.objects.bulk_create(all_lines)
    service_of = {id(line): service for line, service in made}
    by_contract: dict[int, list[ContractLine]] = {}
    for line in all_lines:
        by_contract.setdefault(line.contract_id, []).append(line)
    first_block = next(
        (c.pk for c in contracts if c.payment_form == P.BLOCK and c.pk in by_contract),
        None,
    )
    plans, actuals = [], []
    for contract in contracts:
        lines = by_contract.get(contract.pk, [])
        start = max(contract.start_date.replace(day=1), D(era.first_year, 4, 1))
        base = financial_year(start) if era.grow_from_start else era.first_year
        acute = _acute(contract, era)
        for line in lines:
            share = _share(contract, line, len(lines), era)
            season = _season_of(contract, line, era)
            price = float(line.price or 1)
            level = float(contract.annual_value) * share / price  # units a year at the start
            block_first = contract.pk == first_block and line is lines[0]
            first, last = start, contract.end_date
            service = service_of.get(id(line))
            if era.lines_follow_services and service is not None:
                if service.start_date:
                    first = max(first, service.start_date.replace(day=1))
                if service.end_date:
                    last = min(last, service.end_date)
            for year in years:
                year_months = months(year)
                if year_months[-1] < first or year_months[0] > last:
                    continue
                # the plan: last year's level grown, give or take what planning misjudged
                annual = level * (1 + era.growth) ** (year - base + 0.5)
                annual *= _plan_factor(era, line, season, acute, block_first, year)
                annual *= rng.normal(1.0, 0.02)
                shape = [_season(season, m) for m in year_months]
                for month, planned in zip(
                    year_months, phase(annual, shape, whole=True), strict=True
                ):
                    if month < first or month > last:
                        continue
                    plans.append(
                        MonthlyPlan(
                            line=line,
                            month=month,
                            activity=planned,
                            cost=_money(planned, line, era),
                        )
                    )
                    if month > last_month:
                        continue
                    underlying = level * (1 + era.growth) ** (year - base + 0.5)
                    mean = underlying / 12 * _season(season, month)
                    mean *= _factor(era, line, season, acute, block_first, month)
                    mean *= rng.normal(1.0, 0.02)
                    actual = float(rng.poisson(max(mean, 0.0)))
                    actuals.append(
                        MonthlyActual(
                            line=line,
                            month=month,
                            activity=actual,
                            cost=_money(actual, line, era),
                        )
                    )
    MonthlyPlan.objects.bulk_create(plans, batch_size=2000)
    MonthlyActual.objects.bulk_create(actuals, batch_size=2000)
    variations = _variations(contracts, rng, era)
    indicators, milestones = _incentives(contracts, era)
    challenges = _challenges(contracts, by_contract, era)
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


# -------------------------------------------------------------------------------- variations


def _runs_on(contract: Contract, day: dt.date) -> bool:
    return contract.start_date <= day <= contract.end_date


def _refresh_year(contract: Contract, era: PerformanceEra) -> int:
    """The financial year whose annual refresh the contract gets: the first of the era's
    refresh years it runs into (in the study 2011/12, or the nearest: a contract that ended in
    March 2011 is refreshed for 2010/11, one that began in July 2011 for 2012/13)."""
    for year in era.refresh_years:
        if _runs_on(contract, D(year, 4, 1)):
            return year
    return max(contract.start_date.year, min(era.refresh_years))


def _working_day_on_or_before(day: dt.date) -> dt.date:
    """``day``, or the last working day before it (no weekend or bank holiday)."""
    from commissioning.provider_selection.standstill import is_working_day

    while not is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


def _applies(extra: Extra, contract: Contract) -> bool:
    if extra.forms and contract.payment_form not in extra.forms:
        return False
    if extra.kinds and contract.provider.kind not in extra.kinds:
        return False
    if extra.kind == VariationKind.TERM:  # an extension takes effect the day after the end
        return extra.effective == contract.end_date + dt.timedelta(days=1)
    return _runs_on(contract, extra.effective)


def _variations(contracts, rng, era: PerformanceEra) -> int:
    made = []
    for contract in contracts:
        value = float(contract.annual_value)
        uplift = round(value * rng.uniform(0.005, 0.02), -2 if value < 1e6 else -3)
        year = _refresh_year(contract, era)
        made.append(
            ContractVariation(
                contract=contract,
                number=1,
                title=f"Annual refresh for {label(year)}: activity plans and prices",
                kind=VariationKind.LINES,
                status=VariationStatus.SIGNED,
                proposed=_working_day_on_or_before(D(year, 2, 14)),
                signed=_working_day_on_or_before(D(year, 3, 25)),
                effective=D(year, 4, 1),
                value_change=Decimal(uplift),
                description=f"Plans for {label(year)} agreed line by line; prices at "
                f"{era.prices(year)} or local prices.",
                reason="The contract's annual refresh.",
            )
        )
        number = 1
        for extra in era.extras:
            if not _applies(extra, contract):
                continue
            number += 1
            made.append(
                ContractVariation(
                    contract=contract,
                    number=number,
                    title=extra.title,
                    kind=extra.kind,
                    status=extra.status,
                    proposed=_working_day_on_or_before(extra.proposed),
                    signed=extra.signed and _working_day_on_or_before(extra.signed),
                    effective=extra.effective,
                    value_change=None
                    if extra.value_share is None
                    else Decimal(round(value * extra.value_share, -3)),
                    new_end_date=extra.new_end_date,
                    description=extra.description,
                    reason=extra.reason,
                )
            )
    ContractVariation.objects.bulk_create(made)
    return len(made)


# -------------------------------------------------------------------------------- incentives


def _incentives(contracts, era: PerformanceEra) -> tuple[int, int]:
    """Indicators and quarterly milestones for the contracts' CQUIN schemes (those the demo
    builder made, in the years whose rates our sources confirm)."""
    monitored = {i.code: i for i in Indicator.objects.filter(code="DM_FOOT_DAYS")}
    schemes = [
        (scheme, scheme.contract.provider.kind)
        for scheme in IncentiveScheme.objects.filter(contract__in=contracts)
        .select_related("contract__provider")
        .order_by("contract__reference", "financial_year")
        if scheme.contract.provider.kind in era.cquin_indicators and not scheme.indicators.exists()
    ]
    indicators = []
    for scheme, kind in schemes:
        for code, name, weight, monitored_code, _target in era.cquin_indicators[kind]:
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
    targets = {code: target for spec in era.cquin_indicators.values() for code, *_, target in spec}
    milestones = []
    for n, ind in enumerate(indicators):
        year = ind.scheme.financial_year
        for q, due in enumerate(
            (D(year, 6, 30), D(year, 9, 30), D(year, 12, 31), D(year + 1, 3, 31)), start=1
        ):
            status, share = MilestoneStatus.PENDING, None
            # a monitored indicator's milestones are left to be judged from monitoring
            if due < era.last_month and not ind.indicator_id:
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


# -------------------------------------------------------------------------------- challenges


def _challenges(contracts, by_contract, era: PerformanceEra) -> int:
    last_month = era.last_month
    made = []
    for contract in contracts:
        lines = {line.code: line for line in by_contract.get(contract.pk, [])}
        annual = float(contract.annual_value)
        if _acute(contract, era) and contract.payment_form not in (P.BLOCK, P.OTHER):
            # money in proportion to the contract's value
            specs = [
                (c.reference, c.raised, c.line, c.month, c.kind, c.description,
                 Decimal(round(c.value * annual / era.challenge_scale, -2)), c.status,
                 None if c.agreed is None
                 else Decimal(round(c.agreed * annual / era.challenge_scale, -2)),
                 c.outcome, c.closed)
                for c in era.acute_challenges
            ]  # fmt: skip
        else:
            first = next(iter(lines), None)
            # the era's month, or two months before the end of a contract that ended earlier
            month, raised, what = era.other_challenge
            if contract.end_date < month:
                end = contract.end_date.replace(day=1)
                month = (end - dt.timedelta(days=32)).replace(day=1)
                raised = _working_day_on_or_before(month + dt.timedelta(days=63))
            specs = [
                ("CH-1", raised, first, month, "data_quality", what, Decimal(0),
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
                    value=value,
                    status=status,
                    value_agreed=agreed,
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

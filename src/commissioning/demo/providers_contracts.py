"""Synthetic providers, the services they run, contracts, incentive schemes and spend.

Provider names are invented analogues of the kinds of provider each area had (acute, community
and mental health trusts, a local dementia or stroke charity, the council); their codes start
with "Y" so they cannot be mistaken for real ODS codes.

**The study's communities (2008-2013).** Payment forms follow the period and the field study's
finding that most spending on the services studied was absorbed in block contracts: block
contracts for community and mental health services (and the expensive dementia beds and
community stroke rehabilitation), Payment by Results for acute care, one cost-and-volume
contract. Community services follow the demo's own change log: until 31 March 2011 the PCT's
provider arm ran them under a service level agreement; Transforming Community Services then
moved them out of the PCT, in Calderdale to the acute trust (an integrated care organisation), in
Somerset to the mental health trust and in Wirral to a new community trust, each without a
tender. Most contracts rolled over; one was tendered (the Somerset intermediate diabetes tier),
and the incumbent community provider won it. CQUIN is 0.5% of contract value in 2009/10 and
1.5% in 2010/11: small beside the blocks.

**The present-day community (2021-2026).** 2021/22 runs on the COVID-19 financial regime's
system block payments with the lead CCG as commissioner (contracts running on past June 2022
passed to the ICB, which is named as their commissioner); from 2022/23 the NHS trusts are paid
under aligned payment and incentive agreements (a fixed and a variable element: the National
Tariff in 2022/23, the NHS Payment Scheme from April 2023), a neighbouring trust under a
low-volume activity agreement, the GP federation under a local enhanced service, a community
interest company by a local price per course place, and the councils through Better Care Fund
section 75 agreements. CQUIN is 1.25% of the fixed element in 2022/23.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from commissioning.demo.communities import AREAS, PRESENT
from commissioning.demo.context import STUDY, TODAY, Build
from commissioning.store.models import (
    Contract,
    IncentiveScheme,
    Organisation,
    OrganisationKind,
    PaymentForm,
    ProcurementRoute,
    Service,
    Setting,
    Spend,
)

D = dt.date
K = OrganisationKind
TCS = D(2011, 4, 1)  # community services leave the PCTs (Transforming Community Services)
ARM_CLOSED = D(2011, 3, 31)

# key -> (code, name, kind), per community. "arm" is the PCT's own provider arm, closed when
# community services left the PCT (see COMMUNITY_PROVIDER).
PROVIDERS = {
    "calderdale": {
        "acute": ("YA101", "Calder and Ryburn Hospitals NHS Foundation Trust", K.ACUTE_TRUST),
        "arm": ("YA104", "Calderdale Community Health Services (PCT provider arm)",
                K.COMMUNITY_TRUST),
        "mh": ("YA103", "West Pennine Minds NHS Foundation Trust", K.MENTAL_HEALTH_TRUST),
        "voluntary": ("YV101", "Calderdale Memory Friends", K.VOLUNTARY),
        "la": ("YL101", "Calderdale Council (synthetic)", K.LOCAL_AUTHORITY),
    },
    "somerset": {
        "acute": ("YA201", "Taunton Vale Hospital NHS Foundation Trust", K.ACUTE_TRUST),
        "acute2": ("YA202", "Yeo Downs District Hospital NHS Foundation Trust", K.ACUTE_TRUST),
        "arm": ("YA205", "Somerset Community Health (PCT provider arm)", K.COMMUNITY_TRUST),
        "mh": ("YA204", "Quantock Partnership NHS Foundation Trust", K.MENTAL_HEALTH_TRUST),
        "voluntary": ("YV201", "Somerset Stroke Survivors Network", K.VOLUNTARY),
        "la": ("YL201", "Somerset County Council (synthetic)", K.LOCAL_AUTHORITY),
    },
    "wirral": {
        "acute": ("YA301", "Wirral Peninsula Hospitals NHS Foundation Trust", K.ACUTE_TRUST),
        "arm": ("YA304", "Wirral Community Services (PCT provider arm)", K.COMMUNITY_TRUST),
        "ctrust": ("YA302", "Wirral Community Care NHS Trust", K.COMMUNITY_TRUST),
        "mh": ("YA303", "Dee and Mersey Partnership NHS Foundation Trust", K.MENTAL_HEALTH_TRUST),
        "voluntary": ("YV301", "Wirral Memory Matters", K.VOLUNTARY),
        "la": ("YL301", "Wirral Council (synthetic)", K.LOCAL_AUTHORITY),
    },
    "mereshire": {
        "acute": ("YA401", "Mereshire Hospitals NHS Foundation Trust", K.ACUTE_TRUST),
        "acute_out": ("YA402", "Northwold and District Hospitals NHS Trust", K.ACUTE_TRUST),
        "cmh": ("YA403", "Mereshire Community and Mental Health NHS Trust",
                K.MENTAL_HEALTH_TRUST),
        "federation": ("YI401", "Mereshire GP Federation (synthetic)", K.INDEPENDENT),
        "cic": ("YI402", "Mereshire Wellbeing CIC (synthetic)", K.INDEPENDENT),
        "voluntary": ("YV401", "Mereshire Dementia Support (synthetic)", K.VOLUNTARY),
        "la": ("YL401", "Mereshire County Council (synthetic)", K.LOCAL_AUTHORITY),
        "la2": ("YL402", "Mereton City Council (synthetic)", K.LOCAL_AUTHORITY),
    },
}  # fmt: skip
# Who ran community services after they left the PCT, and from when the Wirral trust existed.
COMMUNITY_PROVIDER = {"calderdale": "acute", "somerset": "mh", "wirral": "ctrust"}
OPENED = {("wirral", "ctrust"): TCS}

S = Setting
# key -> (name, provider key, conditions, setting, tier, start, end, last reviewed, £k a year).
# Provider key "community" is whoever ran community services after April 2011.
SERVICES = {
    "calderdale": {
        "dm_clinic": ("Hospital diabetes clinic", "acute", ["diabetes"], S.ACUTE, "specialist",
                      None, None, D(2010, 9, 1), 900),
        "dm_dsn": ("Community diabetes specialist nursing", "community", ["diabetes"],
                   S.COMMUNITY, "intermediate", None, None, D(2011, 3, 1), 450),
        "dm_education": ("Structured education for people with diabetes", "community",
                         ["diabetes"], S.COMMUNITY, "education", D(2011, 4, 1), None,
                         D(2012, 1, 16), 120),
        "podiatry": ("Diabetic podiatry", "community", ["diabetes"], S.COMMUNITY, "", None, None,
                     D(2009, 6, 1), 350),
        "podiatry_foot": ("Diabetic foot protection clinic", "acute", ["diabetes"], S.ACUTE,
                          "specialist", None, None, D(2008, 5, 1), 180),
        "eye_screening": ("Diabetic eye screening", "community", ["diabetes"], S.COMMUNITY, "",
                          None, None, D(2010, 2, 1), 280),
        "memory": ("Memory assessment service", "mh", ["dementia"], S.MENTAL_HEALTH,
                   "specialist", None, None, D(2011, 2, 1), 550),
        "op_cmht": ("Older people's community mental health team", "mh", ["dementia"],
                    S.MENTAL_HEALTH, "", None, None, D(2008, 11, 3), 1800),
        "dementia_beds": ("Older people's mental health assessment beds", "mh", ["dementia"],
                          S.MENTAL_HEALTH, "specialist", None, None, D(2010, 11, 1), 2600),
        "dementia_advisers": ("Dementia advisers and memory cafés", "voluntary", ["dementia"],
                              S.COMMUNITY, "", D(2011, 4, 1), None, D(2012, 3, 1), 80),
        "care_home_liaison": ("Dementia care home liaison", "mh", ["dementia"], S.CARE_HOME, "",
                              D(2011, 4, 1), None, D(2012, 2, 1), 250),
        "stroke_unit": ("Acute stroke unit", "acute", ["stroke-tia"], S.ACUTE, "", None, None,
                        D(2010, 1, 4), 1600),
        "stroke_rehab": ("Community stroke rehabilitation", "community", ["stroke-tia"],
                         S.COMMUNITY, "", None, None, D(2009, 10, 1), 600),
        "carers": ("Carers' support for people with dementia", "la", ["dementia"],
                   S.SOCIAL_CARE, "", None, None, D(2010, 5, 4), 150),
    },
    "somerset": {
        "dm_clinic": ("Hospital diabetes clinic, Taunton", "acute", ["diabetes"], S.ACUTE,
                      "specialist", None, None, D(2010, 6, 1), 1400),
        "dm_clinic2": ("Hospital diabetes clinic, Yeovil", "acute2", ["diabetes"], S.ACUTE,
                       "specialist", None, None, D(2010, 6, 1), 900),
        "dm_intermediate": ("Nurse-led intermediate diabetes service", "community", ["diabetes"],
                            S.COMMUNITY, "intermediate", D(2011, 7, 1), None, D(2012, 6, 1),
                            700),
        "podiatry": ("Diabetic podiatry", "community", ["diabetes"], S.COMMUNITY, "", None, None,
                     D(2010, 2, 1), 600),
        "eye_screening": ("Diabetic eye screening", "community", ["diabetes"], S.COMMUNITY, "",
                          None, None, D(2010, 3, 1), 500),
        "memory": ("Memory assessment service", "mh", ["dementia"], S.MENTAL_HEALTH,
                   "specialist", None, None, D(2009, 9, 1), 900),
        "op_cmht": ("Older people's community mental health teams", "mh", ["dementia"],
                    S.MENTAL_HEALTH, "", None, None, D(2009, 9, 1), 2200),
        "dementia_beds": ("Older people's mental health assessment beds", "mh", ["dementia"],
                          S.MENTAL_HEALTH, "specialist", None, None, D(2010, 9, 1), 3200),
        # Somerset's formal contracting reviews its costliest acute services at the contract
        # round (the annual service reviews of 2011).
        "stroke_unit": ("Acute stroke unit, Taunton", "acute", ["stroke-tia"], S.ACUTE, "",
                        None, None, D(2011, 10, 3), 2600),
        "stroke_unit2": ("Acute stroke unit, Yeovil", "acute2", ["stroke-tia"], S.ACUTE, "",
                         None, None, D(2011, 11, 1), 1700),
        "esd": ("Stroke early supported discharge", "community", ["stroke-tia"], S.HOME, "",
                D(2011, 4, 1), None, D(2012, 1, 10), 650),
        "stroke_rehab": ("Community stroke rehabilitation", "community", ["stroke-tia"],
                         S.COMMUNITY, "", None, None, D(2010, 11, 1), 900),
        "stroke_beds": ("Stroke rehabilitation beds in community hospitals", "community",
                        ["stroke-tia"], S.COMMUNITY, "", None, None, D(2010, 11, 1), 2400),
        "stroke_clubs": ("Stroke survivors' clubs", "voluntary", ["stroke-tia"], S.COMMUNITY,
                         "", None, None, D(2011, 5, 3), 40),
        "dementia_home": ("Dementia home support", "la", ["dementia"], S.SOCIAL_CARE, "", None,
                          None, D(2010, 9, 1), 400),
    },
    "wirral": {
        "dm_clinic": ("Hospital diabetes clinic", "acute", ["diabetes"], S.ACUTE, "specialist",
                      None, None, D(2009, 12, 1), 1000),
        "dm_community": ("Community diabetes team", "community", ["diabetes"], S.COMMUNITY,
                         "intermediate", None, None, D(2010, 10, 1), 500),
        "podiatry": ("Diabetic podiatry", "community", ["diabetes"], S.COMMUNITY, "", None, None,
                     D(2011, 8, 1), 500),
        "foot_mdt": ("Multidisciplinary diabetic foot clinic", "acute", ["diabetes"], S.ACUTE,
                     "specialist", D(2011, 9, 1), None, D(2012, 9, 3), 200),
        "eye_screening": ("Diabetic eye screening", "community", ["diabetes"], S.COMMUNITY, "",
                          None, None, D(2010, 6, 1), 350),
        "memory_clinic": ("Memory clinic", "acute", ["dementia"], S.ACUTE, "", None,
                          D(2010, 9, 30), D(2009, 11, 2), 350),
        "memory": ("Memory assessment service", "mh", ["dementia"], S.MENTAL_HEALTH,
                   "specialist", D(2010, 10, 1), None, D(2011, 10, 3), 600),
        "op_cmht": ("Older people's community mental health team", "mh", ["dementia"],
                    S.MENTAL_HEALTH, "", None, None, D(2009, 6, 1), 2000),
        "dementia_beds": ("Older people's mental health assessment beds", "mh", ["dementia"],
                          S.MENTAL_HEALTH, "specialist", None, None, D(2010, 6, 1), 2800),
        "dementia_support": ("Dementia support workers", "voluntary", ["dementia"], S.COMMUNITY,
                             "", None, None, D(2011, 1, 4), 70),
        "stroke_unit": ("Acute stroke unit", "acute", ["stroke-tia"], S.ACUTE, "", None, None,
                        D(2010, 4, 1), 2500),
        "stroke_rehab": ("Community stroke rehabilitation", "community", ["stroke-tia"],
                         S.COMMUNITY, "", None, None, D(2009, 7, 1), 700),
        "carers": ("Carers' breaks", "la", ["dementia", "stroke-tia"], S.SOCIAL_CARE, "", None,
                   None, D(2010, 1, 4), 200),
    },
    "mereshire": {
        "dm_clinic": ("Hospital diabetes service", "acute", ["diabetes"], S.ACUTE, "specialist",
                      None, None, D(2023, 5, 2), 2900),
        "foot_mdt": ("Multidisciplinary diabetic foot service", "acute", ["diabetes"], S.ACUTE,
                     "specialist", None, None, D(2024, 2, 1), 600),
        "dm_community": ("Community diabetes specialist service", "cmh", ["diabetes"],
                         S.COMMUNITY, "intermediate", None, None, D(2024, 9, 2), 1400),
        "podiatry": ("Diabetic foot protection service", "cmh", ["diabetes"], S.COMMUNITY, "",
                     None, None, D(2023, 11, 1), 900),
        "dm_education": ("Structured diabetes education", "cic", ["diabetes"], S.COMMUNITY,
                         "education", None, None, D(2025, 1, 6), 260),
        "enhanced_dm": ("Enhanced diabetes care in general practice", "federation",
                        ["diabetes"], S.PRIMARY_CARE, "intermediate", D(2023, 4, 1), None,
                        D(2025, 2, 3), 1200),
        "memory": ("Memory assessment service", "cmh", ["dementia"], S.MENTAL_HEALTH,
                   "specialist", None, None, D(2023, 6, 1), 2100),
        "op_mh": ("Older people's community mental health teams", "cmh", ["dementia"],
                  S.MENTAL_HEALTH, "", None, None, D(2022, 11, 1), 5200),
        "dementia_beds": ("Older people's mental health inpatient beds", "cmh", ["dementia"],
                          S.MENTAL_HEALTH, "specialist", None, None, D(2024, 3, 1), 6800),
        "dementia_advisers": ("Dementia advisers and post-diagnostic support", "voluntary",
                              ["dementia"], S.COMMUNITY, "", None, None, D(2024, 10, 1), 420),
        "care_homes": ("Enhanced health in care homes: mental health in-reach", "cmh",
                       ["dementia"], S.CARE_HOME, "", None, None, D(2023, 9, 1), 900),
        "stroke_unit": ("Hyperacute and acute stroke unit", "acute", ["stroke-tia"], S.ACUTE, "",
                        None, None, D(2023, 3, 1), 9800),
        "stroke_out": ("Stroke and diabetes care at a neighbouring trust", "acute_out",
                       ["stroke-tia", "diabetes"], S.ACUTE, "", D(2023, 4, 1), None,
                       D(2024, 4, 2), 380),
        "iscs": ("Integrated community stroke service", "cmh", ["stroke-tia"], S.HOME, "",
                 D(2023, 10, 2), None, D(2025, 4, 1), 2300),
        "stroke_beds": ("Community stroke rehabilitation beds", "cmh", ["stroke-tia"],
                        S.COMMUNITY, "", None, None, D(2023, 3, 1), 1900),
        "carers": ("Carers' support (Better Care Fund)", "la", ["dementia", "stroke-tia"],
                   S.SOCIAL_CARE, "", None, None, D(2024, 6, 3), 600),
        "reablement": ("Reablement and intermediate care (Better Care Fund)", "la2",
                       ["dementia", "stroke-tia"], S.SOCIAL_CARE, "", None, None,
                       D(2024, 6, 3), 1500),
    },
}  # fmt: skip

P, R = PaymentForm, ProcurementRoute
START, END = D(2008, 4, 1), D(2013, 3, 31)
SLA_RISK = (
    "Service level agreement with the PCT's own provider arm: a block, with no separate "
    "contract until community services left the PCT"
)
TCS_RISK = (
    "Block. Transferred from the PCT's provider arm under Transforming Community Services, "
    "without a tender"
)
# key -> (title, provider key, service keys, payment form, route, start, end, £k a year, risk)
CONTRACTS = {
    "calderdale": [
        ("Acute services contract", "acute", ["dm_clinic", "stroke_unit", "podiatry_foot"],
         P.ACTIVITY, R.ROLLED_OVER, START, END, 148_000,
         "Payment by Results at national tariff; marginal rate of 30% above the emergency "
         "threshold"),
        ("Service level agreement: community services", "arm",
         ["dm_dsn", "podiatry", "eye_screening", "stroke_rehab"], P.BLOCK, R.ROLLED_OVER, START,
         ARM_CLOSED, 31_000, SLA_RISK),
        ("Community services contract", "community",
         ["dm_dsn", "dm_education", "podiatry", "eye_screening", "stroke_rehab"], P.BLOCK, R.NEW,
         TCS, END, 33_000, TCS_RISK),
        ("Mental health services contract", "mh",
         ["memory", "op_cmht", "dementia_beds", "care_home_liaison"], P.BLOCK, R.ROLLED_OVER,
         START, END, 42_000, "Block with an activity review each quarter"),
        ("Dementia advisers grant agreement", "voluntary", ["dementia_advisers"], P.BLOCK,
         R.DIRECT_AWARD, D(2011, 4, 1), END, 80, "Grant paid quarterly in advance"),
        ("Section 75 agreement: carers' support", "la", ["carers"], P.OTHER, R.NEW, START, END,
         150, "Pooled budget hosted by the council"),
    ],
    "somerset": [
        ("Acute services contract", "acute", ["dm_clinic", "stroke_unit"], P.ACTIVITY,
         R.ROLLED_OVER, START, END, 165_000, "Payment by Results at national tariff"),
        ("Acute services contract", "acute2", ["dm_clinic2", "stroke_unit2"], P.ACTIVITY,
         R.ROLLED_OVER, START, END, 102_000, "Payment by Results at national tariff"),
        ("Service level agreement: community services", "arm",
         ["podiatry", "eye_screening", "stroke_rehab", "stroke_beds"], P.BLOCK, R.ROLLED_OVER,
         START, ARM_CLOSED, 58_000, SLA_RISK),
        ("Community services contract", "community",
         ["podiatry", "eye_screening", "stroke_rehab", "stroke_beds"], P.BLOCK, R.NEW, TCS, END,
         60_000, TCS_RISK),
        ("Nurse-led intermediate diabetes service", "community", ["dm_intermediate"], P.BLOCK,
         R.TENDERED, D(2011, 7, 1), D(2014, 6, 30), 700,
         "Block, with 2% withheld against the agreed care-process outcomes; gains and losses "
         "against the activity plan shared equally"),
        ("Stroke early supported discharge", "community", ["esd"], P.COST_AND_VOLUME,
         R.DIRECT_AWARD, D(2011, 4, 1), END, 650,
         "Price for 250 to 330 patients a year; outside the band, paid at 80% of the unit "
         "price"),
        ("Mental health services contract", "mh", ["memory", "op_cmht", "dementia_beds"],
         P.BLOCK, R.ROLLED_OVER, START, END, 71_000, "Block"),
        ("Stroke survivors' clubs grant", "voluntary", ["stroke_clubs"], P.BLOCK,
         R.ROLLED_OVER, START, END, 40, "Grant paid quarterly in advance"),
        ("Section 75 agreement: dementia home support", "la", ["dementia_home"], P.OTHER,
         R.NEW, START, END, 400, "Pooled budget hosted by the council"),
    ],
    "wirral": [
        ("Acute services contract", "acute",
         ["dm_clinic", "foot_mdt", "memory_clinic", "stroke_unit"], P.ACTIVITY, R.ROLLED_OVER,
         START, END, 196_000, "Payment by Results at national tariff"),
        ("Service level agreement: community services", "arm",
         ["dm_community", "podiatry", "eye_screening", "stroke_rehab"], P.BLOCK, R.ROLLED_OVER,
         START, ARM_CLOSED, 44_000, SLA_RISK),
        ("Community services contract", "community",
         ["dm_community", "podiatry", "eye_screening", "stroke_rehab"], P.BLOCK, R.NEW, TCS,
         END, 46_000, TCS_RISK),
        ("Memory assessment service", "mh", ["memory"], P.BLOCK, R.NEW, D(2010, 10, 1), END,
         600, "Block; activity reported monthly"),
        ("Mental health services contract", "mh", ["op_cmht", "dementia_beds"], P.BLOCK,
         R.ROLLED_OVER, START, END, 38_000, "Block"),
        ("Dementia support workers grant", "voluntary", ["dementia_support"], P.BLOCK,
         R.ROLLED_OVER, START, END, 70, "Grant paid quarterly in advance"),
        ("Section 75 agreement: carers' breaks", "la", ["carers"], P.OTHER, R.NEW, START, END,
         200, "Pooled budget hosted by the council"),
    ],
    "mereshire": [
        ("Enhanced diabetes care in general practice (local enhanced service)", "federation",
         ["enhanced_dm"], P.OTHER, R.DIRECT_AWARD, D(2023, 4, 1), D(2026, 3, 31), 1_200,
         "Local agreement: a price per registered patient with diabetes, with 10% paid on "
         "eight care processes completed"),
        ("Structured diabetes education", "cic", ["dm_education"], P.ACTIVITY, R.TENDERED,
         D(2021, 7, 1), D(2026, 6, 30), 260,
         "Local price per course place attended; activity-based payment"),
        ("NHS Standard Contract 2021/22: system block payment", "acute",
         ["dm_clinic", "foot_mdt", "stroke_unit"], P.BLOCK, R.ROLLED_OVER, D(2021, 4, 1),
         D(2022, 3, 31), 412_000,
         "COVID-19 financial regime: a fixed system block payment, no activity reconciliation"),
        ("NHS Standard Contract 2021/22: system block payment", "cmh",
         ["dm_community", "podiatry", "memory", "op_mh", "dementia_beds", "care_homes",
          "stroke_beds"], P.BLOCK, R.ROLLED_OVER, D(2021, 4, 1), D(2022, 3, 31), 168_000,
         "COVID-19 financial regime: a fixed system block payment, no activity reconciliation"),
        ("NHS Standard Contract 2022/23 to 2026/27: aligned payment and incentive", "acute",
         ["dm_clinic", "foot_mdt", "stroke_unit"], P.API, R.ROLLED_OVER, D(2022, 4, 1),
         D(2027, 3, 31), 448_000,
         "Aligned payment and incentive: a fixed element for most services, and a variable "
         "element paying elective activity at 100% of NHS Payment Scheme unit prices (75% "
         "above baseline in 2022/23)"),
        ("NHS Standard Contract 2022/23 to 2026/27: aligned payment and incentive", "cmh",
         ["dm_community", "podiatry", "memory", "op_mh", "dementia_beds", "care_homes",
          "stroke_beds", "iscs"], P.API, R.ROLLED_OVER, D(2022, 4, 1), D(2027, 3, 31), 176_000,
         "Aligned payment and incentive: the fixed element covers community and mental health "
         "services; no variable element"),
        ("Low-volume activity agreement", "acute_out", ["stroke_out"], P.BLOCK, R.ROLLED_OVER,
         D(2023, 4, 1), D(2027, 3, 31), 380,
         "Low-volume activity (LVA) payment under the NHS Payment Scheme: a fixed annual sum "
         "set nationally for a relationship under £0.5m, with no activity reconciliation"),
        ("Section 75 agreement: Better Care Fund (carers)", "la", ["carers"], P.OTHER,
         R.NEW, D(2021, 4, 1), D(2027, 3, 31), 600,
         "Pooled budget hosted by the council; schedules agreed each year"),
        ("Section 75 agreement: Better Care Fund (reablement)", "la2", ["reablement"], P.OTHER,
         R.NEW, D(2021, 4, 1), D(2027, 3, 31), 1_500,
         "Pooled budget hosted by the council; schedules agreed each year"),
        ("Dementia advisers grant agreement", "voluntary", ["dementia_advisers"], P.OTHER,
         R.DIRECT_AWARD, D(2021, 4, 1), D(2027, 9, 30), 420,
         "Grant paid quarterly in advance against agreed outcomes"),
    ],
}  # fmt: skip

CQUIN = {
    "study": {2009: Decimal("0.50"), 2010: Decimal("1.50")},
    "today": {2022: Decimal("1.25")},
}
CQUIN_GOALS = {
    "study": {
        K.ACUTE_TRUST: "Stroke: 80% of patients spend 90% of their stay on a stroke unit; "
        "dementia: memory screening of emergency admissions aged 75 and over",
        K.COMMUNITY_TRUST: "Diabetes: foot risk recorded for everyone seen; patient experience "
        "survey",
        K.MENTAL_HEALTH_TRUST: "Dementia: care plans shared with the GP within 2 weeks of "
        "diagnosis",
    },
    "today": {
        K.ACUTE_TRUST: "Up to five national CQUIN indicators, e.g. recording of NEWS2 score, "
        "escalation time and response time for unplanned critical care admissions",
        K.MENTAL_HEALTH_TRUST: "Up to five national CQUIN indicators, e.g. routine outcome "
        "monitoring in community mental health services",
    },
}
NHS_TRUSTS = {K.ACUTE_TRUST, K.COMMUNITY_TRUST, K.MENTAL_HEALTH_TRUST}


def provider_key(community: str, key: str) -> str:
    """The provider key of a service or contract: "community" is who ran community services
    after April 2011."""
    return COMMUNITY_PROVIDER.get(community, key) if key == "community" else key


def provider(b: Build, community: str, key: str) -> Organisation:
    return b.orgs[f"{community}:{provider_key(community, key)}"]


def community_codes() -> list[str]:
    return [a.code for a in AREAS] + [PRESENT.code]


def era_of(community: str):
    return TODAY if community == PRESENT.code else STUDY


def build_providers(b: Build) -> None:
    for code in community_codes():
        made = Organisation.objects.bulk_create(
            [
                Organisation(
                    ods_code=ods,
                    name=name,
                    kind=kind,
                    valid_from=OPENED.get((code, key)),
                    valid_to=ARM_CLOSED if key == "arm" else None,
                    synthetic=True,
                )
                for key, (ods, name, kind) in PROVIDERS[code].items()
            ]
        )
        for key, org in zip(PROVIDERS[code], made, strict=True):
            b.orgs[f"{code}:{key}"] = org
        if "arm" in PROVIDERS[code]:
            arm = b.orgs[f"{code}:arm"]
            arm.successor = provider(b, code, "community")
            arm.save(update_fields=["successor"])
        b.communities[code].members.add(*made)


def build_services_and_contracts(b: Build) -> None:
    spend: list[Spend] = []
    incentives: list[IncentiveScheme] = []
    for code in community_codes():
        era = era_of(code)
        rng = b.rng(f"spend:{code}")
        community = b.communities[code]
        specs = SERVICES[code]
        services = Service.objects.bulk_create(
            [
                Service(
                    name=name,
                    community=community,
                    provider=provider(b, code, prov),
                    setting=setting,
                    tier=tier,
                    description=f"Synthetic: {name[0].lower() + name[1:]} for {community.name}.",
                    start_date=start,
                    end_date=end,
                    last_reviewed=reviewed,
                )
                for name, prov, _, setting, tier, start, end, reviewed, _ in specs.values()
            ]
        )
        cond_rows = []
        through = Service.conditions.through
        for key, service in zip(specs, services, strict=True):
            b.services[f"{code}:{key}"] = service
            _, _, slugs, _, _, start, end, _, thousands = specs[key]
            for slug in slugs:
                cond_rows.append(through(service=service, condition=b.conditions[slug]))
            growth = rng.normal(0.03, 0.015)
            for fy in era.financial_years:
                share = _share_of_year(fy, start, end)
                if share <= 0:
                    continue
                amount = thousands * 1000 * (1 + growth) ** (fy - era.first_year) * share
                amount *= rng.normal(1.0, 0.04)
                spend.append(
                    Spend(service=service, financial_year=fy, amount=Decimal(round(amount)))
                )
        through.objects.bulk_create(cond_rows)

        contracts = []
        number = {"study": b.orgs[f"{code}:pct"].ods_code if era is STUDY else ""}
        prefix = number["study"] or PRESENT.icb[0]
        for n, (title, prov, _, form, route, start, end, thousands, risk) in enumerate(
            CONTRACTS[code], start=1
        ):
            holder = provider(b, code, prov)
            if era is STUDY:
                commissioner = b.orgs[f"{code}:pct"]
            elif end < D(2022, 7, 1):  # over before the ICB: the lead CCG's contract
                commissioner = b.orgs[f"{code}:ccg:mereton"]
            else:
                commissioner = b.orgs[f"{code}:icb"]
            contracts.append(
                Contract(
                    reference=f"DEMO-{prefix}-{n:02d}",
                    title=f"{title}: {holder.name}",
                    community=community,
                    commissioner=commissioner,
                    provider=holder,
                    payment_form=form,
                    procurement_route=route,
                    start_date=start,
                    end_date=end,
                    annual_value=Decimal(thousands * 1000),
                    risk_share=risk,
                )
            )
        contracts = Contract.objects.bulk_create(contracts)
        links = []
        for spec, contract in zip(CONTRACTS[code], contracts, strict=True):
            b.contracts[contract.reference] = contract
            for key in spec[2]:
                links.append(
                    Contract.services.through(
                        contract=contract, service=b.services[f"{code}:{key}"]
                    )
                )
            if contract.provider.kind not in NHS_TRUSTS:
                continue
            for fy, percent in CQUIN[era.code].items():
                if contract.start_date > D(fy + 1, 3, 31) or contract.end_date < D(fy, 4, 1):
                    continue
                incentives.append(
                    IncentiveScheme(
                        contract=contract,
                        scheme="CQUIN",
                        financial_year=fy,
                        percent=percent,
                        value=(contract.annual_value * percent / 100).quantize(Decimal("1")),
                        goals=CQUIN_GOALS[era.code][contract.provider.kind],
                    )
                )
        Contract.services.through.objects.bulk_create(links)
    IncentiveScheme.objects.bulk_create(incentives)
    Spend.objects.bulk_create(spend)


def _share_of_year(fy: int, start: dt.date | None, end: dt.date | None) -> float:
    """The share of financial year ``fy`` during which a service ran."""
    first, last = D(fy, 4, 1), D(fy + 1, 3, 31)
    lo = max(first, start or first)
    hi = min(last, end or last)
    if hi < lo:
        return 0.0
    return ((hi - lo).days + 1) / ((last - first).days + 1)

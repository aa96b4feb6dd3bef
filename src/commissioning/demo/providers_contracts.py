"""Synthetic providers, the services they run, contracts, CQUIN schemes and spend.

Provider names are invented analogues of the kinds of provider each real area had (acute,
community and mental health trusts, a local dementia or stroke charity, the council); their
codes start with "Y" so they cannot be mistaken for real ODS codes. Payment forms follow the
period: block contracts for community and mental health services, activity-based payment
(Payment by Results) for acute care, one cost-and-volume contract; most contracts rolled over,
one tendered. CQUIN is 0.5% of contract value in 2009/10 and 1.5% in 2010/11.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from commissioning.demo.communities import AREAS
from commissioning.demo.context import FINANCIAL_YEARS, Build
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

# key -> (code, name, kind), per community.
PROVIDERS = {
    "calderdale": {
        "acute": ("YA101", "Calder and Ryburn Hospitals NHS Foundation Trust", K.ACUTE_TRUST),
        "community": ("YA102", "Calder Valley Community Health NHS Trust", K.COMMUNITY_TRUST),
        "mh": ("YA103", "West Pennine Minds NHS Foundation Trust", K.MENTAL_HEALTH_TRUST),
        "voluntary": ("YV101", "Calderdale Memory Friends", K.VOLUNTARY),
        "la": ("YL101", "Calderdale Council (synthetic)", K.LOCAL_AUTHORITY),
    },
    "somerset": {
        "acute": ("YA201", "Taunton Vale Hospital NHS Foundation Trust", K.ACUTE_TRUST),
        "acute2": ("YA202", "Yeo Downs District Hospital NHS Foundation Trust", K.ACUTE_TRUST),
        "community": ("YA203", "Levels and Moors Community Health NHS Trust", K.COMMUNITY_TRUST),
        "mh": ("YA204", "Quantock Partnership NHS Foundation Trust", K.MENTAL_HEALTH_TRUST),
        "voluntary": ("YV201", "Somerset Stroke Survivors Network", K.VOLUNTARY),
        "la": ("YL201", "Somerset County Council (synthetic)", K.LOCAL_AUTHORITY),
    },
    "wirral": {
        "acute": ("YA301", "Wirral Peninsula Hospitals NHS Foundation Trust", K.ACUTE_TRUST),
        "community": ("YA302", "Wirral Community Care NHS Trust", K.COMMUNITY_TRUST),
        "mh": ("YA303", "Dee and Mersey Partnership NHS Foundation Trust", K.MENTAL_HEALTH_TRUST),
        "voluntary": ("YV301", "Wirral Memory Matters", K.VOLUNTARY),
        "la": ("YL301", "Wirral Council (synthetic)", K.LOCAL_AUTHORITY),
    },
}

S = Setting
# key -> (name, provider key, conditions, setting, tier, start, end, last reviewed, £k a year)
SERVICES = {
    "calderdale": {
        "dm_clinic": ("Hospital diabetes clinic", "acute", ["diabetes"], S.ACUTE, "specialist",
                      None, None, D(2010, 9, 1), 2400),
        "dm_dsn": ("Community diabetes specialist nursing", "community", ["diabetes"],
                   S.COMMUNITY, "intermediate", None, None, D(2011, 3, 1), 450),
        "dm_education": ("Structured education for people with diabetes", "community",
                         ["diabetes"], S.COMMUNITY, "education", D(2011, 4, 1), None,
                         D(2012, 1, 15), 120),
        "podiatry": ("Diabetic podiatry", "community", ["diabetes"], S.COMMUNITY, "", None, None,
                     D(2009, 6, 1), 350),
        "memory": ("Memory assessment service", "mh", ["dementia"], S.MENTAL_HEALTH,
                   "specialist", None, None, D(2011, 2, 1), 550),
        "op_cmht": ("Older people's community mental health team", "mh", ["dementia"],
                    S.MENTAL_HEALTH, "", None, None, D(2008, 11, 1), 1800),
        "dementia_advisers": ("Dementia advisers and memory cafés", "voluntary", ["dementia"],
                              S.COMMUNITY, "", D(2011, 4, 1), None, D(2012, 3, 1), 80),
        "care_home_liaison": ("Dementia care home liaison", "mh", ["dementia"], S.CARE_HOME, "",
                              D(2011, 4, 1), None, D(2012, 2, 1), 250),
        "stroke_unit": ("Acute stroke unit", "acute", ["stroke-tia"], S.ACUTE, "", None, None,
                        D(2010, 1, 1), 3200),
        "stroke_rehab": ("Community stroke rehabilitation", "community", ["stroke-tia"],
                         S.COMMUNITY, "", None, None, D(2009, 10, 1), 600),
        "podiatry_foot": ("Diabetic foot protection clinic", "acute", ["diabetes"], S.ACUTE,
                          "specialist", None, None, D(2008, 5, 1), 180),
        "carers": ("Carers' support for people with dementia", "la", ["dementia"],
                   S.SOCIAL_CARE, "", None, None, D(2010, 5, 1), 150),
    },
    "somerset": {
        "dm_clinic": ("Hospital diabetes clinic", "acute", ["diabetes"], S.ACUTE, "specialist",
                      None, None, D(2010, 6, 1), 3100),
        "dm_clinic2": ("Hospital diabetes clinic", "acute2", ["diabetes"], S.ACUTE, "specialist",
                       None, None, D(2010, 6, 1), 2200),
        "dm_intermediate": ("Nurse-led intermediate diabetes service", "community", ["diabetes"],
                            S.COMMUNITY, "intermediate", D(2011, 7, 1), None, D(2012, 6, 1),
                            700),
        "podiatry": ("Diabetic podiatry", "community", ["diabetes"], S.COMMUNITY, "", None, None,
                     D(2010, 2, 1), 600),
        "memory": ("Memory assessment service", "mh", ["dementia"], S.MENTAL_HEALTH,
                   "specialist", None, None, D(2009, 9, 1), 900),
        "stroke_unit": ("Acute stroke unit", "acute", ["stroke-tia"], S.ACUTE, "", None, None,
                        D(2010, 3, 1), 4000),
        "stroke_unit2": ("Acute stroke unit", "acute2", ["stroke-tia"], S.ACUTE, "", None, None,
                         D(2010, 3, 1), 2800),
        "esd": ("Stroke early supported discharge", "community", ["stroke-tia"], S.HOME, "",
                D(2011, 1, 1), None, D(2012, 1, 10), 650),
        "stroke_rehab": ("Community stroke rehabilitation", "community", ["stroke-tia"],
                         S.COMMUNITY, "", None, None, D(2010, 11, 1), 900),
        "stroke_clubs": ("Stroke survivors' clubs", "voluntary", ["stroke-tia"], S.COMMUNITY,
                         "", None, None, D(2011, 5, 1), 40),
        "dementia_home": ("Dementia home support", "la", ["dementia"], S.SOCIAL_CARE, "", None,
                          None, D(2010, 9, 1), 400),
    },
    "wirral": {
        "dm_clinic": ("Hospital diabetes clinic", "acute", ["diabetes"], S.ACUTE, "specialist",
                      None, None, D(2009, 12, 1), 2600),
        "dm_community": ("Community diabetes team", "community", ["diabetes"], S.COMMUNITY,
                         "intermediate", None, None, D(2010, 10, 1), 500),
        "podiatry": ("Diabetic podiatry", "community", ["diabetes"], S.COMMUNITY, "", None, None,
                     D(2011, 8, 1), 500),
        "foot_mdt": ("Multidisciplinary diabetic foot clinic", "acute", ["diabetes"], S.ACUTE,
                     "specialist", D(2011, 9, 1), None, D(2012, 9, 1), 200),
        "memory_clinic": ("Memory clinic", "acute", ["dementia"], S.ACUTE, "", None,
                          D(2010, 9, 30), D(2009, 11, 1), 350),
        "memory": ("Memory assessment service", "mh", ["dementia"], S.MENTAL_HEALTH,
                   "specialist", D(2010, 10, 1), None, D(2011, 10, 1), 600),
        "dementia_support": ("Dementia support workers", "voluntary", ["dementia"], S.COMMUNITY,
                             "", None, None, D(2011, 1, 1), 70),
        "stroke_unit": ("Acute stroke unit", "acute", ["stroke-tia"], S.ACUTE, "", None, None,
                        D(2010, 4, 1), 3300),
        "stroke_rehab": ("Community stroke rehabilitation", "community", ["stroke-tia"],
                         S.COMMUNITY, "", None, None, D(2009, 7, 1), 700),
        "carers": ("Carers' breaks", "la", ["dementia", "stroke-tia"], S.SOCIAL_CARE, "", None,
                   None, D(2010, 1, 1), 200),
    },
}  # fmt: skip

P, R = PaymentForm, ProcurementRoute
START, END = D(2008, 4, 1), D(2013, 3, 31)
# key -> (title, provider key, service keys, payment form, route, start, end, £k a year, risk)
CONTRACTS = {
    "calderdale": [
        ("Acute services contract", "acute", ["dm_clinic", "stroke_unit", "podiatry_foot"],
         P.ACTIVITY, R.ROLLED_OVER, START, END, 148_000,
         "Payment by Results at national tariff; marginal rate of 30% above the emergency "
         "threshold"),
        ("Community services contract", "community",
         ["dm_dsn", "dm_education", "podiatry", "stroke_rehab"], P.BLOCK, R.ROLLED_OVER,
         START, END, 31_000, "Block: the provider carries the risk of higher activity"),
        ("Mental health services contract", "mh", ["memory", "op_cmht", "care_home_liaison"],
         P.BLOCK, R.ROLLED_OVER, START, END, 42_000, "Block with an activity review each quarter"),
        ("Dementia advisers grant agreement", "voluntary", ["dementia_advisers"], P.BLOCK,
         R.DIRECT_AWARD, D(2011, 4, 1), D(2013, 3, 31), 80, ""),
        ("Section 75 agreement: carers' support", "la", ["carers"], P.OTHER, R.NEW, START, END,
         150, "Pooled budget hosted by the council"),
    ],
    "somerset": [
        ("Acute services contract", "acute", ["dm_clinic", "stroke_unit"], P.ACTIVITY,
         R.ROLLED_OVER, START, END, 165_000, "Payment by Results at national tariff"),
        ("Acute services contract", "acute2", ["dm_clinic2", "stroke_unit2"], P.ACTIVITY,
         R.ROLLED_OVER, START, END, 102_000, "Payment by Results at national tariff"),
        ("Community services contract", "community", ["podiatry", "stroke_rehab"], P.BLOCK,
         R.ROLLED_OVER, START, END, 58_000, "Block"),
        ("Nurse-led intermediate diabetes service", "community", ["dm_intermediate"], P.BLOCK,
         R.TENDERED, D(2011, 7, 1), D(2014, 6, 30), 700,
         "Block, with 2% withheld against the agreed care-process outcomes"),
        ("Stroke early supported discharge", "community", ["esd"], P.COST_AND_VOLUME,
         R.DIRECT_AWARD, D(2011, 1, 1), D(2013, 3, 31), 650,
         "Price for 250 to 330 patients a year; outside the band, paid at 80% of the unit "
         "price"),
        ("Mental health services contract", "mh", ["memory"], P.BLOCK, R.ROLLED_OVER, START,
         END, 71_000, "Block"),
        ("Stroke survivors' clubs grant", "voluntary", ["stroke_clubs"], P.BLOCK,
         R.ROLLED_OVER, START, END, 40, ""),
        ("Section 75 agreement: dementia home support", "la", ["dementia_home"], P.OTHER,
         R.NEW, START, END, 400, "Pooled budget hosted by the council"),
    ],
    "wirral": [
        ("Acute services contract", "acute",
         ["dm_clinic", "foot_mdt", "memory_clinic", "stroke_unit"], P.ACTIVITY, R.ROLLED_OVER,
         START, END, 196_000, "Payment by Results at national tariff"),
        ("Community services contract", "community", ["dm_community", "podiatry", "stroke_rehab"],
         P.BLOCK, R.ROLLED_OVER, START, END, 44_000, "Block"),
        ("Memory assessment service", "mh", ["memory"], P.BLOCK, R.NEW, D(2010, 10, 1), END,
         600, "Block; activity reported monthly"),
        ("Dementia support workers grant", "voluntary", ["dementia_support"], P.BLOCK,
         R.ROLLED_OVER, START, END, 70, ""),
        ("Section 75 agreement: carers' breaks", "la", ["carers"], P.OTHER, R.NEW, START, END,
         200, "Pooled budget hosted by the council"),
    ],
}  # fmt: skip

CQUIN = {2009: Decimal("0.50"), 2010: Decimal("1.50")}
CQUIN_GOALS = {
    K.ACUTE_TRUST: "Stroke: 80% of patients spend 90% of their stay on a stroke unit; "
    "dementia: memory screening of emergency admissions aged 75 and over",
    K.COMMUNITY_TRUST: "Diabetes: foot risk recorded for everyone seen; patient experience survey",
    K.MENTAL_HEALTH_TRUST: "Dementia: care plans shared with the GP within 2 weeks of diagnosis",
}
NHS_TRUSTS = {K.ACUTE_TRUST, K.COMMUNITY_TRUST, K.MENTAL_HEALTH_TRUST}


def build_providers(b: Build) -> None:
    for area in AREAS:
        made = Organisation.objects.bulk_create(
            [
                Organisation(ods_code=code, name=name, kind=kind, synthetic=True)
                for code, name, kind in PROVIDERS[area.code].values()
            ]
        )
        for key, org in zip(PROVIDERS[area.code], made, strict=True):
            b.orgs[f"{area.code}:{key}"] = org
        b.communities[area.code].members.add(*made)


def build_services_and_contracts(b: Build) -> None:
    spend: list[Spend] = []
    incentives: list[IncentiveScheme] = []
    for area in AREAS:
        rng = b.rng(f"spend:{area.code}")
        community = b.communities[area.code]
        specs = SERVICES[area.code]
        services = Service.objects.bulk_create(
            [
                Service(
                    name=name,
                    community=community,
                    provider=b.orgs[f"{area.code}:{prov}"],
                    setting=setting,
                    tier=tier,
                    description=f"Synthetic: {name.lower()} for {area.name}.",
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
            b.services[f"{area.code}:{key}"] = service
            _, _, slugs, _, _, start, end, _, thousands = specs[key]
            for slug in slugs:
                cond_rows.append(through(service=service, condition=b.conditions[slug]))
            growth = rng.normal(0.03, 0.015)
            for fy in FINANCIAL_YEARS:
                share = _share_of_year(fy, start, end)
                if share <= 0:
                    continue
                amount = thousands * 1000 * (1 + growth) ** (fy - 2008) * share
                amount *= rng.normal(1.0, 0.04)
                spend.append(
                    Spend(service=service, financial_year=fy, amount=Decimal(round(amount)))
                )
        through.objects.bulk_create(cond_rows)

        contracts = []
        for n, (title, prov, _, form, route, start, end, thousands, risk) in enumerate(
            CONTRACTS[area.code], start=1
        ):
            provider = b.orgs[f"{area.code}:{prov}"]
            contracts.append(
                Contract(
                    reference=f"DEMO-{area.pct[0]}-{n:02d}",
                    title=f"{title}: {provider.name}",
                    community=community,
                    commissioner=b.orgs[f"{area.code}:pct"],
                    provider=provider,
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
        for spec, contract in zip(CONTRACTS[area.code], contracts, strict=True):
            b.contracts[contract.reference] = contract
            for key in spec[2]:
                links.append(
                    Contract.services.through(
                        contract=contract, service=b.services[f"{area.code}:{key}"]
                    )
                )
            if contract.provider.kind not in NHS_TRUSTS:
                continue
            for fy, percent in CQUIN.items():
                if contract.start_date > D(fy + 1, 3, 31):
                    continue
                incentives.append(
                    IncentiveScheme(
                        contract=contract,
                        scheme="CQUIN",
                        financial_year=fy,
                        percent=percent,
                        value=(contract.annual_value * percent / 100).quantize(Decimal("1")),
                        goals=CQUIN_GOALS[contract.provider.kind],
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

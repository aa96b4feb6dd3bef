"""The service developments the demo follows, their objectives and external drivers.

The six developments retell, in made-up detail, the kinds of commissioning work studied in the
three areas in 2010-2012: a diabetes strategic plan (with two small tasks inside it) and a
dementia transformation in Calderdale; a diabetes redesign with a nurse-led intermediate tier and
stroke early supported discharge in Somerset; a review of diabetic podiatry and a new memory
assessment service (from October 2010, run by the mental health trust, replacing a memory clinic
that was decommissioned) in Wirral. One development (the Wirral podiatry review) is left with a
vague objective on purpose, as real ones often were. Objectives are measured by the indicators
of their time (the ``PCT_`` definitions of 2008-2013: see the indicator library).

The present-day community has three: diabetes care recovery across its primary care networks,
dementia diagnosis and post-diagnostic support in its northern place, and an integrated
community stroke service.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from commissioning.demo.context import Build
from commissioning.store.models import (
    DevelopmentStatus,
    DriverKind,
    ExternalDriver,
    Objective,
    ServiceDevelopment,
    SizeOfChange,
)

D = dt.date

DK = DriverKind
# key -> (title, kind, issuer, year). The study's developments cite what existed by then; the
# present-day community's, what drives commissioning now.
DRIVERS = {
    "nsf_diabetes": ("National Service Framework for Diabetes", DK.NATIONAL_GUIDANCE,
                     "Department of Health", 2001),
    "stroke_strategy": ("National Stroke Strategy", DK.STRATEGY, "Department of Health", 2007),
    "dementia_strategy": ("Living well with dementia: a National Dementia Strategy",
                          DK.STRATEGY, "Department of Health", 2009),
    "nice_cg42": ("NICE-SCIE clinical guideline CG42: dementia", DK.NATIONAL_GUIDANCE,
                  "NICE and SCIE", 2006),
    "nice_cg66": ("NICE clinical guideline CG66: type 2 diabetes", DK.NATIONAL_GUIDANCE, "NICE",
                  2008),
    "nice_cg68": ("NICE clinical guideline CG68: stroke (diagnosis and initial management)",
                  DK.NATIONAL_GUIDANCE, "NICE", 2008),
    "nice_qs_dementia": ("NICE quality standard: dementia", DK.QUALITY_STANDARD, "NICE", 2010),
    "nice_qs_stroke": ("NICE quality standard: stroke", DK.QUALITY_STANDARD, "NICE", 2010),
    "nice_qs_diabetes": ("NICE quality standard: diabetes in adults", DK.QUALITY_STANDARD,
                         "NICE", 2011),
    "qof": ("Quality and Outcomes Framework", DK.INCENTIVE_SCHEME, "NHS Employers and BMA",
            2004),
    "cquin": ("Commissioning for Quality and Innovation (CQUIN)", DK.INCENTIVE_SCHEME,
              "Department of Health", 2009),
    "qipp": ("Quality, Innovation, Productivity and Prevention (QIPP)", DK.TARGET,
             "Department of Health", 2010),
    "jsna": ("Joint strategic needs assessment (synthetic)", DK.LOCAL, "Local authority and PCT",
             2009),
    # Today's.
    "ltp": ("The NHS Long Term Plan", DK.STRATEGY, "NHS England", 2019),
    "nice_ng28": ("NICE guideline NG28: type 2 diabetes in adults", DK.NATIONAL_GUIDANCE,
                  "NICE", 2015),
    "nice_ng97": ("NICE guideline NG97: dementia", DK.NATIONAL_GUIDANCE, "NICE", 2018),
    "dementia_ambition": ("Dementia diagnosis rate ambition: two thirds (66.7%) of people aged "
                          "65 and over", DK.TARGET, "NHS England", 2015),
    "stroke_model": ("National Stroke Service Model", DK.NATIONAL_GUIDANCE, "NHS England", 2021),
    "nice_ng236": ("NICE guideline NG236: stroke rehabilitation in adults",
                   DK.NATIONAL_GUIDANCE, "NICE", 2023),
    "core20plus5": ("Core20PLUS5: reducing healthcare inequalities", DK.STRATEGY,
                    "NHS England", 2021),
    "qof_today": ("Quality and Outcomes Framework", DK.INCENTIVE_SCHEME, "NHS England", 2024),
    "jsna_today": ("Joint strategic needs assessment (synthetic)", DK.LOCAL,
                   "Mereshire County Council and Mereton City Council", 2023),
}  # fmt: skip


@dataclass(frozen=True)
class Plan:
    slug: str
    community: str
    title: str
    summary: str
    conditions: list[str]
    services: list[str]  # service keys in providers_contracts.SERVICES
    status: str
    size: str
    start: dt.date
    end: dt.date | None
    go_live: dt.date | None
    drivers: list[str]
    # (description, indicator code or None, baseline, target, target date)
    objectives: list[tuple] = field(default_factory=list)
    parent: str | None = None
    # When its work ran: the first and last working days of its activities.
    activity_window: tuple[dt.date, dt.date] = (D(2010, 6, 1), D(2012, 1, 31))


St, Sz = DevelopmentStatus, SizeOfChange
PLANS = [
    Plan(
        slug="diabetes-strategic-plan",
        community="calderdale",
        title="Calderdale diabetes strategic plan 2010-2013",
        summary="A three-year plan to move routine diabetes care into general practice and the "
        "community, with structured education and better foot care. Synthetic.",
        conditions=["diabetes"],
        services=["dm_clinic", "dm_dsn", "dm_education", "podiatry"],
        status=St.ACTIVE,
        size=Sz.MODERATE,
        start=D(2010, 4, 1),
        end=D(2013, 3, 31),
        go_live=D(2011, 1, 4),
        drivers=["nsf_diabetes", "nice_cg66", "nice_qs_diabetes", "qof", "jsna"],
        objectives=[
            (
                "Raise the share of people with diabetes who get all eight care processes "
                "(National Diabetes Audit) from 55% to 65% by the 2012-13 audit",
                "PCT_NDA_8CP",
                55.0,
                65.0,
                D(2013, 3, 31),
            ),
            (
                "Cut amputations to 2.2 a year per 1,000 people with diabetes by March 2013",
                "PCT_DM_AMPUT",
                2.6,
                2.2,
                D(2013, 3, 31),
            ),
        ],
        activity_window=(D(2010, 4, 6), D(2013, 3, 15)),
    ),
    Plan(
        slug="insulin-initiation",
        community="calderdale",
        title="Insulin initiation in general practice",
        summary="A small task inside the diabetes strategic plan: practices start insulin "
        "themselves, with support from the diabetes specialist nurses. Synthetic.",
        conditions=["diabetes"],
        services=["dm_dsn"],
        status=St.IMPLEMENTED,
        size=Sz.INCREMENTAL,
        start=D(2010, 9, 1),
        end=D(2011, 9, 30),
        go_live=D(2011, 1, 4),
        drivers=["nice_cg66"],
        objectives=[
            (
                "Raise the share with HbA1c 59 mmol/mol or less from 60% to 63% by March 2012",
                "DM_HBA1C59",
                60.0,
                63.0,
                D(2012, 3, 31),
            ),
        ],
        parent="diabetes-strategic-plan",
        activity_window=(D(2010, 9, 1), D(2011, 9, 30)),
    ),
    Plan(
        slug="structured-education",
        community="calderdale",
        title="Structured education for people newly diagnosed with diabetes",
        summary="A small task inside the diabetes strategic plan: commission group education "
        "for everyone newly diagnosed. Synthetic.",
        conditions=["diabetes"],
        services=["dm_education"],
        status=St.IMPLEMENTED,
        size=Sz.INCREMENTAL,
        start=D(2010, 7, 1),
        end=D(2011, 12, 30),
        go_live=D(2011, 4, 4),
        drivers=["nice_qs_diabetes", "nsf_diabetes"],
        objectives=[
            (
                "Raise the share getting all eight care processes (National Diabetes Audit) to "
                "60% by the 2011-12 audit",
                "PCT_NDA_8CP",
                55.0,
                60.0,
                D(2012, 3, 31),
            ),
        ],
        parent="diabetes-strategic-plan",
        activity_window=(D(2010, 7, 1), D(2011, 12, 30)),
    ),
    Plan(
        slug="dementia-transformation",
        community="calderdale",
        title="Calderdale dementia transformation",
        summary="Earlier diagnosis, dementia advisers, care home liaison and a review of "
        "antipsychotic prescribing. Synthetic.",
        conditions=["dementia"],
        services=["memory", "dementia_advisers", "care_home_liaison", "op_cmht"],
        status=St.IMPLEMENTED,
        size=Sz.MODERATE,
        start=D(2010, 5, 4),
        end=D(2012, 3, 30),
        go_live=D(2011, 4, 4),
        drivers=["dementia_strategy", "nice_cg42", "nice_qs_dementia", "cquin", "jsna"],
        objectives=[
            (
                "Cut the wait for a memory assessment from 14 to 8 weeks by March 2012",
                "PCT_MEM_WAIT",
                14.0,
                8.0,
                D(2012, 3, 31),
            ),
            (
                "Cut antipsychotic prescribing for people with dementia from 12% to 8% by "
                "December 2012",
                "PCT_DEM_ANTIPSY",
                12.0,
                8.0,
                D(2012, 12, 31),
            ),
            (
                "Raise the dementia diagnosis rate from 41% to 50% of the Dementia UK estimate "
                "by March 2013",
                "PCT_DEM_DX",
                41.0,
                50.0,
                D(2013, 3, 31),
            ),
        ],
        activity_window=(D(2010, 5, 4), D(2012, 3, 30)),
    ),
    Plan(
        slug="diabetes-redesign",
        community="somerset",
        title="Somerset diabetes service redesign: a nurse-led intermediate tier",
        summary="A tendered, nurse-led intermediate diabetes service between general practice "
        "and the hospital clinics, to see people closer to home; the incumbent community "
        "provider won the tender. Synthetic.",
        conditions=["diabetes"],
        services=["dm_intermediate", "dm_clinic", "dm_clinic2"],
        status=St.IMPLEMENTED,
        size=Sz.RADICAL,
        start=D(2010, 3, 1),
        end=D(2012, 6, 29),
        go_live=D(2011, 7, 1),
        drivers=["nsf_diabetes", "nice_cg66", "nice_qs_diabetes", "qipp", "qof"],
        objectives=[
            (
                "Raise the share getting all eight care processes (National Diabetes Audit) "
                "from 56% to 66% by the 2012-13 audit",
                "PCT_NDA_8CP",
                56.0,
                66.0,
                D(2013, 3, 31),
            ),
            (
                "Raise the share with HbA1c 59 mmol/mol or less from 60% to 64% by March 2013",
                "DM_HBA1C59",
                60.0,
                64.0,
                D(2013, 3, 31),
            ),
        ],
        activity_window=(D(2010, 3, 1), D(2012, 6, 29)),
    ),
    Plan(
        slug="stroke-esd",
        community="somerset",
        title="Stroke early supported discharge",
        summary="A community team so that stroke patients can go home earlier and finish "
        "their rehabilitation there. Synthetic.",
        conditions=["stroke-tia"],
        services=["esd", "stroke_unit", "stroke_unit2", "stroke_rehab"],
        status=St.IMPLEMENTED,
        size=Sz.MODERATE,
        start=D(2010, 1, 4),
        end=D(2012, 3, 30),
        go_live=D(2011, 4, 1),
        drivers=["stroke_strategy", "nice_cg68", "nice_qs_stroke", "cquin"],
        objectives=[
            (
                "Raise the share of stroke patients supported home by the ESD team from 4% to 30% "
                "by March 2012",
                "PCT_STROKE_ESD",
                4.0,
                30.0,
                D(2012, 3, 31),
            ),
            (
                "Cut the mean stroke length of stay from 24 to 19 days by March 2012",
                "PCT_STROKE_LOS",
                24.0,
                19.0,
                D(2012, 3, 31),
            ),
        ],
        activity_window=(D(2010, 1, 4), D(2012, 3, 30)),
    ),
    Plan(
        slug="diabetic-podiatry-review",
        community="wirral",
        title="Review of diabetic podiatry",
        summary="A review of foot care for people with diabetes, which led to a foot "
        "protection pathway and a multidisciplinary foot clinic. Synthetic.",
        conditions=["diabetes"],
        services=["podiatry", "foot_mdt", "dm_community"],
        status=St.IMPLEMENTED,
        size=Sz.INCREMENTAL,
        start=D(2010, 6, 1),
        end=D(2012, 3, 30),
        go_live=D(2011, 9, 1),
        drivers=["nice_cg66", "nsf_diabetes", "nice_qs_diabetes"],
        objectives=[("Improve foot care for people with diabetes", None, None, None, None)],
        activity_window=(D(2010, 6, 1), D(2012, 3, 30)),
    ),
    Plan(
        slug="memory-assessment-service",
        community="wirral",
        title="New memory assessment service",
        summary="A memory assessment service run by the mental health trust from October "
        "2010, replacing the hospital memory clinic, which was decommissioned. Synthetic.",
        conditions=["dementia"],
        services=["memory", "memory_clinic", "dementia_support"],
        status=St.IMPLEMENTED,
        size=Sz.RADICAL,
        start=D(2009, 9, 1),
        end=D(2012, 6, 29),
        go_live=D(2010, 10, 1),
        drivers=["dementia_strategy", "nice_cg42", "nice_qs_dementia", "qof"],
        objectives=[
            (
                "Cut the wait for a memory assessment from 17 to 6 weeks by September 2011",
                "PCT_MEM_WAIT",
                17.0,
                6.0,
                D(2011, 9, 30),
            ),
            (
                "Raise the dementia diagnosis rate from 38% to 50% of the Dementia UK estimate "
                "by March 2012",
                "PCT_DEM_DX",
                38.0,
                50.0,
                D(2012, 3, 31),
            ),
        ],
        activity_window=(D(2009, 9, 1), D(2012, 6, 29)),
    ),
    # --- the present-day community ---------------------------------------------------------
    Plan(
        slug="diabetes-care-recovery",
        community="mereshire",
        title="Diabetes care recovery: the eight care processes in every primary care network",
        summary="After the pandemic, care processes fell to about 40%. An enhanced service in "
        "general practice, a community diabetes team working with each primary care network and "
        "structured education re-procured under the Provider Selection Regime. Synthetic.",
        conditions=["diabetes"],
        services=["enhanced_dm", "dm_community", "dm_education", "podiatry"],
        status=St.ACTIVE,
        size=Sz.MODERATE,
        start=D(2022, 1, 4),
        end=D(2026, 3, 31),
        go_live=D(2023, 4, 3),
        drivers=["ltp", "nice_ng28", "core20plus5", "qof_today", "jsna_today"],
        objectives=[
            (
                "Raise the share of people with diabetes who get all eight care processes from "
                "40% to 55% by March 2026",
                "DM_8CP",
                40.0,
                55.0,
                D(2026, 3, 31),
            ),
        ],
        activity_window=(D(2022, 1, 4), D(2026, 2, 27)),
    ),
    Plan(
        slug="dementia-diagnosis-north",
        community="mereshire",
        title="North Mereshire dementia diagnosis and post-diagnostic support",
        summary="Memory assessment closer to home in North Mereshire's three networks, dementia "
        "advisers after diagnosis and in-reach to care homes, to reach the national ambition "
        "of two thirds diagnosed. Synthetic.",
        conditions=["dementia"],
        services=["memory", "dementia_advisers", "care_homes"],
        status=St.IMPLEMENTED,
        size=Sz.MODERATE,
        start=D(2022, 9, 1),
        end=D(2025, 3, 31),
        go_live=D(2023, 10, 2),
        drivers=["dementia_ambition", "nice_ng97", "ltp", "jsna_today"],
        objectives=[
            (
                "Cut the wait for a memory assessment from 16 to 8 weeks by March 2025",
                "MEM_WAIT",
                16.0,
                8.0,
                D(2025, 3, 31),
            ),
            (
                "Raise Mereshire's dementia diagnosis rate (aged 65 and over) from 60% to the "
                "national ambition of 66.7% by March 2025",
                "DEM_DX",
                60.0,
                66.7,
                D(2025, 3, 31),
            ),
        ],
        activity_window=(D(2022, 9, 1), D(2025, 3, 31)),
    ),
    Plan(
        slug="integrated-community-stroke",
        community="mereshire",
        title="Integrated community stroke service",
        summary="Early supported discharge and community rehabilitation in one team, as the "
        "National Stroke Service Model describes, so that stroke patients go home sooner. "
        "Synthetic.",
        conditions=["stroke-tia"],
        services=["iscs", "stroke_unit", "stroke_beds"],
        status=St.IMPLEMENTED,
        size=Sz.MODERATE,
        start=D(2022, 6, 1),
        end=D(2025, 9, 30),
        go_live=D(2023, 10, 2),
        drivers=["stroke_model", "nice_ng236", "ltp"],
        objectives=[
            (
                "Raise the share of stroke patients supported home by early supported discharge "
                "from 18% to 40% by September 2025",
                "STROKE_ESD",
                18.0,
                40.0,
                D(2025, 9, 30),
            ),
            (
                "Cut the mean stroke length of stay from 14 to 11 days by September 2025",
                "STROKE_LOS",
                14.0,
                11.0,
                D(2025, 9, 30),
            ),
        ],
        activity_window=(D(2022, 6, 1), D(2025, 9, 30)),
    ),
]
PLAN_BY_SLUG = {p.slug: p for p in PLANS}
# The six developments the demo follows (the other two are small tasks inside the first).
MAIN = [
    "diabetes-strategic-plan",
    "dementia-transformation",
    "diabetes-redesign",
    "stroke-esd",
    "diabetic-podiatry-review",
    "memory-assessment-service",
]
# The present-day community's developments.
PRESENT_PLANS = [
    "diabetes-care-recovery",
    "dementia-diagnosis-north",
    "integrated-community-stroke",
]


def build_drivers(b: Build) -> dict[str, ExternalDriver]:
    drivers = {}
    for key, (title, kind, issuer, year) in DRIVERS.items():
        driver, _ = ExternalDriver.objects.get_or_create(
            title=title, year=year, defaults={"kind": kind, "issuer": issuer}
        )
        drivers[key] = driver
    return drivers


def build_developments(b: Build) -> None:
    drivers = build_drivers(b)
    objectives = []
    for plan in PLANS:
        dev = ServiceDevelopment.objects.create(
            title=plan.title,
            slug=plan.slug,
            community=b.communities[plan.community],
            summary=plan.summary,
            status=plan.status,
            size_of_change=plan.size,
            start_date=plan.start,
            end_date=plan.end,
            go_live_date=plan.go_live,
            parent=b.developments[plan.parent] if plan.parent else None,
        )
        dev.conditions.set([b.conditions[c] for c in plan.conditions])
        dev.services.set([b.services[f"{plan.community}:{s}"] for s in plan.services])
        dev.drivers.set([drivers[d] for d in plan.drivers])
        b.developments[plan.slug] = dev
        for text, code, baseline, target, when in plan.objectives:
            objectives.append(
                Objective(
                    development=dev,
                    description=text,
                    indicator=b.indicators[code] if code else None,
                    baseline_value=baseline,
                    target_value=target,
                    target_date=when,
                )
            )
    Objective.objects.bulk_create(objectives)

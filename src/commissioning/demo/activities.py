"""Dated commissioning activities with stages, nature and participants' hours; and the
organisational changes around them.

Stages are never a fixed sequence: each stage of a development is active over a window of its
life, the windows overlap, and an activity serves whichever stages are active on its date (one to
three of them), so needs assessment, planning, procurement and monitoring interleave as they did
in the field. About half the work is relational (meetings, engagement, negotiation) and half
technical (analysis, documents, specifications, procurement steps). The annual contract round
runs alongside, as activities with no development.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np

from commissioning.demo.context import Build
from commissioning.demo.developments import PLANS
from commissioning.demo.providers_contracts import NHS_TRUSTS, SERVICES
from commissioning.store.models import (
    Activity,
    ActivityKind,
    ChangeKind,
    Nature,
    OrganisationalChange,
    Participation,
    RoleType,
)

D = dt.date
A = ActivityKind
RT = RoleType

# Each stage is active over this share of a development's life (start, end), so they overlap.
WINDOWS = {
    "scoping": (0.0, 0.2),
    "needs_assessment": (0.0, 0.55),
    "planning": (0.1, 0.75),
    "procurement": (0.3, 0.8),
    "implementation": (0.45, 0.92),
    "monitoring": (0.5, 1.0),
    "review": (0.72, 1.0),
    "decommissioning": (0.3, 0.6),
}
DECOMMISSIONING = {"memory-assessment-service"}

TITLES = {
    "scoping": [
        (A.MEETING, "Scoping meeting: {topic}"),
        (A.DOCUMENT, "Project initiation document: {topic}"),
        (A.DECISION, "Board agrees to take forward {topic}"),
    ],
    "needs_assessment": [
        (A.ANALYSIS, "Analysis of {condition} registers by practice"),
        (A.ANALYSIS, "Audit of referrals to {service}"),
        (A.ENGAGEMENT, "Patient and carer survey: {topic}"),
        (A.MEETING, "Public health review of {condition} needs"),
        (A.ANALYSIS, "Benchmarking {topic} against similar areas"),
    ],
    "planning": [
        (A.MEETING, "{topic}: project group"),
        (A.DOCUMENT, "Draft service specification: {service}"),
        (A.ENGAGEMENT, "Clinical workshop on the {topic} pathway"),
        (A.DOCUMENT, "Business case: {topic}"),
        (A.MEETING, "Meeting with {provider} about the {topic} model"),
        (A.DECISION, "Professional executive committee: {topic}"),
    ],
    "procurement": [
        (A.NEGOTIATION, "Contract negotiation with {provider}: {service}"),
        (A.PROCUREMENT, "Procurement options appraisal: {service}"),
        (A.DOCUMENT, "Contract variation for {service}"),
        (A.NEGOTIATION, "Agreeing the price and activity plan for {service}"),
    ],
    "implementation": [
        (A.MEETING, "Mobilisation meeting with {provider}"),
        (A.ENGAGEMENT, "GP education session: {topic}"),
        (A.MEETING, "Implementation group: {topic}"),
        (A.DOCUMENT, "Referral guidance for practices: {service}"),
    ],
    "monitoring": [
        (A.MONITORING_REVIEW, "Quarterly performance review: {service}"),
        (A.ANALYSIS, "Activity and waiting-time report: {service}"),
        (A.MEETING, "Contract quality meeting with {provider}"),
    ],
    "review": [
        (A.ANALYSIS, "Review of early outcomes: {topic}"),
        (A.DOCUMENT, "Post-implementation review: {topic}"),
        (A.ENGAGEMENT, "Patient feedback event: {topic}"),
    ],
    "decommissioning": [
        (A.DECISION, "Decision to decommission the {old}"),
        (A.MEETING, "Transfer of patients from the {old}"),
        (A.NEGOTIATION, "Agreeing notice and staff transfer for the {old}"),
    ],
}

OUTCOMES = {
    A.MEETING: [
        "Agreed the next steps; actions for the commissioning manager and {provider}.",
        "Concerns from {provider} noted; figures to come back to the next meeting.",
        "Clinicians supported the direction; the pathway needs one more revision.",
        "No agreement yet; the chair will meet {provider} separately.",
    ],
    A.DOCUMENT: [
        "Draft circulated for comment.",
        "Approved with minor changes.",
        "Second draft after comments from clinicians and {provider}.",
    ],
    A.ANALYSIS: [
        "Findings shared with the project group; variation between practices is wide.",
        "Data quality problems found in the provider's returns; to be raised at the quality "
        "meeting.",
        "Confirmed the gap the development is meant to close.",
    ],
    A.DECISION: [
        "Approved.",
        "Approved subject to a clearer financial case.",
        "Deferred to the next meeting for more information.",
    ],
    A.ENGAGEMENT: [
        "Views recorded and fed into the specification.",
        "Good turnout; carers asked for a single point of contact.",
        "Practices asked for clearer referral criteria.",
    ],
    A.PROCUREMENT: [
        "Options appraised; recommendation made to the board.",
        "Timetable agreed.",
    ],
    A.NEGOTIATION: [
        "Price and activity agreed.",
        "Gap of about 5% between offer and ask; to escalate to directors.",
        "Agreed in principle; the contract variation to follow.",
    ],
    A.MONITORING_REVIEW: [
        "Performing to plan.",
        "Activity below plan; remedial action plan requested.",
        "Waits falling; data to be validated.",
    ],
}

# Who takes part in work for each stage (weights by stakeholder role).
ROLE_WEIGHTS = {
    "scoping": {RT.COMMISSIONING_MANAGER: 5, RT.PUBLIC_HEALTH: 2, RT.GP: 2, RT.FINANCE: 1},
    "needs_assessment": {
        RT.PUBLIC_HEALTH: 5, RT.COMMISSIONING_MANAGER: 4, RT.GP: 2, RT.CONSULTANT: 1,
        RT.PATIENT_REPRESENTATIVE: 2, RT.THIRD_SECTOR: 1, RT.LOCAL_AUTHORITY_OFFICER: 1,
    },
    "planning": {
        RT.COMMISSIONING_MANAGER: 5, RT.GP: 3, RT.CONSULTANT: 3, RT.SPECIALIST_NURSE: 3,
        RT.PROVIDER_MANAGER: 2, RT.PATIENT_REPRESENTATIVE: 2, RT.THIRD_SECTOR: 2,
        RT.LOCAL_AUTHORITY_OFFICER: 1, RT.FINANCE: 1,
    },
    "procurement": {
        RT.CONTRACTS: 5, RT.FINANCE: 4, RT.COMMISSIONING_MANAGER: 4, RT.PROVIDER_MANAGER: 3,
    },
    "implementation": {
        RT.PROVIDER_MANAGER: 4, RT.SPECIALIST_NURSE: 4, RT.COMMISSIONING_MANAGER: 3, RT.GP: 2,
        RT.CONSULTANT: 2, RT.THIRD_SECTOR: 1,
    },
    "monitoring": {
        RT.CONTRACTS: 4, RT.COMMISSIONING_MANAGER: 4, RT.PROVIDER_MANAGER: 3, RT.FINANCE: 2,
        RT.PUBLIC_HEALTH: 1,
    },
    "review": {
        RT.COMMISSIONING_MANAGER: 4, RT.PUBLIC_HEALTH: 3, RT.GP: 2,
        RT.PATIENT_REPRESENTATIVE: 2, RT.CONSULTANT: 1,
    },
    "decommissioning": {
        RT.COMMISSIONING_MANAGER: 4, RT.CONTRACTS: 3, RT.PROVIDER_MANAGER: 3, RT.CONSULTANT: 2,
        RT.PATIENT_REPRESENTATIVE: 1,
    },
}  # fmt: skip

# (fewest, most) participants and (least, most) hours each, by kind of activity.
SHAPE = {
    A.MEETING: ((3, 7), (1.0, 3.0)),
    A.DOCUMENT: ((1, 3), (0.5, 2.0)),
    A.ANALYSIS: ((1, 3), (0.5, 2.0)),
    A.DECISION: ((3, 6), (0.5, 2.0)),
    A.ENGAGEMENT: ((3, 7), (2.0, 4.0)),
    A.PROCUREMENT: ((2, 4), (1.0, 4.0)),
    A.NEGOTIATION: ((2, 5), (1.5, 4.0)),
    A.MONITORING_REVIEW: ((2, 5), (1.0, 3.0)),
}
AUTHORED = {A.DOCUMENT, A.ANALYSIS, A.PROCUREMENT}  # the first participant did the work
RELATIONAL_SHARE = {
    A.MEETING: 0.8,
    A.ENGAGEMENT: 0.9,
    A.NEGOTIATION: 0.85,
    A.DECISION: 0.5,
    A.DOCUMENT: 0.15,
    A.ANALYSIS: 0.1,
    A.PROCUREMENT: 0.2,
    A.MONITORING_REVIEW: 0.35,
}

TOPICS = {
    "diabetes-strategic-plan": "diabetes strategy",
    "insulin-initiation": "insulin initiation",
    "structured-education": "structured education",
    "dementia-transformation": "dementia transformation",
    "diabetes-redesign": "intermediate diabetes care",
    "stroke-esd": "early supported discharge",
    "diabetic-podiatry-review": "diabetic foot care",
    "memory-assessment-service": "memory assessment",
}

CHANGES = {
    "calderdale": [
        (D(2010, 7, 12), ChangeKind.POLICY, "pct",
         "White paper 'Equity and excellence' announces that PCTs will close"),
        (D(2011, 4, 1), ChangeKind.RESTRUCTURE, "community",
         "Community services leave the PCT (Transforming Community Services)"),
        (D(2011, 6, 1), ChangeKind.MERGER, "pct",
         "PCT cluster: one board shared with two neighbouring PCTs"),
        (D(2011, 9, 1), ChangeKind.STAFF_LOSS, "pct",
         "Long-term conditions commissioning manager leaves; post not filled"),
        (D(2012, 12, 1), ChangeKind.RESTRUCTURE, "ccg",
         "Clinical commissioning group authorised, ready to take over in April 2013"),
    ],
    "somerset": [
        (D(2010, 7, 12), ChangeKind.POLICY, "pct",
         "White paper 'Equity and excellence' announces that PCTs will close"),
        (D(2011, 2, 1), ChangeKind.RESTRUCTURE, "pct",
         "GP pathfinder consortium formed to take on commissioning"),
        (D(2011, 4, 1), ChangeKind.RESTRUCTURE, "community",
         "Community services leave the PCT (Transforming Community Services)"),
        (D(2011, 10, 1), ChangeKind.STAFF_LOSS, "pct",
         "Management cost cuts: a third of commissioning posts go"),
        (D(2013, 1, 1), ChangeKind.RESTRUCTURE, "ccg",
         "Clinical commissioning group authorised, ready to take over in April 2013"),
    ],
    "wirral": [
        (D(2010, 7, 12), ChangeKind.POLICY, "pct",
         "White paper 'Equity and excellence' announces that PCTs will close"),
        (D(2010, 9, 30), ChangeKind.OTHER, "acute", "Hospital memory clinic decommissioned"),
        (D(2011, 6, 1), ChangeKind.MERGER, "pct",
         "PCT cluster: executive team shared with neighbouring PCTs"),
        (D(2012, 3, 1), ChangeKind.STAFF_LOSS, "pct",
         "Dementia commissioning lead moves to the cluster; work handed over"),
        (D(2012, 12, 1), ChangeKind.RESTRUCTURE, "ccg",
         "Clinical commissioning group authorised, ready to take over in April 2013"),
    ],
}  # fmt: skip


class _Maker:
    """Collects activities with their stages and participations, then saves them in bulk."""

    def __init__(self, b: Build):
        self.b = b
        self.activities: list[Activity] = []
        self.stage_codes: list[list[str]] = []
        self.participants: list[list[tuple]] = []
        self.seen: dict[tuple, int] = {}

    def _unique(self, community, date, title: str) -> str:
        """Community, date and title identify an activity (imports match on them)."""
        key = (community, date, title)
        self.seen[key] = self.seen.get(key, 0) + 1
        n = self.seen[key]
        return title if n == 1 else f"{title} ({n})"

    def add(self, rng, community, development, date, kind, title, stages, conditions, context):
        (fewest, most), (lo, hi) = SHAPE[kind]
        relational = rng.random() < RELATIONAL_SHARE[kind]
        outcome = OUTCOMES[kind][rng.integers(len(OUTCOMES[kind]))].format(**context)
        self.activities.append(
            Activity(
                community=self.b.communities[community],
                development=development,
                date=date,
                title=self._unique(community, date, title[:240]),
                kind=kind,
                nature=Nature.RELATIONAL if relational else Nature.TECHNICAL,
                outcome=outcome,
            )
        )
        self.stage_codes.append(stages)
        people = self._choose(
            rng, community, stages, conditions, int(rng.integers(fewest, most + 1))
        )
        rows = []
        for n, person in enumerate(people):
            authored = n == 0 and kind in AUTHORED
            hours = rng.uniform(2.0, 8.0) if authored else rng.uniform(lo, hi)
            rows.append((person, Decimal(str(round(hours * 2) / 2))))
        self.participants.append(rows)

    def _choose(self, rng, community, stages, conditions, k):
        weights = {}
        for stage in stages:
            for role, w in ROLE_WEIGHTS[stage].items():
                weights[role] = weights.get(role, 0) + w
        pool, p = [], []
        for person in self.b.people[community]:
            specialty = self.b.specialty.get(person.pk)
            if specialty and specialty not in conditions:
                continue
            w = weights.get(person.role_type, 0)
            if w:
                pool.append(person)
                p.append(w)
        p = np.array(p, dtype=float)
        k = min(k, len(pool))
        picks = rng.choice(len(pool), size=k, replace=False, p=p / p.sum())
        chosen = [pool[i] for i in picks]
        managers = [x for x in self.b.people[community] if x.role_type == RT.COMMISSIONING_MANAGER]
        if not any(x.role_type == RT.COMMISSIONING_MANAGER for x in chosen) and rng.random() < 0.8:
            chosen.append(managers[rng.integers(len(managers))])
        return chosen

    def save(self) -> None:
        made = Activity.objects.bulk_create(self.activities, batch_size=1000)
        stage_rows, part_rows = [], []
        through = Activity.stages.through
        for activity, codes, people in zip(made, self.stage_codes, self.participants, strict=True):
            for code in codes:
                stage_rows.append(through(activity=activity, stage=self.b.stages[code]))
            for person, hours in people:
                part_rows.append(Participation(activity=activity, person=person, hours=hours))
        through.objects.bulk_create(stage_rows, batch_size=2000)
        Participation.objects.bulk_create(part_rows, batch_size=2000)


def build_activities(b: Build) -> None:
    maker = _Maker(b)
    for plan in PLANS:
        rng = b.rng(f"activities:{plan.slug}")
        dev = b.developments[plan.slug]
        first, last = plan.activity_window
        span = (last - first).days
        count = int(rng.integers(plan.activities[0], plan.activities[1] + 1))
        stages = [s for s in WINDOWS if s != "decommissioning" or plan.slug in DECOMMISSIONING]
        if plan.parent:  # small tasks: no procurement of their own
            stages = [s for s in stages if s != "procurement"]
        services = [SERVICES[plan.community][s] for s in plan.services]
        old = next((s[0] for s in services if s[6] is not None), "old service").lower()
        positions = np.sort(rng.random(count))
        for u in positions:
            active = [s for s in stages if WINDOWS[s][0] <= u <= WINDOWS[s][1]]
            n = min(len(active), int(rng.choice([1, 2, 3], p=[0.5, 0.35, 0.15])))
            chosen = list(rng.choice(active, size=n, replace=False))
            chosen.sort(key=list(WINDOWS).index)
            lead = chosen[int(rng.integers(len(chosen)))]
            kind, template = TITLES[lead][int(rng.integers(len(TITLES[lead])))]
            name, prov_key = services[int(rng.integers(len(services)))][:2]
            context = {
                "topic": TOPICS[plan.slug],
                "condition": b.conditions[plan.conditions[0]].name.lower(),
                "service": name.lower(),
                "provider": b.orgs[f"{plan.community}:{prov_key}"].name,
                "old": old,
            }
            maker.add(
                rng,
                plan.community,
                dev,
                first + dt.timedelta(days=int(u * span)),
                kind,
                template.format(**context)[:1].upper() + template.format(**context)[1:],
                chosen,
                plan.conditions,
                context,
            )
    _contract_rounds(b, maker)
    maker.save()
    _changes(b)


def _contract_rounds(b: Build, maker: _Maker) -> None:
    """The annual contract round with each NHS provider, outside any one development."""
    steps = [
        ((0, 10, 15), A.ANALYSIS, ["procurement"], "Activity plan {fy} for {provider}"),
        ((0, 12, 10), A.NEGOTIATION, ["procurement"], "Contract negotiation {fy}: {provider}"),
        ((1, 1, 20), A.NEGOTIATION, ["procurement"], "CQUIN schemes {fy} agreed with {provider}"),
        ((1, 3, 5), A.DECISION, ["procurement"], "Contract {fy} signed with {provider}"),
        ((1, 11, 1), A.MONITORING_REVIEW, ["monitoring", "procurement"],
         "Month 6 contract review {fy}: {provider}"),
    ]  # fmt: skip
    for code in b.communities:
        rng = b.rng(f"contract-round:{code}")
        providers = sorted(
            {c.provider for c in b.contracts.values() if c.community_id == b.communities[code].pk},
            key=lambda o: o.ods_code,
        )
        for year in (2009, 2010, 2011):
            fy = f"{year + 1}/{(year + 2) % 100:02d}"
            for provider in providers:
                if provider.kind not in NHS_TRUSTS:
                    continue
                for when, kind, stages, title in steps:
                    date = D(year + when[0], when[1], when[2])
                    date += dt.timedelta(days=int(rng.integers(-10, 11)))
                    context = {"provider": provider.name, "fy": fy}
                    maker.add(
                        rng,
                        code,
                        None,
                        date,
                        kind,
                        title.format(**context),
                        stages,
                        ["diabetes", "dementia", "stroke-tia"],
                        context,
                    )


def _changes(b: Build) -> None:
    rows = []
    for code, changes in CHANGES.items():
        for date, kind, org, text in changes:
            rows.append(
                OrganisationalChange(
                    community=b.communities[code],
                    organisation=b.orgs[f"{code}:{org}"],
                    date=date,
                    kind=kind,
                    description=text,
                )
            )
    OrganisationalChange.objects.bulk_create(rows)

"""Dated commissioning activities with stages, nature and participants' hours; and the
organisational changes around them.

The work of each development is told as a script, not drawn at random: scoping and a project
initiation document, a board's agreement, needs analyses (several of them by the providers'
clinicians and managers), clinical workshops, a proposed model of care from the provider,
specifications in versions, a business case, the procurement route and the contract variation
(or, rarely, a tender, or the decommissioning of the Wirral memory clinic), mobilisation,
training for practices, go-live, quarterly reviews and a post-implementation review. Around the
one-off steps run the meetings that carried most of the work: a monthly project group with a
core team, a clinical reference group every two months, a quarterly steering board and
one-to-ones with the lead clinician. The annual contract round with each NHS provider runs
alongside, outside any one development: activity plans, rounds of negotiation, CQUIN or quality
schedules, signature and a monthly contract and quality review.

Stages overlap: recurring meetings serve whichever stages are active on their date (each stage is
active over a window of the development's life), so needs assessment, planning, procurement and
monitoring interleave as they did in the field. Whether an activity is technical or relational
follows from its kind (:data:`NATURE`): meetings, engagement events and negotiations are
relational; documents, analyses, procurement steps, decisions and monitoring reviews technical.
Every activity falls on a working day (:mod:`commissioning.demo.workdays`), and no two
activities of a community share a title.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from commissioning.demo import workdays
from commissioning.demo.communities import PRESENT
from commissioning.demo.context import STUDY, Build, Era
from commissioning.demo.developments import PLANS, Plan
from commissioning.demo.providers_contracts import (
    CONTRACTS,
    NHS_TRUSTS,
    SERVICES,
    community_codes,
    era_of,
    provider,
)
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

# Technical or relational, by the kind of activity.
NATURE = {
    A.MEETING: Nature.RELATIONAL,
    A.ENGAGEMENT: Nature.RELATIONAL,
    A.NEGOTIATION: Nature.RELATIONAL,
    A.DOCUMENT: Nature.TECHNICAL,
    A.ANALYSIS: Nature.TECHNICAL,
    A.PROCUREMENT: Nature.TECHNICAL,
    A.DECISION: Nature.TECHNICAL,
    A.MONITORING_REVIEW: Nature.TECHNICAL,
}

# Each stage is active over this share of a development's life (start, end), so they overlap.
WINDOWS = {
    "scoping": (0.0, 0.15),
    "needs_assessment": (0.0, 0.45),
    "planning": (0.08, 0.7),
    "procurement": (0.4, 0.75),
    "implementation": (0.45, 0.92),
    "monitoring": (0.5, 1.0),
    "review": (0.78, 1.0),
}

# Hours each participant gives, by kind: (least, most) for the author of a document, analysis
# or procurement step (the first participant), and for everyone else.
HOURS = {
    A.MEETING: (None, (1.5, 3.0)),
    A.ENGAGEMENT: (None, (2.5, 4.5)),
    A.NEGOTIATION: (None, (2.0, 4.0)),
    A.DECISION: (None, (0.5, 1.5)),
    A.MONITORING_REVIEW: (None, (1.5, 3.0)),
    A.DOCUMENT: ((8.0, 24.0), (1.0, 3.0)),
    A.ANALYSIS: ((8.0, 24.0), (1.0, 2.5)),
    A.PROCUREMENT: ((6.0, 20.0), (2.0, 4.0)),
}
# Documents that take longer than most to write: (least, most) hours for the author.
LONG_DOCUMENTS = {
    "Business case": (24.0, 45.0),
    "Service specification": (16.0, 36.0),
    "Needs assessment report": (24.0, 48.0),
    "Post-implementation review": (14.0, 28.0),
    "Strategy": (36.0, 60.0),
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
    "diabetes-care-recovery": "diabetes care recovery",
    "dementia-diagnosis-north": "dementia diagnosis in North Mereshire",
    "integrated-community-stroke": "integrated community stroke care",
}
# The words of each era: who decides, and where practices are met.
WORDS = {
    "study": {
        "board": "PCT board",
        "executive": "Professional executive committee",
        "groups": ["North locality", "Central locality", "South locality"],
        "network_meeting": "GP locality meeting",
    },
    "today": {
        "board": "ICB board",
        "executive": "ICB executive committee",
        "groups": ["Mereton", "North Mereshire", "South Mereshire"],
        "network_meeting": "PCN clinical directors' meeting",
    },
}

OUTCOMES = {
    A.MEETING: [
        "Agreed the next steps; actions for the commissioning manager and {provider}.",
        "Concerns from {provider} noted; figures to come back to the next meeting.",
        "Clinicians supported the direction; the pathway needs one more revision.",
        "No agreement yet; the chair will meet {provider} separately.",
        "Went through the risks log; two new risks about staffing at {provider}.",
        "Long discussion of who holds the budget; no decision.",
    ],
    A.DOCUMENT: [
        "Draft circulated for comment.",
        "Approved with minor changes.",
        "Second draft after comments from clinicians and {provider}.",
        "Signed off by the project group.",
    ],
    A.ANALYSIS: [
        "Findings shared with the project group; variation between practices is wide.",
        "Data quality problems found in the provider's returns; to be raised at the quality "
        "meeting.",
        "Confirmed the gap the development is meant to close.",
        "The figures are too small to tell whether anything has changed yet.",
    ],
    A.DECISION: [
        "Approved.",
        "Approved subject to a clearer financial case.",
        "Approved; finance to confirm the money comes from within the existing block.",
    ],
    A.ENGAGEMENT: [
        "Views recorded and fed into the specification.",
        "Good turnout; carers asked for a single point of contact.",
        "Practices asked for clearer referral criteria.",
        "Small turnout; the third-sector partner will run a second session.",
    ],
    A.PROCUREMENT: [
        "Options appraised; recommendation made to the board.",
        "Timetable agreed.",
    ],
    A.NEGOTIATION: [
        "Price and activity agreed.",
        "Gap of about 5% between offer and ask; to escalate to directors.",
        "Agreed in principle; the contract variation to follow.",
        "Provider asked for the change to be funded outside the block; not agreed.",
    ],
    A.MONITORING_REVIEW: [
        "Performing to plan.",
        "Activity below plan; remedial action plan requested.",
        "Waits falling; data to be validated.",
        "Two quality indicators missed; the provider will report back next month.",
    ],
}

# Who takes part in recurring meetings of each stage, beyond the core team (weights by role).
ROLE_WEIGHTS = {
    "scoping": {RT.COMMISSIONING_MANAGER: 5, RT.PUBLIC_HEALTH: 2, RT.GP: 2, RT.FINANCE: 1,
                RT.CONSULTANT: 2, RT.PROVIDER_MANAGER: 2},
    "needs_assessment": {
        RT.PUBLIC_HEALTH: 4, RT.COMMISSIONING_MANAGER: 3, RT.GP: 3, RT.CONSULTANT: 4,
        RT.SPECIALIST_NURSE: 4, RT.PROVIDER_MANAGER: 3, RT.PATIENT_REPRESENTATIVE: 2,
        RT.THIRD_SECTOR: 3, RT.LOCAL_AUTHORITY_OFFICER: 1,
    },
    "planning": {
        RT.COMMISSIONING_MANAGER: 3, RT.GP: 3, RT.CONSULTANT: 4, RT.SPECIALIST_NURSE: 4,
        RT.PROVIDER_MANAGER: 4, RT.PATIENT_REPRESENTATIVE: 2, RT.THIRD_SECTOR: 3,
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
        RT.PATIENT_REPRESENTATIVE: 2, RT.CONSULTANT: 2,
    },
    "decommissioning": {
        RT.COMMISSIONING_MANAGER: 4, RT.CONTRACTS: 3, RT.PROVIDER_MANAGER: 3, RT.CONSULTANT: 2,
        RT.PATIENT_REPRESENTATIVE: 1,
    },
}  # fmt: skip

# How each study community worked, as the field study tells it: Calderdale convened the most
# (partnership boards and stakeholder events bringing many organisations together, which is also
# where its GPs' high survey response came from); Somerset contracted most formally (a tender,
# key performance indicator schedules, contract query notices and remedial action plans);
# Wirral changed provider (the memory clinic decommissioned) and lost its dementia commissioning
# lead to the PCT cluster in March 2012, handing the work over.
STYLE = {"calderdale": "convening", "somerset": "contracting", "wirral": "handover"}
HANDOVER = D(2012, 3, 1)

# Role codes of the scripts: "+" asks for the development's condition, "@" for its main provider.
ROLES = {
    "cm": RT.COMMISSIONING_MANAGER,
    "ph": RT.PUBLIC_HEALTH,
    "gp": RT.GP,
    "cons": RT.CONSULTANT,
    "nurse": RT.SPECIALIST_NURSE,
    "pm": RT.PROVIDER_MANAGER,
    "ts": RT.THIRD_SECTOR,
    "pat": RT.PATIENT_REPRESENTATIVE,
    "la": RT.LOCAL_AUTHORITY_OFFICER,
    "fin": RT.FINANCE,
    "con": RT.CONTRACTS,
}


def month_name(day: dt.date) -> str:
    return day.strftime("%B %Y")


def financial_year(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


@dataclass
class Item:
    date: dt.date
    kind: str
    stages: list[str]
    title: str
    people: list  # Person; the first is the author of a document, analysis or procurement step
    development: object | None = None
    hours: tuple | None = None  # (least, most) for the author, when not the kind's usual
    provider: str = "the provider"  # named in the outcome


class Cast:
    """The people of one community, found by role, specialty and organisation."""

    def __init__(self, b: Build, code: str):
        self.people = b.people[code]
        self.specialty = b.specialty

    def find(self, role, specialty=None, org=None) -> list:
        pool = [p for p in self.people if p.role_type == role]
        if org is not None:
            at = [p for p in pool if p.organisation_id == org.pk]
            pool = at or pool
        if specialty:
            exact = [p for p in pool if self.specialty.get(p.pk) == specialty]
            general = [p for p in pool if self.specialty.get(p.pk) is None]
            pool = exact + general or pool
        return pool

    def team(self, codes: list[str], specialty: str | None, org) -> list:
        """People for role codes such as ``cm+`` (of the condition), ``pm@`` (of the main
        provider) or ``gp2`` (the second GP found); each person once, in order."""
        out = []
        for code in codes:
            index = int(code[-1]) - 1 if code[-1].isdigit() else 0
            code = code.rstrip("0123456789")
            base = code.rstrip("+@")
            found = self.find(
                ROLES[base], specialty if "+" in code else None, org if "@" in code else None
            )
            if found:
                person = found[index % len(found)]
                if person not in out:
                    out.append(person)
        return out


class Maker:
    """Collects activities with their stages and participations, then saves them in bulk."""

    def __init__(self, b: Build):
        self.b = b
        self.rows: list[tuple[str, Activity, list[str], list[tuple]]] = []
        self.titles: dict[str, set[str]] = {}

    def add(self, rng, community: str, item: Item, context: dict) -> None:
        title = item.title[:1].upper() + item.title[1:]
        title = title[:250]
        seen = self.titles.setdefault(community, set())
        if title in seen:
            raise ValueError(f"the demo would record '{title}' twice in {community}")
        seen.add(title)
        outcomes = OUTCOMES[item.kind]
        outcome = outcomes[int(rng.integers(len(outcomes)))].format(**context)
        activity = Activity(
            community=self.b.communities[community],
            development=item.development,
            date=workdays.on_or_after(item.date),
            title=title,
            kind=item.kind,
            nature=NATURE[item.kind],
            outcome=outcome,
        )
        author, others = HOURS[item.kind]
        if item.hours:
            author = item.hours
        rows = []
        for n, person in enumerate(_unique(item.people)):
            lo, hi = author if (n == 0 and author) else others
            rows.append((person, Decimal(str(max(0.5, round(rng.uniform(lo, hi) * 2) / 2)))))
        self.rows.append((community, activity, item.stages, rows))

    def save(self) -> None:
        made = Activity.objects.bulk_create([r[1] for r in self.rows], batch_size=1000)
        stage_rows, part_rows = [], []
        through = Activity.stages.through
        for (community, _, codes, people), activity in zip(self.rows, made, strict=True):
            self.b.activities.setdefault(community, []).append(activity)
            for code in codes:
                stage_rows.append(through(activity=activity, stage=self.b.stages[code]))
            for person, hours in people:
                part_rows.append(Participation(activity=activity, person=person, hours=hours))
        through.objects.bulk_create(stage_rows, batch_size=2000)
        Participation.objects.bulk_create(part_rows, batch_size=2000)


# ------------------------------------------------------------------------- developments' work


class Script:
    """The one-off steps and recurring meetings of one development, as items."""

    def __init__(self, b: Build, plan: Plan, rng: np.random.Generator):
        self.b, self.plan, self.rng = b, plan, rng
        self.dev = b.developments[plan.slug]
        self.era: Era = era_of(plan.community)
        self.words = WORDS[self.era.code]
        self.cast = Cast(b, plan.community)
        self.condition = plan.conditions[0]
        services = [SERVICES[plan.community][s] for s in plan.services]
        self.service = services[0][0][0].lower() + services[0][0][1:]
        self.provider = provider(b, plan.community, services[0][1])
        self.first, self.last = plan.activity_window
        self.go_live = plan.go_live or self.first
        self.topic = TOPICS[plan.slug]
        self.items: list[Item] = []
        # The core team: at the project group nearly every month.
        self.core = self.team("cm+", "cm2", "ph", "gp+", "cons+", "nurse+", "pm@", "pat+", "ts+")
        self.style = STYLE.get(plan.community, "")
        # After a handover the work passes to a commissioning manager not yet in the team.
        self.successor = [
            p for p in self.cast.find(RT.COMMISSIONING_MANAGER) if p not in self.core
        ][:1]

    def team(self, *codes: str) -> list:
        return self.cast.team(list(codes), self.condition, self.provider)

    def at(self, u: float) -> dt.date:
        """The date a share ``u`` of the way through the development's window."""
        span = (self.last - self.first).days
        day = self.first + dt.timedelta(days=int(min(max(u, 0.0), 1.0) * span))
        return min(max(workdays.on_or_after(day), self.first), self.last)

    def share(self, day: dt.date) -> float:
        return (day - self.first).days / max((self.last - self.first).days, 1)

    def months_from_go_live(self, months: int, day: int = 10) -> dt.date:
        y, m = divmod(self.go_live.month - 1 + months, 12)
        return D(self.go_live.year + y, m + 1, min(day, 28))

    def add(self, when, kind, stages, title, people, hours=None) -> None:
        day = when if isinstance(when, dt.date) else self.at(when)
        day = min(max(workdays.on_or_after(day), self.first), workdays.on_or_before(self.last))
        self.items.append(
            Item(day, kind, list(stages), title, people, self.dev, hours, self.provider.name)
        )

    def active(self, day: dt.date) -> list[str]:
        u = self.share(day)
        stages = [s for s, (lo, hi) in WINDOWS.items() if lo <= u <= hi]
        if self.plan.parent:
            stages = [s for s in stages if s != "procurement"]
        return stages or ["monitoring"]

    def attendees(self, base: list, stages: list[str], extra: int = 2) -> list:
        """``base`` (each coming with probability 0.85) and up to ``extra`` others chosen by the
        stages' role weights."""
        out = [p for p in base if self.rng.random() < 0.85]
        weights: dict[str, float] = {}
        for stage in stages:
            for role, w in ROLE_WEIGHTS[stage].items():
                weights[role] = weights.get(role, 0) + w
        pool, p = [], []
        for person in self.cast.people:
            specialty = self.cast.specialty.get(person.pk)
            if person in out or (specialty and specialty not in self.plan.conditions):
                continue
            w = weights.get(person.role_type, 0)
            if w:
                pool.append(person)
                p.append(w)
        k = min(int(self.rng.integers(0, extra + 1)), len(pool))
        if k:
            chosen = self.rng.choice(len(pool), size=k, replace=False, p=np.array(p) / sum(p))
            out += [pool[i] for i in chosen]
        if not any(x.role_type == RT.COMMISSIONING_MANAGER for x in out):
            out.insert(0, self.core[0])
        return out

    # --- recurring meetings -------------------------------------------------------------------

    def recurring(self) -> None:
        topic = self.topic[:1].upper() + self.topic[1:]
        month = D(self.first.year, self.first.month, 1)
        k = 0
        convening = self.style == "convening" and not self.plan.parent
        handover = self.style == "handover"
        while month <= self.last:
            day = workdays.on_or_after(month + dt.timedelta(days=int(self.rng.integers(2, 20))))
            if handover and day >= HANDOVER:  # the lead has gone to the cluster
                self.core = [*self.successor, *self.core[1:]]
                handover = False
            if self.first <= day <= self.last:
                stages = self.active(day)
                chosen = sorted(
                    self.rng.choice(stages, size=min(len(stages), 1 + k % 2), replace=False),
                    key=list(WINDOWS).index,
                )
                self.add(
                    day,
                    A.MEETING,
                    chosen,
                    f"{topic} project group: {month_name(day)}",
                    self.attendees(self.core, chosen, extra=4 if convening else 2),
                )
                if convening and k % 2 == 1:
                    board = workdays.on_or_after(day + dt.timedelta(days=7))
                    if board <= self.last:
                        self.add(
                            board,
                            A.ENGAGEMENT,
                            self.active(board)[:2],
                            f"{topic} partnership board: {month_name(board)}",
                            self.team("cm+", "cm", "ph", "gp+", "gp2", "cons+", "nurse+", "pm@",
                                      "pm2", "ts+", "ts", "pat+", "pat2", "la+", "la"),
                        )  # fmt: skip
                u = self.share(day)
                if k % 2 == 0 and 0.05 <= u <= 0.85 and not self.plan.parent:
                    crg_day = workdays.on_or_after(day + dt.timedelta(days=9))
                    crg = [s for s in ("needs_assessment", "planning", "implementation")
                           if s in self.active(crg_day)] or ["planning"]  # fmt: skip
                    self.add(
                        crg_day,
                        A.MEETING,
                        crg,
                        f"{topic} clinical reference group: {month_name(crg_day)}",
                        self.attendees(
                            self.team("cons+", "cons2", "gp+", "gp2", "nurse+", "nurse2", "cm+")
                            + (self.team("ts+", "la+", "pat+") if convening else []),
                            crg,
                            extra=3,
                        ),
                    )
                if k % 3 == 1 and not self.plan.parent:
                    steer = workdays.on_or_after(day + dt.timedelta(days=5))
                    if steer <= self.last:
                        self.add(
                            steer,
                            A.MEETING,
                            self.active(steer)[:2],
                            f"{topic} steering board: {month_name(steer)}",
                            self.team("cm", "cm+", "fin", "gp", "pm@", "cons+", "la+", "ph"),
                        )
                if k % 2 == 1 and 0.1 <= u <= 0.75 and not self.plan.parent:
                    talk = workdays.on_or_after(day + dt.timedelta(days=3))
                    stages_now = [s for s in ("needs_assessment", "planning")
                                  if s in self.active(talk)] or ["planning"]  # fmt: skip
                    self.add(
                        talk,
                        A.MEETING,
                        stages_now,
                        f"One-to-one with the lead consultant on {self.topic}: {month_name(talk)}",
                        self.team("cm+", "cons+"),
                    )
            k += 1
            month = D(month.year + month.month // 12, month.month % 12 + 1, 1)

    # --- one-off steps ----------------------------------------------------------------------

    def steps(self) -> None:
        w, topic, service = self.words, self.topic, self.service
        cond = self.b.conditions[self.condition].name.lower()
        prov = self.provider.name
        add, team = self.add, self.team
        small = bool(self.plan.parent)
        pre = max(self.share(self.go_live), 0.2)  # the share of the window before go-live
        add(
            0.0,
            A.MEETING,
            ["scoping"],
            f"Scoping meeting: {topic}",
            team("cm+", "cm", "ph", "gp+", "cons+", "pm@"),
        )
        add(
            0.03 * pre,
            A.DOCUMENT,
            ["scoping", "planning"],
            f"Project initiation document: {topic}",
            team("cm+", "cm", "fin"),
            (8.0, 16.0),
        )
        add(
            0.08 * pre,
            A.DECISION,
            ["scoping"],
            f"{w['board']} agrees to take forward {topic}",
            team("cm", "cm+", "fin", "gp", "ph", "gp2"),
        )
        # Needs: several pieces, some by the providers' own staff.
        add(
            0.12 * pre,
            A.ANALYSIS,
            ["needs_assessment"],
            f"Analysis of {cond} registers by practice for {topic}",
            team("ph2", "ph", "cm+"),
        )
        add(
            0.2 * pre,
            A.ANALYSIS,
            ["needs_assessment"],
            f"Audit of referrals to the {service} by {prov}",
            team("cons+", "nurse+", "cm+"),
        )
        if not small:
            add(
                0.26 * pre,
                A.ANALYSIS,
                ["needs_assessment"],
                f"Benchmarking {topic} against similar areas",
                team("ph", "cm+"),
            )
            add(
                0.3 * pre,
                A.ANALYSIS,
                ["needs_assessment", "planning"],
                f"Capacity and demand review of the {service} by {prov}",
                team("pm@", "nurse+", "cm+"),
            )
            add(
                0.34 * pre,
                A.ENGAGEMENT,
                ["needs_assessment"],
                f"Patient and carer survey: {topic}",
                team("ts+", "pat+", "pat", "cm+", "nurse+"),
            )
            add(
                0.4 * pre,
                A.MEETING,
                ["needs_assessment"],
                f"Public health review of {cond} needs for {topic}",
                team("ph", "ph2", "cm+", "gp+", "cons+"),
            )
            add(
                0.46 * pre,
                A.ENGAGEMENT,
                ["needs_assessment", "planning"],
                f"Workshop with GPs on the gaps in {topic}",
                team("gp+", "gp", "gp2", "gp3", "cm+", "cons+", "nurse+"),
            )
            add(
                0.5 * pre,
                A.DOCUMENT,
                ["needs_assessment"],
                f"Needs assessment report: {topic}",
                team("ph", "cons+", "cm+", "pm@"),
                LONG_DOCUMENTS["Needs assessment report"],
            )
        if self.style == "convening" and not small:
            add(0.44 * pre, A.ENGAGEMENT, ["needs_assessment", "planning"],
                f"Stakeholder conference on {topic}",
                team("cm+", "cm", "ph", "ph2", "gp+", "gp", "gp2", "gp3", "cons+", "cons2",
                     "nurse+", "nurse2", "pm@", "pm2", "ts+", "ts", "ts3", "pat+", "pat2", "la+",
                     "la"))  # fmt: skip
            add(0.62 * pre, A.ENGAGEMENT, ["planning"],
                f"Patients' and carers' reference group on {topic}",
                team("ts+", "pat+", "pat2", "pat", "cm+", "nurse+", "la+"))  # fmt: skip
        # Design: the provider proposes the model; workshops; specifications in versions.
        add(
            0.52 * pre,
            A.DOCUMENT,
            ["planning"],
            f"Proposed model of care for {topic}, from {prov}",
            team("cons+", "pm@", "nurse+", "cm+"),
            (16.0, 30.0),
        )
        add(
            0.56 * pre,
            A.ENGAGEMENT,
            ["planning"],
            f"Clinical workshop on the {topic} pathway",
            team("cons+", "cons2", "gp+", "gp2", "nurse+", "nurse2", "pm@", "cm+", "ts+", "pat+"),
        )
        if not small:
            add(
                0.6 * pre,
                A.DOCUMENT,
                ["planning"],
                f"Options appraisal: {topic}",
                team("cm+", "fin", "ph"),
                (10.0, 20.0),
            )
            add(
                0.64 * pre,
                A.ENGAGEMENT,
                ["planning"],
                f"Second clinical workshop on the {topic} pathway",
                team("cons+", "gp+", "gp3", "nurse+", "nurse2", "pm@", "cm+", "ts+", "pat2"),
            )
        add(
            0.68 * pre,
            A.DOCUMENT,
            ["planning"],
            f"Service specification, first draft: {service}",
            team("nurse+", "cons+", "cm+", "pm@"),
            LONG_DOCUMENTS["Service specification"],
        )
        add(
            0.76 * pre,
            A.DOCUMENT,
            ["planning"],
            f"Service specification, second draft: {service}",
            team("cm+", "cons+", "nurse+", "pm@", "gp+"),
            (8.0, 16.0),
        )
        if not small:
            add(
                0.78 * pre,
                A.DOCUMENT,
                ["planning"],
                f"Equality impact assessment: {topic}",
                team("cm+", "ph"),
                (6.0, 12.0),
            )
            add(
                0.8 * pre,
                A.DOCUMENT,
                ["planning", "procurement"],
                f"Business case: {topic}",
                team("cm+", "fin", "cm", "pm@"),
                LONG_DOCUMENTS["Business case"],
            )
            add(
                0.84 * pre,
                A.DECISION,
                ["planning"],
                f"{w['executive']} approves the business case: {topic}",
                team("gp", "gp2", "cm", "fin", "cm+", "ph"),
            )
        add(
            0.86 * pre,
            A.DOCUMENT,
            ["planning"],
            f"Final service specification: {service}",
            team("cm+", "con", "cons+"),
            (6.0, 12.0),
        )
        # Contracting: with the incumbent, without a tender, in most developments.
        if not small:
            self.contracting()
        # Implementation around go-live.
        for n, months in enumerate((-3, -2, -1), start=1):
            add(
                self.months_from_go_live(months, 6 + 4 * n),
                A.MEETING,
                ["implementation"],
                f"Mobilisation meeting {n} with {prov}: {topic}",
                team("cm+", "pm@", "nurse+", "cons+", "con"),
            )
        add(
            self.months_from_go_live(-1, 20),
            A.DOCUMENT,
            ["implementation"],
            f"Referral guidance for practices: {service}",
            team("gp+", "cm+", "nurse+"),
            (6.0, 12.0),
        )
        for n, group in enumerate(w["groups"]):
            add(
                self.months_from_go_live(n - 1, 24),
                A.ENGAGEMENT,
                ["implementation"],
                f"{w['network_meeting']} ({group}): {topic}",
                team("gp+", "gp", "gp2", "nurse+", "cm+"),
            )
        add(
            self.go_live,
            A.DECISION,
            ["implementation"],
            f"Go-live confirmed: {topic}",
            team("cm+", "pm@", "cm"),
        )
        for months in range(1, 7):
            day = self.months_from_go_live(months, 14)
            if day <= self.last:
                add(
                    day,
                    A.MEETING,
                    ["implementation", "monitoring"],
                    f"Implementation group: {topic}, {month_name(day)}",
                    self.attendees(
                        team("cm+", "pm@", "nurse+", "cons+", "gp+"), ["implementation"]
                    ),
                )
        # Monitoring and review after go-live.
        quarter = self.months_from_go_live(3, 20)
        while quarter <= self.last:
            add(
                quarter,
                A.MONITORING_REVIEW,
                ["monitoring"],
                f"Quarterly performance review of the {service}: {month_name(quarter)}",
                team("con", "cm+", "pm@", "fin"),
            )
            report = quarter - dt.timedelta(days=12)
            add(
                report,
                A.ANALYSIS,
                ["monitoring"],
                f"Activity and outcomes report, {service}: {month_name(report)}",
                team("con2", "cm+"),
                (4.0, 10.0),
            )
            y, m = divmod(quarter.month - 1 + 3, 12)
            quarter = D(quarter.year + y, m + 1, 20)
        if not small:
            add(
                self.months_from_go_live(6, 8),
                A.ANALYSIS,
                ["review", "monitoring"],
                f"Review of early outcomes: {topic}",
                team("ph", "cm+", "cons+"),
                (10.0, 20.0),
            )
            add(
                self.months_from_go_live(8, 16),
                A.ENGAGEMENT,
                ["review"],
                f"Patient feedback event: {topic}",
                team("ts+", "pat+", "pat2", "cm+", "nurse+"),
            )
        add(
            0.96,
            A.DOCUMENT,
            ["review"],
            f"Post-implementation review: {topic}",
            team("cm+", "ph", "pm@", "cons+"),
            LONG_DOCUMENTS["Post-implementation review"],
        )
        add(
            0.99,
            A.DECISION,
            ["review"],
            f"{w['board']} receives the post-implementation review: {topic}",
            team("cm", "gp", "fin", "cm+"),
        )
        if self.style == "handover" and self.first <= HANDOVER <= self.last:
            add(HANDOVER, A.MEETING, ["implementation", "monitoring"],
                f"Handover of the {topic} work: the commissioning lead moves to the PCT cluster",
                [*team("cm+"), *self.successor, *team("cm", "pm@")])  # fmt: skip

    def contracting(self) -> None:
        add, team, service, prov = self.add, self.team, self.service, self.provider.name
        pre = max(self.share(self.go_live), 0.2)
        slug = self.plan.slug
        if slug == "diabetes-redesign":  # the study's one tender: the incumbent kept it
            steps = [
                (
                    0.86,
                    A.DECISION,
                    "Decision to tender the intermediate diabetes service",
                    ("cm", "cm+", "fin", "con", "gp"),
                ),
                (
                    0.88,
                    A.PROCUREMENT,
                    "Tender advertised: intermediate diabetes service",
                    ("con", "cm+"),
                ),
                (
                    0.9,
                    A.ENGAGEMENT,
                    "Bidders' day: intermediate diabetes service",
                    ("cm+", "con", "pm@", "nurse+", "cons+"),
                ),
                (
                    0.94,
                    A.PROCUREMENT,
                    "Tender evaluation panel: intermediate diabetes service (three bids)",
                    ("con", "cm+", "fin", "gp+", "pat+"),
                ),
                (
                    0.97,
                    A.DECISION,
                    f"Contract award: intermediate diabetes service to {prov}, the incumbent "
                    "community provider",
                    ("cm", "con", "fin", "gp"),
                ),
            ]
            for u, kind, title, codes in steps:
                add(u * pre, kind, ["procurement"], title, team(*codes))
            self.formal_contracting()
            return
        add(
            0.88 * pre,
            A.PROCUREMENT,
            ["procurement"],
            f"Procurement route paper: {service} (no tender: a variation to {prov}'s contract)",
            team("con", "cm+", "fin"),
        )
        add(
            0.9 * pre,
            A.NEGOTIATION,
            ["procurement"],
            f"Agreeing the price and activity plan for the {service} with {prov}",
            team("con", "cm+", "fin", "pm@", "fin2"),
        )
        add(
            0.93 * pre,
            A.NEGOTIATION,
            ["procurement"],
            f"Second meeting on the price and activity plan for the {service}",
            team("con", "cm+", "fin", "pm@", "pm2"),
        )
        if slug == "stroke-esd":
            add(
                0.95 * pre,
                A.NEGOTIATION,
                ["procurement"],
                "Agreeing the cost and volume band for early supported discharge (250 to 330 "
                "patients a year)",
                team("con", "fin", "pm@", "cm+"),
            )
        if slug == "memory-assessment-service":
            for u, kind, title, codes in (
                (
                    0.7,
                    A.DECISION,
                    "Decision to decommission the hospital memory clinic",
                    ("cm", "cm+", "gp", "fin"),
                ),
                (
                    0.8,
                    A.NEGOTIATION,
                    "Agreeing notice and staff transfer for the memory clinic",
                    ("con", "cm+", "pm", "pm@", "cons+"),
                ),
                (
                    0.92,
                    A.MEETING,
                    "Transfer of patients from the memory clinic",
                    ("cm+", "cons+", "cons2", "nurse+", "pm@"),
                ),
            ):
                add(u * pre, kind, ["decommissioning", "procurement"], title, team(*codes))
        add(
            0.96 * pre,
            A.DOCUMENT,
            ["procurement"],
            f"Contract variation: {service}",
            team("con", "cm+"),
            (4.0, 10.0),
        )
        add(
            0.98 * pre,
            A.DECISION,
            ["procurement"],
            f"Contract variation signed: {service}",
            team("con", "fin", "pm@"),
        )
        if self.style == "contracting":
            self.formal_contracting()

    def formal_contracting(self) -> None:
        """Somerset's formal contracting: a schedule of indicators and of information, contract
        management under it, a contract query notice and a remedial action plan."""
        add, team, service, prov = self.add, self.team, self.service, self.provider.name
        pre = max(self.share(self.go_live), 0.2)
        add(0.95 * pre, A.DOCUMENT, ["procurement"],
            f"Key performance indicator schedule: {service}", team("con", "cm+", "ph"),
            (10.0, 20.0))  # fmt: skip
        add(0.97 * pre, A.DOCUMENT, ["procurement"], f"Information schedule: {service}",
            team("con2", "con"), (6.0, 12.0))  # fmt: skip
        for months in range(2, 13, 2):
            day = self.months_from_go_live(months, 4)
            if day <= self.last:
                add(day, A.MONITORING_REVIEW, ["monitoring", "procurement"],
                    f"Contract management meeting under the KPI schedule, {service}: "
                    f"{month_name(day)}", team("con", "con2", "pm@", "fin"))  # fmt: skip
        add(self.months_from_go_live(5, 12), A.PROCUREMENT, ["monitoring", "procurement"],
            f"Contract query notice issued to {prov}: {service}", team("con", "cm+"),
            (4.0, 8.0))  # fmt: skip
        add(self.months_from_go_live(6, 15), A.NEGOTIATION, ["monitoring", "procurement"],
            f"Remedial action plan agreed with {prov}: {service}",
            team("con", "cm+", "pm@", "fin"))  # fmt: skip


def _development_items(b: Build, plan: Plan) -> list[Item]:
    script = Script(b, plan, b.rng(f"activities:{plan.slug}"))
    script.steps()
    script.recurring()
    return sorted(script.items, key=lambda i: i.date)


# ------------------------------------------------------------------------ the contract round


def _round_contracts(b: Build, code: str) -> list[tuple[object, str]]:
    """The community's contracts with NHS trusts worth a contract round of their own, with the
    key of their provider (small contracts are reviewed inside the main ones)."""
    out = []
    for spec, contract in zip(CONTRACTS[code], _contracts_of(b, code), strict=True):
        if contract.provider.kind in NHS_TRUSTS and contract.annual_value >= 5_000_000:
            out.append((contract, spec[1], spec[0].split(":")[0]))
    return out


def _contracts_of(b: Build, code: str) -> list:
    prefix = b.orgs[f"{code}:pct"].ods_code if era_of(code) is STUDY else PRESENT.icb[0]
    return [b.contracts[f"DEMO-{prefix}-{n:02d}"] for n in range(1, len(CONTRACTS[code]) + 1)]


def _contract_items(b: Build, code: str) -> list[Item]:
    """Each main NHS contract's round for each financial year, and its monthly review."""
    rng = b.rng(f"contract-round:{code}")
    era = era_of(code)
    cast = Cast(b, code)
    years = era.financial_years[1:] + [era.financial_years[-1] + 1]  # rounds agreed in the era
    items = []
    for contract, key, label in _round_contracts(b, code):
        holder = contract.provider
        staff_org = provider(b, code, "community") if key == "arm" else holder
        theirs = cast.find(RT.PROVIDER_MANAGER, org=staff_org)
        theirs = [p for p in theirs if p.organisation_id == staff_org.pk] or theirs[:1]
        clinical = [
            p
            for p in cast.people
            if p.organisation_id == staff_org.pk
            and p.role_type in (RT.CONSULTANT, RT.SPECIALIST_NURSE)
        ]
        fin_theirs = [
            p
            for p in cast.people
            if p.organisation_id == staff_org.pk and p.role_type == RT.FINANCE
        ]
        ours = cast.find(RT.CONTRACTS)
        finance = [p for p in cast.find(RT.FINANCE) if p.organisation_id != staff_org.pk]
        managers = cast.find(RT.COMMISSIONING_MANAGER)
        name = f"{label}, {holder.name}"
        for year in years:
            fy = financial_year(year)
            start = D(year, 4, 1)
            if not (contract.start_date <= start <= contract.end_date):
                continue
            if era.code == "today" and year == 2021:
                continue  # the COVID-19 system block: no round to negotiate
            negotiators = [*ours[:2], finance[0], *theirs[:2], *fin_theirs[:1]]
            steps = [
                (D(year - 1, 10, 14), A.ANALYSIS, ["procurement"],
                 f"Activity plan and demand forecast {fy}: {name}", [ours[0], finance[0],
                                                                     managers[1]]),
                (D(year - 1, 11, 4), A.MEETING, ["procurement", "planning"],
                 f"Commissioning intentions {fy} presented to {name}",
                 [managers[0], ours[0], *theirs[:2], managers[1]]),
                (D(year - 1, 12, 8), A.NEGOTIATION, ["procurement"],
                 f"Contract negotiation {fy}, first round: {name}", negotiators),
                (D(year, 1, 17), A.NEGOTIATION, ["procurement"],
                 f"Contract negotiation {fy}, second round: {name}", negotiators),
                (D(year, 2, 9), A.NEGOTIATION, ["procurement"],
                 (f"CQUIN schemes {fy} agreed with {name}" if year in (2009, 2010, 2022)
                  else f"Quality schedule {fy} agreed with {name}"),
                 [ours[0], managers[1], *theirs[:1], *clinical[:1]]),
                (D(year, 2, 27), A.NEGOTIATION, ["procurement"],
                 f"Contract negotiation {fy}, final round: {name}",
                 [*negotiators, managers[0]]),
                (D(year, 3, 20), A.DECISION, ["procurement"],
                 f"Contract {fy} signed with {name}", [managers[0], ours[0], finance[0]]),
            ]  # fmt: skip
            if STYLE.get(code) == "contracting":
                steps += [
                    (D(year, 9, 12), A.PROCUREMENT, ["monitoring", "procurement"],
                     f"Contract query notice {fy}: {name}", [ours[0], managers[1]]),
                    (D(year, 10, 24), A.NEGOTIATION, ["monitoring", "procurement"],
                     f"Remedial action plan {fy} agreed: {name}",
                     [ours[0], managers[1], *theirs[:2]]),
                ]  # fmt: skip
            for day, kind, stages, title, people in steps:
                day = day + dt.timedelta(days=int(rng.integers(-6, 7)))
                if not (era.first_month <= day <= era.last_day):
                    continue
                items.append(Item(day, kind, stages, title, _unique(people), provider=holder.name))
        # The monthly contract and quality review, while the contract runs in the era.
        month = max(contract.start_date, D(era.first_year + 1, 4, 1))
        month = D(month.year, month.month, 1)
        end = min(contract.end_date, era.last_day)
        while month <= end:
            day = month + dt.timedelta(days=int(rng.integers(8, 22)))
            six = month.month == 10
            title = (
                f"Month 6 contract review {financial_year(month.year)}: {name}"
                if six
                else f"Contract performance and quality review, {month_name(month)}: {name}"
            )
            people = [ours[int(rng.integers(len(ours)))], *theirs[:1]]
            if rng.random() < 0.6:
                people.append(managers[int(rng.integers(len(managers)))])
            if rng.random() < 0.5 and clinical:
                people.append(clinical[int(rng.integers(len(clinical)))])
            if six or rng.random() < 0.3:
                people.append(finance[0])
            items.append(
                Item(
                    day,
                    A.MONITORING_REVIEW,
                    ["monitoring", "procurement"] if six else ["monitoring"],
                    title,
                    _unique(people),
                    provider=holder.name,
                )
            )
            month = D(month.year + month.month // 12, month.month % 12 + 1, 1)
    return items


def _unique(people: list) -> list:
    out = []
    for p in people:
        if p not in out:
            out.append(p)
    return out


# ---------------------------------------------------------------------------------- building


def build_activities(b: Build) -> None:
    maker = Maker(b)
    for plan in PLANS:
        rng = b.rng(f"outcomes:{plan.slug}")
        for item in _development_items(b, plan):
            maker.add(rng, plan.community, item, {"provider": item.provider})
    for code in community_codes():
        rng = b.rng(f"outcomes:round:{code}")
        for item in sorted(_contract_items(b, code), key=lambda i: i.date):
            maker.add(rng, code, item, {"provider": item.provider})
    maker.save()
    _changes(b)


CHANGES = {
    "calderdale": [
        (D(2010, 7, 12), ChangeKind.POLICY, "pct",
         "White paper 'Equity and excellence' announces that PCTs will close"),
        (D(2011, 4, 1), ChangeKind.RESTRUCTURE, "arm",
         "Community services leave the PCT (Transforming Community Services): the PCT's "
         "provider arm joins the acute trust, which becomes an integrated care organisation"),
        (D(2011, 6, 1), ChangeKind.MERGER, "pct",
         "PCT cluster: one board shared with two neighbouring PCTs"),
        (D(2011, 9, 1), ChangeKind.STAFF_LOSS, "pct",
         "Long-term conditions commissioning manager leaves; post not filled"),
        (D(2012, 12, 3), ChangeKind.RESTRUCTURE, "ccg",
         "Clinical commissioning group authorised, ready to take over in April 2013"),
    ],
    "somerset": [
        (D(2010, 7, 12), ChangeKind.POLICY, "pct",
         "White paper 'Equity and excellence' announces that PCTs will close"),
        (D(2011, 2, 1), ChangeKind.RESTRUCTURE, "pct",
         "GP pathfinder consortium formed to take on commissioning"),
        (D(2011, 4, 1), ChangeKind.RESTRUCTURE, "arm",
         "Community services leave the PCT (Transforming Community Services): the PCT's "
         "provider arm joins the mental health trust"),
        (D(2011, 10, 3), ChangeKind.STAFF_LOSS, "pct",
         "Management cost cuts: a third of commissioning posts go"),
        (D(2013, 1, 2), ChangeKind.RESTRUCTURE, "ccg",
         "Clinical commissioning group authorised, ready to take over in April 2013"),
    ],
    "wirral": [
        (D(2010, 7, 12), ChangeKind.POLICY, "pct",
         "White paper 'Equity and excellence' announces that PCTs will close"),
        (D(2010, 9, 30), ChangeKind.OTHER, "acute", "Hospital memory clinic decommissioned"),
        (D(2011, 4, 1), ChangeKind.RESTRUCTURE, "arm",
         "Community services leave the PCT (Transforming Community Services): a new community "
         "NHS trust takes over the PCT's provider arm"),
        (D(2011, 6, 1), ChangeKind.MERGER, "pct",
         "PCT cluster: executive team shared with neighbouring PCTs"),
        (D(2012, 3, 1), ChangeKind.STAFF_LOSS, "pct",
         "Dementia commissioning lead moves to the cluster; work handed over"),
        (D(2012, 12, 3), ChangeKind.RESTRUCTURE, "ccg",
         "Clinical commissioning group authorised, ready to take over in April 2013"),
    ],
    "mereshire": [
        (D(2021, 4, 1), ChangeKind.RESTRUCTURE, "ccg:mereton",
         "The three CCGs share one accountable officer and a joint commissioning team"),
        (D(2021, 6, 16), ChangeKind.POLICY, "ccg:mereton",
         "NHS England's integrated care systems design framework: ICBs to take on CCGs' "
         "duties"),
        (D(2022, 4, 28), ChangeKind.POLICY, "ccg:mereton",
         "The Health and Care Act 2022 receives Royal Assent"),
        (D(2022, 7, 1), ChangeKind.RESTRUCTURE, "icb",
         "NHS Mereshire ICB established; the three CCGs are abolished and their areas become "
         "sub-ICB locations (places)"),
        (D(2023, 4, 3), ChangeKind.RESTRUCTURE, "icb",
         "The ICB takes on delegated commissioning of pharmacy, optometry and dental services"),
        (D(2024, 1, 2), ChangeKind.POLICY, "icb",
         "The Provider Selection Regime comes into force (SI 2023/1348)"),
        (D(2025, 3, 13), ChangeKind.POLICY, "icb",
         "Government announces that NHS England will be abolished; ICBs asked to cut their "
         "running costs by about half"),
        (D(2025, 10, 1), ChangeKind.STAFF_LOSS, "icb",
         "ICB restructure: a third of commissioning posts cut to meet the running-cost "
         "reduction"),
    ],
}  # fmt: skip


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

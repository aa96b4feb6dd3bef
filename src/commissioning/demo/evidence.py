"""Synthetic evidence: interview transcripts, meeting notes and documents, coded to the seven
themes of the default codebook, so the evidence log, its search and the framework matrix have
something worth reading.

The field study gathered 104 semi-structured interviews (71 on commissioning practice and 21 on
the reforms, by the report's count), 20 telephone tracking interviews, notes of 27 commissioning
meetings it observed and over 300 documents. Each study community here has about a quarter of its
share of that: about eight interviews (two of them telephone tracking interviews, one in
Wirral), two or three sets of meeting notes and twenty-five documents. The present-day community
has a smaller set of the same kinds. Everything is made up from the demo's own records (the
developments, providers, people and meetings it built) and says so in its first line; passages
are coded with the theme (and, where it fits, the process, resource or outcome) they speak to.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from commissioning.demo import workdays
from commissioning.demo.communities import PRESENT
from commissioning.demo.context import Build
from commissioning.demo.developments import PLANS
from commissioning.demo.providers_contracts import SERVICES, provider
from commissioning.store.models import ActivityKind, RoleType

D = dt.date
NOTICE = "Synthetic demo evidence: made up for demonstration; no real person or meeting."
FIELDWORK = (D(2010, 11, 1), D(2012, 1, 31))  # the study's fieldwork
TODAY_FIELDWORK = (D(2024, 9, 2), D(2026, 2, 27))
# (interviews, of which telephone tracking, meeting notes, documents) per community.
COUNTS = {
    "calderdale": (8, 2, 3, 25),
    "somerset": (8, 2, 2, 25),
    "wirral": (7, 1, 2, 25),
    "mereshire": (5, 1, 2, 12),
}

# Answers in interviews, by theme: each is one coded passage. Placeholders are filled from the
# development the interview is about.
ANSWERS = {
    "labour": [
        "Honestly, I couldn't tell you how many meetings there were. The project group met "
        "every month, and that was before the clinical reference group, the one-to-ones and the "
        "papers for the board. It took far more of everyone's time than anyone planned for.",
        "The specification alone went through several drafts. Each one meant going back to the "
        "consultants, then to the GPs, then to finance. I'd guess the {topic} work took a third "
        "of my week for two years, and I was not the only one.",
        "Most of the work was talking to people: getting the right people round the table, "
        "keeping them there, following up afterwards. None of that shows in the plan, but "
        "without it nothing would have moved.",
        "When you add it all up, an extraordinary amount of effort went in for what is, in the "
        "end, a fairly modest change to one service.",
    ],
    "who-commissions": [
        "The consultant wrote most of the new pathway. We costed it and took it through the "
        "committees, but the model of care came from {provider}.",
        "The specialist nurses knew where the gaps were long before we did. Their audit of "
        "referrals was what started the needs assessment for {topic}.",
        "Our GP lead chaired the clinical reference group. GPs were becoming the "
        "decision-makers, but at that point they were still finding their feet.",
        "The voluntary sector brought the carers' view. They ran the survey, and frankly families "
        "trusted them more than they trusted us.",
        "Half the people doing the commissioning didn't work for us. I had no authority over "
        "any of them; it all depended on goodwill.",
    ],
    "money": [
        "There was no new money. It had to come out of the block, which means {provider} had "
        "to agree to do things differently for the same price.",
        "Finance and contracting sat in a different world. We would agree a pathway in the "
        "project group and then find the contract round had already fixed the money.",
        "CQUIN helped at the margins, a percentage point or so, but nobody redesigns a service "
        "for that.",
        "We were told the redesign would save money, and in the same breath we were asked for "
        "efficiency savings this year. The two don't add up.",
    ],
    "scale-pace": [
        "We did it in bite-sized pieces: one part of the pathway, then the next. Anything "
        "bigger would have frightened the trust off.",
        "It took twice as long as planned. Every time something changed in the organisation, "
        "the timetable slipped another few months.",
        "We kept it small on purpose: try it in one locality, look at the figures, then roll "
        "it out. Nobody wanted to destabilise a service that mostly works.",
        "Then the white paper came out and half the team started looking for jobs. We carried "
        "on with {topic}, but it felt like working on borrowed time.",
    ],
    "national-drivers": [
        "{driver} gave us the push. Once it was published the board could not ignore {topic}.",
        "NICE gave us the template. We adapted the quality standard rather than starting from "
        "scratch, which saved months.",
        "QOF meant the practices were already counting, and that made the analysis of the "
        "registers possible.",
        "The support organisations helped: they had seen it done elsewhere and lent us the "
        "documents.",
    ],
    "relationships": [
        "We would never have tendered it. We have worked with {provider} for years and you "
        "don't throw that away.",
        "It runs on trust. If the service manager and I can't pick up the phone to each other, "
        "no contract will fix it.",
        "There isn't a market. There is one provider that can do this locally, and everyone "
        "knows it.",
        "When it did go out to tender, the incumbent won. Nobody was surprised: they knew the "
        "patients and the staff, and the others didn't.",
    ],
    "measuring-impact": [
        "Did it work? The waits came down, but referrals changed at the same time, so it's hard "
        "to say it was us.",
        "The data from {provider} were poor for the first year; we spent months just agreeing "
        "what to count.",
        "The outcomes we care about take years to show, and by then half the team has moved on.",
        "We can show activity. We can't really show impact, not in a way I would put in front "
        "of the board.",
    ],
}
TODAY_ANSWERS = {
    "labour": [
        "Since the ICB came in, everything goes through more committees: place, system, the "
        "provider collaborative. The {topic} work has had more meetings than I can count.",
        "The Provider Selection Regime decision records alone took weeks: the criteria, the "
        "conflicts of interest, the notices. Necessary, but it is all time.",
    ],
    "who-commissions": [
        "The PCN clinical directors really shaped it. The model of care came from them and from "
        "{provider}; we wrote it up.",
        "The trust's clinicians designed the new pathway, and the charity told us what families "
        "actually needed after a diagnosis.",
    ],
    "money": [
        "Under the aligned payment and incentive contract the money is mostly fixed. Changing a "
        "pathway doesn't move the money unless we renegotiate the fixed element.",
        "We were asked to cut running costs by half while keeping the programme going. Something "
        "has to give.",
    ],
    "scale-pace": [
        "We started in North Mereshire, where the gap was worst, and only then talked about the "
        "rest of the ICB.",
        "It took a year longer than planned. The restructure meant the team changed twice.",
    ],
    "national-drivers": [
        "{driver} set the direction; the national ambition gave the board a number to hold us to.",
        "The NHS Payment Scheme and the planning guidance decide more than we'd like to admit.",
    ],
    "relationships": [
        "Collaboration is the whole point of an ICB. We only used the competitive process where "
        "there was a real choice of provider.",
        "We kept the community trust on a direct award: it was doing well, and moving the "
        "service would have cost more than it saved.",
    ],
    "measuring-impact": [
        "We have more data than ever, but the pandemic years make every trend hard to read.",
        "The diagnosis rate moved, but so did the national recovery; I can't say how much was us.",
    ],
}
CODES_FOR = {  # a theme's passages are also coded with one of processes, resources, outcomes
    "labour": "resources",
    "who-commissions": "processes",
    "money": "resources",
    "scale-pace": "processes",
    "national-drivers": None,
    "relationships": "processes",
    "measuring-impact": "outcomes",
}
QUESTIONS = {
    "labour": "How much of your time has this taken?",
    "who-commissions": "Who did the work of designing the new service?",
    "money": "How was it paid for?",
    "scale-pace": "How quickly did things change?",
    "national-drivers": "What started it?",
    "relationships": "Did you think about tendering the service?",
    "measuring-impact": "How do you know whether it worked?",
}
ROLE_WORDS = {
    RoleType.COMMISSIONING_MANAGER: "a commissioning manager",
    RoleType.FINANCE: "a finance manager",
    RoleType.CONTRACTS: "a contracts manager",
    RoleType.PUBLIC_HEALTH: "a public health specialist",
    RoleType.GP: "a GP",
    RoleType.CONSULTANT: "a hospital consultant",
    RoleType.SPECIALIST_NURSE: "a specialist nurse",
    RoleType.PROVIDER_MANAGER: "a provider's service manager",
    RoleType.THIRD_SECTOR: "a voluntary sector manager",
    RoleType.PATIENT_REPRESENTATIVE: "a patient representative",
    RoleType.LOCAL_AUTHORITY_OFFICER: "a council officer",
}
# What meeting notes record, by theme.
MINUTES = {
    "money": "Finance reported that the proposal has to be cost-neutral within the existing "
    "contract; no new money this year.",
    "who-commissions": "The consultant presented the model of care drafted by {provider}; the "
    "group asked the specialist nurses to add the referral criteria.",
    "measuring-impact": "The activity report was not discussed: the figures from {provider} are "
    "still being validated.",
    "scale-pace": "Agreed to start in one area and review after three months before going further.",
    "relationships": "The chair will meet {provider}'s director before the next meeting to "
    "settle the staffing question informally.",
    "labour": "Actions carried forward from the last two meetings; the commissioning manager "
    "will chase each owner.",
    "national-drivers": "Noted the national guidance circulated with the papers; the "
    "specification will follow it.",
}
# What documents say, by theme: a sentence each, chosen by the kind of document.
DOCUMENT_LINES = {
    "national-drivers": "This responds to {driver} and the local needs assessment.",
    "money": "The service will be delivered within the existing contract value; any change in "
    "activity will be reviewed at the quarterly contract meeting.",
    "who-commissions": "The model was developed with clinicians from {provider}, GPs and "
    "patient representatives.",
    "scale-pace": "Implementation will be phased, starting with one locality.",
    "measuring-impact": "Outcomes will be monitored monthly; some, such as admissions, will not "
    "show for a year or more.",
    "relationships": "The service will continue to be provided by {provider}; no tender is "
    "proposed.",
    "labour": "The work involved a project group, a clinical reference group and engagement "
    "with practices, patients and carers over many months.",
}


@dataclass
class Piece:
    """One piece of evidence being written: its paragraphs and their codes."""

    title: str
    kind: str
    date: dt.date
    author: str
    development: object | None
    activity: object | None = None
    confidentiality: str = "internal"
    parts: list[tuple[str, list[str]]] = field(default_factory=list)  # (text, code keys)

    def text(self) -> tuple[str, list[tuple[int, int, list[str]]]]:
        out, spans, at = [], [], 0
        for body, codes in self.parts:
            if codes:
                spans.append((at, at + len(body), codes))
            out.append(body)
            at += len(body) + 2
        return "\n\n".join(out), spans


def _dev_context(b: Build, plan) -> dict:
    from commissioning.demo.activities import TOPICS

    services = SERVICES[plan.community]
    held = provider(b, plan.community, services[plan.services[0]][1])
    drivers = list(b.developments[plan.slug].drivers.values_list("title", flat=True))
    return {
        "topic": TOPICS[plan.slug],
        "provider": held.name,
        "driver": drivers[0] if drivers else "National guidance",
    }


def _interviews(b, code, plans, n, tracking, rng, today) -> list[Piece]:
    bank = TODAY_ANSWERS if today else ANSWERS
    first, last = TODAY_FIELDWORK if today else FIELDWORK
    days = workdays.working_days(first, last)
    people = [p for p in b.people[code] if p.role_type != RoleType.PATIENT_REPRESENTATIVE]
    out = []
    for k in range(n):
        plan = plans[k % len(plans)]
        ctx = _dev_context(b, plan)
        person = people[int(rng.integers(len(people)))]
        phone = k >= n - tracking
        day = days[int(rng.integers(len(days)))]
        label = "Telephone tracking interview" if phone else "Interview"
        title = f"{label} {k + 1:02d}: {ROLE_WORDS[person.role_type]}, {ctx['topic']}"
        piece = Piece(
            title,
            "interview",
            day,
            "Evaluation team (synthetic)",
            b.developments[plan.slug],
            confidentiality="confidential",
        )
        piece.parts.append(
            (
                f"{NOTICE}\n{label} with {ROLE_WORDS[person.role_type]} "
                f"({person.organisation.name if person.organisation else 'a patient group'}), "
                f"{day:%d %B %Y}, about {ctx['topic']}.",
                [],
            )
        )
        themes = list(bank)
        chosen = rng.choice(len(themes), size=3 if phone else 5, replace=False)
        for i in sorted(chosen):
            theme = themes[i]
            answers = bank[theme]
            answer = answers[int(rng.integers(len(answers)))].format(**ctx)
            piece.parts.append((f"Q: {QUESTIONS[theme]}", []))
            extra = CODES_FOR[theme]
            piece.parts.append((f"A: {answer}", [theme] + ([extra] if extra else [])))
        out.append(piece)
    return out


def _meeting_notes(b, code, plans, n, rng) -> list[Piece]:
    """Notes of meetings the demo recorded, linked to the meeting's activity."""
    slugs = {p.slug for p in plans}
    meetings = [
        a
        for a in b.activities.get(code, [])
        if a.kind == ActivityKind.MEETING
        and a.development is not None
        and a.development.slug in slugs
        and ("project group" in a.title or "clinical reference group" in a.title)
    ]
    out = []
    for i in sorted(rng.choice(len(meetings), size=min(n, len(meetings)), replace=False)):
        meeting = meetings[int(i)]
        plan = next(p for p in plans if p.slug == meeting.development.slug)
        ctx = _dev_context(b, plan)
        piece = Piece(
            f"Notes: {meeting.title}",
            "meeting_notes",
            meeting.date,
            f"{b.communities[code].commissioner.name} (synthetic)",
            meeting.development,
            activity=meeting,
        )
        piece.parts.append(
            (f"{NOTICE}\nNotes of the {meeting.title}, {meeting.date:%d %B %Y}.", [])
        )
        themes = list(MINUTES)
        for n_item, i in enumerate(sorted(rng.choice(len(themes), size=4, replace=False)), 1):
            theme = themes[i]
            piece.parts.append((f"{n_item}. {MINUTES[theme].format(**ctx)}", [theme]))
        piece.parts.append((f"Outcome: {meeting.outcome}", []))
        out.append(piece)
    return out


def _documents(b, code, plans, n, rng) -> list[Piece]:
    """Documents and analyses the demo recorded as activities, with their text."""
    slugs = {p.slug for p in plans}
    candidates = [
        a
        for a in b.activities.get(code, [])
        if a.kind in (ActivityKind.DOCUMENT, ActivityKind.ANALYSIS)
        and (a.development is None or a.development.slug in slugs)
    ]
    picks = sorted(
        rng.choice(len(candidates), size=min(n, len(candidates)), replace=False).tolist()
    )
    out = []
    for i in picks:
        activity = candidates[i]
        slug = activity.development.slug if activity.development else None
        plan = next((p for p in plans if p.slug == slug), None)
        ctx = _dev_context(b, plan) if plan else {
            "topic": "the contract round", "provider": "the provider",
            "driver": "The NHS Operating Framework"}  # fmt: skip
        piece = Piece(
            activity.title,
            "document",
            activity.date,
            f"{b.communities[code].commissioner.name} (synthetic)",
            activity.development,
            activity=activity,
        )
        piece.parts.append((f"{NOTICE}\n{activity.title}. Dated {activity.date:%d %B %Y}.", []))
        themes = list(DOCUMENT_LINES)
        for j in sorted(rng.choice(len(themes), size=3, replace=False)):
            theme = themes[j]
            piece.parts.append((DOCUMENT_LINES[theme].format(**ctx), [theme]))
        if activity.outcome:
            piece.parts.append((f"Status: {activity.outcome}", []))
        out.append(piece)
    return out


def build_evidence(b: Build) -> None:
    from commissioning.evidence import search
    from commissioning.evidence.codebook import codes_for
    from commissioning.evidence.models import Evidence, Passage

    pieces: list[tuple[str, Piece]] = []
    for code, (interviews, tracking, notes, documents) in COUNTS.items():
        rng = b.rng(f"evidence:{code}")
        plans = [p for p in PLANS if p.community == code]
        today = code == PRESENT.code
        made = _interviews(b, code, plans, interviews, tracking, rng, today)
        made += _meeting_notes(b, code, plans, notes, rng)
        made += _documents(b, code, plans, documents, rng)
        pieces += [(code, p) for p in made]
    rows, spans = [], []
    for n, (code, piece) in enumerate(pieces, start=1):
        text, coded = piece.text()
        data = text.encode("utf-8")
        rows.append(
            Evidence(
                community=b.communities[code],
                development=piece.development,
                activity=piece.activity,
                title=piece.title[:250],
                kind=piece.kind,
                date=piece.date,
                author=piece.author[:200],
                confidentiality=piece.confidentiality,
                filename=f"{code}-{piece.kind}-{n:03d}.txt",
                content=data,
                size=len(data),
                text=text,
            )
        )
        spans.append(coded)
    made = Evidence.objects.bulk_create(rows, batch_size=500)
    for evidence in made:
        search.index(evidence)  # bulk_create sends no signals (SQLite's full-text index)
    codes = {c.key: c for c in codes_for(None)}
    passages, keys = [], []
    for evidence, coded in zip(made, spans, strict=True):
        for start, end, code_keys in coded:
            passages.append(Passage(evidence=evidence, start=start, end=end))
            keys.append(code_keys)
    passages = Passage.objects.bulk_create(passages, batch_size=1000)
    through = Passage.codes.through
    through.objects.bulk_create(
        [
            through(passage=p, code=codes[k])
            for p, ks in zip(passages, keys, strict=True)
            for k in ks
        ],
        batch_size=2000,
    )

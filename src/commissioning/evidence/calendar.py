"""Calendar (.ics) import: meetings become proposed activities, reviewed before they are saved.

- Each VEVENT (each occurrence of a recurring event within the chosen dates) becomes a
  :class:`~commissioning.evidence.models.ProposedActivity` with its date, length, organiser and
  attendees. All-day events are left out: they are not meetings.
- Attendees and the organiser are matched to known people by e-mail address (any case).
- A development is chosen by the first rule that matches (rules file, TOML): keywords in the
  summary or description, the organiser, or any attendee.
- Importing the same calendar again never adds a second proposal: the event UID and its
  recurrence id identify it. A proposal still waiting for review is brought up to date; one
  already approved, rejected or saved is left alone.
- Assumption: each matched attendee gave the whole length of the meeting (hours = duration).
- Nothing becomes an activity until the proposal is approved and applied (:func:`apply`).
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from commissioning.errors import located


@dataclass
class Rule:
    development: str
    keywords: list[str] = field(default_factory=list)
    organisers: list[str] = field(default_factory=list)
    attendees: list[str] = field(default_factory=list)

    def describe(self) -> str:
        parts = []
        if self.keywords:
            parts.append("keywords " + ", ".join(self.keywords))
        if self.organisers:
            parts.append("organiser " + ", ".join(self.organisers))
        if self.attendees:
            parts.append("attendee " + ", ".join(self.attendees))
        return f"{self.development}: " + "; ".join(parts)

    def matches(self, text: str, organiser: str, attendees: list[str]) -> bool:
        text = text.lower()
        return (
            any(k.lower() in text for k in self.keywords)
            or organiser in {o.lower() for o in self.organisers}
            or bool({a.lower() for a in self.attendees} & set(attendees))
        )


def load_rules(path: str | Path | None, community) -> list[Rule]:
    """Rules from a TOML file: ``[[rule]]`` tables with ``development`` (a slug) and any of
    ``keywords``, ``organisers`` and ``attendees`` (lists of text)."""
    if path is None:
        return []
    file = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise located(file, None, None, "no such file") from None
    except UnicodeDecodeError:
        raise located(file, None, None, "not a text file") from None
    return parse_rules(text, file, community)


def parse_rules(text: str, file: str, community) -> list[Rule]:
    """Rules from TOML text (see :func:`load_rules`); ``file`` names it in messages."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise located(file, None, None, f"not a valid TOML file ({exc})") from None
    slugs = set(community.developments.values_list("slug", flat=True))
    rules = []
    for i, raw in enumerate(data.get("rule", []), start=1):
        where = f"rule {i}"
        if not isinstance(raw, dict) or not raw.get("development"):
            raise located(file, None, where, "each [[rule]] needs a development (its short name)")
        if raw["development"] not in slugs:
            raise located(
                file,
                None,
                where,
                f"no development '{raw['development']}' in {community.code} "
                f"(known: {', '.join(sorted(slugs)) or 'none'})",
            )
        lists = {}
        for key in ("keywords", "organisers", "attendees"):
            value = raw.get(key, [])
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise located(file, None, where, f"{key} should be a list of text")
            lists[key] = value
        rules.append(Rule(raw["development"], **lists))
    return rules


def _email(value) -> str:
    text = str(value or "").strip()
    if text.lower().startswith("mailto:"):
        text = text[7:]
    return text.strip().lower()


def _aware(value) -> dt.datetime:
    if timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


def parse(name: str, data: bytes):
    import icalendar

    if b"BEGIN:VCALENDAR" not in data[:2048].upper():
        raise located(name, None, None, "not an iCalendar file (no BEGIN:VCALENDAR)")
    try:
        return icalendar.Calendar.from_ical(data)
    except Exception as exc:
        reason = (str(exc).splitlines() or [type(exc).__name__])[0][:120]
        raise located(name, None, None, f"not a valid iCalendar file ({reason})") from None


def occurrences(name: str, data: bytes, since: dt.date, until: dt.date) -> list[dict]:
    """The timed events in the calendar between two dates (``until`` included)."""
    import recurring_ical_events

    calendar = parse(name, data)
    try:
        events = recurring_ical_events.of(calendar).between(since, until + dt.timedelta(days=1))
    except Exception as exc:
        raise located(name, None, None, f"cannot read the events ({exc})") from None
    found = []
    for n, event in enumerate(events, start=1):
        start = event.get("DTSTART")
        if start is None:
            raise located(name, None, f"event {n}", "an event has no start (DTSTART)")
        start = start.dt
        if not isinstance(start, dt.datetime):
            continue  # all-day
        end = event.get("DTEND")
        if end is not None:
            length = end.dt - start
        elif event.get("DURATION") is not None:
            length = event.get("DURATION").dt
        else:
            length = dt.timedelta(0)
        uid = str(event.get("UID") or "").strip()
        if not uid:
            raise located(name, None, f"event {n}", "an event has no UID")
        recurring = event.get("RRULE") is not None or event.get("RECURRENCE-ID") is not None
        attendees = event.get("ATTENDEE") or []
        if not isinstance(attendees, list):
            attendees = [attendees]
        found.append(
            {
                "uid": uid[:250],
                "recurrence_id": _aware(start).astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
                if recurring
                else "",
                "title": str(event.get("SUMMARY") or "Meeting")[:250],
                "description": str(event.get("DESCRIPTION") or ""),
                "start": _aware(start),
                "hours": Decimal(max(length.total_seconds(), 0) / 3600).quantize(
                    Decimal("0.01"), ROUND_HALF_UP
                ),
                "organiser": _email(event.get("ORGANIZER")),
                "attendees": sorted({_email(a) for a in attendees if _email(a)}),
            }
        )
    return found


def _people(community, emails: list[str]) -> list:
    from commissioning.store.models import Person

    people = []
    for email in emails:
        matches = Person.objects.filter(email__iexact=email)
        person = matches.filter(communities=community).first() or matches.first()
        if person is not None and person not in people:
            people.append(person)
    return people


@dataclass
class ImportResult:
    proposals: list
    added: int = 0
    updated: int = 0
    kept: int = 0


@transaction.atomic
def propose(community, name: str, data: bytes, rules: list[Rule], since, until) -> ImportResult:
    """Turn the calendar's events into proposals (stored, waiting for review)."""
    from commissioning.evidence.models import ProposalStatus, ProposedActivity

    developments = {d.slug: d for d in community.developments.all()}
    result = ImportResult([])
    events = sorted(occurrences(name, data, since, until), key=lambda e: (e["start"], e["title"]))
    for event in events:
        emails = [e for e in [event["organiser"], *event["attendees"]] if e]
        text = f"{event['title']}\n{event['description']}"
        rule = next(
            (r for r in rules if r.matches(text, event["organiser"], event["attendees"])), None
        )
        fields = {
            "title": event["title"],
            "description": event["description"],
            "start": event["start"],
            "hours": event["hours"],
            "organiser": event["organiser"],
            "attendees": event["attendees"],
            "development": developments.get(rule.development) if rule else None,
            "rule": rule.describe()[:250] if rule else "",
        }
        proposal = ProposedActivity.objects.filter(
            community=community, uid=event["uid"], recurrence_id=event["recurrence_id"]
        ).first()
        if proposal is None:
            proposal = ProposedActivity.objects.create(
                community=community,
                uid=event["uid"],
                recurrence_id=event["recurrence_id"],
                **fields,
            )
            result.added += 1
        elif proposal.status == ProposalStatus.PROPOSED:
            for key, value in fields.items():
                setattr(proposal, key, value)
            proposal.save()
            result.updated += 1
        else:
            result.kept += 1
            result.proposals.append(proposal)
            continue
        proposal.people.set(_people(community, emails))
        result.proposals.append(proposal)
    return result


@transaction.atomic
def apply(proposals) -> list:
    """Save every approved proposal as an activity (a relational meeting) with participations,
    each matched person giving the meeting's length in hours. Returns the new activities."""
    from commissioning.evidence.models import ProposalStatus
    from commissioning.store.models import Activity, ActivityKind, Nature, Participation

    made = []
    for proposal in proposals:
        if proposal.status != ProposalStatus.APPROVED:
            continue
        activity = Activity.objects.create(
            community=proposal.community,
            development=proposal.development,
            date=proposal.date,
            title=proposal.title,
            kind=ActivityKind.MEETING,
            nature=Nature.RELATIONAL,
            outcome=proposal.description[:2000],
        )
        for person in proposal.people.all():
            Participation.objects.create(activity=activity, person=person, hours=proposal.hours)
        proposal.status = ProposalStatus.APPLIED
        proposal.activity = activity
        proposal.save(update_fields=["status", "activity"])
        made.append(activity)
    return made

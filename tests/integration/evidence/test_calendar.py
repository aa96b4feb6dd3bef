"""Calendar import: proposals, matching people by e-mail, rules, no duplicates, review, apply."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from commissioning.errors import InputError
from commissioning.evidence import calendar
from commissioning.evidence.models import ProposalStatus, ProposedActivity
from commissioning.store.models import Activity, Participation

ICS = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Evidence tests//EN\r
BEGIN:VEVENT\r
UID:falls-1@evitown\r
DTSTAMP:20100301T090000Z\r
DTSTART:20100310T100000Z\r
DTEND:20100310T113000Z\r
SUMMARY:Falls pathway meeting\r
DESCRIPTION:Agree the referral criteria\r
ORGANIZER;CN=Ann:mailto:ann.example@EVITOWN.nhs.uk\r
ATTENDEE;CN=Bob:mailto:bob@practice.nhs.uk\r
ATTENDEE:mailto:stranger@example.org\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:catch-up@evitown\r
DTSTAMP:20100301T090000Z\r
DTSTART:20100301T140000Z\r
DTEND:20100301T150000Z\r
RRULE:FREQ=WEEKLY;COUNT=3\r
SUMMARY:Weekly catch-up\r
ORGANIZER:mailto:carol@evitown.nhs.uk\r
ATTENDEE:mailto:bob@practice.nhs.uk\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:away-day@evitown\r
DTSTAMP:20100301T090000Z\r
DTSTART;VALUE=DATE:20100312\r
SUMMARY:Away day\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:later@evitown\r
DTSTAMP:20100301T090000Z\r
DTSTART:20110310T100000Z\r
DTEND:20110310T110000Z\r
SUMMARY:Falls follow-up next year\r
END:VEVENT\r
END:VCALENDAR\r
"""
RULES = """
[[rule]]
development = "falls-review"
keywords = ["falls"]

[[rule]]
development = "memory-service"
organisers = ["carol@evitown.nhs.uk"]
"""
MARCH = (dt.date(2010, 3, 1), dt.date(2010, 3, 31))


@pytest.fixture
def rules(town, tmp_path):
    path = tmp_path / "rules.toml"
    path.write_text(RULES)
    return calendar.load_rules(path, town["community"])


def test_events_become_proposals(town, rules):
    result = calendar.propose(town["community"], "cal.ics", ICS, rules, *MARCH)
    # one meeting + three weekly occurrences; the all-day event and next year's are left out
    assert result.added == 4
    assert [(str(p.date), p.hours, p.title) for p in result.proposals] == [
        ("2010-03-01", Decimal("1.00"), "Weekly catch-up"),
        ("2010-03-08", Decimal("1.00"), "Weekly catch-up"),
        ("2010-03-10", Decimal("1.50"), "Falls pathway meeting"),
        ("2010-03-15", Decimal("1.00"), "Weekly catch-up"),
    ]
    falls = ProposedActivity.objects.get(uid="falls-1@evitown")
    assert falls.development == town["falls"]
    assert falls.rule == "falls-review: keywords falls"
    # organiser and attendees matched by e-mail whatever the case; the stranger is not known
    assert {p.name for p in falls.people.all()} == {"Ann Example", "Bob Example"}
    assert "stranger@example.org" in falls.attendees
    weekly = ProposedActivity.objects.filter(uid="catch-up@evitown")
    assert {p.development.slug for p in weekly} == {"memory-service"}
    assert {p.recurrence_id for p in weekly} == {
        "20100301T140000Z",
        "20100308T140000Z",
        "20100315T140000Z",
    }
    assert Activity.objects.filter(community=town["community"]).count() == 0


def test_importing_again_never_duplicates(town, rules):
    c = town["community"]
    calendar.propose(c, "cal.ics", ICS, rules, *MARCH)
    ProposedActivity.objects.filter(uid="falls-1@evitown").update(status=ProposalStatus.REJECTED)
    again = calendar.propose(c, "cal.ics", ICS, rules, *MARCH)
    assert (again.added, again.updated, again.kept) == (0, 3, 1)
    assert ProposedActivity.objects.filter(community=c).count() == 4
    assert ProposedActivity.objects.get(uid="falls-1@evitown").status == "rejected"


def test_only_approved_proposals_become_activities(town, rules):
    c = town["community"]
    result = calendar.propose(c, "cal.ics", ICS, rules, *MARCH)
    falls = next(p for p in result.proposals if p.uid == "falls-1@evitown")
    falls.status = ProposalStatus.APPROVED
    falls.save()
    made = calendar.apply(result.proposals)
    assert len(made) == 1
    activity = made[0]
    assert (activity.date, activity.title, activity.kind, activity.development) == (
        dt.date(2010, 3, 10),
        "Falls pathway meeting",
        "meeting",
        town["falls"],
    )
    hours = {p.person.name: p.hours for p in Participation.objects.filter(activity=activity)}
    assert hours == {"Ann Example": Decimal("1.50"), "Bob Example": Decimal("1.50")}
    falls.refresh_from_db()
    assert (falls.status, falls.activity) == ("applied", activity)
    assert calendar.apply(ProposedActivity.objects.all()) == []  # nothing twice


def test_without_rules_no_development(town):
    result = calendar.propose(town["community"], "cal.ics", ICS, [], *MARCH)
    assert all(p.development is None for p in result.proposals)


def test_malformed_calendar_is_located(town):
    with pytest.raises(InputError, match=r"^bad.ics: not an iCalendar file"):
        calendar.propose(town["community"], "bad.ics", b"hello", [], *MARCH)
    broken = (
        b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:notadate\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    with pytest.raises(InputError, match=r"^broken.ics: "):
        calendar.propose(town["community"], "broken.ics", broken, [], *MARCH)


def test_rules_file_problems_are_located(town, tmp_path):
    path = tmp_path / "r.toml"
    path.write_text('[[rule]]\ndevelopment = "nope"\n')
    with pytest.raises(InputError, match=r"r.toml, column 'rule 1': no development 'nope'"):
        calendar.load_rules(path, town["community"])
    path.write_text("[[rule]\n")
    with pytest.raises(InputError, match="not a valid TOML file"):
        calendar.load_rules(path, town["community"])

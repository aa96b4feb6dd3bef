"""Two people editing the same record do not silently overwrite each other, and every change to
every kind of record is audited with its values before and after."""

from __future__ import annotations

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

BASE = "/communities/minitown/developments/diabetes-redesign/"


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode()).replace("&#x27;", "'")


def form_values(page: str) -> dict:
    """The values of a form as the browser would post them (text inputs, checked boxes and
    radios, selected options, text areas, hidden fields)."""
    values: dict = {}
    for tag in re.findall(r"<input [^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or name.group(1) == "csrfmiddlewaretoken":
            continue
        kind = re.search(r'type="([^"]+)"', tag).group(1)
        value = re.search(r'value="([^"]*)"', tag)
        value = value.group(1) if value else ""
        if kind in ("checkbox", "radio"):
            if " checked" in tag:
                values.setdefault(name.group(1), []).append(value or "on")
        else:
            values[name.group(1)] = value
    for name, body in re.findall(r'<textarea name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S):
        values[name] = body.strip()
    for name, body in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', body)
        values[name] = chosen.group(1) if chosen else ""
    return values


@pytest.fixture
def second(town, django_user_model):
    from commissioning.store.models import Profile

    user = django_user_model.objects.create_user("second-commissioner")
    Profile.objects.create(user=user, role="commissioner", community=town["community"])
    client = Client()
    client.force_login(user)
    return client


def test_the_second_save_is_told_and_shown_what_changed(town, client_for, second):
    from commissioning.store.models import Activity

    first = client_for("commissioner")
    edit = f"{BASE}activities/{town['board'].pk}/edit/"
    mine = form_values(text(first.get(edit)))
    theirs = form_values(text(second.get(edit)))
    assert mine["version"] == theirs["version"] != "0"

    mine["title"] = "Programme board (rescheduled)"
    assert first.post(edit, mine).status_code == 302

    theirs["outcome"] = "Agreed the referral criteria"
    refused = second.post(edit, theirs)
    assert refused.status_code == 409
    page = text(refused)
    assert "town-commissioner changed this record after you opened it" in page
    assert "Title: Diabetes programme board → Programme board (rescheduled)" in page
    board = Activity.objects.get(pk=town["board"].pk)
    assert (board.title, board.outcome) == ("Programme board (rescheduled)", "")

    # Having looked, saving again keeps their entries (the form now carries the new version).
    again = form_values(page)
    assert int(again["version"]) > int(theirs["version"])
    assert second.post(edit, again).status_code == 302
    board.refresh_from_db()
    assert board.title == "Diabetes programme board"
    assert board.outcome == "Agreed the referral criteria"


def test_a_change_to_a_participant_counts_as_a_change_to_the_activity(town, client_for, second):
    first = client_for("commissioner")
    edit = f"{BASE}activities/{town['board'].pk}/edit/"
    mine = form_values(text(first.get(edit)))
    theirs = form_values(text(second.get(edit)))
    row = next(k for k, v in mine.items() if v == "Bob Example").replace("person", "hours")
    mine[row] = "4"
    assert first.post(edit, mine).status_code == 302
    refused = second.post(edit, theirs)
    assert refused.status_code == 409
    assert "Hours: 1.50 → 4.00" in text(refused)


def test_two_people_changing_a_development_and_a_risk(town, client_for, second):
    from commissioning.work.models import Risk

    first = client_for("commissioner")
    edit = BASE + "edit/"
    mine, theirs = form_values(text(first.get(edit))), form_values(text(second.get(edit)))
    mine["partners"] = [str(town["alpha"].pk), str(town["beta"].pk)]
    assert first.post(edit, mine).status_code == 302
    refused = second.post(edit, {**theirs, "status": "paused"})
    assert refused.status_code == 409
    assert "Partner added: Beta Care (ZWB) in Diabetes redesign" in text(refused)

    risk = Risk.objects.create(
        development=town["redesign"],
        description="Staff leave",
        likelihood=2,
        impact=2,
        review_date="2011-01-01",
        raised="2010-06-01",
    )
    edit = f"{BASE}risks/{risk.pk}/edit/"
    mine, theirs = form_values(text(first.get(edit))), form_values(text(second.get(edit)))
    assert first.post(edit, {**mine, "owner": "Ann Example", "likelihood": "4"}).status_code == 302
    refused = second.post(edit, {**theirs, "owner": "Bob Example", "status": "closed"})
    assert refused.status_code == 409
    assert "Likelihood: 2 → 4" in text(refused)


def test_every_kind_is_audited_with_values_before_and_after(town, client_for):
    from commissioning.store.models import AuditRecord

    client = client_for("commissioner")
    alpha, beta = str(town["alpha"].pk), str(town["beta"].pk)
    assert (
        client.post(
            "/communities/minitown/new-development/",
            {"title": "Stroke review", "status": "active", "partners": [alpha, beta]},
        ).status_code
        == 302
    )
    page = "/communities/minitown/developments/stroke-review/"
    edit = form_values(text(client.get(page + "edit/")))
    assert client.post(page + "edit/", {**edit, "partners": [alpha]}).status_code == 302
    objective = {
        "description": "Faster",
        "indicator": "MT.HBA",
        "baseline_value": "1",
        "target_value": "2",
        "target_date": "1/1/2013",
    }
    assert client.post(page + "objectives/new/", objective).status_code == 302
    activity = {
        "date": "1/2/2012",
        "title": "Stroke board",
        "kind": "meeting",
        "nature": "relational",
        "rows_participant": "2",
        "person_0": "Ann Example",
        "hours_0": "1",
        "person_1": "Bob Example",
        "hours_1": "1",
    }
    assert client.post(page + "activities/new/", activity).status_code == 302
    decision = {
        "date": "1/2/2012",
        "title": "Go",
        "forum": "Board",
        "rows_option": "2",
        "option_0": "Go",
        "chosen_0": "on",
        "option_1": "Wait",
        "charts": [str(town["indicator"].pk)],
        "rows_interest": "1",
        "interest_person_0": "Dan",
        "interest_0": "Works at Alpha",
        "managed_0": "Did not vote",
    }
    assert client.post(page + "decisions/new/", decision).status_code == 302
    risk = {
        "kind": "risk",
        "description": "Delay",
        "likelihood": "2",
        "impact": "3",
        "owner": "Ann Example",
        "review_date": "1/6/2012",
    }
    assert client.post(page + "risks/new/", risk).status_code == 302
    from commissioning.store.models import Activity, Objective
    from commissioning.work.models import Decision, Risk

    objective_pk = Objective.objects.get(description="Faster").pk
    benefit = {"description": "Quicker care", "objective": str(objective_pk)}
    assert client.post(page + "benefits/new/", benefit).status_code == 302
    # changes: each kind updated, parts removed
    act = Activity.objects.get(title="Stroke board")
    values = form_values(text(client.get(f"{page}activities/{act.pk}/edit/")))
    values.update({"title": "Stroke programme board", "person_1": "", "hours_1": ""})
    assert client.post(f"{page}activities/{act.pk}/edit/", values).status_code == 302
    dec = Decision.objects.get()
    values = form_values(text(client.get(f"{page}decisions/{dec.pk}/edit/")))
    values.update({"forum": "Stroke board", "option_1": "", "charts": []})
    values.update({"interest_person_0": "", "interest_0": "", "managed_0": ""})
    values["no_interests"] = ["on"]
    assert client.post(f"{page}decisions/{dec.pk}/edit/", values).status_code == 302
    rsk = Risk.objects.get()
    values = form_values(text(client.get(f"{page}risks/{rsk.pk}/edit/")))
    assert client.post(f"{page}risks/{rsk.pk}/edit/", {**values, "impact": "5"}).status_code == 302

    def trail(model):
        return list(AuditRecord.objects.filter(model=model).order_by("id"))

    expected = {
        "store.servicedevelopment": ("create", "title", None, "Stroke review"),
        "store.objective": ("create", "target_value", None, 2.0),
        "store.activity": ("update", "title", "Stroke board", "Stroke programme board"),
        "store.participation": ("delete", "hours", "1.00", None),
        "work.partner": ("delete", "organisation_id", town["beta"].pk, None),
        "work.decision": ("update", "forum", "Board", "Stroke board"),
        "work.decisionoption": ("delete", "description", "Wait", None),
        "work.evidencelink": ("delete", "indicator_id", town["indicator"].pk, None),
        "work.interest": ("delete", "managed", "Did not vote", None),
        "work.risk": ("update", "impact", 3, 5),
        "work.benefit": ("create", "description", None, "Quicker care"),
    }
    for model, (action, field, before, after) in expected.items():
        records = [r for r in trail(model) if r.action == action]
        assert records, f"no {action} of {model} audited"
        record = records[-1]
        assert (record.username, record.channel) == ("town-commissioner", "web"), model
        assert (record.before or {}).get(field) == before, model
        assert (record.after or {}).get(field) == after, model

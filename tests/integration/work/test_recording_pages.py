"""Recording the work of commissioning through the app's forms: what each saves, its defaults,
who may do what, and the development page and scorecard changing at once."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

pytestmark = pytest.mark.django_db

BASE = "/communities/minitown/developments/diabetes-redesign/"
FEET = "/communities/minitown/developments/foot-care-review/"


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_a_commissioner_records_a_development_with_a_measurable_objective(town, client_for):
    from commissioning.store.models import Objective, ServiceDevelopment

    client = client_for("commissioner")
    response = client.post(
        "/communities/minitown/new-development/",
        {
            "title": "Memory assessment service",
            "status": "proposed",
            "start_date": "1/4/2011",
            "conditions": ["diabetes"],
            "services": [str(town["clinic"].pk)],
            "partners": [str(town["alpha"].pk)],
            "parent": "diabetes-redesign",
        },
    )
    assert response.status_code == 302
    dev = ServiceDevelopment.objects.get(community=town["community"], title__startswith="Memory")
    assert response["Location"] == f"/communities/minitown/developments/{dev.slug}/"
    assert dev.slug == "memory-assessment-service"
    assert (dev.status, dev.start_date, dev.parent) == (
        "proposed",
        dt.date(2011, 4, 1),
        town["redesign"],
    )
    assert list(dev.partners.values_list("organisation__name", flat=True)) == ["Alpha Trust"]
    page = f"/communities/minitown/developments/{dev.slug}/"
    response = client.post(
        page + "objectives/new/",
        {
            "description": "HbA1c in range for 55%",
            "indicator": "MT.HBA",
            "baseline_value": "50",
            "target_value": "55",
            "target_date": "2013-03-31",
        },
    )
    assert response.status_code == 302 and response["Location"] == page + "#objectives"
    objective = Objective.objects.get(development=dev)
    assert objective.is_measurable and objective.baseline_value == 50
    shown = text(client.get(page))
    assert "HbA1c in range for 55%" in shown and "Not specific and measurable" not in shown
    assert "Saved the objective." in shown
    # the new development shows in the community's list at once
    assert "Memory assessment service" in text(client.get("/communities/minitown/"))


def test_a_new_activity_starts_from_the_last_meeting(town, client_for):
    client = client_for("commissioner")
    page = text(client.get(BASE + "activities/new/"))
    assert "Started from the last meeting, Diabetes programme board on 1 March 2010" in page
    assert 'name="title" value="Diabetes programme board"' in page
    assert 'name="person_0" value="Ann Example"' in page
    assert 'name="length" value="2"' in page
    # Bob's 1.5 hours differ from the length, so they are kept; Ann's and Cath's follow it
    assert 'name="hours_1" value="1.5"' in page
    assert 'name="hours_0" value=""' in page or 'name="hours_0" class' in page
    blank = text(client.get(BASE + "activities/new/?start=blank"))
    assert 'name="person_0" value="Ann Example"' not in blank


def test_a_meeting_saved_from_the_defaults_and_the_hours_from_its_length(town, client_for):
    from commissioning.store.models import Activity, AuditRecord

    client = client_for("commissioner")
    response = client.post(
        BASE + "activities/new/",
        {
            "date": "14/9/2011",
            "title": "Diabetes programme board",
            "kind": "meeting",
            "nature": "relational",
            "stages": ["planning", "implementation"],
            "length": "3",
            "rows_participant": "4",
            "person_0": "ann example",  # any case
            "hours_0": "",
            "person_1": "Bob Example",
            "hours_1": "1.5",
            "person_2": "Dan Example",
            "hours_2": "",
            "outcome": "Agreed the pathway",
        },
    )
    assert response.status_code == 302, text(response)[:3000]
    assert response["Location"] == BASE + "#activity-log"
    activity = Activity.objects.get(date=dt.date(2011, 9, 14))
    assert activity.development == town["redesign"] and activity.community == town["community"]
    hours = {p.person.name: p.hours for p in activity.participations.all()}
    assert hours == {
        "Ann Example": Decimal("3"),
        "Bob Example": Decimal("1.5"),
        "Dan Example": Decimal("3"),
    }
    assert set(activity.stages.values_list("code", flat=True)) == {"planning", "implementation"}
    created = AuditRecord.objects.filter(model="store.activity", object_id=str(activity.pk))
    assert created.get(action="create").username == "town-commissioner"
    page = text(client.get(BASE))
    assert "Agreed the pathway" in page and "Dan Example (3)" in page


def test_unknown_or_repeated_people_are_refused_beside_their_row(town, client_for):
    client = client_for("commissioner")
    response = client.post(
        BASE + "activities/new/?start=blank",
        {
            "date": "14/9/2011",
            "title": "Board",
            "kind": "meeting",
            "nature": "relational",
            "rows_participant": "3",
            "person_0": "Zed Nobody",
            "hours_0": "1",
            "person_1": "Ann Example",
            "hours_1": "1",
            "person_2": "Ann Example",
            "hours_2": "2",
        },
    )
    assert response.status_code == 400
    page = text(response)
    assert "No one called &#x27;Zed Nobody&#x27; is among this community&#x27;s people" in page
    assert "Ann Example is already participant 2" in page
    assert 'href="#id_person_0"' in page  # the error summary links to the field


def test_the_same_title_on_the_same_day_is_refused(town, client_for):
    response = client_for("commissioner").post(
        BASE + "activities/new/?start=blank",
        {"date": "1/3/2010", "title": "Diabetes programme board", "kind": "meeting"},
    )
    assert "Another activity of this community on 1 March 2010 is called this" in text(response)


def test_adding_a_participant_row_without_javascript_keeps_what_was_typed(town, client_for):
    response = client_for("commissioner").post(
        BASE + "activities/new/?start=blank",
        {"title": "Half typed", "rows_participant": "2", "add_participant": "1"},
    )
    page = text(response)
    assert response.status_code == 200 and "There is a problem" not in page
    assert 'value="Half typed"' in page and 'name="person_2"' in page


def test_a_decision_linked_to_a_monitoring_chart_shows_on_the_development_page(town, client_for):
    from commissioning.work.models import Decision

    client = client_for("commissioner")
    page = text(client.get(BASE + "decisions/new/"))
    assert "HbA1c in range (MT.HBA)" in page and "Programme board minutes" in page
    response = client.post(
        BASE + "decisions/new/",
        {
            "date": "1/12/2010",
            "title": "Move diabetes follow-up into the community",
            "forum": "Diabetes programme board",
            "rows_option": "3",
            "option_0": "Keep follow-up in hospital",
            "option_1": "Move follow-up to the community",
            "chosen_1": "on",
            "charts": [str(town["indicator"].pk)],
            "evidence": [str(town["minutes"].pk)],
            "needs": [str(town["diabetes"].pk)],
            "rows_interest": "2",
            "interest_person_0": "Dan Example",
            "interest_0": "Consultant at Alpha Trust, the provider",
            "managed_0": "Took no part in the vote",
        },
    )
    assert response.status_code == 302, text(response)[:4000]
    decision = Decision.objects.get()
    assert [(o.description, o.chosen) for o in decision.options.all()] == [
        ("Keep follow-up in hospital", False),
        ("Move follow-up to the community", True),
    ]
    page = text(client.get(BASE))
    assert "Move diabetes follow-up into the community" in page
    chart = f"{BASE}monitoring/?indicator=MT.HBA#charts"
    assert f'href="{chart}" data-link="monitoring">Monitoring chart: HbA1c in range' in page
    assert 'data-link="evidence">Evidence log: Programme board minutes' in page
    assert 'href="/communities/minitown/needs/diabetes/"' in page
    assert "Dan Example: Consultant at Alpha Trust, the provider. Managed: Took no part" in page
    assert client.get(chart.split("#")[0]).status_code == 200


def test_a_decision_must_say_whether_interests_were_declared(town, client_for):
    response = client_for("commissioner").post(
        BASE + "decisions/new/",
        {"date": "1/12/2010", "title": "Go", "forum": "Board", "option_0": "Go"},
    )
    assert "Say whether interests were declared" in text(response)


def test_a_risk_raised_shows_scored_on_the_development_page(town, client_for):
    from commissioning.work.models import Risk

    client = client_for("commissioner")
    response = client.post(
        BASE + "risks/new/",
        {
            "kind": "risk",
            "description": "GPs may not refer to the new clinic",
            "likelihood": "4",
            "impact": "3",
            "owner": "Ann Example",
            "mitigations": "Visit each practice",
            "review_date": "1/6/2011",
        },
    )
    assert response.status_code == 302, text(response)[:3000]
    risk = Risk.objects.get()
    assert (risk.owner, risk.rating.score, risk.rating.label) == (
        town["people"]["ann"],
        12,
        "High",
    )
    page = text(client.get(BASE))
    assert "GPs may not refer to the new clinic" in page and "12 High" in page
    assert "Review overdue" in page  # 1 June 2011 has passed


def test_a_risk_out_of_the_matrix_is_refused_with_the_rules_words(town, client_for):
    response = client_for("commissioner").post(
        BASE + "risks/new/",
        {"kind": "risk", "description": "x", "likelihood": "9", "impact": "0", "owner": "Ann"},
    )
    page = text(response)
    assert "expected at most 5, found &#x27;9&#x27;" in page
    assert "expected 1 or more, found &#x27;0&#x27;" in page
    assert "No one called &#x27;Ann&#x27;" in page


def test_a_benefit_is_measured_by_an_objective_and_never_typed_in(town, client_for):
    client = client_for("commissioner")
    form = text(client.get(BASE + "benefits/new/"))
    assert "realised" not in form.split("<form")[1].split("</form>")[0].lower()
    response = client.post(
        BASE + "benefits/new/",
        {"description": "Fewer complications", "objective": str(town["objective"].pk)},
    )
    assert response.status_code == 302
    page = text(client.get(BASE))
    assert "Fewer complications" in page and 'data-status="' in page


def test_the_scorecard_and_the_pages_change_at_once(town, client_for):
    """Results are kept until a record changes (store.computed): a save through the app shows
    on the next request, on the development page, the practice page and its scorecard (a
    clinician now takes part in the foot care review too)."""
    client = client_for("commissioner")
    practice = "/communities/minitown/work/"

    def total_hours(page: str) -> float:
        found = re.search(r"([\d,.]+) hours of commissioning work recorded", page)
        return float(found.group(1).replace(",", ""))

    def measure(page: str, measure_id: str) -> str:
        row = re.search(rf'data-measure="{measure_id}">(.*?)</tr>', page)
        return re.sub(r"<[^>]+>", " ", row.group(1))

    before_dev = text(client.get(FEET))
    before = text(client.get(practice))
    assert "6 hours" in before_dev
    response = client.post(
        FEET + "activities/new/",
        {
            "date": "14/9/2011",
            "title": "Clinical design workshop",
            "kind": "meeting",
            "nature": "relational",
            "rows_participant": "1",
            "person_0": "Dan Example",
            "hours_0": "10",
        },
    )
    assert response.status_code == 302
    after_dev = text(client.get(FEET))
    assert "16 hours" in after_dev and "Clinical design workshop" in after_dev
    after = text(client.get(practice))
    assert total_hours(after) == total_hours(before) + 10
    assert measure(before, "clinical_involvement") != measure(after, "clinical_involvement")


def test_a_viewer_reads_but_cannot_change(town, client_for):
    client = client_for("viewer")
    page = text(client.get(BASE))
    assert "Diabetes programme board" in page and "Log an activity" not in page
    assert "Change the development" not in page
    for path in ("activities/new/", "decisions/new/", "risks/new/", "edit/"):
        assert client.get(BASE + path).status_code == 403
        assert client.post(BASE + path, {"title": "x"}).status_code == 403
    activity = town["board"].pk
    assert client.get(f"{BASE}activities/{activity}/edit/").status_code == 403
    assert client.get("/communities/minitown/new-development/").status_code == 403


def test_a_provider_records_activities_on_developments_it_takes_part_in_only(town, client_for):
    from commissioning.store.models import Activity

    client = client_for("alpha_user")
    page = text(client.get(BASE))  # Alpha Trust is a partner of the diabetes redesign
    assert "Log an activity" in page and "Record a decision" not in page
    response = client.post(
        BASE + "activities/new/",
        {
            "date": "2/10/2011",
            "title": "Clinic set-up meeting",
            "kind": "meeting",
            "nature": "relational",
            "rows_participant": "1",
            "person_0": "Cath Example",
            "hours_0": "2",
        },
    )
    assert response.status_code == 302
    assert Activity.objects.filter(title="Clinic set-up meeting").exists()
    # ... and changes it, but not the development, nor decisions and risks
    assert client.get(f"{BASE}activities/{town['board'].pk}/edit/").status_code == 200
    assert client.get(BASE + "edit/").status_code == 403
    assert client.get(BASE + "decisions/new/").status_code == 403
    # another development is not found, whatever is asked of it
    assert client.get(FEET).status_code == 404
    assert client.get(FEET + "activities/new/").status_code == 404
    assert client.get(f"{FEET}activities/{town['analysis'].pk}/edit/").status_code == 404
    response = client.post(FEET + "activities/new/", {"title": "x"})
    assert response.status_code == 404
    # nor may it move its activity onto the other development through the rules of the form
    assert not Activity.objects.filter(development=town["feet"], title="x").exists()


def test_the_people_type_ahead_lists_only_the_communitys_people(town, client_for):
    client = client_for("commissioner")
    found = text(client.get("/communities/minitown/people/?person_0=ex"))
    assert found.count("<option") == 4
    assert 'value="Cath Example">Provider manager, Alpha Trust' in found
    other = client_for("elsewhere_user")
    assert other.get("/communities/minitown/people/?q=ann").status_code == 404


def test_a_provider_still_imports_observations_only(town, client_for):
    """Providers record activities on their partners' developments through the form, which
    checks each one; an import (which matches records by date and title, on any development)
    stays observations only. Failed before: a provider's file of activities, one on no
    development, was imported."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from commissioning.store.models import Activity

    client = client_for("alpha_user")
    page = text(client.get("/communities/minitown/import/"))
    assert '<option value="activities"' not in page and '<option value="observations"' in page
    body = "date,title,kind,nature\n2011-09-14,Private meeting,meeting,relational\n"
    response = client.post(
        "/communities/minitown/import/",
        {"file": SimpleUploadedFile("activities.csv", body.encode())},
    )
    assert response.status_code == 400
    assert "providers import indicator observations for their own organisation only" in text(
        response
    )
    assert not Activity.objects.filter(title="Private meeting").exists()

"""The library page, the indicator page, the add form and who sees and changes what.

The world (tests/integration/api/world.py) has communities north and south, shared indicators
DM1 and FIN1, and one login per role. Each test adds north's own indicator NORTH_OWN where it needs
it.
"""

from __future__ import annotations

import html
import re

import pytest

from commissioning.access import policy

pytestmark = pytest.mark.django_db

LIBRARY = "/indicators/"


def text(response) -> str:
    page = response.content.decode()
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


@pytest.fixture
def north_own(world):
    from commissioning.store.models import Indicator

    own = Indicator.objects.create(
        code="NORTH_OWN",
        name="North falls clinic waits",
        description="Weeks from referral to the falls clinic",
        why_it_matters="Falls clinics prevent fractures",
        domain="quality",
        unit="weeks",
        numerator="Total weeks waited",
        denominator="Patients seen",
        polarity="lower_better",
        frequency="monthly",
        source="Falls clinic returns",
        national_driver="NICE CG161",
        community=world.north,
    )
    own.conditions.add(world.diabetes)
    return own


@pytest.fixture
def loaded(world):
    from commissioning.indicators.load import load_library

    return load_library()


FORM = {
    "code": "NORTH_NEW",
    "name": "Diabetes education attendance",
    "description": "People attending structured education within 12 months of referral",
    "why_it_matters": "Attendance, not referral, improves HbA1c",
    "domain": "quality",
    "unit": "%",
    "numerator": "People attending within 12 months",
    "denominator": "People referred",
    "polarity": "higher_better",
    "frequency": "quarterly",
    "conditions": ["diabetes"],
    "source": "Education provider returns",
    "national_driver": "NICE NG28",
    "patient_counts": "on",
    "community": "north",
}


# -- reading ------------------------------------------------------------------------------------


def test_library_page_lists_shared_and_own_indicators_with_filters(client_for, loaded, north_own):
    north = client_for("north_viewer")
    page = north.get(LIBRARY)
    assert page.status_code == 200
    body = text(page)
    assert "Dementia diagnosis rate (aged 65 and over)" in body
    assert "North falls clinic waits" in body and "Added by North" in body
    assert "Library: dementia" in body
    assert 'href="/indicators/QOF_DM012/"' in page.content.decode()

    dementia = text(north.get(LIBRARY, {"condition": "dementia"}))
    assert "Dementia diagnosis rate" in dementia and "Foot examination" not in dementia
    outcome = text(north.get(LIBRARY, {"domain": "activity", "condition": "stroke-tia"}))
    assert "QOF stroke and TIA register" in outcome and "Stroke length of stay" in outcome
    assert "Stroke patients given thrombolysis" not in outcome
    found = text(north.get(LIBRARY, {"q": "amputation"}))
    assert (
        "Amputations in people with diabetes" in found
        and "Dementia" not in found.split("Indicators (")[1]
    )
    assert "No indicators match." in text(north.get(LIBRARY, {"q": "no such thing at all"}))


def test_another_communitys_own_indicator_is_invisible_everywhere(client_for, north_own):
    south = client_for("south_commissioner")
    assert "North falls clinic waits" not in text(south.get(LIBRARY))
    assert south.get("/indicators/NORTH_OWN/").status_code == 404
    assert south.get("/indicators/NOT_THERE/").status_code == 404
    assert south.get(f"/api/indicators/{north_own.pk}").status_code == 404
    codes = {i["code"] for i in south.get("/api/indicators").json()["items"]}
    assert codes == {"DM1", "FIN1"}
    for role in ("north_commissioner", "north_viewer", "provider_a", "admin"):
        client = client_for(role)
        assert client.get("/indicators/NORTH_OWN/").status_code == 200, role
        listed = {i["code"] for i in client.get("/api/indicators").json()["items"]}
        assert listed == {"DM1", "FIN1", "NORTH_OWN"}, role
    assert client_for("nobody").get("/indicators/DM1/").status_code == 404
    assert client_for("anonymous").get(LIBRARY).status_code == 302  # to the login page


def test_indicator_page_shows_the_whole_definition(client_for, loaded):
    page = client_for("south_commissioner").get("/indicators/STROKE_ESD/")
    assert page.status_code == 200
    body = text(page)
    for part in (
        "Indicator STROKE_ESD",
        "Stroke patients supported home by early supported discharge",
        "Why it matters",
        "Cochrane 2017",
        "Stroke patients discharged with early supported discharge",
        "Stroke patients discharged alive from hospital",
        "Higher is better",
        "Quality",
        "Stroke and TIA",
        "Monthly",
        "NICE NG236 (stroke rehabilitation in adults)",
        "The shipped indicator library, file stroke.toml",
    ):
        assert part in body, part
    count = text(client_for("south_commissioner").get("/indicators/QOF_DM017/"))
    assert "None: the indicator is a count" in count


def test_own_indicator_page_says_who_added_it(client_for, north_own):
    body = text(client_for("north_commissioner").get("/indicators/NORTH_OWN/"))
    assert "Added by North: only that community sees it" in body
    assert "NICE CG161" in body and "Falls clinic returns" in body
    assert "import page" in body  # the commissioner may change it


# -- adding -------------------------------------------------------------------------------------


def test_a_commissioner_adds_an_indicator_for_their_own_community(client_for, world):
    from commissioning.store.models import AuditRecord, Indicator

    client = client_for("north_commissioner")
    page = client.get(LIBRARY)
    assert "Add an indicator" in text(page) and "csrfmiddlewaretoken" in page.content.decode()
    response = client.post(LIBRARY, {**FORM, "code": "NORTH.NEW"})
    assert response.status_code == 302 and response["Location"] == "/indicators/NORTH.NEW/"
    new = Indicator.objects.get(code="NORTH.NEW")
    assert (new.community, new.library, new.frequency, new.patient_counts) == (
        world.north,
        "",
        "quarterly",
        True,
    )
    assert list(new.conditions.values_list("slug", flat=True)) == ["diabetes"]
    record = AuditRecord.objects.get(model="store.indicator", action="create", object_id=new.pk)
    assert (record.username, record.channel) == ("north_commissioner", "web")
    # ...which the other community does not see, and cannot change
    assert client_for("south_commissioner").get("/indicators/NORTH.NEW/").status_code == 404
    assert policy.can_edit(world.users["north_commissioner"], new)
    assert not policy.can_edit(world.users["south_commissioner"], new)
    assert not policy.can_edit(world.users["north_viewer"], new)


def test_a_commissioner_cannot_add_for_another_community_or_for_everyone(client_for, world):
    from commissioning.store.models import Indicator

    client = client_for("north_commissioner")
    for owner in ("south", "shared"):
        response = client.post(LIBRARY, {**FORM, "community": owner})
        assert response.status_code == 400
        assert "Whose indicator: Select a valid choice" in text(response)
    assert not Indicator.objects.filter(code="NORTH_NEW").exists()


def test_an_administrator_adds_a_shared_indicator(client_for, world):
    from commissioning.store.models import Indicator

    response = client_for("admin").post(LIBRARY, {**FORM, "community": "shared"})
    assert response.status_code == 302
    shared = Indicator.objects.get(code="NORTH_NEW")
    assert shared.community is None
    assert client_for("south_commissioner").get("/indicators/NORTH_NEW/").status_code == 200
    assert not policy.can_edit(world.users["north_commissioner"], shared)


def test_the_form_reports_problems_by_field_in_the_schemas_words(client_for, world):
    from commissioning.store.models import Indicator

    client = client_for("north_commissioner")
    bad = {**FORM, "code": "bad code", "name": "", "polarity": "", "conditions": []}
    response = client.post(LIBRARY, bad)
    assert response.status_code == 400
    body = text(response)
    assert "There is a problem with the new indicator" in body
    assert "Code: Expected capital letters, digits, underscores and hyphens" in body
    assert "Name: Is missing" in body or "Name: Expected some text" in body
    assert "Polarity: Expected one of higher_better, lower_better, neutral" in body
    assert "Conditions: Expected at least 1 item(s), found none" in body
    taken = client.post(LIBRARY, {**FORM, "code": "DM1"})
    assert "Code: An indicator with this code already exists" in text(taken)
    assert set(Indicator.objects.values_list("code", flat=True)) == {"DM1", "FIN1"}


@pytest.mark.parametrize("role", ["north_viewer", "provider_a", "nobody"])
def test_viewers_and_providers_cannot_add(client_for, world, role):
    from commissioning.store.models import Indicator

    client = client_for(role)
    page = client.get(LIBRARY)
    assert page.status_code == 200 and "Add an indicator" not in text(page)
    response = client.post(LIBRARY, FORM)
    assert response.status_code == 403
    assert "You cannot add indicators" in text(response)
    assert not Indicator.objects.filter(code="NORTH_NEW").exists()


def test_csrf_is_required(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["north_commissioner"])
    assert client.post(LIBRARY, FORM).status_code == 403


def test_only_the_owning_communitys_commissioners_change_it(world, north_own):
    u = world.users
    assert policy.can_edit(u["north_commissioner"], north_own)
    assert policy.can_edit(u["admin"], north_own)
    for role in ("south_commissioner", "north_viewer", "provider_a", "nobody"):
        assert not policy.can_edit(u[role], north_own), role
    # a shared indicator: administrators only, and no commissioner can claim it
    assert not policy.can_edit(u["north_commissioner"], world.dm1)
    world.dm1.community = world.north
    assert not policy.can_edit(u["north_commissioner"], world.dm1)
    # nor move their own to another community
    north_own.community = world.south
    assert not policy.can_edit(u["north_commissioner"], north_own)


def test_only_the_required_fields_are_needed(client_for, world):
    from commissioning.store.models import Indicator

    minimal = {
        k: v
        for k, v in FORM.items()
        if k not in ("why_it_matters", "source", "national_driver", "patient_counts")
    }
    response = client_for("north_commissioner").post(LIBRARY, {**minimal, "code": "NORTH.NEW"})
    assert response.status_code == 302, text(response)
    added = Indicator.objects.get(code="NORTH.NEW")
    assert (added.national_driver, added.patient_counts) == ("", False)


@pytest.mark.parametrize("code", ["SOUTH_OWN", "SOUTH.OWN"])
def test_the_form_does_not_tell_whether_another_community_has_a_code(client_for, world, code):
    """Issue 20, finding 10: the same answer for another community's private code as for one
    that nobody has."""
    from commissioning.store.models import Indicator

    Indicator.objects.create(
        code=code,
        name="South's",
        domain="quality",
        unit="%",
        polarity="neutral",
        frequency="annual",
        community=world.south,
    )
    client = client_for("north_commissioner")
    answers = []
    for tried in (code, "ZZ" + code):
        response = client.post(LIBRARY, {**FORM, "code": tried})
        assert response.status_code == 400
        page = text(response)
        problem = page[page.index("There is a problem") : page.index("Search Code")]
        answers.append(problem.replace(tried, "CODE"))
    assert answers[0] == answers[1]
    assert "needs a code that starts NORTH." in answers[0] or "must start NORTH." in answers[0]


def test_a_communitys_code_is_kept_for_that_community_even_by_administrators(client_for, world):
    from commissioning.store.models import Indicator

    admin = client_for("admin")
    response = admin.post(LIBRARY, {**FORM, "code": "NORTH.X", "community": "south"})
    assert "Code: A code with a full stop must start SOUTH. for community 'south'" in text(response)
    response = admin.post(LIBRARY, {**FORM, "code": "NORTH.X", "community": "shared"})
    assert "Code: A shared indicator's code has no community's code" in text(response)
    assert not Indicator.objects.filter(code="NORTH.X").exists()
    ok = admin.post(LIBRARY, {**FORM, "code": "NORTH.X", "community": "north"})
    assert ok.status_code == 302

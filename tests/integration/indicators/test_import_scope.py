"""Imports keep to the importer's community (issue 20, finding 10).

Groupings and people of a community were accepted with organisations of other communities (the
pages then left them out); now each such row is refused with a located error, whoever imports.
A reference to a record the importer may not see is answered as one that does not exist.
"""

from __future__ import annotations

import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

pytestmark = pytest.mark.django_db

GROUPING = "grouping_code,grouping_name,kind,member_ods\n"


def text(response) -> str:
    """The problems the import page lists, as plain text."""
    page = response.content.decode()
    page = html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))
    return page


def upload(client, body: str, name: str):
    return client.post(
        "/communities/north/import/", {"file": SimpleUploadedFile(name, body.encode("utf-8"))}
    )


@pytest.mark.parametrize("role", ["north_commissioner", "admin"])
def test_a_grouping_may_hold_only_the_communitys_organisations(client_for, world, role):
    from commissioning.store.models import Grouping

    body = GROUPING + "north-mixed,Mixed,locality,RTA\nnorth-mixed,Mixed,locality,RTS\n"
    response = upload(client_for(role), body, "groupings.csv")
    assert response.status_code == 400
    assert "groupings.csv 2 member_ods 'RTS' is not an organisation of community 'north'" in text(
        response
    )
    assert not Grouping.objects.filter(code="north-mixed").exists()
    ok = upload(client_for(role), GROUPING + "north-ok,Fine,locality,RTA\n", "groupings.csv")
    assert ok.status_code == 200, text(ok)
    assert list(Grouping.objects.get(code="north-ok").members.values_list("ods_code", flat=True))


@pytest.mark.parametrize("role", ["north_commissioner", "admin"])
def test_a_person_of_the_community_works_for_one_of_its_organisations(client_for, world, role):
    from commissioning.store.models import Person

    body = (
        "name,role_type,organisation_ods,communities\n"
        "Nia North,gp,N00001,north\n"
        "Sam South,gp,RTS,north\n"
    )
    response = upload(client_for(role), body, "people.csv")
    assert response.status_code == 400
    assert "people.csv 3 organisation_ods is not an organisation of community 'north'" in text(
        response
    )
    assert not Person.objects.filter(name__in=["Nia North", "Sam South"]).exists()


def test_a_reference_to_another_communitys_record_is_answered_as_a_missing_one(client_for, world):
    """A participant naming a south person gets the same words as one naming nobody (before,
    the south person was simply added to the north meeting)."""
    from commissioning.store.models import Participation, Person

    south = Person.objects.create(name="Sol South", role_type="gp")
    south.communities.add(world.south)
    client = client_for("north_commissioner")
    head = "activity_date,activity_title,person,hours\n2024-01-10,Scoping meeting,"
    for name in ("Sol South", "Nobody Atall"):
        response = upload(client, head + name + ",1\n", "participants.csv")
        assert response.status_code == 400
        assert f"participants.csv 2 person refers to people '{name}', which is neither in " in (
            text(response)
        )
    assert not Participation.objects.filter(person=south).exists()

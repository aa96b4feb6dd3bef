"""The JSON API: /api/groupings and /api/groupings/{code}/members?on=, through the policy."""

from __future__ import annotations

from django.test import Client


def items(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["items"]


def test_list_follows_the_policy(world, client_as):
    mine = items(client_as("north_viewer").get("/api/groupings"))
    assert {g["code"] for g in mine} == {"north-west", "north-subicb", "shared-peers"}
    shared = next(g for g in mine if g["code"] == "shared-peers")
    assert (shared["community"], shared["kind"]) == (None, "peer_group")
    west = next(g for g in mine if g["code"] == "north-west")
    assert (west["community"], west["valid_from"], west["valid_to"]) == (
        "north",
        "2010-01-01",
        "2012-12-31",
    )
    south = items(client_as("south_commissioner").get("/api/groupings"))
    assert {g["code"] for g in south} == {"south-network", "shared-peers"}
    only = items(client_as("admin").get("/api/groupings", {"kind": "locality"}))
    assert [g["code"] for g in only] == ["north-west"]
    assert Client().get("/api/groupings").status_code == 401


def test_members_as_at_a_date(world, client_as):
    client = client_as("north_commissioner")
    url = "/api/groupings/north-west/members"
    assert [o["ods_code"] for o in items(client.get(url, {"on": "2011-06-01"}))] == [
        "N00001",
        "N00002",
        "U00001",
    ]  # Ash, Beech, North PCN (by name)
    assert [o["ods_code"] for o in items(client.get(url, {"on": "2011-10-01"}))] == [
        "N00001",
        "U00001",
    ]
    practices = items(client.get(url, {"on": "2012-06-01", "practices": "true"}))
    assert [o["ods_code"] for o in practices] == ["N00001", "N00003"]
    assert items(client.get(url, {"on": "2013-01-01"})) == []
    assert client.get(url, {"on": "2012-02-30"}).status_code == 422


def test_members_of_a_grouping_one_may_not_read_are_not_found(world, client_as):
    south = client_as("south_commissioner")
    assert south.get("/api/groupings/north-west/members").status_code == 404
    # a shared grouping is read, but only the organisations of one's own community are listed
    listed = items(south.get("/api/groupings/shared-peers/members"))
    assert [o["ods_code"] for o in listed] == ["S00001"]
    assert client_as("north_commissioner").get("/api/groupings/nothing/members").status_code == 404

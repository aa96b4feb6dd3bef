"""Who reads and changes groupings: the policy, then the pages as each role."""

from __future__ import annotations

import pytest

from commissioning.access import policy
from commissioning.store.models import Grouping


def readable(world, role) -> set[str]:
    return set(policy.visible(world.users[role], Grouping).values_list("code", flat=True))


def test_shared_groupings_are_read_by_every_role_and_own_ones_by_the_community(world):
    north = {"north-west", "north-subicb", "shared-peers"}
    assert readable(world, "north_commissioner") == north
    assert readable(world, "north_viewer") == north
    assert readable(world, "north_provider") == north
    assert readable(world, "south_commissioner") == {"south-network", "shared-peers"}
    assert readable(world, "admin") == north | {"south-network"}


def test_only_administrators_change_shared_groupings(world):
    u = world.users
    for action in (policy.CHANGE, policy.DELETE):
        assert not policy.can_edit(u["north_commissioner"], world.shared, action)
        assert policy.can_edit(u["admin"], world.shared, action)
    # nor may a commissioner take a shared grouping into their own community
    world.shared.community = world.north
    assert not policy.can_edit(u["north_commissioner"], world.shared)
    # nor add a shared one
    assert not policy.can_edit(u["north_commissioner"], Grouping(code="x", name="x"), policy.ADD)


def test_commissioners_change_their_own_communitys_groupings_only(world):
    u = world.users
    assert policy.can_edit(u["north_commissioner"], world.west)
    assert policy.can_edit(u["north_commissioner"], world.west, policy.DELETE)
    assert not policy.can_edit(u["south_commissioner"], world.west)
    assert not policy.can_edit(u["north_viewer"], world.west)
    assert not policy.can_edit(u["north_provider"], world.west)
    world.west.community = world.south  # moving it out of the community
    assert not policy.can_edit(u["north_commissioner"], world.west)


@pytest.mark.parametrize(
    "path",
    [
        "/communities/north/groupings/",
        "/communities/north/groupings/north-west/",
        "/communities/north/groupings/shared-peers/",
        "/communities/north/monitoring/?grouping=north-west",
    ],
)
def test_another_communitys_commissioner_gets_not_found(client_as, path):
    assert client_as("south_commissioner").get(path).status_code == 404


def test_a_grouping_of_another_community_is_not_found_through_ones_own(client_as):
    client = client_as("north_commissioner")
    assert client.get("/communities/north/groupings/south-network/").status_code == 404
    assert client.get("/communities/north/monitoring/?grouping=south-network").status_code == 404
    assert client.get("/communities/north/monitoring/?grouping=nothing").status_code == 404


def test_viewer_reads_but_cannot_make_or_change(world, client_as):
    client = client_as("north_viewer")
    page = client.get("/communities/north/groupings/")
    assert page.status_code == 200
    assert b"Make the grouping" not in page.content
    assert "Only the community's commissioners" in page.content.decode()
    made = client.post(
        "/communities/north/groupings/", {"name": "Viewer's", "kind": "locality", "members": []}
    )
    assert made.status_code == 403
    changed = client.post(
        "/communities/north/groupings/",
        {"grouping": "north-west", "name": "Renamed", "kind": "locality"},
    )
    assert changed.status_code == 403
    assert Grouping.objects.get(code="north-west").name == "North West locality"
    assert not Grouping.objects.filter(name="Viewer's").exists()


def test_commissioner_cannot_change_a_shared_grouping_from_the_page(world, client_as):
    client = client_as("north_commissioner")
    response = client.post(
        "/communities/north/groupings/",
        {"grouping": "shared-peers", "name": "Ours now", "kind": "peer_group"},
    )
    assert response.status_code == 403
    world.shared.refresh_from_db()
    assert (world.shared.name, world.shared.community) == ("Shared peers", None)

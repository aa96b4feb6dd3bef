"""A small hand-made world for the groupings tests (never the demo).

Community "north" (commissioner North CCG, code NCG) has practices:

- P1 "Ash Surgery" (N00001): open throughout; in PCN "North PCN" (U00001) from 2010-01-01 to
  2011-12-31;
- P2 "Beech Surgery" (N00002): closed on 2011-09-30;
- P3 "Cedar Surgery" (N00003): opened 2011-01-01; in North PCN from 2012-01-01;
- P4 "Damson Surgery" (N00004): open, in no grouping.

The PCN is part of the sub-ICB location "North sub-ICB" (S01) from 2010-01-01. The trust RTA
takes part too. Community "south" (South CCG, SCG) has practice S00001 and its own grouping.

Groupings:

- ``north-west`` (north, locality, in use 2010-01-01 to 2012-12-31): P1, P2 and the PCN;
- ``north-subicb`` (north, other, no dates): the sub-ICB location only;
- ``shared-peers`` (no community: shared, peer group): P4 and S00001;
- ``south-network`` (south, clinical network): S00001.

Logins: admin, north_commissioner, north_viewer, north_provider (RTA), south_commissioner.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

D = dt.date


@pytest.fixture
def world(db):
    from django.contrib.auth.models import User

    from commissioning.store import models as m

    w = SimpleNamespace()
    org = m.Organisation.objects.create
    w.ccg = org(ods_code="NCG", name="North CCG", kind="ccg")
    w.trust = org(ods_code="RTA", name="North Acute Trust", kind="acute_trust")
    w.p1 = org(ods_code="N00001", name="Ash Surgery", kind="gp_practice")
    w.p2 = org(ods_code="N00002", name="Beech Surgery", kind="gp_practice", valid_to=D(2011, 9, 30))
    w.p3 = org(
        ods_code="N00003", name="Cedar Surgery", kind="gp_practice", valid_from=D(2011, 1, 1)
    )
    w.p4 = org(ods_code="N00004", name="Damson Surgery", kind="gp_practice")
    w.pcn = org(ods_code="U00001", name="North PCN", kind="pcn")
    w.subicb = org(ods_code="S01", name="North sub-ICB", kind="sub_icb")
    w.south_ccg = org(ods_code="SCG", name="South CCG", kind="ccg")
    w.sp = org(ods_code="S00001", name="South Surgery", kind="gp_practice")
    link = m.OrganisationLink.objects.create
    link(
        child=w.p1,
        parent=w.pcn,
        relationship="pcn",
        valid_from=D(2010, 1, 1),
        valid_to=D(2011, 12, 31),
    )
    link(child=w.p3, parent=w.pcn, relationship="pcn", valid_from=D(2012, 1, 1))
    link(child=w.pcn, parent=w.subicb, relationship="part_of", valid_from=D(2010, 1, 1))

    w.north = m.CommissioningCommunity.objects.create(
        code="north", name="North", commissioner=w.ccg
    )
    w.north.members.add(w.trust, w.p1, w.p2, w.p3, w.p4, w.pcn, w.subicb)
    w.south = m.CommissioningCommunity.objects.create(
        code="south", name="South", commissioner=w.south_ccg
    )
    w.south.members.add(w.sp)

    grouping = m.Grouping.objects.create
    w.west = grouping(
        code="north-west",
        name="North West locality",
        kind="locality",
        community=w.north,
        valid_from=D(2010, 1, 1),
        valid_to=D(2012, 12, 31),
    )
    w.west.members.add(w.p1, w.p2, w.pcn)
    w.whole = grouping(code="north-subicb", name="The sub-ICB", kind="other", community=w.north)
    w.whole.members.add(w.subicb)
    w.shared = grouping(code="shared-peers", name="Shared peers", kind="peer_group")
    w.shared.members.add(w.p4, w.sp)
    w.south_net = grouping(
        code="south-network", name="South network", kind="clinical_network", community=w.south
    )
    w.south_net.members.add(w.sp)

    w.users = {"admin": User.objects.create_superuser("admin", password=None)}

    def login(name, role, community, organisation=None):
        user = User.objects.create_user(name, password=None)
        m.Profile.objects.create(
            user=user, role=role, community=community, organisation=organisation
        )
        w.users[name] = user

    login("north_commissioner", "commissioner", w.north)
    login("north_viewer", "viewer", w.north)
    login("north_provider", "provider", w.north, w.trust)
    login("south_commissioner", "commissioner", w.south)
    return w


@pytest.fixture
def client_as(world):
    from django.test import Client

    def make(role: str) -> Client:
        client = Client()
        client.force_login(world.users[role])
        return client

    return make

"""The demo's groupings: three localities that split each study community's practices, and a
diabetes network in every community (the present-day community has networks and places instead
of localities)."""

from __future__ import annotations

import datetime as dt

import pytest

from commissioning.store.groupings import practices_of
from commissioning.store.models import CommissioningCommunity, Grouping

pytestmark = pytest.mark.django_db


def test_each_demo_community_has_localities_splitting_its_practices(demo):
    on = dt.date(2011, 6, 1)
    for community in CommissioningCommunity.objects.filter(
        synthetic=True, commissioner__kind="pct"
    ):
        practices = set(
            community.members.filter(kind="gp_practice").values_list("ods_code", flat=True)
        )
        localities = Grouping.objects.filter(community=community, kind="locality").order_by("code")
        assert localities.count() == 3
        seen: set[str] = set()
        for g in localities:
            mine = set(g.members.values_list("ods_code", flat=True))
            assert g.synthetic and not (mine & seen)  # no practice in two localities
            seen |= mine
            # as at a date, the practices open then (a closed Wirral practice drops out later)
            assert set(practices_of(g, on).values_list("ods_code", flat=True)) <= mine
        assert seen == practices
        sizes = sorted(len(g.members.all()) for g in localities)
        assert sizes[-1] - sizes[0] <= 1  # nearly equal thirds
        network = Grouping.objects.get(community=community, kind="clinical_network")
        kinds = set(network.members.values_list("kind", flat=True))
        # the acute trust, whoever ran community services after 2011, and practices
        assert {"acute_trust", "gp_practice"} <= kinds and len(kinds) >= 2
        assert network.valid_from == dt.date(2010, 4, 1)
    today = Grouping.objects.get(community__code="mereshire", kind="clinical_network")
    assert today.valid_from == dt.date(2022, 4, 1)
    assert not Grouping.objects.filter(community__code="mereshire", kind="locality").exists()


def test_demo_grouping_pages_answer(demo, client):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="wirral-commissioner"))
    listing = client.get("/communities/wirral/groupings/")
    assert listing.status_code == 200
    assert "Wirral North locality" in listing.content.decode()
    page = client.get("/communities/wirral/groupings/wirral-north-locality/?on=2011-06-01")
    assert page.status_code == 200
    monitoring = client.get("/communities/wirral/monitoring/?grouping=wirral-north-locality")
    assert monitoring.status_code == 200

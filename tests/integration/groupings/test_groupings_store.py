"""As-at membership (closed practices, dated PCN links, the grouping's dates) and peer groups."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models.query import QuerySet

from commissioning.store.groupings import (
    members_on,
    peer_group_code,
    practices_of,
    save_peer_group,
)
from commissioning.store.models import Grouping

D = dt.date


def codes(qs) -> list[str]:
    return sorted(qs.values_list("ods_code", flat=True))


def test_members_on_follows_closures_and_the_groupings_dates(world):
    assert codes(members_on(world.west, D(2011, 6, 1))) == ["N00001", "N00002", "U00001"]
    # Beech Surgery closed on 30 September 2011: a member on that day, gone the day after
    assert "N00002" in codes(members_on(world.west, D(2011, 9, 30)))
    assert codes(members_on(world.west, D(2011, 10, 1))) == ["N00001", "U00001"]
    # the grouping itself runs 2010-01-01 to 2012-12-31
    assert codes(members_on(world.west, D(2009, 12, 31))) == []
    assert codes(members_on(world.west, D(2013, 1, 1))) == []
    assert codes(members_on(world.west, D(2012, 12, 31))) == ["N00001", "U00001"]


def test_practices_of_counts_members_and_practices_linked_under_a_pcn_as_at_the_date(world):
    # mid 2011: Ash (member, and in the PCN) and Beech (member); Cedar is open but not yet in
    # the PCN
    assert codes(practices_of(world.west, D(2011, 6, 1))) == ["N00001", "N00002"]
    # 2012: Beech has closed; Cedar joined the PCN on 1 January 2012; Ash is still a member
    assert codes(practices_of(world.west, D(2012, 6, 1))) == ["N00001", "N00003"]
    # the PCN and the trust are members or not, but never practices
    assert "U00001" not in codes(practices_of(world.west, D(2012, 6, 1)))
    assert codes(practices_of(world.west, D(2013, 6, 1))) == []  # not in use


def test_practices_of_follows_links_down_two_levels(world):
    # sub-ICB <- PCN (part of, from 2010) <- practices (PCN links, dated)
    assert codes(practices_of(world.whole, D(2011, 6, 1))) == ["N00001"]
    assert codes(practices_of(world.whole, D(2012, 6, 1))) == ["N00003"]
    assert codes(practices_of(world.whole, D(2009, 6, 1))) == []  # no link yet


def test_save_peer_group_stores_and_replaces_for_the_same_anchor(world):
    first = save_peer_group(world.p1, [world.p2, world.p3], "k=2 on share aged 65+, 2012")
    assert first.code == "peers-n00001" == peer_group_code(world.p1)
    assert (first.kind, first.anchor, first.community) == ("peer_group", world.p1, None)
    second = save_peer_group(world.p1, [world.p4.pk], "k=1 on deprivation, 2013")
    assert second.pk == first.pk
    assert codes(second.members.all()) == ["N00004"]
    assert second.method == "k=1 on deprivation, 2013"
    assert Grouping.objects.filter(anchor=world.p1).count() == 1
    # a community's own peer group of the same anchor is another record
    own = save_peer_group(world.p1, [world.p3], "own choice", community=world.north)
    assert own.code == "peers-north-n00001" and own.pk != first.pk


def test_save_peer_group_is_all_or_nothing(world, monkeypatch):
    save_peer_group(world.p1, [world.p2], "first")
    original = QuerySet.bulk_create

    def failing(self, objs, *args, **kwargs):
        if self.model is Grouping.members.through:
            raise RuntimeError("the disk is full")
        return original(self, objs, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "bulk_create", failing)
    with pytest.raises(RuntimeError):
        save_peer_group(world.p1, [world.p3, world.p4], "second")
    monkeypatch.undo()
    kept = Grouping.objects.get(code="peers-n00001")
    assert kept.method == "first"
    assert codes(kept.members.all()) == ["N00002"]

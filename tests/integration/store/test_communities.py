"""Setting up a community from the ODS links (store.communities) and adding logins
(access.logins): the rules `commissioning area create`, `commissioning user add` and the Set up
pages share."""

from __future__ import annotations

import datetime as dt

import pytest

from commissioning.errors import UserError

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def ods(db):
    """ODS as at several dates: sub-ICB 16C (part of ICB QHM) has A1 from 2020-04-01 and A2
    throughout; A3 moved from 00K to 16C on 2021-01-01; A4 closed on 2020-12-31; B1 belongs to
    00K. England > region Y63 > QHM."""
    from commissioning.store.models import Organisation, OrganisationLink

    def org(code, kind, name=None, **dates):
        return Organisation.objects.create(ods_code=code, name=name or code, kind=kind, **dates)

    def link(child, parent, relationship="commissioner", start=None, end=None):
        OrganisationLink.objects.create(
            child=child, parent=parent, relationship=relationship, valid_from=start, valid_to=end
        )

    england = org("E92000001", "country", "England")
    region = org("Y63", "region", "North East and Yorkshire")
    icb = org("QHM", "icb", "Cumbria and North East")
    tees = org("16C", "sub_icb", "NHS Tees Valley CCG")
    other = org("00K", "ccg", "NHS Hartlepool and Stockton-on-Tees CCG")
    org("99X", "sub_icb", "A sub-ICB location with no practices")
    link(region, england, "part_of", D(2020, 4, 1))
    link(icb, region, "part_of", D(2020, 4, 1))
    link(tees, icb, "part_of", D(2020, 4, 1))
    a1, a2, a3 = org("A1", "gp_practice"), org("A2", "gp_practice"), org("A3", "gp_practice")
    a4 = org("A4", "gp_practice", valid_to=D(2020, 12, 31))
    b1 = org("B1", "gp_practice")
    link(a1, tees, start=D(2020, 4, 1))
    link(a2, tees)
    link(a3, other, end=D(2020, 12, 31))
    link(a3, tees, start=D(2021, 1, 1))
    link(a4, tees, start=D(2013, 4, 1))
    link(b1, other)
    return {"england": england, "icb": icb, "tees": tees, "other": other}


def codes(queryset) -> list[str]:
    return sorted(queryset.values_list("ods_code", flat=True))


def test_the_practices_in_an_area_follow_the_dated_links(ods):
    from commissioning.store.communities import practices_in_area

    tees = ods["tees"]
    assert codes(practices_in_area(tees, D(2019, 6, 1))) == ["A2", "A4"]
    assert codes(practices_in_area(tees, D(2020, 6, 1))) == ["A1", "A2", "A4"]
    assert codes(practices_in_area(tees, D(2021, 3, 31))) == ["A1", "A2", "A3"]  # A4 closed
    assert codes(practices_in_area(ods["other"], D(2020, 6, 1))) == ["A3", "B1"]
    # an ICB's practices are those of the sub-ICB locations linked under it on the date
    assert codes(practices_in_area(ods["icb"], D(2021, 3, 31))) == ["A1", "A2", "A3"]
    assert codes(practices_in_area(ods["icb"], D(2019, 6, 1))) == []  # not yet linked


def test_an_area_is_built_once_and_brought_up_to_date_without_losing_members(ods):
    from commissioning.store.communities import build_area, community_practices

    first = build_area("16c", as_at=D(2020, 6, 1))
    assert (first.created, first.practices, first.added) == (True, 3, 3)
    community = first.community
    assert (community.code, community.name, community.commissioner) == (
        "tees-valley",
        "NHS Tees Valley CCG",
        ods["tees"],
    )
    later = build_area("16C", as_at=D(2021, 3, 31))
    assert (later.created, later.practices, later.added) == (False, 3, 1)  # A3 joined
    assert codes(community_practices(community)) == ["A1", "A2", "A3", "A4"]  # A4 kept


def test_refusals_are_plain(ods):
    from commissioning.store.communities import build_area

    cases = [
        ("ZZZ", {}, "no organisation has the ODS code ZZZ"),
        ("A1", {}, "is a gp practice, not a commissioner"),
        ("99X", {}, "no GP practice was in the area of"),
        ("16C", {"code": "Tees Valley"}, "may have only lower-case letters, digits and hyphens"),
    ]
    for code, options, message in cases:
        with pytest.raises(UserError, match=message):
            build_area(code, **{"as_at": D(2021, 3, 31), **options})
    build_area("00K", as_at=D(2020, 6, 1), code="north")
    with pytest.raises(UserError, match="already exists with another commissioner"):
        build_area("16C", as_at=D(2021, 3, 31), code="north")


def test_the_first_login_is_an_administrator_and_the_rules_of_the_others(ods):
    from django.contrib.auth import get_user_model

    from commissioning.access.logins import add_login
    from commissioning.access.policy import is_admin, scope_of
    from commissioning.store.communities import build_area

    community = build_area("16C", as_at=D(2021, 3, 31)).community
    with pytest.raises(UserError, match="the first login must be an administrator"):
        add_login("cara", "commissioner", "Long-enough-pw1", community="tees-valley")
    with pytest.raises(UserError, match="the password is refused"):
        add_login("ada", "administrator", "short")
    first = add_login("ada", "administrator", "Long-enough-pw1", name="Ada Lovelace")
    assert first.first and is_admin(get_user_model().objects.get(username="ada"))
    refusals = [
        (("ada", "viewer"), {"community": "tees-valley"}, "already a login called ada"),
        (("bob", "viewer"), {}, "a viewer login needs a community"),
        (("bob", "viewer"), {"community": "nowhere"}, "no community with the code 'nowhere'"),
        (("bob", "administrator"), {"community": "tees-valley"}, "leave the community out"),
        (("bob", "provider"), {"community": "tees-valley"}, "needs the organisation"),
        (("bob", "provider"), {"community": "tees-valley", "organisation": "B1"}, "not an"),
        (("bob", "viewer"), {"community": "tees-valley", "organisation": "A1"}, "only a provider"),
        (("bob", "chief"), {}, "not one of administrator, commissioner, provider or viewer"),
    ]
    for (username, role), options, message in refusals:
        with pytest.raises(UserError, match=message):
            add_login(username, role, "Long-enough-pw1", **options)
    added = add_login(
        "pat", "provider", "Long-enough-pw1", community="tees-valley", organisation="a1"
    )
    assert not added.first
    assert added.describe() == (
        "Added the login pat: provider in NHS Tees Valley CCG (tees-valley) for A1 (A1)."
    )
    scope = scope_of(get_user_model().objects.get(username="pat"))
    assert (scope.role, scope.community_id, scope.organisation_id) == (
        "provider",
        community.pk,
        added.organisation.pk,
    )

"""The board report, the needs page, the peers and the community page agree on which GP
practices belong to a community: one definition (``store.communities.community_practices``).

Before, the report counted the community's listed members while the needs page also counted
practices linked to the commissioner in the ODS files: a community whose practices were only
linked had "no registers" in the report and a full needs page.
"""

from __future__ import annotations

import datetime as dt

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def tees(db):
    """Commissioner 16C; practice A81001 is a member of the community, A81002 is only linked to
    the commissioner (an ODS "in the area of" link); both have diabetes registers."""
    from commissioning.store.models import (
        CommissioningCommunity,
        Condition,
        ConditionRegister,
        Organisation,
        OrganisationLink,
    )

    ccg = Organisation.objects.create(ods_code="16C", name="NHS Tees Valley CCG", kind="ccg")
    community = CommissioningCommunity.objects.create(code="tees", name="Tees", commissioner=ccg)
    diabetes = Condition.objects.create(name="Diabetes", slug="diabetes")
    for code, register, size, member in (
        ("A81001", 300, 4_000, True),
        ("A81002", 700, 9_000, False),
    ):
        practice = Organisation.objects.create(ods_code=code, name=code, kind="gp_practice")
        OrganisationLink.objects.create(
            child=practice,
            parent=ccg,
            relationship="commissioner",
            valid_from=dt.date(2020, 4, 1),
        )
        if member:
            community.members.add(practice)
        ConditionRegister.objects.create(
            organisation=practice,
            condition=diabetes,
            period_end=dt.date(2021, 3, 31),
            register_size=register,
            list_size=size,
        )
    return community, diabetes


def test_the_report_and_the_needs_page_count_the_same_practices(tees, admin_user):
    from commissioning.needs.peers import all_areas
    from commissioning.reports.needs import register_table
    from commissioning.web.views.needs import needs_sections

    community, diabetes = tees
    _, totals = register_table(community)
    sections = needs_sections(admin_user, community, diabetes)
    assert [t["practices"] for t in totals] == [1]
    assert sections["practice_count"] == 1
    assert len(all_areas()[community.commissioner_id].units) == 1


def test_a_community_built_from_the_ods_links_counts_both_everywhere(tees, admin_user, client):
    from commissioning.reports.needs import register_table
    from commissioning.store.communities import build_area
    from commissioning.web.views.needs import needs_sections

    community, diabetes = tees
    built = build_area("16C", as_at=dt.date(2021, 3, 31), code="tees")
    assert built.community == community and built.added == 1
    _, totals = register_table(community)
    assert [t["practices"] for t in totals] == [2]
    assert needs_sections(admin_user, community, diabetes)["practice_count"] == 2
    client.force_login(admin_user)
    page = client.get("/communities/tees/").content.decode()
    assert "A81001" in page and "A81002" in page

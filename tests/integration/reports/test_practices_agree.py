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


def test_the_published_diagnosis_rate_is_the_same_on_the_needs_page_and_in_the_report(
    tees, admin_user
):
    """The commissioner's published DEM_DX (Primary Care Dementia Data) shown on the dementia
    needs page has the report's figures: register, estimate, rate, limits and gap."""
    from commissioning.document import PERCENT, fmt
    from commissioning.monitoring.records import observation_table as community_observations
    from commissioning.reports.needs import diagnosis_gap_table
    from commissioning.store.models import (
        Condition,
        ConditionRegister,
        Indicator,
        Observation,
        Organisation,
    )
    from commissioning.web.views.needs import published_diagnosis

    community, _ = tees
    dementia = Condition.objects.create(name="Dementia", slug="dementia")
    ConditionRegister.objects.create(
        organisation=community.members.get(),
        condition=dementia,
        period_end=dt.date(2021, 3, 31),
        register_size=40,
        list_size=4000,
    )
    dx = Indicator.objects.create(
        code="DEM_DX",
        name="Dementia diagnosis rate (aged 65 and over)",
        domain="outcome",
        unit="%",
        polarity="higher_better",
        frequency="monthly",
    )
    england = Organisation.objects.create(ods_code="E92000001", name="England", kind="country")
    for org, reg, est in ((community.commissioner, 6505, 9674.6), (england, 436355, 705530.2)):
        for month, shift in ((2, 0), (3, 10)):
            Observation.objects.create(
                indicator=dx,
                organisation=org,
                period=dt.date(2021, month, 1),
                numerator=reg + shift,
                denominator=est,
                value=100 * (reg + shift) / est,
            )
    rows = published_diagnosis(dementia, community.commissioner, dt.date(2021, 3, 31))
    assert [(r["kind"], r["month"]) for r in rows] == [
        ("commissioner", dt.date(2021, 3, 1)),
        ("england", dt.date(2021, 3, 1)),
    ]
    table = diagnosis_gap_table(community_observations(community))
    (_, _, month, recorded, expected, rate, lower, upper, gap) = table.rows[0]
    mine = rows[0]
    assert month.date() == mine["month"]
    assert (mine["register"], mine["estimate"], mine["gap"]) == (
        f"{int(recorded):,}",
        f"{int(expected):,}",
        f"{int(gap):,}",
    )
    assert mine["rate"] == f"{rate:.1f}%" and fmt(rate, PERCENT) in mine["rate"]
    assert mine["ci"] == f"{lower:.1f}% to {upper:.1f}%"
    assert (mine["register"], mine["estimate"], mine["gap"]) == ("6,515", "9,675", "3,160")

"""The Set up pages (administrators set up an area and add logins, as the command line does) and
the needs assessment page of a community, which is always there to click."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest

pytestmark = pytest.mark.django_db


def text(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def tees(db, django_user_model):
    """Sub-ICB 16C with practices A81001 and A81002 linked to it from 2020; an administrator."""
    from commissioning.store.models import Organisation, OrganisationLink, Profile

    tees = Organisation.objects.create(ods_code="16C", name="NHS Tees Valley CCG", kind="sub_icb")
    for code in ("A81001", "A81002"):
        practice = Organisation.objects.create(ods_code=code, name=code, kind="gp_practice")
        OrganisationLink.objects.create(
            child=practice, parent=tees, relationship="commissioner", valid_from=dt.date(2020, 4, 1)
        )
    admin = django_user_model.objects.create_user("ada", is_staff=True, is_superuser=True)
    Profile.objects.create(user=admin, role="admin")
    return admin


def test_only_administrators_find_the_set_up_pages(client, tees, mini):
    for login in (mini["commissioner"], None):
        if login is not None:
            client.force_login(login)
        for path in ("/setup/", "/setup/area/", "/setup/login/"):
            response = client.get(path)
            assert response.status_code in (302, 404), (login, path)
            if login is not None:
                assert response.status_code == 404
        assert client.post("/setup/area/", {"commissioner": "16C"}).status_code in (302, 404)
    assert not mini["commissioner"].__class__.objects.filter(username="x").exists()


def test_an_administrator_sets_up_an_area_and_adds_a_login(client, tees):
    from django.contrib.auth import get_user_model

    from commissioning.store.models import CommissioningCommunity

    client.force_login(tees)
    assert "Set up areas and logins" in text(client.get("/"))
    response = client.post("/setup/area/", {"commissioner": "16c", "as_at": "2021-03-31"})
    assert response.status_code == 200
    page = text(response)
    assert "Community set up" in page
    assert "2 GP practices in the area of NHS Tees Valley CCG on 31 March 2021, 2 made members" in (
        page
    )
    community = CommissioningCommunity.objects.get(code="tees-valley")
    assert sorted(community.members.values_list("ods_code", flat=True)) == ["A81001", "A81002"]
    refused = client.post("/setup/area/", {"commissioner": "ZZZ"})
    assert refused.status_code == 400
    assert "no organisation has the ODS code ZZZ" in text(refused)

    form = {
        "username": "cara",
        "full_name": "Cara Jones",
        "role": "commissioner",
        "community": "tees-valley",
        "password": "Tees-Pa55-word",
        "password_again": "Tees-Pa55-word",
    }
    differ = client.post("/setup/login/", {**form, "password_again": "other"})
    assert differ.status_code == 400 and "The two passwords differ" in text(differ)
    no_community = client.post("/setup/login/", {**form, "community": ""})
    assert no_community.status_code == 400
    assert "a commissioner login needs a community" in text(no_community)
    added = client.post("/setup/login/", form)
    assert added.status_code == 200
    assert "Added the login cara: commissioner in NHS Tees Valley CCG (tees-valley)." in text(added)
    cara = get_user_model().objects.get(username="cara")
    assert cara.check_password("Tees-Pa55-word") and cara.get_full_name() == "Cara Jones"
    assert "Tees-Pa55-word" not in added.content.decode()  # a password is never sent back
    listed = text(client.get("/setup/"))
    assert "NHS Tees Valley CCG tees-valley NHS Tees Valley CCG (16C) 2 1" in listed
    assert "cara Commissioner NHS Tees Valley CCG None" in listed


def test_the_needs_page_of_a_community_says_what_is_missing(client, tees):
    """Before: /communities/X/needs/ did not exist (a 404) and a community with no conditions
    recorded had no link to its needs pages."""
    from commissioning.store.communities import build_area
    from commissioning.store.models import (
        CommissioningCommunity,
        Condition,
        ConditionRegister,
        Organisation,
    )

    CommissioningCommunity.objects.create(
        code="empty", name="Empty", commissioner=Organisation.objects.get(ods_code="16C")
    )
    client.force_login(tees)
    assert 'href="/communities/empty/needs/"' in client.get("/communities/empty/").content.decode()
    page = text(client.get("/communities/empty/needs/"))
    assert "This community has no GP practices yet" in page
    assert "2 GP practices are in the area of NHS Tees Valley CCG today" in page  # not members
    built = build_area("16C", as_at=dt.date(2021, 3, 31), code="tees").community
    page = text(client.get("/communities/tees/needs/"))
    assert "No condition registers are held yet for the community's practices" in page
    diabetes = Condition.objects.create(slug="diabetes", name="Diabetes")
    ConditionRegister.objects.create(
        organisation=built.members.get(ods_code="A81001"),
        condition=diabetes,
        period_end=dt.date(2021, 3, 31),
        register_size=300,
        list_size=4000,
    )
    html = client.get("/communities/tees/needs/").content.decode()
    assert 'href="/communities/tees/needs/diabetes/"' in html
    assert "Diabetes 2020/21 1" in text(client.get("/communities/tees/needs/"))


class _ErrorSummary(HTMLParser):
    """The ids in a page, and its NHS.UK error summaries: their attributes, whether a
    role="alert" is on or in them, and the links in them."""

    def __init__(self, html: str):
        super().__init__()
        self.ids: list[str] = []
        self.summaries: list[dict] = []
        self._depth = 0  # open elements inside the current summary
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.append(attrs["id"])
        if self._depth:
            self._depth += tag not in {"img", "input", "br", "hr", "meta", "link"}
            summary = self.summaries[-1]
            summary["alert"] = summary["alert"] or attrs.get("role") == "alert"
            if tag == "a":
                summary["links"].append(attrs.get("href", ""))
        elif "nhsuk-error-summary" in (attrs.get("class") or "").split():
            self._depth = 1
            self.summaries.append(
                {
                    "tabindex": attrs.get("tabindex"),
                    "alert": attrs.get("role") == "alert",
                    "links": [],
                }
            )

    def handle_endtag(self, tag):
        if self._depth:
            self._depth -= 1


def assert_summary_leads_to_fields(response, links: int) -> None:
    page = _ErrorSummary(response.content.decode())
    assert len(page.summaries) == 1, page.summaries
    summary = page.summaries[0]
    assert summary["tabindex"] == "-1" and summary["alert"], summary
    assert len(summary["links"]) == links, summary["links"]
    for link in summary["links"]:
        assert link.startswith("#") and page.ids.count(link[1:]) == 1, (link, summary["links"])


def test_the_set_up_pages_error_summaries_take_focus_and_lead_to_each_field(client, tees):
    """The NHS.UK error summary of both Set up pages (one partial): role="alert", focusable
    (tabindex -1: failed before, when neither page had it) and a link to each field with an
    error, or to the field a refusal is about."""
    client.force_login(tees)
    blank = client.post("/setup/area/", {"commissioner": "", "as_at": "31 March", "code": "a b"})
    assert blank.status_code == 400
    assert_summary_leads_to_fields(blank, links=3)  # commissioner, as_at, code
    refused = client.post("/setup/area/", {"commissioner": "ZZZ"})
    assert refused.status_code == 400
    assert_summary_leads_to_fields(refused, links=1)  # to the commissioner's code
    assert 'href="#commissioner">no organisation has the ODS code ZZZ' in refused.content.decode()
    login = client.post(
        "/setup/login/", {"username": "", "password": "One-Pa55-word", "password_again": "x"}
    )
    assert login.status_code == 400
    assert_summary_leads_to_fields(login, links=3)  # username, role, password_again
    html = login.content.decode()
    assert 'href="#role">Role: This field is required.' in html
    assert 'href="#password_again">The same password again: The two passwords differ' in html

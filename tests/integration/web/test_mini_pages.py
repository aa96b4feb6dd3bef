"""Pages on the small hand-made community (figures worked out in
tests/integration/web/conftest.py)."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

COMMUNITY = "/communities/minitown/"
DEVELOPMENT = "/communities/minitown/developments/falls-review/"


def text(response) -> str:
    """The page's text with tags removed and white space collapsed."""
    html = response.content.decode()
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def as_commissioner(client, mini):
    client.force_login(mini["commissioner"])
    return client


def test_home_lists_only_the_users_community(as_commissioner):
    page = text(as_commissioner.get("/"))
    assert "Minitown" in page
    assert "Elsewhere" not in page
    assert "12,345" in page


def test_admin_sees_every_community(client, mini):
    client.force_login(mini["admin"])
    page = text(client.get("/"))
    assert "Minitown" in page and "Elsewhere" in page


def test_user_without_profile_sees_no_community_and_gets_404(client, mini):
    client.force_login(mini["nobody"])
    assert "not linked to a commissioning community" in text(client.get("/"))
    assert client.get(COMMUNITY).status_code == 404
    assert client.get(DEVELOPMENT).status_code == 404


def test_other_community_is_not_found(as_commissioner):
    assert as_commissioner.get("/communities/elsewhere/").status_code == 404
    response = as_commissioner.get("/communities/elsewhere/developments/hidden-plan/")
    assert response.status_code == 404
    assert "Page not found" in text(response)
    assert as_commissioner.get("/communities/nowhere/").status_code == 404


def test_community_page_shows_contract_value_to_commissioner(as_commissioner):
    page = text(as_commissioner.get(COMMUNITY))
    assert "MINI-001" in page
    assert "£1,234,567" in page
    assert "Falls clinic" in page and "specialist" in page
    assert "GP practice: 1" in page


def test_viewer_sees_contract_but_not_its_value(client, mini):
    client.force_login(mini["viewer"])
    page = text(client.get(COMMUNITY))
    assert "MINI-001" in page
    assert "1,234,567" not in page
    assert "Contract values are not shown to viewers" in page


def test_community_page_kept_for_one_scope_is_not_shown_to_another(client, mini):
    """The records are kept once rendered: a viewer after a commissioner still sees no values,
    and a new development shows at once."""
    from commissioning.store.models import ServiceDevelopment

    client.force_login(mini["commissioner"])
    assert "£1,234,567" in text(client.get(COMMUNITY))
    client.force_login(mini["viewer"])
    page = text(client.get(COMMUNITY))
    assert "MINI-001" in page and "1,234,567" not in page
    ServiceDevelopment.objects.create(
        title="Stroke discharge plan", slug="stroke-plan", community=mini["community"]
    )
    assert "Stroke discharge plan" in text(client.get(COMMUNITY))
    client.force_login(mini["commissioner"])
    page = text(client.get(COMMUNITY))
    assert "£1,234,567" in page and "Stroke discharge plan" in page
    assert "Stroke discharge plan" not in text(client.get(COMMUNITY + "?status=closed"))


def test_developments_filter_answers_htmx_with_the_table_only(as_commissioner):
    url = reverse("community-developments", args=["minitown"])
    partial = as_commissioner.get(url, {"status": "active"}, HTTP_HX_REQUEST="true")
    html = partial.content.decode()
    assert "Falls clinic review" in html and "<html" not in html
    none = as_commissioner.get(url, {"status": "closed"}, HTTP_HX_REQUEST="true")
    assert "No service developments with this status" in none.content.decode()
    # Without JavaScript the same address gives the whole page.
    assert "<html" in as_commissioner.get(url, {"status": "active"}).content.decode()


def test_development_lane_hours_worked_by_hand(as_commissioner):
    response = as_commissioner.get(DEVELOPMENT)
    html = response.content.decode()
    lanes = dict(re.findall(r'data-stage="([^"]+)">.*?data-hours="([^"]+)"', html, flags=re.S))
    assert {k: float(v) for k, v in lanes.items()} == {
        "Scoping": 5.0,
        "Needs assessment": 1.5,
        "Planning and service design": 9.25,
        "Procurement and contracting": 0.0,
        "Implementation support": 0.0,
        "Monitoring": 0.0,
        "Review": 0.0,
        "Decommissioning": 0.0,
    }
    page = text(response)
    # The scoping meeting served two stages, so it is listed in both lanes (of the table of
    # activities by stage; the activity log lists it once).
    by_stage = html[html.index('id="activities-by-stage"') :]
    assert by_stage[: by_stage.index("</table>")].count("Scoping meeting") == 2
    assert "3 activities, 10.75 hours from 2 people" in page


def test_development_participants_objectives_and_drivers(as_commissioner):
    page = text(as_commissioner.get(DEVELOPMENT))
    assert re.search(r"Bob Example GP Yes (\S* )?2 7\.25", page)
    assert re.search(r"Ann Example Commissioning manager No (\S* )?2 3\.5", page)
    assert "National falls guidance" in page
    assert "Fewer falls admissions by 2012 Falls admissions (per 1,000) 10 8 31 Mar 2012" in page
    assert (
        "Better joined-up care Not specific and measurable No indicator Not known No target" in page
    )
    # Only the objective without indicator, target and date is marked.
    assert page.count("Not specific and measurable") == 1
    assert re.search(r"Better joined-up care Not specific and measurable", page)


def test_timeline_chart_spec_is_embedded_as_data_not_script(as_commissioner):
    html = as_commissioner.get(DEVELOPMENT).content.decode()
    block = re.search(r'<script id="timeline-spec" type="application/json">(.*?)</script>', html)
    spec = json.loads(block.group(1))
    values = spec["datasets"][spec["data"]["name"]]
    assert len(values) == 4  # three activities, one of them in two lanes
    assert spec["encoding"]["y"]["scale"]["domain"][0] == "Scoping"
    assert spec["encoding"]["shape"]["field"] == "nature"
    # No inline script: every other <script> has a src.
    others = re.findall(r"<script(?![^>]*type=\"application/json\")([^>]*)>", html)
    assert others and all("src=" in attrs for attrs in others)
    assert 'aria-label="Timeline of 3 activities from 10 January 2010 to 15 March 2010' in html


def test_server_error_page_is_plain_and_styled(rf, mini):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Sorry, there is a problem with the service" in html
    assert "nhsuk-frontend.min.css" in html


def test_community_page_lists_practices_with_their_latest_list_sizes(as_commissioner, mini):
    """List sizes of the latest extract, their total, and a change shown at once."""
    from commissioning.store.models import Organisation, PracticePopulation

    high_st = Organisation.objects.get(ods_code="Z00001")
    for date, female, male in [("2020-01-01", 100, 150), ("2021-01-01", 120, 180)]:
        for sex, count in [("female", female), ("male", male)]:
            PracticePopulation.objects.create(
                organisation=high_st, date=date, age_band="0-4", sex=sex, count=count
            )
    page = text(as_commissioner.get(COMMUNITY))
    assert "GP practice: 1, with 300 registered patients" in page
    assert "High St Z00001 300" in page
    assert "NHS trust: acute: 1 NHS trust: acute Name ODS code Minitown Trust ZZT" in page

    park = Organisation.objects.create(ods_code="Z00002", name="Park Lane", kind="gp_practice")
    mini["community"].members.add(park)
    PracticePopulation.objects.create(
        organisation=park, date="2021-01-01", age_band="90+", sex="female", count=1234
    )
    page = text(as_commissioner.get(COMMUNITY))
    # registered patients follow the small-numbers rule, as the populations download does
    # (issue 20): 1,234 is shown as 1,235 and the total of 1,534 as 1,535
    assert "GP practice: 2, with 1,535 registered patients" in page
    assert "Park Lane Z00002 1,235" in page


def test_development_page_shows_a_renamed_stage_at_once(as_commissioner):
    """Stages are outside the audit trail, so their names are part of the kept page's key."""
    from commissioning.store.models import AuditRecord, Stage

    assert "Scoping" in text(as_commissioner.get(DEVELOPMENT))
    latest = AuditRecord.objects.order_by("-id").values_list("id", flat=True).first()
    stage = Stage.objects.get(code="scoping")
    stage.name = "Early scoping"
    stage.save()
    # The rename wrote no audit record: only the stage names in the key can show it.
    assert AuditRecord.objects.order_by("-id").values_list("id", flat=True).first() == latest
    html = as_commissioner.get(DEVELOPMENT).content.decode()
    lanes = re.findall(r'data-stage="([^"]+)"', html)
    assert "Early scoping" in lanes and "Scoping" not in lanes

"""The pages on the synthetic demo, as its logins see them."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Sum

DEMO_PASSWORD = "synthetic-demo-Pa55"  # the password tests/conftest.py builds the demo with

pytestmark = pytest.mark.django_db


def text(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def login(client, username):
    client.force_login(get_user_model().objects.get(username=username))
    return client


@pytest.fixture
def memory(demo):
    from commissioning.store.models import ServiceDevelopment

    return ServiceDevelopment.objects.get(
        community__code="wirral", title__icontains="memory assessment"
    )


def page_urls(memory):
    return [
        "/",
        "/communities/wirral/",
        "/communities/wirral/developments/",
        f"/communities/wirral/developments/{memory.slug}/",
    ]


def test_login_page_renders_in_nhs_style(client, demo):
    response = client.get("/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "nhsuk-frontend.min.css" in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'autocomplete="current-password"' in html


def test_wrong_password_shows_error_summary(client, demo):
    response = client.post("/login/", {"username": "wirral-commissioner", "password": "wrong"})
    page = text(response)
    assert "There is a problem" in page
    assert "nhsuk-error-summary" in response.content.decode()


def test_sign_in_with_the_demo_password_then_sign_out(client, demo):
    response = client.post(
        "/login/", {"username": "wirral-commissioner", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == "/"
    home = client.get("/")
    assert "Sign out" in text(home)
    assert 'action="/logout/"' in home.content.decode()
    out = client.post("/logout/")
    assert out.status_code == 302
    assert client.get("/").status_code == 302


def test_anonymous_user_is_sent_to_sign_in_from_every_page(client, memory):
    for url in page_urls(memory):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/login/?next="), url


def test_admin_sees_the_demo_communities_of_both_eras(client, demo):
    from commissioning.store.models import CommissioningCommunity, ServiceDevelopment

    page = text(login(client, "admin").get("/"))
    communities = CommissioningCommunity.objects.order_by("name")
    assert [c.name for c in communities] == ["Calderdale", "Mereshire", "Somerset", "Wirral"]
    for c in communities:
        developments = ServiceDevelopment.objects.filter(community=c).count()
        row = (
            f"{c.name} Synthetic {c.commissioner.name} ({c.commissioner.ods_code}) "
            f"{c.population:,} {developments} "
        )
        assert row in page
    assert "Synthetic data" in page
    # The study's primary care trusts first, then today's integrated care board.
    study = page.index("2008-2013: primary care trusts Communities led")
    today = page.index("Today: integrated care boards Communities led")
    assert study < page.index("Calderdale Synthetic") < page.index("Wirral Synthetic") < today
    assert today < page.index("Mereshire Synthetic")


def test_a_visitor_picks_one_era(client, demo):
    login(client, "admin")
    study = client.get("/", {"era": "pct"})
    assert [c.code for g in study.context["groups"] for c in g["communities"]] == [
        "calderdale",
        "somerset",
        "wirral",
    ]
    assert 'href="/?era=icb"' in study.content.decode()
    assert '<strong aria-current="page">2008-2013: primary care trusts</strong>' in (
        study.content.decode()
    )
    today = client.get("/", {"era": "icb"})
    assert [c.code for g in today.context["groups"] for c in g["communities"]] == ["mereshire"]
    assert "Calderdale" not in text(today).split("Show the communities of:")[1].split("Every")[0]
    every = client.get("/", {"era": "nonsense"})
    assert len(every.context["groups"]) == 2


def test_community_commissioner_sees_only_their_community(client, demo):
    response = login(client, "wirral-commissioner").get("/")
    page = text(response)
    assert "Wirral" in page
    assert "Calderdale" not in page and "Somerset" not in page
    assert len(response.context["communities"]) == 1


def test_provider_sees_their_community(client, demo):
    page = text(login(client, "somerset-provider").get("/"))
    assert "Somerset" in page and "Wirral" not in page


def test_other_community_is_not_found(client, memory):
    login(client, "calderdale-commissioner")
    for url in page_urls(memory)[1:]:
        assert client.get(url).status_code == 404, url
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "Page not found" in text(response)


def test_community_page_shows_contracts_with_values(client, demo):
    from commissioning.store.models import Contract

    contract = Contract.objects.filter(community__code="wirral").order_by("reference").first()
    page = text(login(client, "wirral-commissioner").get("/communities/wirral/"))
    assert contract.reference in page
    assert f"£{contract.annual_value:,.0f}" in page
    assert contract.provider.name in page


def test_viewer_sees_contracts_without_values(client, demo):
    from commissioning.store.models import Contract

    contracts = list(Contract.objects.filter(community__code="wirral"))
    assert contracts
    page = text(login(client, "wirral-viewer").get("/communities/wirral/"))
    for contract in contracts:
        assert contract.reference in page
        assert f"£{contract.annual_value:,.0f}" not in page
    assert "Annual value" not in page


def test_memory_assessment_development_page(client, memory):
    page = text(login(client, "wirral-commissioner").get(memory_url(memory)))
    assert memory.title in page
    objectives = list(memory.objectives.all())
    drivers = list(memory.drivers.all())
    assert objectives and drivers
    for objective in objectives:
        assert objective.description in page
    unmeasurable = sum(not o.is_measurable for o in objectives)
    assert page.count("Not specific and measurable") == unmeasurable
    for driver in drivers:
        assert driver.title in page
    from commissioning.store.models import Person

    people = Person.objects.filter(participations__activity__development=memory).distinct()
    assert people.exists()
    for person in people:
        assert person.name in page


def memory_url(memory) -> str:
    return f"/communities/wirral/developments/{memory.slug}/"


def test_every_stage_lane_shows_the_hours_of_its_participations(client, memory):
    from commissioning.store.models import Participation, Stage

    html = login(client, "wirral-commissioner").get(memory_url(memory)).content.decode()
    shown = dict(re.findall(r'data-stage="([^"]+)">.*?data-hours="([^"]+)"', html, flags=re.S))
    stages = list(Stage.objects.order_by("order"))
    assert list(shown) == [s.name for s in stages]
    busy = 0
    for stage in stages:
        expected = Participation.objects.filter(
            activity__development=memory, activity__stages=stage
        ).aggregate(total=Sum("hours"))["total"] or Decimal(0)
        assert Decimal(shown[stage.name]) == expected, stage.name
        busy += expected > 0
    assert busy >= 4  # the demo's memory service work spans several stages


def test_timeline_lists_each_activity_once_per_stage(client, memory):
    from commissioning.store.models import Activity

    response = login(client, "wirral-commissioner").get(memory_url(memory))
    html = response.content.decode()
    table = html.split('id="activities-by-stage"', 1)[1].split("</table>", 1)[0]
    rows = table.count('class="nhsuk-table__row app-activity"')
    expected = Activity.stages.through.objects.filter(activity__development=memory).count()
    assert rows == expected > 0
    assert 'role="img" aria-label="Timeline of' in html
    assert '<script id="timeline-spec" type="application/json">' in html


def test_vendored_assets_are_served_and_stay_local(client, demo):
    css = client.get("/static/vendor/nhsuk-frontend/nhsuk-frontend.min.css")
    assert css.status_code == 200
    body = b"".join(css.streaming_content) if css.streaming else css.content
    assert b".nhsuk-header" in body
    assert not re.search(rb"url\(\s*['\"]?(https?:)?//", body)
    for path in (
        "vendor/nhsuk-frontend/nhsuk-frontend.min.js",
        "vendor/nhsuk-frontend/assets/images/nhsuk-icon-arrow-down.svg",
        "vendor/htmx/htmx.min.js",
        "vendor/vega/vega.min.js",
        "vendor/vega-lite/vega-lite.min.js",
        "vendor/vega-embed/vega-embed.min.js",
        "vendor/vega-interpreter/vega-interpreter.js",
        "web/charts.js",
    ):
        assert client.get(f"/static/{path}").status_code == 200, path
    assert client.get("/static/vendor/nothing.js").status_code == 404

"""The work-of-commissioning page and the scorecard drill-downs, on the synthetic demo."""

from __future__ import annotations

import html
import re

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Sum

from commissioning.analytics.work import scorecard, spend
from commissioning.store.frames import load_community
from commissioning.work.presenter import community_scorecard, scorecard_years, year_label

pytestmark = pytest.mark.django_db

PAGE = "/communities/wirral/work/"


def text(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def login(client, username):
    client.force_login(get_user_model().objects.get(username=username))
    return client


def measure_url(measure_id: str) -> str:
    return f"/communities/wirral/scorecard/{measure_id}/"


def test_commissioner_and_admin_see_the_work_page(client, demo):
    for username in ("wirral-commissioner", "admin"):
        response = login(client, username).get(PAGE)
        assert response.status_code == 200, username
        page = text(response)
        for heading in (
            "Effective-commissioning scorecard",
            "Labour",
            "Who commissions",
            "Scale and pace",
            "External drivers",
            "Market conditions",
            "Organisational changes",
        ):
            assert heading in page, (username, heading)
        assert 'data-chart-spec="effort-spec"' in response.content.decode()


def test_scorecard_statuses_match_the_engine(client, demo):
    # The one card (with the decision log, which the store's frames leave to the work app).
    card = community_scorecard(load_community("wirral"))
    html = login(client, "wirral-commissioner").get(PAGE).content.decode()
    assert len(card.measures) == 9
    assert card.measure("monitoring_feeds_review").denominator > 0
    for m in card.measures:
        row = re.search(rf'data-measure="{m.id}">(.*?)</tr>', html, flags=re.S).group(1)
        assert f'data-status="{m.status}"' in row, m.id
        assert f'href="{measure_url(m.id)}"' in row
        if m.value is not None:
            assert f"{m.value:.0%}" in row, m.id


def test_labour_total_is_every_recorded_hour(client, demo):
    from commissioning.store.models import Participation

    total = Participation.objects.filter(activity__community__code="wirral").aggregate(
        h=Sum("hours")
    )["h"]
    page = text(login(client, "wirral-commissioner").get(PAGE))
    shown = f"{float(total):,.2f}".rstrip("0").rstrip(".")
    assert f"{shown} hours of commissioning work recorded" in page


def test_spend_by_year_matches_the_engine(client, demo):
    f = load_community("wirral")
    by_year = spend.spend_by(
        "financial_year",
        f.spend,
        f.services,
        f.service_conditions,
        f.contracts,
        f.contract_services,
    )
    html = login(client, "wirral-commissioner").get(PAGE).content.decode()
    table = re.search(r'id="spend-year">(.*?)</table>', html, flags=re.S).group(1)
    for row in by_year.itertuples():
        assert f"£{row.amount:,.0f}" in table


def test_drill_down_lists_the_records_behind_a_measure(client, demo):
    card = scorecard.scorecard(load_community("wirral"))
    m = card.measure("costliest_reviewed")
    response = login(client, "wirral-commissioner").get(measure_url("costliest_reviewed"))
    assert response.status_code == 200
    page = text(response)
    assert m.definition.replace("'", "&#x27;") in response.content.decode()
    assert f"{len(m.drilldown)} record" in page
    for service in m.drilldown["service"]:
        assert html.escape(service) in response.content.decode()  # e.g. "Older people's ..."
    assert f'data-status="{m.status}"' in response.content.decode()


def test_unknown_measure_is_not_found(client, demo):
    assert login(client, "wirral-commissioner").get(measure_url("nonsense")).status_code == 404


def test_viewer_sees_no_money(client, demo):
    login(client, "wirral-viewer")
    page = text(client.get(PAGE))
    assert "Spend and contract values are not shown to viewers" in page
    assert "£" not in page
    for measure_id in ("costliest_reviewed", "whole_budget", "shared_risk"):
        response = client.get(measure_url(measure_id))
        assert response.status_code == 200
        assert "£" not in text(response), measure_id


def test_providers_and_other_communities_are_not_found(client, demo):
    for username in ("wirral-provider", "somerset-commissioner"):
        login(client, username)
        assert client.get(PAGE).status_code == 404, username
        assert client.get(measure_url("clinical_involvement")).status_code == 404, username


def test_community_page_links_to_the_work_page(client, demo):
    html = login(client, "wirral-commissioner").get("/communities/wirral/").content.decode()
    assert f'href="{PAGE}"' in html


def test_the_old_address_moves_permanently_to_the_new(client, demo):
    """The page was at /practice/ ("practice" means a GP practice in this field): bookmarks to it
    are sent on, with their query, and the redirect reveals nothing the page would not."""
    response = login(client, "wirral-commissioner").get("/communities/wirral/practice/?x=1")
    assert response.status_code == 301
    assert response["Location"] == f"{PAGE}?x=1"
    login(client, "somerset-commissioner")
    assert client.get("/communities/wirral/practice/", follow=True).status_code == 404


def test_a_small_community_with_little_recorded_still_gets_a_page(client, mini):
    """Minitown (tests/integration/web/conftest.py): one development, three activities, no spend."""
    client.force_login(mini["commissioner"])
    response = client.get("/communities/minitown/work/")
    assert response.status_code == 200
    page = text(response)
    assert "10.75 hours of commissioning work recorded" in page  # 5 + 1.5 + 4.25
    assert "No spend recorded." in page
    assert client.get("/communities/elsewhere/work/").status_code == 404
    for measure in scorecard.MEASURES:
        assert client.get(f"/communities/minitown/scorecard/{measure['id']}/").status_code == 200


def test_development_page_shows_its_own_labour(client, mini):
    """Falls clinic review (tests/integration/web/conftest.py): 10.75 hours. The scoping
    meeting's 5 hours are split between scoping and planning: scoping 2.5, needs assessment 1.5,
    planning 2.5 + 4.25 = 6.75."""
    client.force_login(mini["commissioner"])
    response = client.get("/communities/minitown/developments/falls-review/")
    html = response.content.decode()
    assert "10.75 hours of work on this development, about" in text(response)
    stage = re.search(r'id="development-labour-stage">(.*?)</table>', html, flags=re.S).group(1)
    hours = re.findall(r"cell--numeric\">([\d.]+)</td>", stage)
    assert {"2.5", "1.5", "6.75"} <= set(hours)
    client.force_login(mini["viewer"])
    assert "£" not in text(client.get("/communities/minitown/developments/falls-review/"))


def test_each_measure_year_by_year_on_the_page(client, demo):
    found = scorecard_years(load_community("somerset"))
    assert found["years"][0] <= 2009 and found["years"][-1] == 2012
    html = login(client, "somerset-commissioner").get("/communities/somerset/work/")
    page = html.content.decode()
    table = re.search(r'id="scorecard-years-table">(.*?)</table>', page, flags=re.S).group(1)
    for year in found["years"]:
        assert f">{year_label(year)}</th>" in table
    convening = next(r for r in found["rows"] if r["id"] == "convening")
    # Not one value repeated: the measure moves from year to year.
    assert len({round(v, 3) for v in convening["values"] if v is not None}) > 1

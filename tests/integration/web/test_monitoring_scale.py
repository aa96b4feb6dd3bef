"""Monitoring pages at scale: every series in the matrix, charts a page (20) at a time.

A hand-made community "bigtown" with 20 GP practices and 3 indicators (AAA, BBB, CCC), 13
monthly values each: 60 series. Series are ordered by indicator code then practice name, so
page 1 holds AAA's 20 charts, page 2 BBB's and page 3 CCC's.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import altair as alt
import pytest

pytestmark = pytest.mark.django_db

MONTHS = [dt.date(2020 + (m // 12), m % 12 + 1, 1) for m in range(13)]
URL = "/communities/bigtown/monitoring/"
CODES = ("AAA", "BBB", "CCC")
PRACTICES = 20


@pytest.fixture
def big(db, django_user_model):
    from commissioning.store.models import (
        CommissioningCommunity,
        Indicator,
        Observation,
        Organisation,
        Profile,
    )

    icb = Organisation.objects.create(ods_code="QB1", name="Bigtown ICB", kind="ccg")
    town = CommissioningCommunity.objects.create(
        code="bigtown", name="Bigtown", commissioner=icb, population=1000, synthetic=True
    )
    practices = [
        Organisation.objects.create(
            ods_code=f"B{i:05d}", name=f"Practice {i:02d}", kind="gp_practice"
        )
        for i in range(PRACTICES)
    ]
    town.members.add(*practices)
    indicators = {}
    rows = []
    for n, code in enumerate(CODES):
        indicators[code] = Indicator.objects.create(
            code=code,
            name=f"Indicator {code}",
            domain="outcome",
            unit="%",
            polarity="higher_better",
            frequency="monthly",
            # bare values: were they counts of patients they would be hidden (issue 20), and
            # these tests are about paging
            patient_counts=False,
        )
        for p, practice in enumerate(practices):
            for m, month in enumerate(MONTHS):
                rows.append(
                    Observation(
                        indicator=indicators[code],
                        organisation=practice,
                        period=month,
                        value=50 + n + p / 10 + (m % 2),
                        target=40.0,
                    )
                )
    Observation.objects.bulk_create(rows)
    user = django_user_model.objects.create_user("big-commissioner", password="big-Pa55-word")
    Profile.objects.create(user=user, role="commissioner", community=town)
    return {"user": user, "indicators": indicators, "practices": practices}


def key(big, code, p) -> str:
    return f"series-i{big['indicators'][code].pk}-org{big['practices'][p].pk}"


def charts(html: str) -> list[str]:
    """The ids of the chart sections on the page, in order."""
    return re.findall(r'<section class="app-spc-series" id="([^"]+)"', html)


def matrix(html: str) -> str:
    start = html.index('id="spc-matrix"')
    return html[start : html.index("</table>", start)]


def get(client, big, query=""):
    client.force_login(big["user"])
    response = client.get(URL + query)
    assert response.status_code == 200
    return response.content.decode()


def test_first_page_has_the_whole_matrix_but_only_twenty_charts(client, big):
    html = get(client, big)
    assert len(re.findall(r'<li><a href="[^"]*" data-series="i', matrix(html))) == 60
    shown = charts(html)
    assert shown == [key(big, "AAA", p) for p in range(PRACTICES)]
    # one Vega-Lite data island and one table per chart, no more
    assert len(re.findall(r'<script id="spc-spec-[^"]+" type="application/json">', html)) == 20
    assert html.count('class="nhsuk-table-responsive app-spc-table"') == 20
    assert "Charts 1 to 20 of 60" in html
    # series on this page are linked by their anchor, the others by their page
    assert f'href="#{key(big, "AAA", 0)}"' in matrix(html)
    other = key(big, "BBB", 5)
    assert f'href="?indicator=BBB&amp;page=1#{other}"' in matrix(html)


def test_page_three_shows_the_last_twenty(client, big):
    html = get(client, big, "?page=3")
    assert charts(html) == [key(big, "CCC", p) for p in range(PRACTICES)]
    assert len(re.findall(r'<li><a href="[^"]*" data-series="i', matrix(html))) == 60
    assert "Charts 41 to 60 of 60" in html
    nav = html[html.index('class="nhsuk-pagination nhsuk-pagination--numbered"') :]
    nav = nav[: nav.index("</nav>")]
    assert re.search(r'href="\?page=3#charts" aria-label="Page 3" aria-current="page"', nav)
    assert 'rel="prev"' in nav and 'href="?page=2#charts" rel="prev"' in nav
    assert 'rel="next"' not in nav  # the last page


def test_indicator_filter_narrows_the_charts(client, big):
    html = get(client, big, "?indicator=BBB")
    assert charts(html) == [key(big, "BBB", p) for p in range(PRACTICES)]
    assert len(re.findall(r'<li><a href="[^"]*" data-series="i', matrix(html))) == 60
    assert '<option value="BBB" selected>' in html
    assert "nhsuk-pagination" not in html  # one page of BBB charts
    # a link from the matrix lands on a page that has the chart
    link = re.search(r'href="(\?indicator=CCC&amp;page=1)#([^"]+)"', matrix(html))
    target = get(client, big, link.group(1).replace("&amp;", "&"))
    assert link.group(2) in charts(target)


def test_bad_page_numbers_give_a_page_never_an_error(client, big):
    assert charts(get(client, big, "?page=abc")) == charts(get(client, big))
    assert charts(get(client, big, "?page=0")) == charts(get(client, big))
    assert charts(get(client, big, "?page=-2")) == charts(get(client, big))
    assert charts(get(client, big, "?page=99999999999999999999")) == charts(get(client, big))
    assert charts(get(client, big, "?page=99")) == charts(get(client, big, "?page=3"))
    assert charts(get(client, big, "?page=%C2%B2")) == charts(get(client, big))  # "²"
    html = get(client, big, "?indicator=NOPE&page=2")
    assert 'No indicator with the code "NOPE" has a chart here' in html
    assert charts(html) == [key(big, "BBB", p) for p in range(PRACTICES)]


def test_build_keeps_the_page_within_range_and_charts_only_that_page(big):
    from commissioning.monitoring.presenter import build
    from commissioning.monitoring.records import community_observations
    from commissioning.store.models import CommissioningCommunity

    town = CommissioningCommunity.objects.get(code="bigtown")
    monitoring = build(community_observations(big["user"], town), page=7, indicator="CCC")
    assert (monitoring.page, monitoring.pages, monitoring.total) == (1, 1, 20)
    assert monitoring.indicator.code == "CCC"
    assert [i.code for i in monitoring.indicators] == list(CODES)
    assert len(monitoring.series) == 60
    drawn = [s for s in monitoring.series if s.chart is not None]
    assert drawn == monitoring.shown and all(s.indicator.code == "CCC" for s in drawn)
    # series without a chart still have their icons and summary
    assert all(s.variation and s.assurance and s.summary["points"] == 13 for s in monitoring.series)
    assert all(s.page == 1 for s in monitoring.series)  # 20 series an indicator: one page each


def test_chart_specs_are_valid_vega_lite(client, big):
    html = get(client, big)
    islands = re.findall(
        r'<script id="spc-spec-[^"]+" type="application/json">(.*?)</script>', html
    )
    assert len(islands) == 20
    for island in islands[:3]:
        alt.LayerChart.validate(json.loads(island))  # raises when the spec is not Vega-Lite


def test_a_few_series_have_no_paging(client, big):
    from commissioning.store.models import Observation

    Observation.objects.exclude(organisation=big["practices"][0]).delete()
    html = get(client, big)
    assert len(charts(html)) == 3
    assert "nhsuk-pagination" not in html and "Charts 1 to" not in html


def test_a_link_to_one_series_opens_the_page_that_has_its_chart(client, big):
    """Alerts link to ``?series=<anchor>``: the page redirects to the chart's own page."""
    client.force_login(big["user"])
    anchor = key(big, "CCC", 7)
    response = client.get(URL, {"series": anchor})
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?indicator=CCC&page=1#{anchor}"
    page = client.get(response["Location"].split("#")[0]).content.decode()
    assert anchor in charts(page)
    # a series already on the first page needs no redirect; an unknown one shows the page
    first = key(big, "AAA", 0)
    assert client.get(URL, {"series": first}).status_code == 200
    assert client.get(URL, {"series": "series-nothing"}).status_code == 200


def more_practices(big, n: int) -> list[str]:
    """``n`` more practices of bigtown with AAA's 13 values (the same cell as the other 20)."""
    from commissioning.store.models import CommissioningCommunity, Observation, Organisation

    town = CommissioningCommunity.objects.get(code="bigtown")
    extra = []
    for i in range(n):
        practice = Organisation.objects.create(
            ods_code=f"X{i:05d}", name=f"Practice X{i:02d}", kind="gp_practice"
        )
        town.members.add(practice)
        Observation.objects.bulk_create(
            Observation(
                indicator=big["indicators"]["AAA"],
                organisation=practice,
                period=month,
                value=50 + (i % 10) / 10 + (m % 2),
                target=40.0,
            )
            for m, month in enumerate(MONTHS)
        )
        extra.append(f"series-i{big['indicators']['AAA'].pk}-org{practice.pk}")
    return extra


def test_a_cell_with_more_than_a_page_of_one_indicator_links_to_its_charts(client, big):
    """Over 20 series of one indicator in a cell: one link to those charts, not one each."""
    more_practices(big, 5)
    html = get(client, big)
    cells = matrix(html)
    # AAA's 25 series are one link; BBB's and CCC's 20 each are still listed one by one
    assert len(re.findall(r'data-series="i', cells)) == 40
    group = re.findall(r'<a href="([^"]+)" data-group="AAA">Indicator AAA: 25 charts</a>', cells)
    assert group == [
        "?indicator=AAA&amp;variation=common_cause&amp;assurance=consistent_pass#charts"
    ]
    # the link shows those 25 charts, 20 to a page, and says which cell they are
    narrowed = get(client, big, group[0].split("#")[0].replace("&amp;", "&"))
    assert len(charts(narrowed)) == 20
    assert "Charts 1 to 20 of 25 for Indicator AAA" in narrowed
    assert "variation “Common cause”, assurance “Consistently passes the target” (25 charts)" in (
        narrowed
    )
    assert "Show the charts of every cell" in narrowed
    # its pages keep the cell; the way back drops it
    second = re.search(r'href="(\?[^"]*page=2)#charts" rel="next"', narrowed).group(1)
    assert "variation=common_cause" in second and "assurance=consistent_pass" in second
    last = get(client, big, second.replace("&amp;", "&"))
    assert len(charts(last)) == 5
    back = re.search(r'<a href="([^"]+)">Show the charts of every cell</a>', narrowed).group(1)
    assert back == "?indicator=AAA#charts"


def test_a_cell_with_no_charts_of_the_indicator_says_so(client, big):
    html = get(client, big, "?variation=special_cause_concern&assurance=consistent_fail")
    assert charts(html) == []
    assert "(0 charts)" in html and "No charts to show." in html
    # an unknown cell, or half of one, narrows nothing
    everything = charts(get(client, big))
    assert charts(get(client, big, "?variation=nonsense&assurance=consistent_pass")) == everything
    assert charts(get(client, big, "?variation=common_cause")) == everything


def test_chart_sections_are_kept_once_but_each_user_gets_their_own_follow_button(
    client, big, django_user_model
):
    """The icons, chart and table of a series are rendered once for everyone with the same
    view; the Follow button says whether this user follows the indicator."""
    from commissioning.reports.models import Subscription
    from commissioning.store.models import Profile

    town = big["user"].profile.community
    other = django_user_model.objects.create_user("big-other", password="big-Pa55-word")
    Profile.objects.create(user=other, role="commissioner", community=town)
    Subscription.objects.create(
        user=big["user"], indicator=big["indicators"]["AAA"], community=town
    )
    section = key(big, "AAA", 3)

    def part(html, start, end):
        part = html[html.index(f'id="{section}"') :]
        return part[part.index(start) : part.index(end)]

    follower = get(client, big)
    client.force_login(other)
    not_follower = client.get(URL).content.decode()
    body = ('<div class="app-spc-icons">', "</section>")
    assert part(follower, *body) == part(not_follower, *body)
    assert 'class="nhsuk-table-responsive app-spc-table"' in part(follower, *body)
    button = ('<form class="app-follow"', "</form>")
    assert 'data-following="true"' in part(follower, *button)
    assert 'data-following="false"' in part(not_follower, *button)

"""Monitoring pages: SPC charts, Making Data Count icons, the summary matrix and exceptions.

A small hand-made community "spctown" (periods January 2020 to January 2021):

- RISE (higher is better, monthly, for the CCG): 10, 11, 10, 11, ... (12 values) then 20 in
  January 2021, target 5. The moving ranges are 1 except the last (9), which screening drops
  (9 > 3.267 x mean MR of 1.67), so mean MR = 1; mean = (12 x 10.5 + 20) / 13 = 11.23,
  limits 11.23 -/+ 2.66 = 8.57 and 13.89. The jump to 20 is above the upper limit: special cause
  improvement, high ("H"); the target 5 is below the lower limit: consistently passes ("P").
- FALLS (lower is better, monthly, patient counts, for the trust's falls clinic): numerator 3
  (shown as *) over 1234 patients (shown as 1,235) every month, no target ("?"). Every value
  rests on a hidden count, so every value is hidden and nothing is judged: no variation ("?").
- LATE (monthly, for the CCG): values January to July 2020 only: six months behind, an exception.
- The development's objective indicator NODATA has no observations at all: an exception.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

import pandas as pd
import pytest
from django.contrib.auth import get_user_model

from commissioning.analytics.spc import xmr

pytestmark = pytest.mark.django_db

MONTHS = [dt.date(2020 + (m // 12), m % 12 + 1, 1) for m in range(13)]
RISE = [10.0, 11.0] * 6 + [20.0]


def text(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", html)


def section(html: str, anchor: str) -> str:
    start = html.index(f'id="{anchor}"')
    end = html.find("</section>", start)
    return html[start:end]


@pytest.fixture
def world(db, django_user_model):
    from commissioning.store.models import (
        Activity,
        CommissioningCommunity,
        Contract,
        Indicator,
        Objective,
        Observation,
        Organisation,
        Profile,
        Service,
        ServiceDevelopment,
    )

    ccg = Organisation.objects.create(ods_code="YY1", name="Spctown CCG", kind="ccg")
    trust = Organisation.objects.create(ods_code="YYT", name="Spctown Trust", kind="acute_trust")
    other_ccg = Organisation.objects.create(ods_code="YY2", name="Faraway CCG", kind="ccg")
    town = CommissioningCommunity.objects.create(
        code="spctown", name="Spctown", commissioner=ccg, population=1000, synthetic=True
    )
    town.members.add(trust)
    faraway = CommissioningCommunity.objects.create(
        code="faraway", name="Faraway", commissioner=other_ccg, population=500
    )
    clinic = Service.objects.create(
        name="Falls clinic", community=town, provider=trust, setting="acute"
    )
    contract = Contract.objects.create(
        reference="SPC-001",
        title="Falls contract",
        community=town,
        commissioner=ccg,
        provider=trust,
        payment_form="block",
        start_date=dt.date(2020, 1, 1),
        end_date=dt.date(2021, 3, 31),
        annual_value=Decimal("1000.00"),
    )
    contract.services.add(clinic)

    def indicator(code, name, polarity, patient_counts=False):
        return Indicator.objects.create(
            code=code,
            name=name,
            domain="outcome",
            unit="%",
            polarity=polarity,
            frequency="monthly",
            patient_counts=patient_counts,
        )

    rise = indicator("RISE", "Checks done on time", "higher_better")
    falls = indicator("FALLS", "Falls admissions rate", "lower_better", patient_counts=True)
    late = indicator("LATE", "Late returns", "neutral")
    nodata = indicator("NODATA", "Never measured", "higher_better")
    for month, value in zip(MONTHS, RISE, strict=True):
        Observation.objects.create(
            indicator=rise, organisation=ccg, period=month, value=value, target=5.0
        )
        Observation.objects.create(
            indicator=falls,
            service=clinic,
            period=month,
            value=round(3 / 1234 * 100, 4),
            numerator=3,
            denominator=1234,
        )
    for month in MONTHS[:7]:
        Observation.objects.create(indicator=late, organisation=ccg, period=month, value=4.0)

    dev = ServiceDevelopment.objects.create(
        title="Faster checks",
        slug="faster-checks",
        community=town,
        go_live_date=dt.date(2020, 9, 15),
    )
    dev.services.add(clinic)
    Objective.objects.create(development=dev, description="More checks", indicator=rise)
    Objective.objects.create(development=dev, description="Measure it", indicator=nodata)
    Activity.objects.create(
        community=town,
        development=dev,
        date=dt.date(2020, 6, 3),
        title="Board approves new pathway",
        kind="decision",
        nature="relational",
    )
    Activity.objects.create(
        community=town,
        development=dev,
        date=dt.date(2020, 6, 10),
        title="Coffee with the team",
        kind="meeting",
        nature="relational",
    )

    def user(name, role, community, organisation=None):
        u = django_user_model.objects.create_user(name, password="spc-Pa55-word")
        Profile.objects.create(user=u, role=role, community=community, organisation=organisation)
        return u

    return {
        "community": town,
        "faraway": faraway,
        "development": dev,
        "contract": contract,
        "commissioner": user("spc-commissioner", "commissioner", town),
        "provider": user("spc-provider", "provider", town, trust),
        "stranger": user("faraway-commissioner", "commissioner", faraway),
        "rise": rise,
        "falls": falls,
        "ccg": ccg,
        "clinic": clinic,
    }


COMMUNITY = "/communities/spctown/monitoring/"
DEVELOPMENT = "/communities/spctown/developments/faster-checks/monitoring/"
CONTRACT = "/communities/spctown/contracts/SPC-001/monitoring/"


def rise_key(world) -> str:
    return f"series-i{world['rise'].pk}-org{world['ccg'].pk}"


def falls_key(world) -> str:
    return f"series-i{world['falls'].pk}-svc{world['clinic'].pk}"


def test_special_cause_improvement_shows_h_and_p(client, world):
    client.force_login(world["commissioner"])
    html = client.get(COMMUNITY).content.decode()
    rise = section(html, rise_key(world))
    assert 'data-variation="special_cause_improvement"' in rise
    assert 'data-assurance="consistent_pass"' in rise
    assert re.search(r'data-icon="variation" data-letter="H"', rise)
    assert re.search(r'data-icon="assurance" data-letter="P"', rise)
    assert 'aria-label="Variation: Special cause improvement: high values"' in rise
    assert "#00b0f0" in rise  # Making Data Count blue for improvement
    # Every value hidden (small counts): nothing to judge, no assurance.
    falls = section(html, falls_key(world))
    assert 'data-icon="variation" data-letter="?"' in falls
    assert 'data-icon="assurance" data-letter="?"' in falls


def test_table_values_equal_the_engine_and_hand_worked_limits(client, world):
    client.force_login(world["commissioner"])
    html = client.get(COMMUNITY).content.decode()
    rise = section(html, rise_key(world))
    rows = re.findall(
        r'data-period="([\d-]+)" data-point-type="(\w*)".*?data-value="([^"]*)".*?'
        r'data-mean="([^"]*)".*?data-lpl="([^"]*)".*?data-upl="([^"]*)"',
        rise,
        flags=re.S,
    )
    expected = xmr(
        pd.DataFrame({"date": pd.to_datetime(MONTHS), "value": RISE, "target": 5.0}),
        improvement="increase",
    )
    assert len(rows) == 13
    for row, point in zip(rows, expected.itertuples(), strict=True):
        assert row[0] == point.date.strftime("%Y-%m-%d")
        assert row[1] == point.point_type
        assert float(row[2]) == point.value
        assert float(row[3]) == pytest.approx(point.mean, abs=1e-12)
        assert float(row[4]) == pytest.approx(point.lpl, abs=1e-12)
        assert float(row[5]) == pytest.approx(point.upl, abs=1e-12)
    mean = (12 * 10.5 + 20) / 13
    assert float(rows[-1][3]) == pytest.approx(mean)
    assert float(rows[-1][4]) == pytest.approx(mean - 2.66)
    assert float(rows[-1][5]) == pytest.approx(mean + 2.66)
    assert rows[-1][1] == "special_cause_improvement"


def test_matrix_places_each_series_in_its_cell(client, world):
    client.force_login(world["commissioner"])
    html = client.get(COMMUNITY).content.decode()
    matrix = html[html.index('id="spc-matrix"') : html.index("</table>", html.index("spc-matrix"))]
    rows = dict(
        re.findall(
            r'<tr class="nhsuk-table__row" data-variation="(\w+)">(.*?)</tr>', matrix, flags=re.S
        )
    )
    improvement_cells = dict(
        re.findall(r'data-assurance="(\w+)">(.*?)</td>', rows["special_cause_improvement"], re.S)
    )
    assert f'href="#{rise_key(world)}"' in improvement_cells["consistent_pass"]
    no_data = dict(re.findall(r'data-assurance="(\w+)">(.*?)</td>', rows["none"], re.S))
    assert f'href="#{falls_key(world)}"' in no_data["none"]  # every value hidden
    # Each series appears in exactly one cell.
    assert matrix.count(f'href="#{rise_key(world)}"') == 1


def test_patient_counts_are_suppressed_never_raw(client, world):
    client.force_login(world["commissioner"])
    response = client.get(COMMUNITY)
    html = response.content.decode()
    falls = section(html, falls_key(world))
    # 3 of 1,234 every month: each value rests on a hidden count, so each is hidden (issue 20:
    # the exact 0.2431% with the denominator gave the 3 back); the counts are shown as a
    # download shows them
    assert len(re.findall(r'data-value="\*"', falls)) == 13
    assert not re.findall(r'data-value="[0-9.]+"', falls)
    assert falls.count('data-numerator="*"') == 13
    assert falls.count('data-denominator="1,235"') == 13
    assert "0.243" not in falls and "data-small-numbers" in falls
    assert "1234" not in html and "1,234" not in html
    # The chart data carries no value, and no mean or limit worked out from hidden values.
    spec = json.loads(
        re.search(
            r'id="spc-spec-' + falls_key(world)[7:] + r'"[^>]*>(.*?)</script>', html, re.S
        ).group(1)
    )
    points = spec["datasets"]["points"]
    assert len(points) == 13
    assert {(p["Value"], p["Mean"], p["Lower limit"]) for p in points} == {(None, None, None)}
    assert "numerator" not in json.dumps(spec).lower()


def test_data_quality_exceptions(client, world):
    client.force_login(world["commissioner"])
    page = text(client.get(COMMUNITY))
    assert "Late returns" in page
    assert "Latest value is for July 2020, 6 months before the latest period" in page
    dev_page = text(client.get(DEVELOPMENT))
    assert "Never measured" in dev_page and "No observations recorded." in dev_page


def test_each_exception_is_a_row_linking_to_its_chart(client, world):
    client.force_login(world["commissioner"])
    html = client.get(COMMUNITY).content.decode()
    table = html[html.index('id="data-quality-table"') :]
    table = table[: table.index("</table>")]
    row = re.search(r'<tr class="nhsuk-table__row" data-indicator="LATE">(.*?)</tr>', table, re.S)
    cells = re.findall(r'<td class="nhsuk-table__cell">(.*?)</td>', row.group(1), re.S)
    from commissioning.store.models import Indicator

    late = Indicator.objects.get(code="LATE")
    anchor = f"series-i{late.pk}-org{world['ccg'].pk}"
    assert cells[0] == f'<a href="#{anchor}">Late returns</a>'
    assert cells[1:3] == [world["ccg"].name, "Monthly"]
    assert cells[3].startswith("Latest value is for July 2020")
    # an objective's indicator never measured: a row with no chart to link to
    dev = client.get(DEVELOPMENT).content.decode()
    row = re.search(r'data-indicator="NODATA">(.*?)</tr>', dev, re.S).group(1)
    cells = re.findall(r'<td class="nhsuk-table__cell">(.*?)</td>', row, re.S)
    assert cells == ["Never measured", "None", "Monthly", "No observations recorded."]


def test_development_page_annotates_decisions_and_go_live(client, world):
    client.force_login(world["commissioner"])
    response = client.get(DEVELOPMENT)
    assert response.status_code == 200
    html = response.content.decode()
    rise = section(html, rise_key(world))
    assert "Decision: Board approves new pathway" in rise
    assert "Go-live: Faster checks" in rise
    assert "Coffee with the team" not in html  # only decisions and procurement steps
    # Objective indicator and service indicator are both charted; LATE is not.
    assert falls_key(world) in html and "Late returns" not in html


def test_contract_page_shows_its_services_and_provider(client, world):
    client.force_login(world["commissioner"])
    response = client.get(CONTRACT)
    assert response.status_code == 200
    html = response.content.decode()
    assert falls_key(world) in html
    assert rise_key(world) not in html  # the CCG's indicator is not this contract's


def test_another_communitys_user_gets_not_found(client, world):
    client.force_login(world["stranger"])
    for url in (COMMUNITY, DEVELOPMENT, CONTRACT):
        assert client.get(url).status_code == 404, url


def test_provider_sees_only_their_organisations_series(client, world):
    client.force_login(world["provider"])
    html = client.get(COMMUNITY).content.decode()
    assert falls_key(world) in html
    assert rise_key(world) not in html and "Late returns" not in html
    assert client.get(CONTRACT).status_code == 200


def test_pages_link_to_monitoring(client, world):
    client.force_login(world["commissioner"])
    community = client.get("/communities/spctown/").content.decode()
    assert f'href="{COMMUNITY}"' in community
    assert f'href="{CONTRACT}"' in community
    development = client.get("/communities/spctown/developments/faster-checks/").content.decode()
    assert f'href="{DEVELOPMENT}"' in development


def test_every_chart_has_a_spec_text_alternative_and_table(client, world):
    client.force_login(world["commissioner"])
    html = client.get(COMMUNITY).content.decode()
    charts = re.findall(r'data-chart-spec="([^"]+)"[^>]*aria-label="([^"]+)"', html)
    assert len(charts) == 3
    for spec_id, label in charts:
        assert f'id="{spec_id}"' in html
        # FALLS has no limits: every value is hidden, and the text says so
        assert "process limits" in label or "every one hidden" in label
    assert html.count('class="nhsuk-table-responsive app-spc-table"') == 3


# --- the synthetic demo ------------------------------------------------------------------


def login(client, username):
    client.force_login(get_user_model().objects.get(username=username))
    return client


def test_demo_monitoring_pages(client, demo, db):
    from commissioning.store.models import Contract, ServiceDevelopment

    login(client, "wirral-commissioner")
    response = client.get("/communities/wirral/monitoring/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("data-chart-spec=") >= 10
    assert "Dementia diagnosis rate" in html
    dev = ServiceDevelopment.objects.filter(community__code="wirral", objectives__isnull=False)
    dev = dev.first()
    assert client.get(f"/communities/wirral/developments/{dev.slug}/monitoring/").status_code == 200
    contract = Contract.objects.filter(community__code="wirral").first()
    url = f"/communities/wirral/contracts/{contract.reference}/monitoring/"
    assert client.get(url).status_code == 200
    login(client, "somerset-commissioner")
    assert client.get("/communities/wirral/monitoring/").status_code == 404


def test_demo_hba1c_chart_has_its_axis_around_its_figures(client, demo, db):
    """Found on the demo: Wirral's HbA1c control indicator (about 60%) was drawn on an axis from
    0, its values a thin band at the top of the chart where its special causes could not be
    seen. The axis now holds its values, limits and target with a little room, within 0-100."""
    login(client, "wirral-commissioner")
    html = client.get("/communities/wirral/monitoring/?indicator=DM_HBA1C59").content.decode()
    specs = re.findall(r'<script id="spc-spec-[^"]+" type="application/json">(.*?)</script>', html)
    assert specs
    for spec in map(json.loads, specs):
        figures = [
            p[name]
            for p in spec["datasets"]["points"]
            for name in ("Value", "Mean", "Lower limit", "Upper limit", "Target")
            if p[name] is not None
        ]
        (scale,) = [
            layer["encoding"]["y"]["scale"]
            for layer in spec["layer"]
            if "scale" in layer["encoding"].get("y", {})
        ]
        bottom, top = scale["domain"]
        assert 40 < bottom <= min(figures) and max(figures) <= top <= 100


def test_demo_provider_sees_only_their_own_series(client, demo, db):
    login(client, "wirral-provider")
    html = client.get("/communities/wirral/monitoring/").content.decode()
    assert "Dementia diagnosis rate" not in html  # the PCT's series
    login(client, "wirral-commissioner")
    assert (
        "Dementia diagnosis rate" in client.get("/communities/wirral/monitoring/").content.decode()
    )


def test_a_confirmed_recalculation_starts_new_limits_on_every_page(client, world):
    from commissioning.monitoring.models import Recalculation

    client.force_login(world["commissioner"])
    plain = client.get(DEVELOPMENT).content.decode()
    assert "Limits recalculated" not in section(plain, rise_key(world))
    assert "limits=go-live" not in plain  # a recorded decision, not a view option
    Recalculation.objects.create(
        community=world["community"],
        indicator=world["rise"],
        organisation=world["ccg"],
        starts=world["development"].go_live_date,
        decision="confirmed",
        reason="Checks moved to the new pathway",
        development=world["development"],
        decided_by_name="spc-commissioner",
    )
    for page in (DEVELOPMENT, COMMUNITY):
        html = client.get(page).content.decode()
        rise = section(html, rise_key(world))
        # Go-live 15 September 2020: new limits from October 2020, the first period after it.
        rows = re.findall(r'data-period="([\d-]+)".*?data-mean="([^"]*)"', rise, flags=re.S)
        means = {period: float(mean) for period, mean in rows}
        # January to September: 10, 11, 10, 11, 10, 11, 10, 11, 10.
        assert means["2020-09-01"] == pytest.approx((5 * 10 + 4 * 11) / 9)
        assert means["2020-10-01"] == pytest.approx((11 + 10 + 11 + 20) / 4)
        tag = '<strong class="nhsuk-tag nhsuk-tag--grey">Limits recalculated</strong>'
        assert rise.count(tag) == 1
        assert tag in rise[rise.index('data-period="2020-10-01"') :]
        assert "Limits recalculated from October 2020: Checks moved to the new pathway." in text_of(
            rise
        )


def test_series_without_values_is_an_exception_not_an_error(client, world):
    from commissioning.store.models import Indicator, Observation

    empty = Indicator.objects.create(
        code="EMPTY",
        name="Blank returns",
        domain="quality",
        unit="%",
        polarity="higher_better",
        frequency="monthly",
    )
    for month in MONTHS[:2]:
        Observation.objects.create(indicator=empty, organisation=world["ccg"], period=month)
    client.force_login(world["commissioner"])
    response = client.get(COMMUNITY)
    assert response.status_code == 200
    html = response.content.decode()
    key = f"series-i{empty.pk}-org{world['ccg'].pk}"
    assert 'data-icon="variation" data-letter="?"' in section(html, key)
    matrix = html[html.index('id="spc-matrix"') :]
    no_data = re.search(r'data-variation="none">(.*?)</tr>', matrix, re.S).group(1)
    assert f'href="#{key}"' in no_data
    assert "No values recorded." in text(response)


def test_contract_reference_with_a_slash(client, world):
    contract = world["contract"]
    contract.reference = "NHS/2020/7"
    contract.save()
    client.force_login(world["commissioner"])
    community = client.get("/communities/spctown/").content.decode()
    url = "/communities/spctown/contracts/NHS/2020/7/monitoring/"
    assert f'href="{url}"' in community
    assert client.get(url).status_code == 200

"""The needs page of a community and condition: on the demo and on a small hand-made world."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest
from django.contrib.auth import get_user_model

from commissioning.analytics.needs import crude_proportion, funnel

pytestmark = pytest.mark.django_db

WIRRAL_DIABETES = "/communities/wirral/needs/diabetes/"
WIRRAL_DEMENTIA = "/communities/wirral/needs/dementia/"


def text(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def login(client, username):
    client.force_login(get_user_model().objects.get(username=username))
    return client


def cell(html: str, practice: str, name: str) -> str:
    row = re.search(rf'data-practice="{practice}">(.*?)</tr>', html, flags=re.S).group(1)
    return re.search(rf'data-cell="{name}"[^>]*>(.*?)</td>', row, flags=re.S).group(1).strip()


def latest_registers(code: str, slug: str) -> pd.DataFrame:
    from commissioning.store.models import ConditionRegister

    rows = ConditionRegister.objects.filter(
        condition__slug=slug,
        organisation__communities__code=code,
        organisation__kind="gp_practice",
    ).values("organisation__ods_code", "period_end", "register_size", "list_size")
    df = pd.DataFrame(list(rows))
    return df[df["period_end"] == df["period_end"].max()].rename(
        columns={"register_size": "register"}
    )


def rounded(n: float) -> str:
    return f"{int((n / 5 + 0.5) // 1 * 5):,}"


# ------------------------------------------------------------------------------- the demo


def test_commissioner_and_admin_see_the_diabetes_needs_page(client, demo):
    for username in ("wirral-commissioner", "admin"):
        response = login(client, username).get(WIRRAL_DIABETES)
        assert response.status_code == 200, username
        page = text(response)
        assert "Register and prevalence" in page
        assert "England stand-in" in page
        assert 'data-chart-spec="funnel-spec"' in response.content.decode()


def test_the_register_total_and_prevalence_match_the_engine(client, demo):
    df = latest_registers("wirral", "diabetes")
    crude = crude_proportion(df.assign(u="w"), "register", "list_size", by="u", per=100).iloc[0]
    html = login(client, "wirral-commissioner").get(WIRRAL_DIABETES).content.decode()
    row = re.search(r'data-area="community">(.*?)</tr>', html, flags=re.S).group(1)
    assert rounded(df["register"].sum()) in row
    assert f"{crude['proportion']:.2f}%" in row
    assert f"{crude['proportion_lower']:.2f}% to {crude['proportion_upper']:.2f}%" in row


def test_practice_flags_match_the_funnel_engine(client, demo):
    df = latest_registers("wirral", "diabetes")
    expected = funnel(df, "register", "list_size")
    html = login(client, "wirral-commissioner").get(WIRRAL_DIABETES).content.decode()
    for row in expected.itertuples():
        flag = re.search(
            rf'data-practice="{row.organisation__ods_code}">.*?data-flag="(\w*)"', html, re.S
        ).group(1)
        assert flag == row.flag, row.organisation__ods_code
    assert (expected["flag"] != "within").any()  # the demo has outliers


def test_with_three_communities_no_peers_are_chosen_and_the_page_says_so(client, demo):
    page = text(login(client, "wirral-commissioner").get(WIRRAL_DIABETES))
    assert "No peers are shown: the database holds 3 communities" in page
    assert "cannot be worked out" in page  # no directly standardised rate without age bands


def test_dementia_page_shows_an_illustrative_diagnosis_gap_and_projection(client, demo):
    response = login(client, "wirral-commissioner").get(WIRRAL_DEMENTIA)
    page = text(response)
    assert "reference rates are illustrative" in page
    assert "Diagnosis rate" in page
    assert "no births, deaths or moves" in page
    assert 'data-chart-spec="projection-spec"' in response.content.decode()


def test_other_community_and_provider_are_not_found(client, demo):
    assert login(client, "somerset-commissioner").get(WIRRAL_DIABETES).status_code == 404
    assert login(client, "wirral-provider").get(WIRRAL_DIABETES).status_code == 404


def test_community_page_links_to_the_needs_pages(client, demo):
    html = login(client, "wirral-commissioner").get("/communities/wirral/").content.decode()
    assert f'href="{WIRRAL_DIABETES}"' in html


# ------------------------------------------------------------------- a hand-made world


@pytest.fixture
def small_world(db, django_user_model):
    """Minitown: three practices; Tiny Surgery has a diabetes register of 3 out of 400."""
    from commissioning.store.models import (
        CommissioningCommunity,
        Condition,
        ConditionRegister,
        Organisation,
        Profile,
    )

    ccg = Organisation.objects.create(ods_code="ZZ1", name="Minitown CCG", kind="ccg")
    town = CommissioningCommunity.objects.create(code="minitown", name="Minitown", commissioner=ccg)
    diabetes = Condition.objects.create(name="Diabetes", slug="diabetes")
    practices = [
        ("Z00001", "Tiny Surgery", 3, 400),
        ("Z00002", "Big Health Centre", 612, 10_000),
        ("Z00003", "Middle Practice", 263, 5_000),
    ]
    for code, name, register, size in practices:
        org = Organisation.objects.create(ods_code=code, name=name, kind="gp_practice")
        town.members.add(org)
        ConditionRegister.objects.create(
            organisation=org,
            condition=diabetes,
            period_end=dt.date(2011, 3, 31),
            register_size=register,
            list_size=size,
        )
    user = django_user_model.objects.create_user("mini-commissioner")
    Profile.objects.create(user=user, role="commissioner", community=town)
    return user


def test_a_register_of_three_is_shown_as_a_star(client, small_world):
    client.force_login(small_world)
    html = client.get("/communities/minitown/needs/diabetes/").content.decode()
    assert cell(html, "Z00001", "register") == "*"
    assert cell(html, "Z00001", "prevalence") == "*"  # 3 / 400 would give the count away
    assert cell(html, "Z00002", "register") == "610"  # 612 rounded to 5
    assert cell(html, "Z00001", "list_size") == "400"
    row = re.search(r'data-practice="Z00001">(.*?)</tr>', html, flags=re.S).group(1)
    assert ">3<" not in row and "0.75" not in row
    # the total 878 is rounded to 880; the prevalence is from the full counts
    community = re.search(r'data-area="community">(.*?)</tr>', html, flags=re.S).group(1)
    assert "880" in community and "5.70%" in community  # 878 / 15,400 = 5.701%


def test_unknown_condition_is_not_found(client, small_world):
    client.force_login(small_world)
    assert client.get("/communities/minitown/needs/asthma/").status_code == 404


def test_a_community_without_registers_says_so(client, mini):
    from commissioning.store.models import Condition

    Condition.objects.create(name="Stroke and TIA", slug="stroke-tia")
    client.force_login(mini["commissioner"])
    response = client.get("/communities/minitown/needs/stroke-tia/")
    assert response.status_code == 200
    assert "No Stroke and TIA registers are recorded" in text(response)

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
        assert "Stand-in for England: all 15 areas in this database (not England)" in page
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


def area_dsr_inputs(org_ids, slug: str, period_end: dt.date) -> pd.DataFrame:
    """Registers by age band and sex with each organisation's patients at its latest extract on
    or before the period end, read straight from the records (not through the page's code)."""
    from commissioning.store.models import AgeSexRegister, PracticePopulation

    cases = pd.DataFrame(
        list(
            AgeSexRegister.objects.filter(
                organisation_id__in=org_ids, condition__slug=slug, period_end=period_end
            ).values("organisation_id", "age_band", "sex", "register_size")
        )
    ).rename(columns={"register_size": "cases"})
    pop = pd.DataFrame(
        list(
            PracticePopulation.objects.filter(
                organisation_id__in=org_ids, date__lte=period_end
            ).values("organisation_id", "date", "age_band", "sex", "count")
        )
    ).rename(columns={"count": "population"})
    pop = pop[pop["date"] == pop.groupby("organisation_id")["date"].transform("max")]
    keys = ["organisation_id", "age_band", "sex"]
    out = pop[[*keys, "population"]].merge(cases, on=keys, how="left")
    return out.fillna({"cases": 0})


def dsr_cells(html: str, kind: str) -> tuple[str, str]:
    row = re.search(rf'data-dsr="{kind}">(.*?)</tr>', html, flags=re.S).group(1)
    value = re.search(r'data-cell="dsr">(.*?)</td>', row, flags=re.S).group(1).strip()
    ci = re.search(r'data-cell="dsr-ci">(.*?)</td>', row, flags=re.S).group(1).strip()
    return value, ci


def test_the_standardised_rate_on_the_demo_page_is_the_engines(client, demo):
    from commissioning.analytics.needs import dsr
    from commissioning.store.models import Organisation

    period = latest_registers("wirral", "diabetes")["period_end"].max()
    practices = Organisation.objects.filter(  # those with a register for the latest year
        kind="gp_practice",
        registers__condition__slug="diabetes",
        registers__period_end=period,
        communities__code="wirral",
    ).distinct()
    table = area_dsr_inputs(list(practices.values_list("pk", flat=True)), "diabetes", period)
    expected = dsr(table.assign(unit="wirral"), by="unit").iloc[0]
    html = login(client, "wirral-commissioner").get(WIRRAL_DIABETES).content.decode()
    value, ci = dsr_cells(html, "community")
    assert value == f"{expected['dsr']:,.1f}"
    assert ci == f"{expected['dsr_lower']:,.1f} to {expected['dsr_upper']:,.1f}"
    assert html.count('data-dsr="peer"') == 5
    assert "(not England)" in re.search(r'data-dsr="england">(.*?)</tr>', html, re.S).group(1)


def test_demo_peers_are_stored_nearest_neighbours_on_age_deprivation_and_rurality(client, demo):
    from commissioning.analytics.needs import peer_groups
    from commissioning.needs.peers import all_areas, area_profiles
    from commissioning.store.models import CommissioningCommunity, Grouping

    wirral = CommissioningCommunity.objects.get(code="wirral")
    stored = Grouping.objects.get(kind="peer_group", anchor=wirral.commissioner)
    assert stored.community == wirral
    assert "AREA_IMD" in stored.method and "AREA_RURAL" in stored.method
    # the stored members are the five nearest on the four standardised variables, as they stood
    # at Wirral's latest list extract (1 January 2013): the present-day ICB, with no list before
    # 2022, is not compared, and the comparator areas are taken as they were in 2013 (issue 24)
    profiles = area_profiles(all_areas(), dt.date(2013, 1, 1))
    variables = ["share_65", "share_under_15", "imd", "rural"]
    usable = profiles.dropna(subset=variables)
    assert len(usable) == 15 and "Mereshire" not in set(usable["name"])
    assert "as they stood on 01 January 2013" in stored.method
    profiles = usable
    peers = peer_groups(profiles, variables, unit="area", k=5)
    nearest = set(peers[peers["area"] == wirral.commissioner_id]["peer"])
    assert set(stored.members.values_list("pk", flat=True)) == nearest
    html = login(client, "wirral-commissioner").get(WIRRAL_DIABETES).content.decode()
    members = re.search(r'id="peer-members">(.*?)</ul>', html, re.S).group(1)
    for name in stored.members.values_list("name", flat=True):
        assert name in members
    assert html.count('data-area="peer"') == 5
    assert "nearest neighbours on standardised variables" in text_of(html)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_commissioner_can_choose_the_peers_again_and_others_cannot(client, demo):
    from commissioning.store.models import Grouping

    before = Grouping.objects.get(kind="peer_group", anchor__ods_code="5NK")
    members = set(before.members.values_list("pk", flat=True))
    client = login(client, "wirral-commissioner")
    response = client.post(WIRRAL_DIABETES, {"action": "choose-peers"})
    assert response.status_code == 302 and response["Location"].endswith("?peers=saved#peers")
    after = Grouping.objects.get(kind="peer_group", anchor__ods_code="5NK")
    assert after.pk == before.pk  # replaced in place, still one peer group
    assert set(after.members.values_list("pk", flat=True)) == members  # same data, same peers
    assert f"Chosen on {dt.date.today().isoformat()}" in after.method
    assert "chosen again and stored" in text(client.get(response["Location"]))
    assert (
        login(client, "wirral-viewer").post(WIRRAL_DIABETES, {"action": "choose-peers"}).status_code
        == 403
    )
    assert (
        login(client, "wirral-provider")
        .post(WIRRAL_DIABETES, {"action": "choose-peers"})
        .status_code
        == 404
    )


def test_dementia_page_shows_an_illustrative_diagnosis_gap_and_projection(client, demo):
    response = login(client, "wirral-commissioner").get(WIRRAL_DEMENTIA)
    page = text(response)
    assert "reference rates are illustrative" in page
    assert "Diagnosis rate" in page
    assert "people die at England and Wales rates" in page
    assert 'data-chart-spec="projection-spec"' in response.content.decode()


def test_the_dementia_projection_lets_people_die(client, demo):
    """Issue 24: with nobody dying, Wirral's expected dementia grew from about 4,200 to 11,400
    in ten years. With deaths, an ageing list still grows, but by a fraction of that."""
    response = login(client, "wirral-commissioner").get(WIRRAL_DEMENTIA)
    rows = response.context["projection"]["rows"]
    first, last = (int(r["expected"].replace(",", "")) for r in (rows[0], rows[-1]))
    assert len(rows) == 11
    assert 1.0 < last / first < 1.6


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


# ------------------------------------------------- standardised rates worked out by hand
#
# Minitown's registers by age band and sex (one sex, two bands, to keep the sums short):
#   practice          0-64: patients, register    65+: patients, register
#   Tiny Surgery           300, 1                      100, 2
#   Big Health Centre    8,000, 160                  2,000, 452
#   Middle Practice      3,700, 79                   1,300, 184
#   Minitown            12,000, 240 (2%)             3,400, 638 (18.7647%)
# ESP2013 weights: 0-64 = 80,500, 65+ = 19,500 (of 100,000), so the DSR per 100,000 is
# 80,500 × 0.02 + 19,500 × 638 / 3,400 = 1,610 + 3,659.12 = 5,269.1.

BANDS = {
    "Z00001": {"0-64": (300, 1), "65+": (100, 2)},
    "Z00002": {"0-64": (8_000, 160), "65+": (2_000, 452)},
    "Z00003": {"0-64": (3_700, 79), "65+": (1_300, 184)},
}
PERIOD = dt.date(2011, 3, 31)


def add_populations(code: str, bands: dict[str, tuple[int, int]], *, registers: bool = True):
    from commissioning.store.models import (
        AgeSexRegister,
        Condition,
        Organisation,
        PracticePopulation,
    )

    org = Organisation.objects.get(ods_code=code)
    for band, (patients, register) in bands.items():
        PracticePopulation.objects.create(
            organisation=org, date=dt.date(2011, 1, 1), age_band=band, sex="female", count=patients
        )
        if registers:
            AgeSexRegister.objects.create(
                organisation=org,
                condition=Condition.objects.get(slug="diabetes"),
                period_end=PERIOD,
                age_band=band,
                sex="female",
                register_size=register,
            )


def test_the_standardised_rate_shown_is_the_engines_and_the_hand_worked_one(client, small_world):
    from commissioning.analytics.needs import dsr

    for code, bands in BANDS.items():
        add_populations(code, bands)
    client.force_login(small_world)
    html = client.get("/communities/minitown/needs/diabetes/").content.decode()
    value, ci = dsr_cells(html, "community")
    assert value == "5,269.1"
    table = pd.DataFrame(
        [
            {"unit": "minitown", "age_band": band, "sex": "female", "population": n, "cases": r}
            for bands in BANDS.values()
            for band, (n, r) in bands.items()
        ]
    )
    engine = dsr(table).iloc[0]
    assert engine["dsr"] == pytest.approx(1_610 + 19_500 * 638 / 3_400)
    assert value == f"{engine['dsr']:,.1f}"
    assert ci == f"{engine['dsr_lower']:,.1f} to {engine['dsr_upper']:,.1f}"
    # Minitown is the only area, so the stand-in is Minitown itself, labelled as not England
    standin = re.search(r'data-dsr="england">(.*?)</tr>', html, re.S).group(1)
    assert "the only area" in standin and "(not England)" in standin and "5,269.1" in standin


def test_without_registers_by_age_the_page_says_so_and_gives_the_indirect_ratio(
    client, small_world
):
    """Another area holds registers by age and sex: 0-64 300 of 20,000 (1.5%), 65+ 1,000 of
    5,000 (20%). Minitown's patients would then have 12,000 × 1.5% + 3,400 × 20% = 860 on the
    register; it has 878, a ratio of 1.02."""
    from commissioning.store.models import Condition, ConditionRegister, Organisation

    for code, bands in BANDS.items():
        add_populations(code, bands, registers=False)
    Organisation.objects.create(ods_code="ZZ9", name="Othertown sub-ICB", kind="sub_icb")
    ConditionRegister.objects.create(
        organisation=Organisation.objects.get(ods_code="ZZ9"),
        condition=Condition.objects.get(slug="diabetes"),
        period_end=PERIOD,
        register_size=1_300,
        list_size=25_000,
    )
    add_populations("ZZ9", {"0-64": (20_000, 300), "65+": (5_000, 1_000)})
    client.force_login(small_world)
    response = client.get("/communities/minitown/needs/diabetes/")
    page = text(response)
    assert "Standardised rates need the register by age band and sex" in page
    assert 'data-dsr="community"' not in response.content.decode()
    ratio = re.search(r'data-cell="isr">(.*?)</dd>', response.content.decode(), re.S).group(1)
    assert ratio.startswith(f"{878 / 860:.2f} ")  # 1.02
    assert "Expected from the other areas' rates" in page and "860" in page


def test_with_no_registers_by_age_anywhere_the_page_says_plainly_none_can_be_worked_out(
    client, small_world
):
    client.force_login(small_world)
    page = text(client.get("/communities/minitown/needs/diabetes/"))
    assert "Standardised rates need the register by age band and sex" in page
    assert "no indirectly standardised ratio can be shown" in page


def test_a_published_england_figure_is_shown_when_imported(client, small_world):
    from commissioning.store.models import Indicator, Observation, Organisation

    england = Organisation.objects.create(ods_code="E92000001", name="England", kind="region")
    indicator = Indicator.objects.create(
        code="FINGERTIPS-241",
        name="Diabetes: QOF prevalence (17+)",
        domain="outcome",
        unit="%",
        polarity="neutral",
        frequency="annual",
    )
    Observation.objects.create(
        indicator=indicator,
        organisation=england,
        period=dt.date(2010, 4, 1),
        value=5.46,
        lower=5.45,
        upper=5.47,
        numerator=2_456_000,
        denominator=44_980_000,
    )
    client.force_login(small_world)
    html = client.get("/communities/minitown/needs/diabetes/").content.decode()
    row = re.search(r'data-area="england">(.*?)</tr>', html, re.S).group(1)
    assert "England (published, OHID Fingertips)" in row and "5.46%" in row
    assert "5.45% to 5.47%" in row
    assert "(not England)" in re.search(r'data-area="standin">(.*?)</tr>', html, re.S).group(1)


def test_peers_cannot_be_chosen_from_one_area_and_the_page_says_why(client, small_world):
    client.force_login(small_world)
    page = text(client.get("/communities/minitown/needs/diabetes/"))
    assert "No peer group is stored for Minitown CCG yet" in page
    response = client.post("/communities/minitown/needs/diabetes/", {"action": "choose-peers"})
    assert response.status_code == 400
    assert "Peers could not be chosen: Minitown does not have all of" in text(response)


def test_registers_by_age_for_only_some_practices_give_no_rate_and_are_not_a_reference(
    client, small_world
):
    """Tiny Surgery's register is held only as a count: no standardised rate for Minitown, and
    its other practices' age-sex registers do not leak into the reference (still 860 expected)."""
    from commissioning.store.models import Condition, ConditionRegister, Organisation

    for code, bands in BANDS.items():
        add_populations(code, bands, registers=code != "Z00001")
    other = Organisation.objects.create(ods_code="ZZ9", name="Othertown sub-ICB", kind="sub_icb")
    ConditionRegister.objects.create(
        organisation=other,
        condition=Condition.objects.get(slug="diabetes"),
        period_end=PERIOD,
        register_size=1_300,
        list_size=25_000,
    )
    add_populations("ZZ9", {"0-64": (20_000, 300), "65+": (5_000, 1_000)})
    client.force_login(small_world)
    response = client.get("/communities/minitown/needs/diabetes/")
    assert "but not all of them" in text(response)
    assert 'data-dsr="community"' not in response.content.decode()
    ratio = re.search(r'data-cell="isr">(.*?)</dd>', response.content.decode(), re.S).group(1)
    assert ratio.startswith(f"{878 / 860:.2f} ")
    assert "of the 1 area held here" in text(response)


def test_a_closed_cohort_of_the_very_old_shrinks_each_year():
    """What was wrong before (issue 24): projected people never died, so a projection's oldest
    band only grew."""
    from commissioning.analytics.needs import mortality
    from commissioning.needs.presenter import age_forward

    pop = pd.DataFrame(
        {
            "unit": "x",
            "age_band": ["85-89", "90+"],
            "sex": ["male", "male"],
            "population": [0.0, 1000.0],
        }
    )
    aged = age_forward(pop, 3)
    top = aged[aged["age_band"] == "90+"].sort_values("offset")["population"].tolist()
    survival = mortality.band_survival(90, None, "male")
    assert top == pytest.approx([1000 * survival**k for k in range(4)])

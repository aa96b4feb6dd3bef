"""What the synthetic demo holds: the checks a demanding reviewer would make of its content.

All tests read the session-wide demo (built once by the ``demo`` fixture in tests/conftest.py).
The calibration to the field study is tested in test_demo_calibration.py, the present-day
community in test_demo_present.py.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal

import numpy as np
import pytest
from django.db.models import Sum

from commissioning.store.models import (
    Activity,
    CommissioningCommunity,
    ConditionRegister,
    Contract,
    IncentiveScheme,
    Indicator,
    Observation,
    Organisation,
    OrganisationalChange,
    Participation,
    Person,
    PracticePopulation,
    Profile,
    Relationship,
    Service,
    ServiceDevelopment,
    Spend,
)

D = dt.date
pytestmark = pytest.mark.usefixtures("demo", "db")

MAIN = {
    "diabetes-strategic-plan": "calderdale",
    "dementia-transformation": "calderdale",
    "diabetes-redesign": "somerset",
    "stroke-esd": "somerset",
    "diabetic-podiatry-review": "wirral",
    "memory-assessment-service": "wirral",
}
# Registered patients and practices in each real area around 2011 (docs/guide/demo.md).
SIZES = {"calderdale": (212_600, 28), "somerset": (520_000, 76), "wirral": (330_000, 56)}


MID = D(2011, 1, 1)


def practices_of(code: str, on: dt.date = MID):
    community = CommissioningCommunity.objects.get(code=code)
    return Organisation.objects.filter(
        kind="gp_practice",
        parent_links__parent=community.commissioner,
        parent_links__relationship=Relationship.COMMISSIONED_BY,
    ).exclude(valid_to__lt=on)


# --- Communities, commissioners and practices ---------------------------------------------------


def test_three_synthetic_communities_modelled_on_the_real_areas_and_one_of_today():
    communities = {c.code: c for c in CommissioningCommunity.objects.all()}
    assert set(communities) == {"calderdale", "somerset", "wirral", "mereshire"}
    assert all(c.synthetic for c in communities.values())
    assert {c.code: c.commissioner.ods_code for c in communities.values()} == {
        "calderdale": "5J6",
        "somerset": "5QL",
        "wirral": "5NK",
        "mereshire": "Y9Q01",
    }
    for c in communities.values():
        assert "synthetic" in c.description.lower()


def test_every_organisation_and_person_is_flagged_synthetic():
    assert not Organisation.objects.filter(synthetic=False).exists()
    assert not Person.objects.filter(synthetic=False).exists()
    assert Person.objects.count() > 60


def test_commissioner_history_pct_to_ccg_to_icb():
    for pct, ccg, icb in (("5J6", "02T", "QWO"), ("5QL", "11X", "QSL"), ("5NK", "12F", "QYG")):
        p = Organisation.objects.get(ods_code=pct)
        assert p.kind == "pct" and p.valid_to == D(2013, 3, 31)
        assert p.successor.ods_code == ccg
        assert p.successor.valid_from == D(2013, 4, 1)
        assert p.successor.valid_to == D(2022, 6, 30)
        assert p.successor.successor.ods_code == icb
        assert p.successor.successor.valid_from == D(2022, 7, 1)


def test_practices_have_synthetic_codes_and_dated_commissioner_links():
    for code, (_, count) in SIZES.items():
        practices = list(practices_of(code))
        assert len(practices) == count
        for practice in practices[:5]:
            assert practice.ods_code.startswith("Y9") and len(practice.ods_code) == 6
            assert practice.parent_on(D(2011, 6, 1), "commissioner").kind == "pct"
            assert practice.parent_on(D(2015, 6, 1), "commissioner").kind == "ccg"
            assert practice.parent_on(D(2023, 6, 1), "commissioner").kind == "icb"


def test_a_closed_practice_keeps_its_history_and_names_its_successor():
    closed = Organisation.objects.filter(kind="gp_practice", valid_to__isnull=False)
    assert closed.count() == 2  # one in Wirral (2011), one in Mereshire (2023)
    for practice in closed:
        assert practice.successor is not None and practice.successor.kind == "gp_practice"
        dates = set(
            PracticePopulation.objects.filter(organisation=practice).values_list("date", flat=True)
        )
        assert max(dates) <= practice.valid_to


def test_registered_populations_match_the_real_areas_within_two_percent():
    for code, (registered, _) in SIZES.items():
        total = PracticePopulation.objects.filter(
            organisation__in=practices_of(code), date=D(2011, 1, 1)
        ).aggregate(n=Sum("count"))["n"]
        assert abs(total - registered) / registered < 0.02, (code, total)


def test_populations_have_19_age_bands_by_sex_each_year():
    practice = practices_of("wirral").first()
    rows = PracticePopulation.objects.filter(organisation=practice)
    assert rows.values("date").distinct().count() == 5
    assert rows.filter(date=D(2012, 1, 1)).count() == 38
    bands = set(rows.values_list("age_band", flat=True))
    assert {"0-4", "85-89", "90+"} <= bands and len(bands) == 19


def _shares(code):
    rows = PracticePopulation.objects.filter(
        organisation__in=practices_of(code), date=D(2011, 1, 1)
    ).values_list("age_band", "sex", "count")
    by_band, by_sex = Counter(), Counter()
    for band, sex, n in rows:
        by_band[band] += n
        if band == "90+":
            by_sex[sex] += n
    total = sum(by_band.values())
    old = sum(
        v for k, v in by_band.items() if k in ("65-69", "70-74", "75-79", "80-84", "85-89", "90+")
    )
    return by_band["0-4"] / total, old / total, by_sex


def test_age_structure_is_plausibly_english_and_somerset_is_older():
    young, old, nineties = _shares("calderdale")
    assert 0.05 < young < 0.075
    assert 0.13 < old < 0.20  # England: about 16% aged 65 and over in 2011
    assert nineties["female"] > 2 * nineties["male"]
    assert _shares("somerset")[1] > old


# --- Condition registers ------------------------------------------------------------------------


def _registers(code, slug, year):
    return list(
        ConditionRegister.objects.filter(
            organisation__in=practices_of(code, D(year, 1, 1)),
            condition__slug=slug,
            period_end=D(year, 3, 31),
        ).values_list("register_size", "list_size")
    )


@pytest.mark.parametrize(
    "slug, low, high",
    [("diabetes", 4.8, 7.0), ("dementia", 0.4, 0.9), ("stroke-tia", 1.4, 2.3)],
)
def test_recorded_prevalence_is_near_england(slug, low, high):
    for code in SIZES:
        rows = _registers(code, slug, 2011)
        prevalence = 100 * sum(r for r, _ in rows) / sum(n for _, n in rows)
        assert low < prevalence < high, (code, slug, prevalence)


def test_diabetes_prevalence_rises_year_on_year():
    for code in SIZES:
        series = []
        for year in (2009, 2011, 2013):
            rows = _registers(code, "diabetes", year)
            series.append(sum(r for r, _ in rows) / sum(n for _, n in rows))
        assert series == sorted(series)


def test_practices_vary_more_than_chance_and_some_stand_out():
    """Over-dispersion: the spread of practice prevalence is well beyond binomial noise, and at
    least one practice lies outside the 99.8% funnel limits (|z| > 3.09)."""
    outliers = 0
    for code in SIZES:
        rows = np.array(_registers(code, "diabetes", 2012), dtype=float)
        p = rows[:, 0].sum() / rows[:, 1].sum()
        z = (rows[:, 0] / rows[:, 1] - p) / np.sqrt(p * (1 - p) / rows[:, 1])
        assert (z**2).mean() > 3, code  # a dispersion ratio of 1 would be pure chance
        outliers += int((np.abs(z) > 3.09).sum())
    assert outliers >= 2


def test_dementia_diagnosis_rate_from_registers_is_about_forty_to_fifty_percent():
    """All ages against the Dementia UK estimate, as in 2011 (UK 40%; 46% in 2012)."""
    obs = Observation.objects.filter(indicator__code="PCT_DEM_DX", period=D(2011, 3, 1))
    values = [o.value for o in obs]
    assert len(values) == 3
    assert all(35 < v < 55 for v in values)


# --- Providers, services, contracts, spend ------------------------------------------------------


def test_each_community_has_the_kinds_of_provider_and_services_for_three_conditions():
    for code in SIZES:
        community = CommissioningCommunity.objects.get(code=code)
        kinds = set(community.members.values_list("kind", flat=True))
        assert {
            "acute_trust",
            "community_trust",  # the PCT's provider arm, and in Wirral the trust after it
            "mental_health_trust",
            "voluntary",
            "local_authority",
            "gp_practice",
            "ccg",
        } <= kinds
        services = Service.objects.filter(community=community)
        conditions = set(services.values_list("conditions__slug", flat=True))
        assert conditions == {"diabetes", "dementia", "stroke-tia"}
        assert services.filter(last_reviewed__isnull=False).count() == services.count()
        assert services.exclude(tier="").exists()


def test_payment_forms_and_procurement_routes_follow_the_period():
    contracts = Contract.objects.filter(community__code__in=SIZES).select_related("provider")
    for c in contracts:
        if c.provider.kind == "acute_trust" and "Acute services" in c.title:
            assert c.payment_form == "activity"  # Payment by Results
        if c.provider.kind == "mental_health_trust" and "Mental health" in c.title:
            assert c.payment_form == "block"
    forms = Counter(contracts.values_list("payment_form", flat=True))
    routes = Counter(contracts.values_list("procurement_route", flat=True))
    assert forms["cost_and_volume"] == 1
    assert forms["api"] == 0  # aligned payment and incentive came in 2022
    assert routes["tendered"] == 1
    assert routes["rolled_over"] > len(contracts) / 2
    for code in SIZES:
        assert contracts.filter(community__code=code).count() >= 6


def test_cquin_is_half_a_percent_in_2009_one_and_a_half_in_2010_and_1_25_in_2022():
    schemes = IncentiveScheme.objects.select_related("contract")
    assert schemes.count() >= 12
    for s in schemes:
        assert s.scheme == "CQUIN"
        expected = {2009: Decimal("0.5"), 2010: Decimal("1.5"), 2022: Decimal("1.25")}[
            s.financial_year
        ]
        assert s.percent == expected
        assert s.value == (s.contract.annual_value * expected / 100).quantize(Decimal("1"))


def test_spend_covers_each_year_a_service_ran_and_none_after_decommissioning():
    for service in Service.objects.select_related("community"):
        years = set(Spend.objects.filter(service=service).values_list("financial_year", flat=True))
        assert years, service
        era = (2021, 2025) if service.community.code == "mereshire" else (2008, 2012)
        first = (
            era[0]
            if service.start_date is None
            else max(era[0], service.start_date.year - (service.start_date.month < 4))
        )
        last = (
            era[1]
            if service.end_date is None
            else service.end_date.year - (service.end_date.month < 4)
        )
        assert years == set(range(first, last + 1)), service
    old = Service.objects.get(community__code="wirral", name="Memory clinic")
    new = Service.objects.get(community__code="wirral", name="Memory assessment service")
    assert new.start_date == D(2010, 10, 1) and new.provider.kind == "mental_health_trust"
    assert old.end_date == D(2010, 9, 30)
    amounts = Spend.objects.filter(service__community__code="somerset").values_list(
        "amount", flat=True
    )
    assert min(amounts) > 10_000 and max(amounts) < 10_000_000


# --- People -------------------------------------------------------------------------------------


def test_each_community_has_people_of_every_role_with_clinicians_flagged():
    for code in SIZES:
        people = Person.objects.filter(communities__code=code)
        roles = set(people.values_list("role_type", flat=True))
        assert len(roles) == 11
        for p in people:
            assert p.is_clinician == (p.role_type in {"gp", "consultant", "specialist_nurse"})
        assert people.filter(is_clinician=True).count() >= 5
        doctors = people.filter(role_type__in=["gp", "consultant"])
        assert all(p.name.startswith("Dr ") for p in doctors)


# --- Developments -------------------------------------------------------------------------------


def test_the_six_developments_belong_to_the_right_communities():
    found = dict(
        ServiceDevelopment.objects.filter(slug__in=MAIN).values_list("slug", "community__code")
    )
    assert found == MAIN


def test_small_tasks_sit_inside_the_calderdale_diabetes_plan():
    plan = ServiceDevelopment.objects.get(slug="diabetes-strategic-plan")
    children = set(plan.children.values_list("slug", flat=True))
    assert children == {"insulin-initiation", "structured-education"}
    assert all(c.size_of_change == "incremental" for c in plan.children.all())


def test_developments_have_dates_drivers_and_go_live_inside_their_life():
    for dev in ServiceDevelopment.objects.all():
        assert dev.status and dev.size_of_change
        assert dev.start_date <= dev.go_live_date <= dev.end_date
        assert dev.drivers.exists()
        assert dev.conditions.exists() and dev.services.exists()
    wirral = ServiceDevelopment.objects.get(slug="memory-assessment-service")
    assert wirral.go_live_date == D(2010, 10, 1)
    titles = set(wirral.drivers.values_list("title", "year", "issuer"))
    assert (
        "Living well with dementia: a National Dementia Strategy",
        2009,
        "Department of Health",
    ) in titles


def test_objectives_are_measurable_except_the_one_left_vague():
    vague = []
    for dev in ServiceDevelopment.objects.all():
        objectives = list(dev.objectives.all())
        assert objectives, dev
        if not any(o.is_measurable for o in objectives):
            vague.append(dev.slug)
        for o in objectives:
            if o.is_measurable:
                assert o.baseline_value is not None
                assert dev.start_date < o.target_date
    assert vague == ["diabetic-podiatry-review"]


# --- Activities ---------------------------------------------------------------------------------


def test_each_development_has_months_of_activity():
    for slug in MAIN:
        acts = Activity.objects.filter(development__slug=slug)
        assert 80 <= acts.count() <= 200, slug
        dates = sorted(acts.values_list("date", flat=True))
        assert (dates[-1] - dates[0]).days >= 540, slug


def test_stages_overlap_in_time_for_every_development():
    """Some activity of one stage falls between the first and last activity of another."""
    for dev in ServiceDevelopment.objects.all():
        by_stage = defaultdict(list)
        for activity in Activity.objects.filter(development=dev).prefetch_related("stages"):
            stages = list(activity.stages.all())
            assert 1 <= len(stages) <= 3
            for stage in stages:
                by_stage[stage.code].append(activity.date)
        assert len(by_stage) >= 3, dev.slug
        overlapping = {
            (a, b)
            for a in by_stage
            for b in by_stage
            if a != b and any(min(by_stage[a]) < d < max(by_stage[a]) for d in by_stage[b])
        }
        assert overlapping, dev.slug
        # Not a fixed sequence: in the six main developments monitoring starts before planning
        # has finished.
        if dev.slug in MAIN:
            assert min(by_stage["monitoring"]) < max(by_stage["planning"]), dev.slug


def test_hours_add_up_and_are_sensible():
    for dev in ServiceDevelopment.objects.all():
        total = Participation.objects.filter(activity__development=dev).aggregate(h=Sum("hours"))[
            "h"
        ]
        by_activity = sum(
            (sum((p.hours for p in a.participations.all()), Decimal(0)))
            for a in Activity.objects.filter(development=dev).prefetch_related("participations")
        )
        assert total == by_activity > 0
    hours = list(Participation.objects.values_list("hours", flat=True))
    assert min(hours) >= Decimal("0.5") and max(hours) <= Decimal("60")
    assert all(h * 2 == int(h * 2) for h in hours)
    # Nobody gives more than a working day to a meeting.
    meetings = Participation.objects.filter(activity__kind__in=["meeting", "negotiation"])
    assert max(meetings.values_list("hours", flat=True)) <= Decimal("7.5")


def test_many_kinds_of_people_take_part_and_clinicians_are_among_them():
    for slug in MAIN:
        roles = set(
            Participation.objects.filter(activity__development__slug=slug).values_list(
                "person__role_type", flat=True
            )
        )
        assert len(roles) >= 9, (slug, roles)
        assert roles & {"gp", "consultant", "specialist_nurse"}
        assert (
            Activity.objects.filter(development__slug=slug, participants__isnull=True).count() == 0
        )


def test_people_only_work_in_their_own_community():
    for activity in Activity.objects.prefetch_related("participants__communities")[:300]:
        for person in activity.participants.all():
            assert activity.community in person.communities.all()


def test_the_contract_round_runs_outside_any_development():
    for code in SIZES:
        rounds = Activity.objects.filter(community__code=code, development__isnull=True)
        assert rounds.count() >= 150
        assert set(rounds.values_list("stages__code", flat=True)) <= {
            "procurement",
            "monitoring",
            "planning",  # commissioning intentions
        }
        kinds = Counter(rounds.values_list("kind", flat=True))
        assert kinds["negotiation"] >= 20 and kinds["monitoring_review"] >= 100


def test_organisational_changes_give_context():
    for code in [*SIZES, "mereshire"]:
        kinds = set(
            OrganisationalChange.objects.filter(community__code=code).values_list("kind", flat=True)
        )
        assert {"policy", "restructure", "staff_loss"} <= kinds


# --- Indicators and observations ----------------------------------------------------------------


def test_indicators_are_fully_defined():
    for ind in Indicator.objects.all():
        assert ind.name and ind.unit and ind.numerator and ind.source
        assert ind.polarity in {"higher_better", "lower_better", "neutral"}
        assert ind.conditions.exists()
    assert Indicator.objects.get(code="PCT_MEM_WAIT").polarity == "lower_better"


def test_every_monthly_series_runs_while_its_subject_does_and_the_total_stays_small():
    assert Observation.objects.count() < 100_000
    monthly = Observation.objects.filter(indicator__frequency="monthly")
    series = Counter(monthly.values_list("indicator__code", "organisation_id", "service_id"))
    assert len(series) >= 60
    assert max(series.values()) == 60
    # The commissioners' own series cover the whole five years of their era.
    study = monthly.filter(organisation__kind="pct")
    periods = study.values_list("period", flat=True)
    assert min(periods) == D(2008, 4, 1) and max(periods) == D(2013, 3, 1)
    assert set(Counter(study.values_list("indicator__code", "organisation_id")).values()) == {60}
    today = monthly.filter(organisation__kind__in=["icb", "sub_icb"])
    periods = today.values_list("period", flat=True)
    assert min(periods) == D(2021, 4, 1) and max(periods) == D(2026, 3, 1)


def test_percentages_have_numerators_no_larger_than_denominators():
    for o in Observation.objects.filter(indicator__unit="%")[:3000]:
        assert 0 <= o.numerator <= o.denominator
        assert o.value == pytest.approx(100 * o.numerator / o.denominator, abs=0.01)


def _series(code, community, service=None):
    qs = Observation.objects.filter(indicator__code=code)
    if service:
        qs = qs.filter(service__community__code=community, service__name=service)
    else:
        qs = qs.filter(organisation__led_communities__code=community)
    return dict(qs.values_list("period", "value"))


@pytest.mark.parametrize(
    "indicator, community, service, go_live, better",
    [
        ("PCT_DEM_DX", "wirral", None, D(2010, 10, 1), "higher"),
        ("PCT_MEM_WAIT", "wirral", None, D(2010, 10, 1), "lower"),
        ("PCT_MEM_WAIT", "calderdale", None, D(2011, 4, 1), "lower"),
        ("PCT_STROKE_ESD", "somerset", None, D(2011, 4, 1), "higher"),
        ("PCT_STROKE_LOS", "somerset", None, D(2011, 4, 1), "lower"),
        ("DM_HBA1C59", "somerset", None, D(2011, 7, 1), "higher"),
        ("PCT_DM_FOOT_DAYS", "wirral", "Diabetic podiatry", D(2011, 9, 1), "lower"),
        ("DM_8CP", "mereshire", None, D(2023, 4, 1), "higher"),
        ("STROKE_ESD", "mereshire", None, D(2023, 10, 1), "higher"),
        ("MEM_WAIT", "mereshire", "Memory assessment service", D(2023, 10, 1), "lower"),
    ],
)
def test_series_step_change_after_go_live(indicator, community, service, go_live, better):
    """Mean of the year before go-live against months 7-18 after it: a clear improvement."""
    values = _series(indicator, community, service)
    months = {p: (p.year - go_live.year) * 12 + p.month - go_live.month for p in values}
    before = [v for p, v in values.items() if -12 <= months[p] < 0]
    after = [v for p, v in values.items() if 6 <= months[p] < 18]
    assert len(before) == 12 and len(after) == 12
    change = np.mean(after) - np.mean(before)
    spread = np.std(before)
    if better == "higher":
        assert change > 2 * spread
    else:
        assert change < -2 * spread


def test_a_comparison_community_without_the_change_stays_flat():
    values = _series("PCT_STROKE_ESD", "wirral")
    before = [v for p, v in values.items() if p < D(2011, 4, 1)]
    after = [v for p, v in values.items() if p >= D(2011, 10, 1)]
    assert abs(np.mean(after) - np.mean(before)) < 5


def test_admissions_peak_in_winter():
    for code, indicator in [(c, "PCT_ACSC_EMERG") for c in SIZES] + [("mereshire", "ACSC_EMERG")]:
        values = _series(indicator, code)
        winter = [v for p, v in values.items() if p.month in (12, 1, 2)]
        summer = [v for p, v in values.items() if p.month in (6, 7, 8)]
        assert np.mean(winter) > 1.1 * np.mean(summer)


def test_targets_come_with_objectives():
    esd = Observation.objects.filter(
        indicator__code="PCT_STROKE_ESD", organisation__led_communities__code="somerset"
    )
    assert set(esd.values_list("target", flat=True)) == {30.0}
    assert not Observation.objects.filter(
        indicator__code__in=["ACSC_EMERG", "PCT_ACSC_EMERG"], target__isnull=False
    ).exists()


# --- Logins -------------------------------------------------------------------------------------


def test_logins_per_community_and_an_administrator(demo):
    by_name = {x.username: x for x in demo.logins}
    assert by_name["admin"].role == "admin" and by_name["admin"].community is None
    for code in [*SIZES, "mereshire"]:
        for role in ("commissioner", "provider", "viewer"):
            login = by_name[f"{code}-{role}"]
            assert (login.role, login.community) == (role, code)
            profile = Profile.objects.get(user__username=login.username)
            assert profile.role == role and profile.community.code == code
            if role == "provider":
                assert profile.organisation.services_provided.filter(community__code=code).exists()
            else:
                assert profile.organisation is None
    admin = Profile.objects.get(user__username="admin")
    assert admin.user.is_superuser and admin.user.is_staff and admin.community is None


def test_logins_of_each_role_can_sign_in(demo, client):
    chosen = {"admin", "calderdale-commissioner", "somerset-provider", "wirral-viewer"}
    for login in (x for x in demo.logins if x.username in chosen):
        signed = client.post("/login/", {"username": login.username, "password": login.password})
        assert signed.status_code == 302, login.username  # through the one sign-in page
        client.logout()
    wrong = client.post("/login/", {"username": "admin", "password": "wrong"})
    assert wrong.status_code == 200 and "_auth_user_id" not in client.session

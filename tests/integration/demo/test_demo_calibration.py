"""The demo read against the field study (shared/domain/study.md, "What the demo should therefore
show"): every figure is worked out from the demo database, never from the builder's constants.

Each test names the study's finding it holds the demo to; docs/guide/demo.md lists the targets,
their source sentences and the demo's figures.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from decimal import Decimal

import pytest
from django.db.models import Sum

from commissioning.provider_selection.standstill import is_working_day
from commissioning.store.models import (
    Activity,
    CommissioningCommunity,
    Contract,
    IncentiveScheme,
    Observation,
    OrganisationalChange,
    Participation,
    Service,
    ServiceDevelopment,
    Spend,
)

D = dt.date
pytestmark = pytest.mark.usefixtures("demo", "db")

STUDY = ["calderdale", "somerset", "wirral"]
# Organisations that provide care (trusts, the voluntary sector, independent providers); GPs'
# practices and the commissioners are counted apart.
PROVIDERS = {"acute_trust", "community_trust", "mental_health_trust", "voluntary", "independent"}
STUDY_YEARS = range(2008, 2013)  # financial years 2008/09 to 2012/13


def hours(**filters) -> Decimal:
    return Participation.objects.filter(**filters).aggregate(h=Sum("hours"))["h"] or Decimal(0)


# --- "Response rate 21% overall, 44% in Calderdale (the other two sites far lower)" -------------


def test_influence_survey_response_rates_are_the_studys():
    from commissioning.networks.models import Survey

    answered, invited = Counter(), Counter()
    for survey in Survey.objects.filter(community__code__in=STUDY):
        code = survey.community.code
        invited[code] = survey.respondents.count()
        answered[code] = survey.respondents.filter(responded_at__isnull=False).count()
    overall = sum(answered.values()) / sum(invited.values())
    assert overall == pytest.approx(0.21, abs=0.015)
    assert answered["calderdale"] / invited["calderdale"] == pytest.approx(0.44, abs=0.03)
    for code in ("somerset", "wirral"):
        assert answered[code] / invited[code] < 0.2, code


# --- "Most spending on the services studied was absorbed in block contracts" ------------------


def _spend_by_payment_form(code: str) -> dict[str, Decimal]:
    """Each year's spend on each service, by the payment form of the contract covering the
    service in the middle of that year."""
    out: dict[str, Decimal] = defaultdict(Decimal)
    for spend in Spend.objects.filter(service__community__code=code).select_related("service"):
        middle = D(spend.financial_year, 10, 1)
        contract = spend.service.contracts.filter(
            start_date__lte=middle, end_date__gte=middle
        ).first()
        out[contract.payment_form if contract else "no contract"] += spend.amount
    return out


@pytest.mark.parametrize("code", STUDY)
def test_most_of_the_studied_services_spend_is_in_block_contracts(code):
    forms = _spend_by_payment_form(code)
    total = sum(forms.values())
    assert forms["no contract"] == 0
    assert forms["block"] / total > Decimal("0.55"), {k: v / total for k, v in forms.items()}
    assert forms["block"] > forms["activity"] + forms["cost_and_volume"]


def test_incentive_schemes_are_small():
    """CQUIN: 0.5% of contract value in 2009/10 and 1.5% in 2010/11, small beside the blocks."""
    for code in STUDY:
        for year in STUDY_YEARS:
            cquin = IncentiveScheme.objects.filter(
                contract__community__code=code, financial_year=year
            ).aggregate(v=Sum("value"))["v"] or Decimal(0)
            live = Contract.objects.filter(
                community__code=code,
                start_date__lte=D(year, 10, 1),
                end_date__gte=D(year, 10, 1),
            ).aggregate(v=Sum("annual_value"))["v"]
            assert cquin <= live * Decimal("0.015"), (code, year)


# --- "An extraordinary amount of effort", technical and relational --------------------------


@pytest.mark.parametrize("code", STUDY)
def test_the_labour_looks_extraordinary_beside_the_gains(code):
    acts = Activity.objects.filter(community__code=code)
    total = hours(activity__community__code=code)
    assert total > 4_000  # more than two full-time years of work over the study's years
    people = Participation.objects.filter(activity__community__code=code)
    assert people.values("person").distinct().count() >= 35
    kinds = Counter(acts.values_list("kind", flat=True))
    assert kinds["meeting"] >= 120 and kinds["document"] >= 20
    relational = hours(activity__community__code=code, activity__nature="relational")
    assert relational / total > Decimal("0.5")  # "commissioning was largely relational"
    for dev in ServiceDevelopment.objects.filter(community__code=code, parent=None):
        dev_hours = hours(activity__development__in=[dev, *dev.children.all()])
        assert dev_hours > 1_200, dev.slug
        dates = list(dev.activities.values_list("date", flat=True))
        assert (max(dates) - min(dates)).days > 540, dev.slug
    # The annual contract round on top of the developments.
    assert hours(activity__community__code=code, activity__development=None) > 1_500


def test_documents_take_realistic_time():
    authors = []
    for activity in Activity.objects.filter(
        community__code__in=STUDY, kind="document"
    ).prefetch_related("participations"):
        first = min(activity.participations.all(), key=lambda p: -p.hours)
        authors.append((activity.title, first.hours))
    by_kind = defaultdict(list)
    for title, h in authors:
        kind = next((k for k in ("Business case", "specification") if k in title), "other")
        by_kind[kind].append(h)
    assert min(by_kind["Business case"]) >= 24
    assert min(h for h in by_kind["specification"]) >= 6
    assert sorted(h for _, h in authors)[len(authors) // 2] >= 8  # the median document


# --- "Providers often played a significant role in identifying needs and designing new models
# of care"; "their contribution varied by stage" ---------------------------------------------


@pytest.mark.parametrize("code", STUDY)
def test_providers_are_prominent_in_needs_identification_and_design(code):
    share = {}
    for stage in ("needs_assessment", "planning", "procurement"):
        all_hours = hours(activity__community__code=code, activity__stages__code=stage)
        theirs = hours(
            activity__community__code=code,
            activity__stages__code=stage,
            person__organisation__kind__in=PROVIDERS,
        )
        share[stage] = theirs / all_hours
    assert share["needs_assessment"] > Decimal("0.3"), share
    assert share["planning"] > Decimal("0.35"), share
    # ... and more there than in contracting, where the commissioner leads.
    assert share["planning"] > share["procurement"]
    # Some needs analyses are the providers' own work (their author is a provider's clinician
    # or manager).
    analyses = Activity.objects.filter(
        community__code=code, kind="analysis", stages__code="needs_assessment"
    ).prefetch_related("participations__person__organisation")
    authored = 0
    for a in analyses:
        author = max(a.participations.all(), key=lambda p: p.hours).person
        authored += bool(author.organisation and author.organisation.kind in PROVIDERS)
    assert authored >= 2


# --- "Little use of tendering, changing provider or decommissioning" --------------------------


def test_little_tendering_and_the_incumbent_keeps_a_tender():
    contracts = Contract.objects.filter(community__code__in=STUDY)
    tendered = contracts.filter(procurement_route="tendered")
    assert tendered.count() <= 1 < contracts.count() / 10
    for contract in tendered:
        earlier = contracts.filter(
            community=contract.community,
            provider=contract.provider,
            start_date__lt=contract.start_date,
        )
        assert earlier.exists(), f"{contract} went to a provider new to the community"
    # Everything else rolled over or was agreed with the provider without a tender.
    others = Counter(contracts.exclude(procurement_route="tendered").values_list(
        "procurement_route", flat=True
    ))  # fmt: skip
    assert others["rolled_over"] > sum(others.values()) / 2


def test_decommissioning_is_rare():
    ended = Service.objects.filter(
        community__code__in=STUDY, end_date__isnull=False, end_date__lt=D(2013, 3, 31)
    )
    assert list(ended.values_list("name", flat=True)) == ["Memory clinic"]  # Wirral, 2010
    total = hours(activity__community__code__in=STUDY)
    decommissioning = hours(
        activity__community__code__in=STUDY, activity__stages__code="decommissioning"
    )
    assert 0 < decommissioning / total < Decimal("0.01")


# --- Work on weekdays; one record of each piece of work ---------------------------------------


def test_no_activity_on_a_weekend_or_a_bank_holiday():
    from commissioning.evidence.models import Evidence
    from commissioning.networks.models import SurveyRespondent

    dates = list(Activity.objects.values_list("date", flat=True))
    dates += list(Evidence.objects.exclude(date=None).values_list("date", flat=True))
    answered = SurveyRespondent.objects.exclude(responded_at=None)
    dates += [r.responded_at.date() for r in answered]
    assert len(dates) > 2_000
    bad = sorted({d for d in dates if not is_working_day(d)})
    assert bad == []
    # 25 December and the royal wedding (29 April 2011) are among the days kept free.
    assert not is_working_day(D(2011, 4, 29)) and not is_working_day(D(2010, 12, 27))


def test_no_activity_is_recorded_twice():
    for community in CommissioningCommunity.objects.all():
        titles = Counter(
            Activity.objects.filter(community=community).values_list("title", flat=True)
        )
        assert [t for t, n in titles.items() if n > 1] == [], community.code
        assert not any(re.search(r"\(\d+\)$", t) for t in titles)
    # A one-off step, such as a board agreeing to take a development forward, happens once.
    agreed = Activity.objects.filter(title__contains="agrees to take forward")
    per_development = Counter(agreed.values_list("development_id", flat=True))
    assert set(per_development.values()) == {1}


def test_technical_or_relational_follows_from_the_kind_of_work():
    kinds = defaultdict(set)
    for kind, nature in Activity.objects.values_list("kind", "nature").distinct():
        kinds[kind].add(nature)
    assert all(len(natures) == 1 for natures in kinds.values()), kinds
    assert kinds["analysis"] == {"technical"} and kinds["document"] == {"technical"}
    assert kinds["meeting"] == {"relational"} and kinds["negotiation"] == {"relational"}
    registers = Activity.objects.filter(title__startswith="Analysis of")
    assert registers.exists() and set(registers.values_list("nature", flat=True)) == {"technical"}


# --- Codes and sources of the time ---------------------------------------------------------------

# What did not exist in 2008-2013: QOF codes from the 2013/14-2014/15 renumbering, the CFAS II
# estimate (2013) behind the 2017 diagnosis-rate method, NICE's NG guidelines (2015 on) and
# recent quality standards, later bodies and collections, and any later year.
LATER = re.compile(
    r"\b(DM0\d\d|DEM00\d|STIA0\d\d|CFAS|NG\d+|QS1\d\d|OHID|NHS Digital|NHS England|"
    r"Primary Care Dementia Data|SSNAP|Sub-ICB|ICB|201[4-9]|202\d)\b"
)


def test_study_series_use_the_codes_and_sources_of_their_time():
    study = Observation.objects.filter(
        organisation__led_communities__code__in=STUDY
    ) | Observation.objects.filter(service__community__code__in=STUDY)
    indicators = {o.indicator for o in study.select_related("indicator")}
    assert len(indicators) >= 15
    for ind in indicators:
        for field in ("name", "numerator", "denominator", "source", "national_driver"):
            found = LATER.search(getattr(ind, field))
            assert found is None, (ind.code, field, found and found.group(0))
        # The National Diabetes Audit was annual.
        if "National Diabetes Audit" in ind.source:
            assert ind.frequency == "annual", ind.code
    # The diagnosis rate of the time: all ages, against the Dementia UK (2007) estimate.
    codes = {i.code for i in indicators}
    assert "PCT_DEM_DX" in codes and "DEM_DX" not in codes and "DM_8CP" not in codes
    # Drivers of the study's developments were published by the time the work ended.
    for dev in ServiceDevelopment.objects.filter(community__code__in=STUDY):
        for driver in dev.drivers.all():
            assert driver.year <= dev.end_date.year, (dev.slug, driver.title)


def test_community_services_contracts_follow_the_change_log():
    """Transforming Community Services moved community services out of the PCTs: until then the
    PCT's own provider arm ran them, after it a trust did, under a contract that starts then."""
    for code in STUDY:
        change = OrganisationalChange.objects.get(
            community__code=code, description__contains="Transforming Community Services"
        )
        arm = change.organisation
        assert "provider arm" in arm.name and arm.valid_to < change.date
        assert arm.successor is not None
        for contract in Contract.objects.filter(community__code=code, provider=arm):
            assert contract.end_date < change.date
        after = Contract.objects.get(community__code=code, title__startswith="Community services")
        assert after.start_date == change.date and after.provider == arm.successor
        assert after.procurement_route == "new"  # transferred, not tendered


# --- Evidence: interviews, meeting notes and documents, coded to the seven themes --------------


def test_evidence_at_the_studys_proportions_and_coded_to_every_theme():
    """The study: 104 semi-structured and 20 telephone tracking interviews, 27 meetings observed
    and over 300 documents; the demo holds about a quarter of that across the three sites."""
    from commissioning.evidence.codebook import THEMES
    from commissioning.evidence.models import Evidence, Passage

    kinds = Counter(
        Evidence.objects.filter(community__code__in=STUDY).values_list("kind", flat=True)
    )
    assert 20 <= kinds["interview"] <= 30
    assert 5 <= kinds["meeting_notes"] <= 9
    assert 60 <= kinds["document"] <= 90
    tracking = Evidence.objects.filter(title__startswith="Telephone tracking interview")
    assert 4 <= tracking.filter(community__code__in=STUDY).count() <= 6
    for code in STUDY:
        themes = set(
            Passage.objects.filter(evidence__community__code=code).values_list(
                "codes__key", flat=True
            )
        )
        assert {key for key, _, _ in THEMES} <= themes, code
        notes = Evidence.objects.filter(community__code=code, kind="meeting_notes")
        assert all(n.activity and n.activity.kind == "meeting" for n in notes)
    for evidence in Evidence.objects.all()[:50]:
        assert evidence.text.startswith("Synthetic demo evidence")
        for p in evidence.passages.all():
            assert evidence.text[p.start : p.end].strip()


def test_evidence_can_be_searched_and_read_in_the_framework_matrix(client):
    from django.contrib.auth import get_user_model

    from commissioning.evidence import search
    from commissioning.evidence.codebook import THEMES, codes_for
    from commissioning.evidence.framework import build
    from commissioning.evidence.models import Evidence

    wirral = Evidence.objects.filter(community__code="wirral")
    hits = search.search("block", wirral)
    assert hits and all(e.community.code == "wirral" for e, _ in hits)
    assert "<mark>" in str(hits[0][1])
    themes = [c for c in codes_for(None) if c.key in {k for k, _, _ in THEMES}]
    matrix = build(wirral, themes)
    assert "New memory assessment service" in matrix.rows
    filled = [cell for _, cells in matrix.table() for cell in cells if cell.passages]
    assert len(filled) >= 10
    client.force_login(get_user_model().objects.get(username="wirral-commissioner"))
    page = client.get("/evidence/wirral/framework/")
    assert page.status_code == 200 and "Review of diabetic podiatry" in page.content.decode()


# --- Patient experience, and charts on every contract ----------------------------------------


def test_patient_experience_of_the_time_is_there():
    for code in STUDY:
        found = Observation.objects.filter(
            organisation__led_communities__code=code, indicator__domain="experience"
        )
        codes = set(found.values_list("indicator__code", flat=True))
        assert codes == {"PCT_GPPS_LTC_SUPPORT", "PCT_GPPS_OVERALL_LTC"}
        assert set(found.values_list("period", flat=True)) == {D(2011, 4, 1), D(2012, 4, 1)}
        source = found.first().indicator.source
        assert "GP Patient Survey" in source


def test_every_contract_has_quality_observations_to_chart():
    for contract in Contract.objects.prefetch_related("services"):
        on_services = Observation.objects.filter(service__in=contract.services.all())
        assert on_services.exclude(indicator__domain__in=["activity"]).exists(), contract
        months = on_services.values("indicator", "service").distinct().count()
        assert months >= 1


# --- The communities differ as the study's narrative tells ------------------------------------


def _relational_reach(code: str) -> tuple[float, float, int]:
    """For the relational work of a community's developments: people per activity, the share
    with the council at the table, and how many brought seven or more kinds of interest together
    (commissioner, practices, acute, community and mental health trusts, voluntary sector,
    council, patients)."""
    acts = Activity.objects.filter(
        community__code=code, nature="relational", development__isnull=False
    ).prefetch_related("participations__person__organisation")
    people = council = wide = 0
    for a in acts:
        parts = list(a.participations.all())
        kinds = {p.person.organisation.kind if p.person.organisation else "patient" for p in parts}
        people += len(parts)
        council += "local_authority" in kinds
        wide += len(kinds) >= 7
    return people / len(acts), council / len(acts), wide


def test_calderdale_convenes_most_somerset_contracts_most_formally_wirral_changed_provider():
    reach = {code: _relational_reach(code) for code in STUDY}
    for other in ("somerset", "wirral"):
        assert reach["calderdale"][0] > 1.15 * reach[other][0], reach
        assert reach["calderdale"][1] > 1.8 * reach[other][1], reach
        assert reach["calderdale"][2] > 3 * max(reach[other][2], 1), reach
    # Formal contracting: the share of hours in procurement steps and contract monitoring.
    formal = {
        code: hours(
            activity__community__code=code,
            activity__kind__in=["procurement", "monitoring_review"],
        )
        / hours(activity__community__code=code)
        for code in STUDY
    }
    assert formal["somerset"] > Decimal("1.2") * max(formal["calderdale"], formal["wirral"])
    notices = Activity.objects.filter(title__contains="Contract query notice")
    assert set(notices.values_list("community__code", flat=True)) == {"somerset"}
    # Wirral changed provider (the memory clinic's work moved to the mental health trust) and
    # handed its dementia work over when the lead moved to the PCT cluster.
    moved = Service.objects.filter(community__code__in=STUDY, end_date__isnull=False)
    assert set(moved.values_list("community__code", flat=True)) == {"wirral"}
    handover = Activity.objects.filter(title__startswith="Handover of the")
    assert set(handover.values_list("community__code", flat=True)) == {"wirral"}
    assert all(a.date == D(2012, 3, 1) for a in handover)

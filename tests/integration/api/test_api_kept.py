"""The API's figure answers (monitoring, scorecard, needs, evaluation) are kept until a record
changes, as the pages' results are (``commissioning.store.computed``), and share them: a stored
change shows in the next answer at once; what one login may see (its scope) or whether it sees
money is never handed to another login; two identical requests, or a page and the API asking for
the same thing, work it out once."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from unittest import mock

import pytest

from commissioning.analytics.work import scorecard as scorecard_engine
from commissioning.evaluation import presenter as evaluation_presenter
from commissioning.monitoring import arrays
from commissioning.needs import presenter as needs_presenter
from commissioning.store import models as m
from commissioning.work import presenter as work_presenter

MONITORING = "/api/communities/north/monitoring"
SCORECARD = "/api/communities/north/scorecard"
NEEDS = "/api/communities/north/needs"
BOTH_ORDERS = pytest.mark.parametrize("first", ["north_commissioner", "north_viewer"])


def body(response):
    assert response.status_code == 200, response.content[:300]
    return json.loads(response.content)


def counting(module, name: str):
    """``module.name`` replaced by a mock that calls it and counts the calls."""
    return mock.patch.object(module, name, wraps=getattr(module, name))


def evaluation_url(world) -> str:
    return f"/api/developments/{world.dev_n.pk}/evaluation"


def trust_series(client, indicator="DM1") -> dict:
    found = body(client.get(MONITORING, {"page_size": 500}))
    return next(
        s for s in found["items"] if (s["indicator"], s["subject"]) == (indicator, "Acute Trust A")
    )


def with_spend(world) -> None:
    """Spend in 2024/25 on the diabetes clinic (under contract NA-1): the whole budget of the
    year is then the year's running contracts at their annual values, £1.5 million."""
    m.Spend.objects.create(service=world.svc_a, financial_year=2024, amount=Decimal("900000.00"))


def whole_budget(client) -> dict:
    measures = body(client.get(SCORECARD))["measures"]
    return next(m for m in measures if m["id"] == "whole_budget")


# --- a stored change shows at once ------------------------------------------------------------


def test_a_new_observation_shows_in_the_monitoring_answer_at_once(client_for, world):
    client = client_for("north_commissioner")
    assert trust_series(client)["latest_period"] == "2024-05-01"
    m.Observation.objects.create(
        indicator=world.dm1,
        organisation=world.trust_a,
        period=dt.date(2024, 6, 1),
        numerator=40,
        denominator=80,
        value=50.0,
    )
    after = trust_series(client)
    assert (after["latest_period"], after["latest_value"], after["points"]) == (
        "2024-06-01",
        50.0,
        2,  # April rests on a small count (hidden), May and June are shown
    )


def test_a_changed_observation_shows_in_the_monitoring_answer_at_once(client_for, world):
    client = client_for("north_commissioner")
    assert trust_series(client, "FIN1")["latest_value"] == 75.0
    world.obs_a_fin.value = 80.0
    world.obs_a_fin.numerator = 4
    world.obs_a_fin.denominator = 5
    world.obs_a_fin.save()
    assert trust_series(client, "FIN1")["latest_value"] == 80.0


def test_a_changed_contract_value_shows_in_the_scorecard_answer_at_once(client_for, world):
    with_spend(world)
    client = client_for("north_commissioner")
    before = whole_budget(client)["denominator"]
    assert before > 0
    world.con_b.annual_value = Decimal("400000.00")  # was 300,000
    world.con_b.save()
    assert whole_budget(client)["denominator"] == pytest.approx(before + 100_000)


def test_new_registered_patients_show_in_the_needs_answer_at_once(client_for, world):
    client = client_for("north_commissioner")
    before = body(client.get(NEEDS))
    assert (before["patients"], before["patients_date"]) == (None, None)
    m.PracticePopulation.objects.create(
        organisation=world.practice,
        date=dt.date(2024, 4, 1),
        age_band="65-69",
        sex="female",
        count=1200,
    )
    after = body(client.get(NEEDS))
    assert (after["patients"], after["patients_date"]) == (1200, "2024-04-01")


def test_changed_hours_show_in_the_evaluation_answer_at_once(client_for, world):
    client = client_for("north_commissioner")
    before = body(client.get(evaluation_url(world)))["labour"]
    assert before["hours"] == 5.5
    ann = m.Participation.objects.get(activity=world.act_n, person=world.ann)
    ann.hours = Decimal("4.00")  # was 2
    ann.save()
    after = body(client.get(evaluation_url(world)))["labour"]
    assert after["hours"] == 7.5
    assert after["cost"] > before["cost"]


# --- what is kept for one login is never handed to another -----------------------------------


@BOTH_ORDERS
def test_a_viewer_never_gets_the_labour_cost_kept_for_a_commissioner_nor_the_reverse(
    client_for, world, first
):
    """Whoever asks first, the viewer gets no cost and the commissioner gets it: the kept
    labour is kept apart for logins that see money and those that do not."""
    url = evaluation_url(world)
    answers, contents = {}, {}
    for role in (first, *({"north_commissioner", "north_viewer"} - {first})):
        response = client_for(role).get(url)
        answers[role], contents[role] = body(response)["labour"], response.content
    cost = answers["north_commissioner"]["cost"]
    assert cost is not None and cost > 0
    assert answers["north_viewer"]["cost"] is None
    assert answers["north_viewer"]["hours"] == answers["north_commissioner"]["hours"] == 5.5
    assert f"{cost:.2f}"[:-1].encode() not in contents["north_viewer"]


@BOTH_ORDERS
def test_a_viewer_never_gets_the_scorecards_money_kept_for_a_commissioner_nor_the_reverse(
    client_for, world, first
):
    with_spend(world)
    answers = {}
    for role in (first, *({"north_commissioner", "north_viewer"} - {first})):
        answers[role] = whole_budget(client_for(role))
    seen, unseen = answers["north_commissioner"], answers["north_viewer"]
    assert seen["numerator"] is not None and seen["denominator"] > 0
    assert unseen["numerator"] is None and unseen["denominator"] is None
    assert unseen["value"] == seen["value"]  # the share gives no amount


@pytest.mark.parametrize("first", ["north_commissioner", "provider_a"])
def test_a_provider_never_gets_the_series_kept_for_a_commissioner_nor_the_reverse(
    client_for, first
):
    """A provider reads its own observations only; the commissioner reads the community's."""
    subjects = {}
    for role in (first, *({"north_commissioner", "provider_a"} - {first})):
        found = body(client_for(role).get(MONITORING, {"page_size": 500}))
        subjects[role] = {s["subject"] for s in found["items"]}
    assert subjects["provider_a"] == {"Acute Trust A"}
    assert subjects["north_commissioner"] == {"Acute Trust A", "Memory service"}


# --- worked out once --------------------------------------------------------------------------


def test_two_identical_monitoring_requests_work_the_series_out_once(client_for):
    client = client_for("north_commissioner")
    with counting(arrays, "_work_out_series") as work:
        first = body(client.get(MONITORING, {"page_size": 2}))
        second = body(client.get(MONITORING, {"page_size": 2}))
        assert work.call_count == 1
        assert first == second
        # another page of the answer is drawn from the same result
        assert len(body(client.get(MONITORING, {"page_size": 2, "page": 2}))["items"]) == 1
        assert work.call_count == 1


def test_the_monitoring_page_and_the_api_share_one_working_out(client_for):
    client = client_for("north_commissioner")
    with counting(arrays, "_work_out_series") as work:
        assert client.get("/communities/north/monitoring/").status_code == 200
        assert work.call_count == 1
        assert body(client.get(MONITORING))["count"] == 3
        assert work.call_count == 1


def test_two_identical_scorecard_requests_count_the_card_once(client_for):
    client = client_for("north_commissioner")
    with counting(scorecard_engine, "scorecard") as card:
        assert body(client.get(SCORECARD)) == body(client.get(SCORECARD))
        assert card.call_count == 1
        # a viewer's answer is laid out from the same card, its money left out
        assert whole_budget(client_for("north_viewer"))["numerator"] is None
        assert card.call_count == 1


def test_a_measures_page_and_the_scorecard_answer_share_one_card(client_for):
    client = client_for("north_commissioner")
    with counting(scorecard_engine, "scorecard") as card:
        assert client.get("/communities/north/scorecard/whole_budget/").status_code == 200
        assert card.call_count == 1
        body(client.get(SCORECARD))
        assert card.call_count == 1


def test_two_identical_needs_requests_work_the_needs_out_once(client_for):
    client = client_for("north_commissioner")
    with counting(needs_presenter, "_recorded_rates") as rates:
        assert body(client.get(NEEDS)) == body(client.get(NEEDS))
        assert rates.call_count == 1


def test_two_identical_evaluation_requests_work_the_evaluation_out_once(client_for, world):
    client = client_for("north_commissioner")
    url = evaluation_url(world)
    with (
        counting(work_presenter, "development_split") as labour,
        counting(evaluation_presenter, "default_options") as summaries,
    ):
        assert body(client.get(url)) == body(client.get(url))
        assert (labour.call_count, summaries.call_count) == (1, 1)


def test_the_development_page_and_the_evaluation_answer_share_the_labour(client_for, world):
    client = client_for("north_commissioner")
    with counting(work_presenter, "development_split") as labour:
        page = client.get(f"/communities/north/developments/{world.dev_n.slug}/")
        assert page.status_code == 200
        worked = labour.call_count
        assert worked >= 1
        body(client.get(evaluation_url(world)))
        assert labour.call_count == worked

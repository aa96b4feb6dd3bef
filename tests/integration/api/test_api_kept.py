"""The API's figure answers (monitoring) are kept until a record
changes, as the pages' results are (``commissioning.store.computed``), and share them: a stored
change shows in the next answer at once; what one login may see (its scope) or whether it sees
money is never handed to another login; two identical requests, or a page and the API asking for
the same thing, work it out once."""

from __future__ import annotations

import datetime as dt
import json
from unittest import mock

import pytest

from commissioning.monitoring import arrays
from commissioning.store import models as m

MONITORING = "/api/communities/north/monitoring"


def body(response):
    assert response.status_code == 200, response.content[:300]
    return json.loads(response.content)


def counting(module, name: str):
    """``module.name`` replaced by a mock that calls it and counts the calls."""
    return mock.patch.object(module, name, wraps=getattr(module, name))


def trust_series(client, indicator="DM1") -> dict:
    found = body(client.get(MONITORING, {"page_size": 500}))
    return next(
        s for s in found["items"] if (s["indicator"], s["subject"]) == (indicator, "Acute Trust A")
    )


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


# --- what is kept for one login is never handed to another -----------------------------------


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

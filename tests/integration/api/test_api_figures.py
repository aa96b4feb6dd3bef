"""The headline figures in the API: a community's monitoring series and scorecard, and a
development's evaluation and labour, each guarded by the access policy as its page is."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from commissioning.store.models import Observation


def body(response):
    assert response.status_code == 200, response.content[:300]
    return json.loads(response.content)


def series_of(client, code="north", **params):
    return body(client.get(f"/api/communities/{code}/monitoring", {"page_size": 500, **params}))


def test_monitoring_gives_each_series_latest_value_as_shown_and_its_judgement(client_for, world):
    found = series_of(client_for("north_commissioner"))
    assert found["count"] == 3
    by_subject = {(s["indicator"], s["subject"]): s for s in found["items"]}
    assert set(by_subject) == {
        ("DM1", "Acute Trust A"),
        ("DM1", "Memory service"),
        ("FIN1", "Acute Trust A"),
    }
    trust = by_subject[("DM1", "Acute Trust A")]
    # April (5 / 40) is hidden; May 23 / 98 is shown as 25 / 100: one value shown
    assert trust["latest_period"] == "2024-05-01"
    assert trust["latest_value"] == pytest.approx(25.0)
    assert trust["latest_hidden"] is False
    assert trust["points"] == 1
    assert trust["variation"] == "No data to judge variation"  # one value: not judged
    assert trust["variation_kind"] == "none"
    assert trust["assurance_kind"] == "none"
    service = by_subject[("DM1", "Memory service")]
    assert (service["latest_period"], service["latest_value"]) == ("2024-04-01", 20.0)
    finance = by_subject[("FIN1", "Acute Trust A")]
    assert finance["latest_value"] == 75.0  # not a count of patients: as stored


def test_monitoring_is_paginated_like_the_other_lists(client_for):
    client = client_for("admin")
    first = series_of(client, page_size=2)
    second = series_of(client, page_size=2, page=2)
    assert first["count"] == second["count"] == 3
    assert len(first["items"]) == 2 and len(second["items"]) == 1
    assert {s["key"] for s in first["items"]}.isdisjoint(s["key"] for s in second["items"])
    assert series_of(client, page_size=2, page=3)["items"] == []


def test_a_latest_value_resting_on_a_small_count_is_hidden(client_for, world):
    Observation.objects.create(
        indicator=world.dm1,
        organisation=world.trust_a,
        period=dt.date(2024, 6, 1),
        numerator=3,
        denominator=41,
        value=100 * 3 / 41,
    )
    response = client_for("north_commissioner").get(
        "/api/communities/north/monitoring", {"page_size": 500}
    )
    trust = next(
        s
        for s in body(response)["items"]
        if (s["indicator"], s["subject"]) == ("DM1", "Acute Trust A")
    )
    assert trust["latest_period"] == "2024-06-01"
    assert trust["latest_value"] is None and trust["latest_hidden"] is True
    assert b"7.317" not in response.content  # 3 / 41 as a percentage


def test_a_provider_reads_the_series_of_its_own_observations_only(client_for):
    found = series_of(client_for("provider_a"))
    assert {s["subject"] for s in found["items"]} == {"Acute Trust A"}


def test_another_communitys_figures_are_not_found_like_unknown_ones(client_for, world):
    south = client_for("south_commissioner")
    for hidden, missing in [
        ("/api/communities/north/monitoring", "/api/communities/nowhere/monitoring"),
        ("/api/communities/north/scorecard", "/api/communities/nowhere/scorecard"),
        (f"/api/developments/{world.dev_n.pk}/evaluation", "/api/developments/987654/evaluation"),
    ]:
        refused, unknown = south.get(hidden), south.get(missing)
        assert refused.status_code == unknown.status_code == 404, hidden
        assert refused.content == unknown.content
    assert client_for("nobody").get("/api/communities/north/scorecard").status_code == 404
    assert client_for("anonymous").get("/api/communities/north/monitoring").status_code == 401


def test_the_scorecard_gives_nine_measures_and_money_only_to_those_who_see_money(client_for):
    commissioner = body(client_for("north_commissioner").get("/api/communities/north/scorecard"))
    viewer = body(client_for("north_viewer").get("/api/communities/north/scorecard"))
    assert len(commissioner["measures"]) == len(viewer["measures"]) == 9
    statuses = {"met", "partly met", "not met", "no data"}
    assert {m["status"] for m in commissioner["measures"]} <= statuses
    for seen, unseen in zip(commissioner["measures"], viewer["measures"], strict=True):
        assert (seen["id"], seen["status"], seen["value"]) == (
            unseen["id"],
            unseen["status"],
            unseen["value"],
        )
        if seen["money"]:
            assert unseen["numerator"] is None and unseen["denominator"] is None
            assert seen["denominator"] is not None
        else:
            assert (unseen["numerator"], unseen["denominator"]) == (
                seen["numerator"],
                seen["denominator"],
            )
    # Shared risk counts contracts, not their value: only the whole budget is money.
    assert {m["id"] for m in commissioner["measures"] if m["money"]} == {"whole_budget"}


def test_providers_get_no_scorecard_as_they_get_no_practice_page(client_for):
    provider = client_for("provider_a")
    assert provider.get("/communities/north/work/").status_code == 404
    assert provider.get("/api/communities/north/scorecard").status_code == 404


def _hourly(salary_low, salary_high):
    """Hourly cost at the middle of a pay band with employer pension (23.7%) and National
    Insurance (15% above £5,000), over 1,687.5 working hours (pay_rates.toml)."""
    salary = (salary_low + salary_high) / 2
    return (salary * 1.237 + 0.15 * (salary - 5000)) / 1687.5


def test_a_developments_labour_and_cost_and_no_cost_for_a_viewer(client_for, world):
    url = f"/api/developments/{world.dev_n.pk}/evaluation"
    commissioner = body(client_for("north_commissioner").get(url))
    # Ann (commissioning manager, band 8a) 2 h, Bob (consultant) 3.5 h
    expected = 2 * _hourly(55690, 62682) + 3.5 * _hourly(109725, 145478)
    assert commissioner["labour"]["hours"] == 5.5
    assert commissioner["labour"]["task_hours"] == 0
    assert commissioner["labour"]["cost"] == pytest.approx(expected, abs=0.01)
    response = client_for("north_viewer").get(url)
    viewer = body(response)
    assert viewer["labour"]["hours"] == 5.5 and viewer["labour"]["cost"] is None
    assert f"{expected:.2f}"[:-1].encode() not in response.content
    assert client_for("provider_a").get(url).status_code == 404


def test_an_objective_with_no_values_has_no_estimate_and_says_why(client_for, world):
    found = body(client_for("north_viewer").get(f"/api/developments/{world.dev_n.pk}/evaluation"))
    [objective] = found["objectives"]
    assert objective["indicator"] == "DM1" and objective["measurable"] is True
    assert objective["evaluated"] is False
    assert objective["level_change"] is None and objective["method"] is None
    assert objective["note"]


def test_the_schema_documents_the_figures_with_summaries(client_for):
    paths = body(client_for("admin").get("/api/openapi.json"))["paths"]
    for path in (
        "/api/communities/{code}/monitoring",
        "/api/communities/{code}/scorecard",
        "/api/developments/{development_id}/evaluation",
    ):
        assert paths[path]["get"]["summary"], path

"""The JSON API as each role sees it: lists, suppression, submissions and the audit trail."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from commissioning.store.models import AuditRecord, Observation


def body(response):
    return json.loads(response.content)


def items(client, url, **params):
    response = client.get(url, {"page_size": 500, **params})
    assert response.status_code == 200, response.content[:300]
    return body(response)["items"]


def test_schema_is_served_to_signed_in_users_and_docs_load_nothing_from_a_cdn(client_for):
    response = client_for("north_viewer").get("/api/openapi.json")
    assert response.status_code == 200
    schema = body(response)
    assert schema["openapi"].startswith("3.")
    assert "/api/observations" in schema["paths"]
    assert client_for("admin").get("/api/docs").status_code == 404
    assert client_for("anonymous").get("/api/openapi.json").status_code == 401


def test_lists_are_paginated(client_for):
    client = client_for("admin")
    first = body(client.get("/api/organisations", {"page_size": 4}))
    second = body(client.get("/api/organisations", {"page_size": 4, "page": 2}))
    assert first["count"] == second["count"] == 6
    assert len(first["items"]) == 4 and len(second["items"]) == 2
    assert {o["ods_code"] for o in first["items"]}.isdisjoint(
        o["ods_code"] for o in second["items"]
    )
    assert body(client.get("/api/organisations", {"page": 3, "page_size": 4}))["items"] == []


def test_organisations_filter_by_community_and_kind(client_for, world):
    client = client_for("admin")
    north = items(client, "/api/organisations", community="north")
    assert {o["ods_code"] for o in north} == {"NCG", "RTA", "RTB", "N00001"}
    trusts = items(client, "/api/organisations", community="north", kind="acute_trust")
    assert [o["ods_code"] for o in trusts] == ["RTA"]
    # a community the user may not see filters to nothing, like an unknown one
    assert items(client_for("south_commissioner"), "/api/organisations", community="north") == []


def test_viewer_never_sees_contract_values(client_for, world):
    viewer = client_for("north_viewer")
    contracts = items(viewer, "/api/contracts")
    assert {c["reference"] for c in contracts} == {"NA-1", "NB-1"}
    assert all(c["annual_value"] is None for c in contracts)
    one = body(viewer.get(f"/api/contracts/{world.con_a.pk}"))
    assert one["annual_value"] is None
    assert one["incentives"][0]["scheme"] == "CQUIN" and one["incentives"][0]["value"] is None
    assert b"1200000" not in viewer.get("/api/contracts").content
    commissioner = body(client_for("north_commissioner").get(f"/api/contracts/{world.con_a.pk}"))
    assert commissioner["annual_value"] == 1_200_000.0
    assert commissioner["incentives"][0]["value"] == 24_000.0


def test_provider_reads_only_its_own_contracts_and_services(client_for, world):
    provider = client_for("provider_a")
    assert [c["reference"] for c in items(provider, "/api/contracts")] == ["NA-1"]
    assert [s["name"] for s in items(provider, "/api/services")] == ["Diabetes clinic"]
    assert provider.get(f"/api/contracts/{world.con_b.pk}").status_code == 404
    assert provider.get(f"/api/services/{world.svc_b.pk}").status_code == 404
    assert provider.get(f"/api/developments/{world.dev_n.pk}").status_code == 404


def test_unknown_and_hidden_ids_answer_the_same_not_found(client_for, world):
    south = client_for("south_commissioner")
    hidden = south.get(f"/api/contracts/{world.con_a.pk}")
    missing = south.get("/api/contracts/987654321")
    assert hidden.status_code == missing.status_code == 404
    assert body(hidden) == body(missing)
    assert south.get("/api/communities/north").status_code == 404
    assert south.get("/api/communities/nowhere").status_code == 404


def test_development_with_objectives_drivers_and_activity_hours(client_for, world):
    client = client_for("north_viewer")
    development = body(client.get(f"/api/developments/{world.dev_n.pk}"))
    assert development["objectives"][0]["indicator"] == "DM1"
    assert development["objectives"][0]["measurable"] is True
    assert [d["title"] for d in development["drivers"]] == ["NSF for Diabetes"]
    activities = items(client, f"/api/developments/{world.dev_n.pk}/activities")
    assert len(activities) == 1
    hours = {p["name"]: p["hours"] for p in activities[0]["participants"]}
    assert hours == {"Ann Commissioner": 2.0, "Bob Consultant": 3.5}
    assert activities[0]["hours"] == 5.5
    assert items(client, f"/api/developments/{world.dev_n.pk}/activities", to="2023-12-31") == []


def test_small_counts_are_suppressed_and_values_recomputed(client_for, world):
    rows = {o["id"]: o for o in items(client_for("admin"), "/api/observations")}
    small = rows[world.obs_a_small.pk]
    assert small["suppressed"] is True
    assert small["numerator"] is None and small["value"] is None
    assert small["denominator"] == 40  # 40 is a multiple of 5 and not small
    rounded = rows[world.obs_a_round.pk]  # 23 / 98 -> 25 / 100
    assert (rounded["numerator"], rounded["denominator"]) == (25, 100)
    assert rounded["value"] == pytest.approx(25.0)
    assert rounded["suppressed"] is False
    service = rows[world.obs_b_service.pk]  # 12 / 50 -> 10 / 50 = 20%
    assert (service["numerator"], service["denominator"], service["value"]) == (10, 50, 20.0)
    finance = rows[world.obs_a_fin.pk]  # not patient counts: as stored
    assert (finance["numerator"], finance["denominator"], finance["value"]) == (3, 4, 75.0)
    assert finance["suppressed"] is False


def test_observation_filters(client_for, world):
    client = client_for("admin")
    by_indicator = items(client, "/api/observations", indicator=world.fin1.pk)
    assert [o["id"] for o in by_indicator] == [world.obs_a_fin.pk]
    by_org = items(
        client, "/api/observations", organisation=world.trust_a.pk, **{"from": "2024-05-01"}
    )
    assert [o["id"] for o in by_org] == [world.obs_a_round.pk]
    by_service = items(client, "/api/observations", service=world.svc_b.pk, to="2024-04-30")
    assert [o["id"] for o in by_service] == [world.obs_b_service.pk]


def test_provider_sees_only_its_own_observations(client_for, world):
    seen = {o["id"] for o in items(client_for("provider_a"), "/api/observations")}
    assert seen == {world.obs_a_small.pk, world.obs_a_round.pk, world.obs_a_fin.pk}


def post(client, data):
    return client.post("/api/observations", json.dumps(data), content_type="application/json")


def new_observation(world, **changes):
    data = {
        "indicator": world.dm1.pk,
        "organisation": world.trust_a.pk,
        "period": "2024-06-01",
        "numerator": 40,
        "denominator": 80,
        "value": 50.0,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_provider_submits_for_its_own_organisation_and_it_is_audited(client_for, world):
    response = post(client_for("provider_a"), new_observation(world))
    assert response.status_code == 201, response.content
    created = body(response)
    assert (created["numerator"], created["denominator"], created["value"]) == (40, 80, 50.0)
    stored = Observation.objects.get(pk=created["id"])
    assert stored.organisation == world.trust_a
    record = AuditRecord.objects.get(model="store.observation", object_id=str(stored.pk))
    assert (record.username, record.channel, record.action) == ("provider_a", "api", "create")
    assert record.after["numerator"] == 40


def test_provider_may_submit_for_its_own_service_but_not_another_providers(client_for, world):
    provider = client_for("provider_a")
    ok = post(provider, new_observation(world, organisation=None, service=world.svc_a.pk))
    assert ok.status_code == 201, ok.content
    other_org = post(provider, new_observation(world, organisation=world.trust_b.pk))
    assert other_org.status_code == 403
    other_service = post(
        provider, new_observation(world, organisation=None, service=world.svc_b.pk)
    )
    assert other_service.status_code == 404
    south = post(provider, new_observation(world, organisation=world.south_trust.pk))
    assert south.status_code == 404
    assert not Observation.objects.filter(organisation=world.trust_b, period="2024-06-01").exists()


def test_commissioner_submits_within_their_community_only(client_for, world):
    commissioner = client_for("north_commissioner")
    assert (
        post(commissioner, new_observation(world, organisation=world.trust_b.pk)).status_code == 201
    )
    assert (
        post(commissioner, new_observation(world, organisation=world.south_trust.pk)).status_code
        == 404
    )


def test_viewer_may_not_submit(client_for, world):
    response = post(client_for("north_viewer"), new_observation(world))
    assert response.status_code == 403
    assert "may not" in body(response)["detail"]


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"organisation": None}, "either an organisation or a service"),
        ({"service": 1}, "either an organisation or a service"),
        ({"period": "2024-06-15"}, "first day"),
        ({"period": "not a date"}, "period"),
        ({"value": None, "numerator": None}, "a value, or a numerator"),
        ({"numerator": -3}, "numerator"),
        ({"indicator": "DM1"}, "indicator"),
    ],
)
def test_bad_submissions_are_refused_with_a_plain_message(client_for, world, changes, words):
    data = new_observation(world, **{k: v for k, v in changes.items() if v is not None})
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
    response = post(client_for("admin"), data)
    assert response.status_code == 422, response.content
    detail = body(response)["detail"]
    assert isinstance(detail, str) and words in detail
    assert (
        not AuditRecord.objects.filter(model="store.observation", action="create")
        .exclude(object_id__in=[str(o.pk) for o in Observation.objects.all()])
        .exists()
    )


def test_a_second_observation_for_the_same_period_is_a_conflict(client_for, world):
    client = client_for("admin")
    data = new_observation(world, period="2024-04-01")
    response = post(client, data)
    assert response.status_code == 409
    assert "already" in body(response)["detail"]
    assert post(client, "{not json").status_code in (400, 422)


def test_bad_parameters_are_client_errors(client_for):
    client = client_for("admin")
    for url, params in [
        ("/api/observations", {"from": "yesterday"}),
        ("/api/observations", {"indicator": "x"}),
        ("/api/observations", {"indicator": str(2**70)}),
        ("/api/organisations", {"kind": "castle"}),
        ("/api/organisations", {"page": 0}),
        ("/api/organisations", {"page_size": 100000}),
        ("/api/communities/no%20such", {}),
        ("/api/contracts/0", {}),
        ("/api/contracts/abc", {}),
    ]:
        response = client.get(url, params)
        assert 400 <= response.status_code < 500, (url, params, response.status_code)


def test_posts_need_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["admin"])
    data = json.dumps(new_observation(world))
    refused = client.post("/api/observations", data, content_type="application/json")
    assert refused.status_code == 403
    client.get("/login/")
    token = client.cookies["csrftoken"].value
    accepted = client.post(
        "/api/observations", data, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert accepted.status_code == 201, accepted.content

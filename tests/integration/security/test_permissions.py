"""Every API route, walked as every role, against a hand-written table of who sees what.

The routes come from the API's own OpenAPI schema, so a new route fails this test until it is
added to the tables below: no route can slip in without its permissions being checked.
The policy itself is checked too: every model has a rule, and the admin follows it.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client, RequestFactory

from commissioning.access import policy
from commissioning.access.admin import PolicyAdminMixin
from commissioning.store import models as m

_spec = importlib.util.spec_from_file_location(
    "api_world", Path(__file__).parents[1] / "api" / "world.py"
)
world_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(world_module)
ROLES = world_module.ROLES

SIGNED_IN = [r for r in ROLES if r != "anonymous"]
NORTH = ["north_commissioner", "provider_a", "north_viewer"]

# Who sees which of the world's records, by role: the truth the whole policy is checked against.
SEES = {
    "communities": {
        "admin": {"north", "south"},
        **{r: {"north"} for r in NORTH},
        "south_commissioner": {"south"},
    },
    "organisations": {
        "admin": {"north_ccg", "trust_a", "trust_b", "practice", "south_ccg", "south_trust"},
        **{r: {"north_ccg", "trust_a", "trust_b", "practice"} for r in NORTH},
        "south_commissioner": {"south_ccg", "south_trust"},
    },
    "services": {
        "admin": {"svc_a", "svc_b", "svc_s"},
        "north_commissioner": {"svc_a", "svc_b"},
        "north_viewer": {"svc_a", "svc_b"},
        "provider_a": {"svc_a"},
        "south_commissioner": {"svc_s"},
    },
    "contracts": {
        "admin": {"con_a", "con_b", "con_s"},
        "north_commissioner": {"con_a", "con_b"},
        "north_viewer": {"con_a", "con_b"},
        "provider_a": {"con_a"},
        "south_commissioner": {"con_s"},
    },
    "developments": {
        "admin": {"dev_n", "dev_s"},
        "north_commissioner": {"dev_n"},
        "north_viewer": {"dev_n"},
        "south_commissioner": {"dev_s"},
    },
    "activities": {
        "admin": {"act_n", "act_s"},
        "north_commissioner": {"act_n"},
        "north_viewer": {"act_n"},
        "south_commissioner": {"act_s"},
    },
    "indicators": {r: {"dm1", "fin1"} for r in SIGNED_IN if r != "nobody"},
    "observations": {
        "admin": {"obs_a_small", "obs_a_round", "obs_b_service", "obs_s", "obs_a_fin"},
        "north_commissioner": {"obs_a_small", "obs_a_round", "obs_b_service", "obs_a_fin"},
        "north_viewer": {"obs_a_small", "obs_a_round", "obs_b_service", "obs_a_fin"},
        "provider_a": {"obs_a_small", "obs_a_round", "obs_a_fin"},
        "south_commissioner": {"obs_s"},
    },
    "groupings": {
        "admin": {"grp_n", "grp_s", "grp_shared"},
        **{r: {"grp_n", "grp_shared"} for r in NORTH},
        "south_commissioner": {"grp_s", "grp_shared"},
    },
}
KINDS = {  # world attribute names of each kind of record
    "communities": ["north", "south"],
    "organisations": ["north_ccg", "trust_a", "trust_b", "practice", "south_ccg", "south_trust"],
    "services": ["svc_a", "svc_b", "svc_s"],
    "contracts": ["con_a", "con_b", "con_s"],
    "developments": ["dev_n", "dev_s"],
    "activities": ["act_n", "act_s"],
    "indicators": ["dm1", "fin1"],
    "observations": ["obs_a_small", "obs_a_round", "obs_b_service", "obs_s", "obs_a_fin"],
    "groupings": ["grp_n", "grp_s", "grp_shared"],
}
BY_CODE = ("communities", "groupings")  # kinds whose addresses and items use codes, not ids

# Every route in the schema, classified. Lists: (kind of items). Details: (kind of the path id).
# Nested lists: (kind of the parent, kind of the items, world attribute -> parent attribute).
LISTS = {
    "/api/communities": "communities",
    "/api/organisations": "organisations",
    "/api/services": "services",
    "/api/contracts": "contracts",
    "/api/developments": "developments",
    "/api/indicators": "indicators",
    "/api/observations": "observations",
    "/api/groupings": "groupings",
}
DETAILS = {
    "/api/communities/{code}": "communities",
    "/api/organisations/{organisation_id}": "organisations",
    "/api/services/{service_id}": "services",
    "/api/contracts/{contract_id}": "contracts",
    "/api/contracts/{contract_id}/performance": "contracts",
    "/api/developments/{development_id}": "developments",
    "/api/indicators/{indicator_id}": "indicators",
    "/api/observations/{observation_id}": "observations",
}
NESTED = {
    "/api/developments/{development_id}/activities": (
        "developments",
        "activities",
        {"dev_n": {"act_n"}, "dev_s": {"act_s"}},
    ),
    "/api/groupings/{code}/members": (
        "groupings",
        "organisations",
        {
            "grp_n": {"trust_a", "practice"},
            "grp_s": {"south_trust"},
            "grp_shared": {"practice", "south_trust"},
        },
    ),
}
# POST routes: the status each role gets submitting a valid observation for Trust A (north).
# Routes that take ?community=CODE (provider selection): "list" answers 200 for a community the
# role sees and 404 otherwise, and without ?community= lists only communities the role sees;
# "none" is 404 here, where no award record exists (who sees which record is tested in
# tests/provider_selection).
BY_COMMUNITY = {
    "/api/provider-selection/records": "list",
    "/api/provider-selection/pipeline": "list",
    "/api/provider-selection/ocds": "none",
    "/api/provider-selection/records/{reference}": "none",
}
# A community's or a development's figures, laid out from the feature presenters: answered for
# the logins that see the community (or development), "not found" otherwise; the whole
# community's needs, scorecard and evaluations are not for providers (as on the pages), while
# monitoring gives a provider its own series.
FIGURES = {
    "/api/communities/{code}/monitoring": ("communities", True),
    "/api/communities/{code}/needs": ("communities", False),
    "/api/communities/{code}/scorecard": ("communities", False),
    "/api/developments/{development_id}/evaluation": ("developments", False),
}

POSTS = {
    "/api/observations": {
        "anonymous": 401,
        "admin": 201,
        "north_commissioner": 201,
        "provider_a": 201,
        "north_viewer": 403,
        "south_commissioner": 404,
        "nobody": 403,
    },
}


@pytest.fixture
def world(db):
    return world_module.build_world()


def client_as(world, role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(world.users[role])
    return client


def schema_routes(world) -> list[tuple[str, str]]:
    schema = json.loads(client_as(world, "admin").get("/api/openapi.json").content)
    return [
        (path, method.upper())
        for path, operations in schema["paths"].items()
        for method in operations
        if method in ("get", "post", "put", "patch", "delete")
    ]


def key(world, kind: str, name: str):
    obj = getattr(world, name)
    return obj.code if kind in BY_CODE else obj.pk


def names_of(world, kind: str, keys) -> set[str]:
    by_key = {key(world, kind, n): n for n in KINDS[kind]}
    return {by_key[k] for k in keys}


def fill(path: str, value) -> str:
    return re.sub(r"\{[^}]+\}", str(value), path)


def item_key(kind: str, item: dict):
    return item["code"] if kind in BY_CODE else item["id"]


def test_every_route_is_classified(world):
    routes = schema_routes(world)
    known = {(p, "GET") for p in [*LISTS, *DETAILS, *NESTED, *BY_COMMUNITY, *FIGURES]}
    known |= {(p, "POST") for p in POSTS}
    assert set(routes) == known, "classify new API routes in the tables of this test"


@pytest.mark.parametrize("role", ROLES)
def test_every_route_as_every_role(world, role):
    client = client_as(world, role)
    for path, method in schema_routes(world):
        if method == "GET" and path in LISTS:
            kind = LISTS[path]
            response = client.get(path, {"page_size": 500})
            if role == "anonymous":
                assert response.status_code == 401, path
                continue
            assert response.status_code == 200, (path, role)
            seen = names_of(world, kind, [item_key(kind, i) for i in response.json()["items"]])
            assert seen == SEES[kind].get(role, set()), (path, role)
        elif method == "GET" and path in DETAILS:
            kind = DETAILS[path]
            for name in KINDS[kind]:
                response = client.get(fill(path, key(world, kind, name)))
                if role == "anonymous":
                    expected = 401
                else:
                    expected = 200 if name in SEES[kind].get(role, set()) else 404
                assert response.status_code == expected, (path, name, role)
        elif method == "GET" and path in NESTED:
            parent_kind, kind, children = NESTED[path]
            for parent in KINDS[parent_kind]:
                response = client.get(fill(path, key(world, parent_kind, parent)))
                if role == "anonymous":
                    assert response.status_code == 401
                    continue
                if parent not in SEES[parent_kind].get(role, set()):
                    assert response.status_code == 404, (path, parent, role)
                    continue
                assert response.status_code == 200, (path, parent, role)
                items = response.json()["items"]
                seen = names_of(world, kind, [item_key(kind, i) for i in items])
                assert seen == children[parent] & SEES[kind].get(role, set()), (path, role)
        elif method == "GET" and path in BY_COMMUNITY:
            for community in KINDS["communities"]:
                response = client.get(
                    fill(path, "psr-1"), {"community": key(world, "communities", community)}
                )
                if role == "anonymous":
                    expected = 401
                elif BY_COMMUNITY[path] == "list":
                    expected = 200 if community in SEES["communities"].get(role, set()) else 404
                else:
                    expected = 404
                assert response.status_code == expected, (path, community, role)
            if BY_COMMUNITY[path] == "list":
                response = client.get(path, {"page_size": 500})
                assert response.status_code == (401 if role == "anonymous" else 200), (path, role)
                if role != "anonymous":
                    seen = {item["community"] for item in response.json()["items"]}
                    assert seen <= SEES["communities"].get(role, set()), (path, role, seen)
        elif method == "GET" and path in FIGURES:
            kind, providers = FIGURES[path]
            for name in KINDS[kind]:
                response = client.get(fill(path, key(world, kind, name)))
                if role == "anonymous":
                    expected = 401
                elif name in SEES[kind].get(role, set()) and (providers or role != "provider_a"):
                    expected = 200
                else:
                    expected = 404
                assert response.status_code == expected, (path, name, role)
        elif method == "POST" and path in POSTS:
            data = {
                "indicator": world.dm1.pk,
                "organisation": world.trust_a.pk,
                "period": "2025-01-01",
                "value": 10.0,
                # DM1 counts patients: a value goes with its counts (a bare one is refused)
                "numerator": 10,
                "denominator": 100,
            }
            response = client.post(path, json.dumps(data), content_type="application/json")
            assert response.status_code == POSTS[path][role], (path, role, response.content)
        else:  # pragma: no cover - caught by test_every_route_is_classified
            pytest.fail(f"unclassified route {method} {path}")


def test_viewer_never_sees_money_anywhere_in_the_api(world):
    viewer = client_as(world, "north_viewer")
    for path in [*LISTS, *(fill(p, world.con_a.pk) for p in ["/api/contracts/{id}"])]:
        text = viewer.get(path, {"page_size": 500}).content.decode()
        for amount in ("1200000", "300000", "24000"):
            assert amount not in text, (path, amount)


def test_every_model_has_a_rule():
    store_models = [
        model for model in apps.get_app_config("store").get_models() if not model._meta.auto_created
    ]
    assert store_models
    missing = [model.__name__ for model in store_models if model not in policy.RULES]
    assert missing == [], "give these models a rule in commissioning.access.policy"


def test_policy_matches_the_table_for_every_role(world):
    models = {
        "communities": m.CommissioningCommunity,
        "organisations": m.Organisation,
        "services": m.Service,
        "contracts": m.Contract,
        "developments": m.ServiceDevelopment,
        "activities": m.Activity,
        "indicators": m.Indicator,
        "observations": m.Observation,
        "groupings": m.Grouping,
    }
    for role in SIGNED_IN:
        user = world.users[role]
        for kind, model in models.items():
            ids = {key(world, kind, n) for n in KINDS[kind]}
            field = "code" if kind in BY_CODE else "pk"
            seen = set(policy.visible(user, model).values_list(field, flat=True)) & ids
            assert names_of(world, kind, seen) == SEES[kind].get(role, set()), (role, kind)
    assert not policy.visible(None, m.Contract).exists()


def test_edit_rules(world):
    u = world.users
    assert policy.can_edit(u["north_commissioner"], world.con_a)
    assert not policy.can_edit(u["north_commissioner"], world.con_s)
    assert not policy.can_edit(u["north_viewer"], world.con_a)
    assert not policy.can_edit(u["provider_a"], world.con_a)
    # a commissioner may not move a record into another community
    world.con_a.community = world.south
    assert not policy.can_edit(u["north_commissioner"], world.con_a)
    assert policy.can_edit(u["admin"], world.con_a)
    # shared reference data: only administrators change it
    assert not policy.can_edit(u["north_commissioner"], world.dm1)
    assert policy.can_edit(u["admin"], world.dm1)
    # nobody changes the audit trail
    assert not policy.editable(u["admin"], m.AuditRecord, policy.CHANGE)
    # providers add observations for their own organisation and services only
    own = m.Observation(indicator=world.dm1, service=world.svc_a, period=dt.date(2025, 2, 1))
    other = m.Observation(indicator=world.dm1, service=world.svc_b, period=dt.date(2025, 2, 1))
    assert policy.can_edit(u["provider_a"], own, policy.ADD)
    assert not policy.can_edit(u["provider_a"], other, policy.ADD)
    assert not policy.can_edit(u["provider_a"], world.obs_a_round, policy.DELETE)
    assert policy.hidden_fields(u["north_viewer"], m.Contract) == {"annual_value"}
    assert policy.hidden_fields(u["north_commissioner"], m.Contract) == set()
    row = policy.redact(u["north_viewer"], m.Spend, {"amount": 5, "financial_year": 2024})
    assert row == {"amount": None, "financial_year": 2024}


class ContractPolicyAdmin(PolicyAdminMixin, admin.ModelAdmin):
    list_display = ["reference", "title", "annual_value"]


def test_admin_mixin_follows_the_policy(world):
    model_admin = ContractPolicyAdmin(m.Contract, admin.site)
    request = RequestFactory().get("/admin/store/contract/")

    def as_role(role):
        request.user = world.users[role]
        return request

    refs = {c.reference for c in model_admin.get_queryset(as_role("north_commissioner"))}
    assert refs == {"NA-1", "NB-1"}
    assert model_admin.has_change_permission(as_role("north_commissioner"), world.con_a)
    assert not model_admin.has_change_permission(as_role("north_commissioner"), world.con_s)
    assert not model_admin.has_view_permission(as_role("north_commissioner"), world.con_s)
    assert not model_admin.has_add_permission(as_role("north_viewer"))
    assert model_admin.get_list_display(as_role("north_viewer")) == ["reference", "title"]
    assert "annual_value" not in model_admin.get_fields(as_role("north_viewer"))
    assert "annual_value" in model_admin.get_fields(as_role("north_commissioner"))
    form = model_admin.get_form(as_role("north_commissioner"))()
    assert set(form.fields["community"].queryset) == {world.north}
    assert {c.reference for c in model_admin.get_queryset(as_role("admin"))} == {
        "NA-1",
        "NB-1",
        "SA-1",
    }

"""Every URL pattern of the site, requested as every role, against an explicit table.

The patterns come from Django's own resolver (recursing into the admin, the API, the evidence
and the reports apps), so a page cannot be added without an access test: a pattern missing from
``ROUTES`` below fails ``test_every_url_pattern_has_an_expectation`` with its name and route.

To add a page: give each new path parameter a value in ``PARAMETERS`` (or per route in
``Expect.params``) and the route an ``Expect`` saying what each north role gets. The rest is
the same everywhere and derived, not written per route:

- anonymous visitors are sent to the sign-in page (the API answers 401), except ``PUBLIC``
  routes (sign-in, health, and public token forms such as a survey response link);
- logins of the other community (``south_commissioner``, ``south_provider``) and a login with no
  role (``nobody``) get 404 for anything of the north community's;
- nothing ever answers 500.

The admin's per-model patterns are generic and checked by one rule (``ADMIN``): only
administrators (and staff) get in; everyone else is sent to a sign-in page.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

_spec = importlib.util.spec_from_file_location(
    "api_world", Path(__file__).parents[1] / "api" / "world.py"
)
world_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(world_module)

# The logins of the walk. "north" objects fill every path: the first five roles act for the
# north community (or everything), the south ones are the "other community" logins.
NORTH_ROLES = ["admin", "north_commissioner", "provider_a", "north_viewer"]
OTHER_ROLES = ["south_commissioner", "south_provider", "nobody"]
ROLES = ["anonymous", *NORTH_ROLES, *OTHER_ROLES]

# The value of each path parameter, by name, from the world (a list: each value is requested).
PARAMETERS = {
    "code": lambda w: w.north.code,
    "slug": lambda w: w.dev_n.slug,
    "objective_id": lambda w: w.objective.pk,
    "condition": lambda w: w.diabetes.slug,
    "measure_id": lambda w: ["convening", "whole_budget"],
    "reference": lambda w: w.con_a.reference,
    "organisation_id": lambda w: w.trust_b.pk,
    "service_id": lambda w: w.svc_b.pk,
    "contract_id": lambda w: w.con_b.pk,
    "development_id": lambda w: w.dev_n.pk,
    "indicator_id": lambda w: w.dm1.pk,
    "observation_id": lambda w: w.obs_b_service.pk,
}
OK, MOVED, FOUND, FORBIDDEN, MISSING, NOT_ALLOWED = 200, 301, 302, 403, 404, 405


@dataclass
class Expect:
    """What each north role gets (a status, or a dict by role); other roles are derived."""

    north: int | dict[str, int]
    others: int | dict[str, int] = MISSING  # other community's logins and "nobody"
    params: dict = field(default_factory=dict)  # per-route parameter values (override above)
    api: bool = False  # anonymous gets 401 rather than a redirect to sign in
    public: bool = False  # anonymous visitors may use it

    def status(self, role: str) -> int:
        if role in OTHER_ROLES:
            return self.others[role] if isinstance(self.others, dict) else self.others
        if isinstance(self.north, dict):
            return self.north[role]
        return self.north


def roles(admin=OK, commissioner=OK, provider=OK, viewer=OK) -> dict[str, int]:
    return {
        "admin": admin,
        "north_commissioner": commissioner,
        "provider_a": provider,
        "north_viewer": viewer,
    }


COMMISSIONING = roles(provider=MISSING)  # pages about commissioning work: no providers
RECORDING = roles(provider=MISSING, viewer=FORBIDDEN)  # forms changing a development's records
WORK_RECORDS = {
    "objectives": lambda w: w.objective.pk,
    "activities": lambda w: w.act_n.pk,
    "decisions": lambda w: w.decision.pk,
    "risks": lambda w: w.risk.pk,
    "benefits": lambda w: w.benefit.pk,
}
SHARED = {"south_commissioner": OK, "south_provider": OK, "nobody": MISSING}  # reference data
EVIDENCE = lambda w: w.evidence.pk  # noqa: E731  ("pk" means a different record on each route)
REPORT_FORMATS = {"fmt": ["html", "xlsx"]}
SURVEY = lambda w: w.survey.pk  # noqa: E731
MESSAGE = lambda w: w.message.pk  # noqa: E731  (the administrator's own digest)
SUBSCRIPTION = lambda w: w.subscription.pk  # noqa: E731  (the administrator's own)
PSR_FINAL = "psr-comp-1"  # a finalised competitive award (provider_selection.demo)
PSR_DRAFT = "psr-msp-1"  # a draft most suitable provider record
PSR_OTHERS_ASSESSMENT = lambda w: w.others_assessment.pk  # noqa: E731  (not provider_a's)  # and PDF once, for the community report

# Every non-admin route of the site, by its pattern as Django prints it.
ROUTES: dict[str, Expect] = {
    "": Expect(OK, others=OK),
    "health": Expect(OK, others=OK, public=True),
    "favicon.ico": Expect(MOVED, others=MOVED, public=True),  # to the static icon
    "login/": Expect(OK, others=OK, public=True),
    "logout/": Expect(NOT_ALLOWED, others=NOT_ALLOWED),  # signing out is a POST
    "audit/": Expect(roles(commissioner=MISSING, provider=MISSING, viewer=MISSING)),
    # setting up areas and logins: administrators only
    "setup/": Expect(roles(commissioner=MISSING, provider=MISSING, viewer=MISSING)),
    "setup/area/": Expect(roles(commissioner=MISSING, provider=MISSING, viewer=MISSING)),
    "setup/login/": Expect(roles(commissioner=MISSING, provider=MISSING, viewer=MISSING)),
    # the history of imports and undo (a GET shows what undo would do; undoing is a POST)
    "audit/imports/": Expect(roles(commissioner=MISSING, provider=MISSING, viewer=MISSING)),
    **{
        route: Expect(
            roles(commissioner=MISSING, provider=MISSING, viewer=MISSING),
            params={"number": lambda w: w.an_import.pk},
        )
        for route in ("audit/imports/<int:number>/", "audit/imports/<int:number>/undo/")
    },
    "indicators/": Expect(OK, others=OK),  # the indicator library: what each login may read
    "indicators/<path:code>/": Expect(OK, others=SHARED, params={"code": lambda w: w.dm1.code}),
    # the JSON API (what each role sees in each answer:
    # tests/integration/security/test_permissions.py)
    "api/": Expect(MISSING, api=True),  # no page at the root: the schema is openapi.json
    "api/openapi.json": Expect(OK, others=OK, api=True),
    "api/communities": Expect(OK, others=OK, api=True),
    "api/communities/<code>": Expect(OK, api=True),
    "api/communities/<code>/needs": Expect(COMMISSIONING, api=True),  # as the needs pages
    "api/organisations": Expect(OK, others=OK, api=True),
    "api/organisations/<organisation_id>": Expect(OK, api=True),
    "api/services": Expect(OK, others=OK, api=True),
    "api/services/<service_id>": Expect(roles(provider=MISSING), api=True),
    "api/contracts": Expect(OK, others=OK, api=True),
    "api/contracts/<contract_id>": Expect(roles(provider=MISSING), api=True),
    "api/developments": Expect(OK, others=OK, api=True),
    "api/developments/<development_id>": Expect(COMMISSIONING, api=True),
    "api/developments/<development_id>/activities": Expect(COMMISSIONING, api=True),
    "api/indicators": Expect(OK, others=OK, api=True),
    "api/indicators/<indicator_id>": Expect(OK, others=SHARED, api=True),
    "api/observations": Expect(OK, others=OK, api=True),
    "api/observations/<observation_id>": Expect(roles(provider=MISSING), api=True),
    # headline figures, guarded as their pages are
    "api/communities/<code>/monitoring": Expect(OK, api=True),
    "api/communities/<code>/scorecard": Expect(COMMISSIONING, api=True),
    "api/developments/<development_id>/evaluation": Expect(COMMISSIONING, api=True),
    # evidence
    "evidence/<slug:code>/": Expect(OK),
    "evidence/<slug:code>/add/": Expect(roles(provider=FORBIDDEN, viewer=FORBIDDEN)),
    "evidence/<slug:code>/framework/": Expect(OK),
    "evidence/<slug:code>/calendar/": Expect(roles(provider=FORBIDDEN, viewer=FORBIDDEN)),
    "evidence/<slug:code>/<int:pk>/": Expect(OK, params={"pk": EVIDENCE}),
    "evidence/<slug:code>/<int:pk>/file": Expect(OK, params={"pk": EVIDENCE}),
    # reports
    "reports/across.<str:fmt>": Expect(
        COMMISSIONING,
        others={"south_commissioner": OK, "south_provider": MISSING, "nobody": MISSING},
        params=REPORT_FORMATS,
    ),
    "reports/<slug:code>.<str:fmt>": Expect(COMMISSIONING, params={"fmt": ["html", "pdf"]}),
    "reports/<slug:code>/<slug:slug>.<str:fmt>": Expect(COMMISSIONING, params=REPORT_FORMATS),
    # community pages
    "communities/<slug:code>/": Expect(OK),
    "communities/<slug:code>/developments/": Expect(OK),  # providers: an empty list
    "communities/<slug:code>/developments/<slug:slug>/": Expect(COMMISSIONING),
    "communities/<slug:code>/developments/<slug:slug>/objectives/<int:objective_id>/evaluation/": (
        Expect(COMMISSIONING)
    ),
    "communities/<slug:code>/needs/": Expect(COMMISSIONING),
    "communities/<slug:code>/needs/<slug:condition>/": Expect(COMMISSIONING),
    "communities/<slug:code>/work/": Expect(COMMISSIONING),
    # the work page's old address: sent on for every signed-in login and any code (the page
    # itself then decides), so the redirect reveals nothing
    "communities/<slug:code>/practice/": Expect(MOVED, others=MOVED),
    "communities/<slug:code>/scorecard/<slug:measure_id>/": Expect(COMMISSIONING),
    "communities/<slug:code>/monitoring/": Expect(OK),
    # Reviewing a proposed recalculation of limits: the proposal is named in the address, so
    # without one nothing is found (tests/integration/monitoring checks who may decide a real one).
    "communities/<slug:code>/monitoring/recalculate/": Expect(MISSING),
    "communities/<slug:code>/developments/<slug:slug>/monitoring/": Expect(COMMISSIONING),
    # recording the work: commissioners change; viewers read but may not; provider_a takes no
    # part in the north development, so it is not found for them
    "communities/<slug:code>/new-development/": Expect(roles(provider=FORBIDDEN, viewer=FORBIDDEN)),
    "communities/<slug:code>/people/": Expect(OK),
    "communities/<slug:code>/developments/<slug:slug>/edit/": Expect(RECORDING),
    **{
        f"communities/<slug:code>/developments/<slug:slug>/{kind}/{route}": Expect(
            RECORDING, params={"pk": pk}
        )
        for kind, pk in WORK_RECORDS.items()
        for route in ("new/", "<int:pk>/edit/")
    },
    "communities/<slug:code>/import/": Expect(roles(viewer=FORBIDDEN)),
    "communities/<slug:code>/import/templates/<slug:kind>.<str:fmt>": Expect(
        OK, params={"kind": "services", "fmt": ["csv", "xlsx"]}
    ),
    "communities/<slug:code>/export/<slug:kind>.<str:fmt>": Expect(
        OK,
        params={"kind": ["observations", "contracts", "developments"], "fmt": ["csv", "xlsx"]},
    ),
    "communities/<slug:code>/contracts/<path:reference>/monitoring/": Expect(roles(provider=OK)),
    # provider selection decision records (tests/integration/provider_selection/ checks what
    # each role sees inside them): finalised records are read by the community's logins; drafts
    # only by commissioners and administrators; a provider opens its own assessment, never
    # another's; forms that change a record answer 405 to GET.
    "api/provider-selection/ocds": Expect(422, others=422, api=True),  # needs ?community=
    # the lists: without ?community=, every community the login sees (none for "nobody")
    "api/provider-selection/pipeline": Expect(OK, others=OK, api=True),
    "api/provider-selection/records": Expect(OK, others=OK, api=True),
    "api/provider-selection/records/<reference>": Expect(
        422, others=422, params={"reference": PSR_FINAL}, api=True
    ),
    "communities/<slug:code>/provider-selection/": Expect(OK),
    "communities/<slug:code>/provider-selection/new/": Expect(
        roles(provider=FORBIDDEN, viewer=FORBIDDEN)
    ),
    "communities/<slug:code>/provider-selection/<slug:reference>/": Expect(
        OK, params={"reference": PSR_FINAL}
    ),
    "communities/<slug:code>/provider-selection/<slug:reference>/edit/": Expect(
        roles(provider=FORBIDDEN, viewer=FORBIDDEN), params={"reference": PSR_DRAFT}
    ),
    "communities/<slug:code>/provider-selection/<slug:reference>/add/<slug:part>/": Expect(
        NOT_ALLOWED, others=NOT_ALLOWED, params={"reference": PSR_DRAFT, "part": "weights"}
    ),
    "communities/<slug:code>/provider-selection/<slug:reference>/finalise/": Expect(
        NOT_ALLOWED, others=NOT_ALLOWED, params={"reference": PSR_DRAFT}
    ),
    "communities/<slug:code>/provider-selection/<slug:reference>/amend/": Expect(
        NOT_ALLOWED, others=NOT_ALLOWED, params={"reference": PSR_FINAL}
    ),
    "communities/<slug:code>/provider-selection/<slug:reference>/verify/": Expect(
        OK, params={"reference": PSR_FINAL}
    ),
    "communities/<slug:code>/provider-selection/<slug:reference>/record.pdf": Expect(
        OK, params={"reference": PSR_FINAL}
    ),
    "communities/<slug:code>/provider-selection/<slug:reference>/assessments/<int:pk>/": Expect(
        roles(provider=MISSING), params={"reference": PSR_FINAL, "pk": PSR_OTHERS_ASSESSMENT}
    ),
    "communities/<slug:code>/provider-selection/awards.<str:fmt>": Expect(
        OK, params={"fmt": ["csv", "xlsx"]}
    ),
    "communities/<slug:code>/provider-selection/ocds.json": Expect(OK),
    # contract performance: providers read their own contracts, viewers without money
    "communities/<slug:code>/contracts/": Expect(OK),
    "communities/<slug:code>/contracts/import/": Expect(
        roles(provider=FORBIDDEN, viewer=FORBIDDEN)
    ),
    "communities/<slug:code>/contracts/<path:reference>/": Expect(OK),
    "communities/<slug:code>/contracts/<path:reference>/lines/<str:line>/": Expect(
        OK, params={"line": lambda w: w.line.code}
    ),
    "communities/<slug:code>/contracts/<path:reference>/performance.<str:fmt>": Expect(
        OK, params={"fmt": ["xlsx", "csv"]}
    ),
    "communities/<slug:code>/contracts/<path:reference>/record/<slug:part>/": Expect(
        NOT_ALLOWED, others=NOT_ALLOWED, params={"part": "variation"}
    ),
    "api/contracts/<contract_id>/performance": Expect(roles(provider=MISSING), api=True),
    # groupings (localities, networks, peer groups): providers read their community's
    "communities/<slug:code>/groupings/": Expect(OK),
    "communities/<slug:code>/groupings/<slug:grouping>/": Expect(
        OK, params={"grouping": lambda w: w.grp_n.code}
    ),
    "api/groupings": Expect(OK, others=OK, api=True),
    "api/groupings/<code>/members": Expect(OK, params={"code": lambda w: w.grp_n.code}, api=True),
    # influence-network surveys: commissioning work, no providers; only commissioners change
    "communities/<slug:code>/network/": Expect(COMMISSIONING),
    "communities/<slug:code>/network.<str:fmt>": Expect(
        COMMISSIONING, params={"fmt": ["svg", "png"]}
    ),
    "communities/<slug:code>/surveys/": Expect(COMMISSIONING),
    "communities/<slug:code>/surveys/new/": Expect(roles(provider=MISSING, viewer=FORBIDDEN)),
    "communities/<slug:code>/surveys/<int:pk>/": Expect(COMMISSIONING, params={"pk": SURVEY}),
    "communities/<slug:code>/surveys/<int:pk>/rates/": Expect(COMMISSIONING, params={"pk": SURVEY}),
    "communities/<slug:code>/surveys/<int:pk>/rates.csv": Expect(
        COMMISSIONING, params={"pk": SURVEY}
    ),
    # ... and what changes a survey is a POST (a GET is refused before anything is looked up)
    **{
        f"communities/<slug:code>/surveys/<int:pk>/{action}/": Expect(
            NOT_ALLOWED, others=NOT_ALLOWED, params={"pk": SURVEY}
        )
        for action in ("links", "people", "reminders", "respondents", "responses")
    },
    # the public answer form: no login; an unknown link is not found for everyone
    "s/<str:token>/": Expect(MISSING, public=True, params={"token": "no-such-link"}),
    # each login's own inbox and subscriptions: another login's are not found
    "reports/inbox/": Expect(OK, others=OK),
    "reports/inbox/<int:pk>/": Expect(
        roles(commissioner=MISSING, provider=MISSING, viewer=MISSING), params={"pk": MESSAGE}
    ),
    "reports/subscriptions/": Expect(OK, others=OK),
    **{
        route: Expect(NOT_ALLOWED, others=NOT_ALLOWED, params={"pk": SUBSCRIPTION})
        for route in (
            "reports/inbox/run/",
            "reports/follow/",
            "reports/inbox/<int:pk>/read/",
            "reports/subscriptions/<int:pk>/email/",
            "reports/subscriptions/<int:pk>/remove/",
        )
    },
}

# The admin site: one rule for its generic per-model patterns.
ADMIN_PREFIX = "admin/"
ADMIN_PUBLIC = {"admin/login/"}
ADMIN_LOGOUT = "admin/logout/"


def walk(patterns, prefix: str = ""):
    """(route, pattern) for every URL pattern, recursing into includes."""
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p


def all_routes() -> list[str]:
    return sorted({route for route, _ in walk(get_resolver().url_patterns)})


PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def param_names(route: str) -> list[str]:
    return [m.group("name") for m in PARAM.finditer(route)]


def fill(route: str, values: dict) -> str:
    return "/" + PARAM.sub(lambda m: str(values[m.group("name")]), route)


def addresses(route: str, expect: Expect, world) -> list[str]:
    choices = []
    for name in param_names(route):
        value = expect.params[name] if name in expect.params else PARAMETERS[name]
        value = value(world) if callable(value) else value
        choices.append([(name, v) for v in (value if isinstance(value, list) else [value])])
    return [fill(route, dict(combo)) for combo in itertools.product(*choices)]


@pytest.fixture
def world(db):
    from django.contrib.auth.models import User

    from commissioning.evidence.models import Evidence
    from commissioning.store import models as m

    w = world_module.build_world()
    w.objective = m.Objective.objects.get(development=w.dev_n)
    from commissioning.work.models import Benefit, Decision, Risk

    w.decision = Decision.objects.create(
        development=w.dev_n, date=dt.date(2024, 2, 1), title="Go ahead", forum="Board"
    )
    w.risk = Risk.objects.create(
        development=w.dev_n,
        description="Delay",
        likelihood=2,
        impact=3,
        review_date=dt.date(2024, 6, 1),
        raised=dt.date(2024, 1, 1),
    )
    w.benefit = Benefit.objects.create(
        development=w.dev_n, objective=w.objective, description="Better control"
    )
    w.evidence = Evidence.objects.create(
        community=w.north,
        development=w.dev_n,
        title="Workshop notes",
        kind="meeting_notes",
        date=dt.date(2024, 1, 10),
        filename="notes.txt",
        content=b"We agreed to redesign diabetes care.",
        size=36,
        text="We agreed to redesign diabetes care.",
    )
    from commissioning.networks.models import Survey
    from commissioning.reports.models import InboxMessage, Subscription

    w.survey = Survey.objects.create(
        community=w.north, title="Advice on diabetes", question="Who do you go to for advice?"
    )
    w.survey.respondents.create(name="Dr A", organisation=w.practice, pseudonym="R-1")
    w.message = InboxMessage.objects.create(
        user=w.users["admin"], subject="Digest", items=[{"kind": "signal", "title": "x"}]
    )
    w.subscription = Subscription.objects.create(user=w.users["admin"], community=w.north)
    from django.utils import timezone

    from commissioning.provider_selection.demo import add_award_records

    records = add_award_records(w.north, today=timezone.localdate())
    competitive = next(r for r in records if r.reference == PSR_FINAL)
    w.others_assessment = competitive.considered.exclude(provider=w.trust_a).get()

    from commissioning.contracts.models import ContractLine

    w.line = ContractLine.objects.create(
        contract=w.con_a,
        code="NEL",
        name="Emergency spells",
        point_of_delivery="NEL",
        currency="spell",
        price=1000,
    )
    user = User.objects.create_user("south_provider", password=None)
    m.Profile.objects.create(
        user=user, role="provider", community=w.south, organisation=w.south_trust
    )
    w.users["south_provider"] = user
    w.an_import = _an_import()
    return w


def _an_import():
    """A real import (one organisation added), for the imports pages."""
    import tempfile

    from commissioning.ingest import import_files
    from commissioning.store.models import Import

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "organisations.csv"
        path.write_text("ods_code,name,kind\nZZW01,Walk Surgery,gp_practice\n")
        import_files([path])
    return Import.objects.get()


def client_as(world, role: str) -> Client:
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.force_login(world.users[role])
    return client


def test_every_url_pattern_has_an_expectation():
    routes = all_routes()
    unknown = [r for r in routes if not r.startswith(ADMIN_PREFIX) and r not in ROUTES]
    assert not unknown, (
        "These URL patterns have no access expectation in "
        "tests/integration/security/test_url_walk.py: "
        "add each to ROUTES (and any new path parameter to PARAMETERS):\n  " + "\n  ".join(unknown)
    )
    stale = [r for r in ROUTES if r not in routes]
    assert not stale, f"ROUTES names patterns that no longer exist: {stale}"
    missing = [
        f"{route}: <{name}>"
        for route, expect in ROUTES.items()
        for name in param_names(route)
        if name not in PARAMETERS and name not in expect.params
    ]
    assert not missing, (
        "no value for these path parameters: add them to PARAMETERS, or to the route's "
        "Expect(params=...):\n  " + "\n  ".join(missing)
    )


@pytest.mark.parametrize("role", ROLES)
def test_every_page_as_every_role(world, role):
    client = client_as(world, role)
    wrong = []
    for route in all_routes():
        if route.startswith(ADMIN_PREFIX) or route not in ROUTES:
            continue  # the admin has its own test; unknown routes fail the test above
        expect = ROUTES[route]
        for address in addresses(route, expect, world):
            response = client.get(address)
            status = response.status_code
            if role == "anonymous" and not expect.public:
                if expect.api:
                    ok = status == 401
                else:
                    ok = status == FOUND and response["Location"].startswith("/login/")
                wanted = "401" if expect.api else "a redirect to /login/"
            else:
                ok = status == expect.status(role)
                wanted = str(expect.status(role))
            if not ok or status >= 500:
                wrong.append(f"{address}: got {status}, expected {wanted}")
    assert not wrong, f"as {role}:\n  " + "\n  ".join(wrong)


def admin_addresses(world) -> list[str]:
    """Every admin page, object pages filled with a record of their model."""
    from django.contrib.contenttypes.models import ContentType

    found = []
    objects = {}
    for model in admin.site._registry:
        obj = model._default_manager.order_by("pk").first()
        if obj is not None:
            objects[f"{model._meta.app_label}/{model._meta.model_name}/"] = obj
    for route, _ in walk(get_resolver().url_patterns):
        if not route.startswith(ADMIN_PREFIX) or route == ADMIN_LOGOUT:
            continue
        names = param_names(route)
        if not names:
            found.append("/" + route)
            continue
        if "content_type_id" in names:
            ct = ContentType.objects.get_for_model(world.north)
            found.append(fill(route, {"content_type_id": ct.pk, "object_id": world.north.pk}))
            continue
        if route.startswith("admin/auth/user/") or any(
            route.startswith(ADMIN_PREFIX + k) for k in objects
        ):
            key = next((k for k in objects if route.startswith(ADMIN_PREFIX + k)), "auth/user/")
            obj = objects.get(key) or world.users["admin"]
            found.append(fill(route, {n: obj.pk for n in names}))
        # a model with no record yet: its object pages cannot be filled (the list still is)
    return found


@pytest.mark.parametrize("role", ROLES)
def test_the_admin_as_every_role(world, role):
    client = client_as(world, role)
    wrong = []
    for address in admin_addresses(world):
        response = client.get(address)
        status = response.status_code
        if address.rstrip("/") + "/" in {"/" + p for p in ADMIN_PUBLIC}:
            ok = status in (OK, FOUND)
        elif role == "anonymous":
            ok = status == FOUND and response["Location"].startswith("/login/")
        elif role == "admin":
            # everything opens, except what nobody may do (change or delete the audit trail,
            # add an audit record): refused, or sent back to the list. "View on site" is not
            # found for records without a page of their own.
            ok = status in (OK, FOUND, FORBIDDEN) or (
                status == MISSING and address.startswith("/admin/r/")
            )
        else:  # not staff: the admin's own sign-in page
            ok = status == FOUND and "/admin/login/" in response["Location"]
        if not ok or status >= 500:
            wrong.append(f"{address}: got {status}")
    assert not wrong, f"as {role}:\n  " + "\n  ".join(wrong)


def test_admin_pages_of_the_policy_models_open_for_administrators(world):
    client = client_as(world, "admin")
    for name in ("contract", "observation", "servicedevelopment", "profile"):
        assert client.get(f"/admin/store/{name}/").status_code == OK, name
    assert client.get(f"/admin/store/contract/{world.con_s.pk}/change/").status_code == OK


def test_a_staff_commissioner_in_the_admin_sees_only_their_community(world):
    from commissioning.store import models as m

    user = world.users["north_commissioner"]
    user.is_staff = True
    user.save()
    client = client_as(world, "north_commissioner")
    assert client.get("/admin/store/contract/").status_code == OK
    assert client.get(f"/admin/store/contract/{world.con_a.pk}/change/").status_code == OK
    other = client.get(f"/admin/store/contract/{world.con_s.pk}/change/")
    assert other.status_code == FOUND and "NA-1" not in other.content.decode()
    assert client.get("/admin/store/auditrecord/").status_code == FORBIDDEN
    assert client.get("/admin/store/profile/").status_code == FORBIDDEN
    assert m.Contract.objects.get(pk=world.con_s.pk).community == world.south


def test_every_admin_model_follows_the_access_policy():
    from commissioning.access.admin import PolicyAdminMixin

    outside = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label != "auth" and not isinstance(model_admin, PolicyAdminMixin)
    ]
    assert not outside, f"admin classes that do not use PolicyAdminMixin: {outside}"


# Query-string values pages parse (dates, months, periods, whole numbers, codes, choices), all
# wrong at once, plus names no page knows. A page ignores what it does not know and answers a
# bad value with the page and a plain message, or a 4xx (400; 404 for a grouping that does not
# exist; the API's 422): never a 500. tests/integration/security/test_bad_parameters.py checks
# the messages.
JUNK = {
    "page": "abc",
    "on": "2024-13-45",
    "start": "next spring",
    "lag": "-1",
    "seasonal": "sometimes",
    "subject": "../../etc/passwd",
    "status": "<script>alert(1)</script>",
    "grouping": "x" * 300,
    "peers": "saved",
    "limits": "go-live",
    "format": "exe",
    "q": "%' OR 1=1 --",
    "code": "\u2603",
    "when_from": "31/02/2024",
    "when_to": "9999999999999999999999",
    "edit": "nope",
    "condition": "no-such-condition",
    "domain": "nonsense",
    "period": "2024-Q5",
    "year": "-3000",
    "unknown_parameter": "1",
}


@pytest.mark.parametrize("role", ["admin", "north_commissioner", "north_viewer"])
def test_junk_query_parameters_never_break_a_page(world, role):
    client = client_as(world, role)
    wrong = []
    for route in all_routes():
        if route.startswith(ADMIN_PREFIX) or route not in ROUTES or route == "logout/":
            continue
        expect = ROUTES[route]
        if route.startswith("reports/") and "html" not in route:
            expect = Expect(expect.north, expect.others, {**expect.params, "fmt": "html"})
        for address in addresses(route, expect, world):
            clean = client.get(address).status_code
            status = client.get(address, JUNK).status_code
            if status != clean and not 400 <= status < 500:
                wrong.append(f"{address}: {status} with bad parameters, {clean} without")
    assert not wrong, f"as {role}:\n  " + "\n  ".join(wrong)

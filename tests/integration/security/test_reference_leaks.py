"""A reference to another community's record is answered exactly as one to a record that does
not exist, wherever a reference is looked up: API bodies and filters, the forms that record the
work and provider selection, and imports (the community import page and the contract import
page). Otherwise trying references would tell a login outside a community what it holds.

Each case asks the same question twice as the north commissioner, once with a reference to
nothing and once with a reference to a south record, and compares the answers: the status code
and every message, with the reference itself put back as ``{ref}`` (so a message that echoes
what was typed must echo it the same way).

Some imports cannot answer alike, because an import *creates* a record whose key is new: a
contract reference or a person's name that another community already holds is refused where a
new one is added. For those the test holds what can be held: the answer gives nothing of the
other community's record back (:func:`test_a_key_held_elsewhere_gives_nothing_of_it_back`).
"""

from __future__ import annotations

import importlib.util
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

_spec = importlib.util.spec_from_file_location(
    "api_world", Path(__file__).parents[1] / "api" / "world.py"
)
world_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(world_module)

MISSING_ID = 987654321
RISK_SHARE = "Shared 50:50 with South Council"
SAM_EMAIL = "sam.south@example.nhs.uk"


@pytest.fixture
def world(db):
    """The API world, and in the south community: a person (Sam South), an indicator of its own
    (SOUTH.FALLS), a risk share on contract SA-1 and a contract line SA-1 / DC."""
    from commissioning.contracts.models import ContractLine
    from commissioning.store import models as m

    w = world_module.build_world()
    w.sam = m.Person.objects.create(
        name="Sam South",
        role_type="commissioning_manager",
        organisation=w.south_ccg,
        email=SAM_EMAIL,
    )
    w.sam.communities.add(w.south)
    w.south_indicator = m.Indicator.objects.create(
        code="SOUTH.FALLS",
        name="Falls in South",
        domain="outcome",
        unit="%",
        polarity="lower_better",
        frequency="monthly",
        community=w.south,
    )
    w.con_s.risk_share = RISK_SHARE
    w.con_s.save()
    ContractLine.objects.create(
        contract=w.con_s,
        code="DC",
        name="Day cases",
        point_of_delivery="DC",
        currency="HRG spell",
        price=Decimal("100"),
    )
    return w


@dataclass(frozen=True)
class Answer:
    status: int
    texts: tuple[str, ...]


# -- asking ------------------------------------------------------------------------------------


def api_post(path: str, body: Callable) -> Callable:
    def ask(client, w, ref) -> Answer:
        response = client.post(path, json.dumps(body(w, ref)), content_type="application/json")
        return Answer(response.status_code, (response.content.decode(),))

    return ask


def api_get(path: str, params: Callable = lambda w, ref: {}) -> Callable:
    def ask(client, w, ref) -> Answer:
        response = client.get(path.format(ref=ref), params(w, ref))
        return Answer(response.status_code, (response.content.decode(),))

    return ask


def form(path: str, field: str, data: Callable) -> Callable:
    """POST a form; the answer is the status and the errors beside ``field``."""

    def ask(client, w, ref) -> Answer:
        response = client.post(path, data(w, ref))
        errors = response.context["form"].errors if response.context else {}
        return Answer(response.status_code, tuple(errors.get(field, [])))

    return ask


def problems_of(context) -> tuple[str, ...]:
    found = context.get("problems") or (context.get("result") or {}).get("problems") or []
    message = context.get("message") or (context.get("result") or {}).get("message")
    texts = [f"{p.file} | row {p.row} | {p.column} | {p.message}" for p in found]
    return (*texts, *([message] if message else []))


def upload(path: str, name: str, text: Callable, kind: str | None = None) -> Callable:
    """Upload a CSV file to an import page; the answer is the status and every problem."""

    def ask(client, w, ref) -> Answer:
        data = {"file": SimpleUploadedFile(name, text(w, ref).encode())}
        if kind:
            data["kind"] = kind
        response = client.post(path, data)
        return Answer(response.status_code, problems_of(response.context))

    return ask


# -- the cases ---------------------------------------------------------------------------------


def observation(**given):
    def body(w, ref):
        data = {
            "indicator": w.dm1.pk,
            "period": "2025-01-01",
            "value": 10.0,
            "numerator": 10,
            "denominator": 100,
        }
        data.update({k: (ref if v == "REF" else v(w)) for k, v in given.items()})
        return data

    return body


DEV = "/communities/north/developments/diabetes-redesign"
PSR_NEW = "/communities/north/provider-selection/new/"
IMPORT = "/communities/north/import/"
CONTRACT_IMPORT = "/communities/north/contracts/import/"


def activity(w, ref):
    return {
        "version": "0",
        "date": "14/9/2024",
        "title": "Leak probe",
        "kind": "meeting",
        "nature": "relational",
        "rows_participant": "1",
        "person_0": ref,
        "hours_0": "1",
    }


def development(field):
    def data(w, ref):
        return {"version": "0", "title": "Leak probe", "status": "active", field: ref}

    return data


def record(field):
    def data(w, ref):
        return {"reference": "psr-probe", "title": "Probe", "process": "direct_award_c", field: ref}

    return data


@dataclass(frozen=True)
class Case:
    name: str
    ask: Callable
    missing: Callable  # world -> a reference to nothing
    hidden: Callable  # world -> a reference to a south record
    refused: bool = True  # False: a filter, which answers an empty list

    def __str__(self) -> str:
        return self.name


def nothing(w):
    return MISSING_ID


CASES = [
    # API bodies and filters
    Case(
        "api observation: indicator",
        api_post(
            "/api/observations", observation(indicator="REF", organisation=lambda w: w.trust_a.pk)
        ),
        nothing,
        lambda w: w.south_indicator.pk,
    ),
    Case(
        "api observation: organisation",
        api_post("/api/observations", observation(organisation="REF")),
        nothing,
        lambda w: w.south_trust.pk,
    ),
    Case(
        "api observation: service",
        api_post("/api/observations", observation(service="REF")),
        nothing,
        lambda w: w.svc_s.pk,
    ),
    Case(
        "api provider-selection records: community",
        api_get("/api/provider-selection/records", lambda w, ref: {"community": ref}),
        lambda w: "nowhere",
        lambda w: "south",
    ),
    Case(
        "api provider-selection pipeline: community",
        api_get("/api/provider-selection/pipeline", lambda w, ref: {"community": ref}),
        lambda w: "nowhere",
        lambda w: "south",
    ),
    Case(
        "api provider-selection record: community",
        api_get("/api/provider-selection/records/psr-1", lambda w, ref: {"community": ref}),
        lambda w: "nowhere",
        lambda w: "south",
    ),
    Case(
        "api organisations: community filter",
        api_get("/api/organisations", lambda w, ref: {"community": ref}),
        lambda w: "nowhere",
        lambda w: "south",
        refused=False,
    ),
    Case(
        "api monitoring: community",
        api_get("/api/communities/{ref}/monitoring"),
        lambda w: "nowhere",
        lambda w: "south",
    ),
    Case(
        "api contract performance: contract",
        api_get("/api/contracts/{ref}/performance"),
        nothing,
        lambda w: w.con_s.pk,
    ),
    Case(
        "api development activities: development",
        api_get("/api/developments/{ref}/activities"),
        nothing,
        lambda w: w.dev_s.pk,
    ),
    # forms recording the work
    Case(
        "people suggested as a name is typed",
        api_get("/communities/north/people/", lambda w, ref: {"q": ref}),
        lambda w: "Nobody Known",
        lambda w: w.sam.name,
        refused=False,
    ),
    Case(
        "activity form: participant",
        form(f"{DEV}/activities/new/", "person_0", activity),
        lambda w: "Nobody Known",
        lambda w: w.sam.name,
    ),
    Case(
        "risk form: owner",
        form(
            f"{DEV}/risks/new/",
            "owner",
            lambda w, ref: {
                "version": "0",
                "kind": "risk",
                "description": "Probe",
                "likelihood": "3",
                "impact": "3",
                "owner": ref,
                "review_date": "1/1/2027",
            },
        ),
        lambda w: "Nobody Known",
        lambda w: w.sam.name,
    ),
    Case(
        "benefit form: owner",
        form(
            f"{DEV}/benefits/new/",
            "owner",
            lambda w, ref: {"version": "0", "description": "Probe", "owner": ref},
        ),
        lambda w: "Nobody Known",
        lambda w: w.sam.name,
    ),
    Case(
        "objective form: indicator",
        form(
            f"{DEV}/objectives/new/",
            "indicator",
            lambda w, ref: {
                "version": "0",
                "description": "Probe",
                "indicator": ref,
                "baseline_value": "1",
                "target_value": "2",
                "target_date": "31/3/2027",
            },
        ),
        lambda w: "SOUTH.NOTHING",
        lambda w: w.south_indicator.code,
    ),
    Case(
        "development form: services",
        form("/communities/north/new-development/", "services", development("services")),
        nothing,
        lambda w: w.svc_s.pk,
    ),
    Case(
        "development form: partners",
        form("/communities/north/new-development/", "partners", development("partners")),
        nothing,
        lambda w: w.south_trust.pk,
    ),
    Case(
        "development form: part of a wider plan",
        form("/communities/north/new-development/", "parent", development("parent")),
        lambda w: "no-such-development",
        lambda w: w.dev_s.slug,
    ),
    # provider selection: a decision record's links
    Case(
        "decision record form: existing contract",
        form(PSR_NEW, "existing_contract", record("existing_contract")),
        nothing,
        lambda w: w.con_s.pk,
    ),
    Case(
        "decision record form: services",
        form(PSR_NEW, "services", record("services")),
        nothing,
        lambda w: w.svc_s.pk,
    ),
    Case(
        "decision record form: provider chosen",
        form(PSR_NEW, "chosen_provider", record("chosen_provider")),
        nothing,
        lambda w: w.south_trust.pk,
    ),
    # imports
    Case(
        "import participants: person",
        upload(
            IMPORT,
            "participants.csv",
            lambda w, ref: (
                "community,activity_date,activity_title,person,hours\n"
                f"north,2024-01-10,Scoping meeting,{ref},1\n"
            ),
            "participants",
        ),
        lambda w: "Nobody Known",
        lambda w: w.sam.name,
    ),
    Case(
        "import objectives: indicator",
        upload(
            IMPORT,
            "objectives.csv",
            lambda w, ref: (
                "community,development_slug,description,indicator_code,"
                "baseline_value,target_value,target_date\n"
                f"north,diabetes-redesign,Probe,{ref},1,2,2027-03-31\n"
            ),
            "objectives",
        ),
        lambda w: "SOUTH.NOTHING",
        lambda w: w.south_indicator.code,
    ),
    Case(
        "import observations: indicator",
        upload(
            IMPORT,
            "observations.csv",
            lambda w, ref: (
                f"indicator_code,organisation_ods,period,value\n{ref},RTA,2025-01-01,10\n"
            ),
            "observations",
        ),
        lambda w: "SOUTH.NOTHING",
        lambda w: w.south_indicator.code,
    ),
    Case(
        "import observations: service",
        upload(
            IMPORT,
            "observations.csv",
            lambda w, ref: (
                "indicator_code,community,service,service_provider_ods,period,value\n"
                f"FIN1,south,{ref},RTS,2025-01-01,10\n"
            ),
            "observations",
        ),
        lambda w: "Nothing clinic",
        lambda w: w.svc_s.name,
    ),
    Case(
        "import contract lines: contract",
        upload(
            IMPORT,
            "lines.csv",
            lambda w, ref: (
                "contract_reference,line,name,point_of_delivery,currency\n"
                f"{ref},DC,Day cases,DC,HRG spell\n"
            ),
            "contract_lines",
        ),
        lambda w: "ZZ-404",
        lambda w: w.con_s.reference,
    ),
    Case(
        "contract import page, lines: contract",
        upload(
            CONTRACT_IMPORT,
            "lines.csv",
            lambda w, ref: (
                "contract_reference,line,name,point_of_delivery,currency\n"
                f"{ref},DC,Day cases,DC,HRG spell\n"
            ),
        ),
        lambda w: "ZZ-404",
        lambda w: w.con_s.reference,
    ),
    Case(
        "contract import page, plans: line",
        upload(
            CONTRACT_IMPORT,
            "plans.csv",
            lambda w, ref: (
                f"contract_reference,line,month,planned_activity\n{ref},DC,2024-04-01,10\n"
            ),
        ),
        lambda w: "ZZ-404",
        lambda w: w.con_s.reference,
    ),
]


def shown(answer: Answer, ref) -> Answer:
    """The answer with the reference put back as {ref} (as a whole number, for an id)."""
    text = re.escape(str(ref))
    pattern = rf"(?<![0-9]){text}(?![0-9])" if isinstance(ref, int) else text
    return Answer(answer.status, tuple(re.sub(pattern, "{ref}", t) for t in answer.texts))


@pytest.mark.parametrize("case", CASES, ids=str)
def test_another_communitys_record_is_answered_as_one_that_does_not_exist(world, case):
    client = Client()
    client.force_login(world.users["north_commissioner"])
    missing, hidden = case.missing(world), case.hidden(world)
    to_nothing = shown(case.ask(client, world, missing), missing)
    to_theirs = shown(case.ask(client, world, hidden), hidden)
    if case.refused:  # the case does probe a lookup: a reference to nothing is refused
        assert to_nothing.texts and to_nothing.status not in (201, 302), to_nothing
    assert to_theirs == to_nothing


@pytest.mark.parametrize(
    "kind, text, theirs",
    [
        (
            "contracts",
            "reference,community,title,commissioner_ods,provider_ods,payment_form,"
            "start_date,end_date,annual_value,risk_share\n"
            "SA-1,north,Probe,NCG,RTA,block,2024-04-01,2027-03-31,1000,\n",
            RISK_SHARE,
        ),
        ("people", "name,role_type,email\nSam South,commissioning_manager,\n", SAM_EMAIL),
    ],
)
def test_a_key_held_elsewhere_gives_nothing_of_it_back(world, kind, text, theirs):
    """An import row whose key (a contract's reference, a person's name) is another
    community's record is refused, and the refusal holds none of that record's values."""
    client = Client()
    client.force_login(world.users["north_commissioner"])
    answer = upload(IMPORT, f"{kind}.csv", lambda w, ref: text, kind)(client, world, None)
    assert answer.status == 400 and answer.texts, answer
    assert not any(theirs in t for t in answer.texts), answer
    assert not any("stored" in t for t in answer.texts), answer

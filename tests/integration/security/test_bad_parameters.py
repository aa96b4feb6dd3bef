"""Bad query-string values on the pages that read them: a plain message or a 4xx, never a 500.

Each case names the page, the parameters, the status and the words the user should see. Nothing
stored changes: the audit trail gains nothing from the bad request.
(tests/integration/security/test_url_walk.py also sends junk to every page of the site.)
"""

from __future__ import annotations

import html
import importlib.util
import re
from pathlib import Path

import pytest
from django.test import Client

_spec = importlib.util.spec_from_file_location(
    "api_world", Path(__file__).parents[1] / "api" / "world.py"
)
world_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(world_module)

EVALUATION = "/communities/north/developments/diabetes-redesign/objectives/{objective}/evaluation/"
COMMISSIONER, ADMIN = "north_commissioner", "admin"

CASES = [
    # the evaluation page (its messages, on a page with data:
    # tests/integration/web/test_evaluation_pages.py)
    (COMMISSIONER, EVALUATION, {"lag": "-1"}, 200, None),
    (COMMISSIONER, EVALUATION, {"lag": "9" * 30}, 200, None),
    (COMMISSIONER, EVALUATION, {"start": "2010-13"}, 200, None),
    (COMMISSIONER, EVALUATION, {"start": "next spring"}, 200, None),
    (COMMISSIONER, EVALUATION, {"seasonal": "sometimes"}, 200, None),
    (COMMISSIONER, EVALUATION, {"subject": "nobody"}, 200, None),
    # the audit trail: dates and page numbers
    (ADMIN, "/audit/", {"date_from": "31/02/2024"}, 400, "Enter a valid date"),
    (ADMIN, "/audit/", {"date_to": "yesterday"}, 400, "Enter a valid date"),
    (ADMIN, "/audit/", {"page": "abc"}, 200, None),
    (ADMIN, "/audit/", {"page": "9" * 30}, 200, None),
    (ADMIN, "/audit/", {"action": "explode"}, 400, "Select a valid choice"),
    (ADMIN, "/audit/", {"format": "csv", "date_from": "2024-99-01"}, 400, "Enter a valid date"),
    # choices and codes that match nothing are ignored or answered "not found"
    (COMMISSIONER, "/communities/north/", {"status": "exploded"}, 200, None),
    (COMMISSIONER, "/communities/north/developments/", {"status": "x" * 500}, 200, None),
    (COMMISSIONER, "/communities/north/monitoring/", {"grouping": "no-such-group"}, 404, None),
    (
        COMMISSIONER,
        "/communities/north/developments/diabetes-redesign/monitoring/",
        {"limits": "sideways"},
        200,
        None,
    ),
    (COMMISSIONER, "/evidence/north/", {"code": "no-such-code", "q": "%' OR 1=1 --"}, 200, None),
    (COMMISSIONER, "/evidence/north/", {"q": '"unbalanced (quote'}, 200, None),
    (COMMISSIONER, "/evidence/north/framework/", {"format": "exe"}, 200, None),
    # the API: a plain JSON message
    (COMMISSIONER, "/api/observations", {"from": "2024-02-30"}, 422, None),
    (COMMISSIONER, "/api/observations", {"indicator": "9" * 30}, 422, None),
    (COMMISSIONER, "/api/observations", {"page": "-1"}, 422, None),
]


@pytest.fixture
def world(db):
    from commissioning.store import models as m

    w = world_module.build_world()
    w.objective = m.Objective.objects.get(development=w.dev_n)
    return w


def text(response) -> str:
    page = response.content.decode()
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


@pytest.mark.parametrize(("role", "url", "params", "status", "words"), CASES)
def test_a_bad_value_gets_a_plain_answer(world, role, url, params, status, words):
    from commissioning.store.models import AuditRecord

    client = Client(raise_request_exception=False)
    client.force_login(world.users[role])
    address = url.format(objective=world.objective.pk)
    client.get(address)  # the page as it is (it may set up defaults, such as a codebook)
    before = AuditRecord.objects.count()
    response = client.get(address, params)
    assert response.status_code == status, text(response)[:500]
    body = text(response)
    assert "Traceback" not in body
    if words:
        assert words in body
    assert AuditRecord.objects.count() == before


@pytest.mark.parametrize(
    "url",
    [
        "/communities/north/monitoring/?grouping=%00",
        "/evidence/north/?q=%00&code=%00",
        "/audit/?person=%00&record=%00",
        "/communities/north/developments/?status=%00",
        EVALUATION + "?subject=%00&start=%00",
        "/api/observations?from=%00",
        "/communities/north/contracts/NA-1%00/monitoring/",
    ],
)
def test_nul_characters_in_the_address_get_a_plain_400(world, url):
    # PostgreSQL cannot compare text holding NUL: these were server errors there
    client = Client(raise_request_exception=False)
    client.force_login(world.users[ADMIN])
    response = client.get(url.format(objective=world.objective.pk))
    assert response.status_code == 400
    assert "not allowed (a NUL character)" in response.content.decode()

"""Property-based fuzzing of the JSON API from its own OpenAPI schema: no request gets a 500.

Schemathesis generates valid and invalid requests for every operation in /api/openapi.json and
sends them straight to the WSGI app as a signed-in administrator (with the CSRF token, so POSTs
reach the code). Any server error fails the test.
"""

from __future__ import annotations

import contextlib
import itertools

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, given, settings

try:
    import schemathesis
    from schemathesis.checks import not_a_server_error
    from schemathesis.generation.modes import GenerationMode
except ImportError as exc:  # a dev dependency: fail plainly, never skip
    pytest.fail(
        f"the dev dependency schemathesis cannot be imported ({exc}): run `make test`, or "
        "`.venv/bin/pip install -e '.[dev]'`",
        pytrace=False,
    )

POSITIVE, NEGATIVE = GenerationMode.POSITIVE, GenerationMode.NEGATIVE

EXAMPLES = {"positive": 15, "negative": 10}  # per operation: the whole run stays under a minute


@contextlib.contextmanager
def same_connection():
    """Keep the test's database connection open across WSGI requests, as Django's client does.

    (Django closes connections at the end of each request, and inside a test's transaction that
    would close the test's own connection.) Enter it after any Django test-client request, which
    reconnects the handlers.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def signed_in(world):
    client = Client()
    client.force_login(world.users["admin"])
    client.get("/login/")
    schema = client.get("/api/openapi.json").json()
    cookies = {name: morsel.value for name, morsel in client.cookies.items()}
    return schema, cookies


def test_no_request_makes_a_server_error(signed_in):
    from commissioning.wsgi import application

    raw, cookies = signed_in
    headers = {"X-CSRFToken": cookies["csrftoken"]}
    schema = schemathesis.openapi.from_dict(raw)
    schema.app = application
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15
    statuses: list[tuple[str, int]] = []

    with same_connection():
        for operation, mode in itertools.product(operations, [POSITIVE, NEGATIVE]):
            fuzz(operation, mode, headers, cookies, statuses)

    # the requests were really signed in, and some were good enough to be answered
    assert not any(code in (401, 403) for method, code in statuses if method == "GET")
    assert ("GET", 200) in statuses


def fuzz(operation, mode, headers, cookies, statuses):
    """Send generated requests for one operation; fail on the first server error."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES[mode.value],
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case):
        response = case.call(headers=headers, cookies=cookies)
        statuses.append((case.method, response.status_code))
        case.validate_response(response, checks=[not_a_server_error])

    check()

"""A small hand-made world for the survey tests.

Community "north" (North CCG; practices P1 and P2) and "south" (South CCG). One survey in
north, "Diabetes advice", up to 3 sources, invites four GPs:

- Dr Alpha One (P1) names Sister Nurse (specialist nurse, strength 3) and Dr Consult (consultant, 2)
- Dr Bravo Two (P1) names Sister Nurse (5)
- Dr Charlie Three (P2) names Sister Nurse (1)
- Dr Delta Four (P2, e-mail on file) has not answered.

The network (respondents A, B, C; sources S, T) is worked by hand in test_pages.py.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest


def _login(role, community, organisation=None, name="user"):
    from django.contrib.auth.models import User

    from commissioning.store.models import Profile

    user = User.objects.create(username=name)
    Profile.objects.create(user=user, role=role, community=community, organisation=organisation)
    return user


@pytest.fixture
def world(db):
    from commissioning.networks import logic
    from commissioning.networks.models import Survey
    from commissioning.store import models as m

    w = SimpleNamespace()
    org = m.Organisation.objects.create
    w.ccg = org(ods_code="NCG", name="North CCG", kind="ccg")
    w.p1 = org(ods_code="N00001", name="North Street Surgery", kind="gp_practice")
    w.p2 = org(ods_code="N00002", name="Hill Top Practice", kind="gp_practice")
    w.trust = org(ods_code="RTA", name="Acute Trust A", kind="acute_trust")
    w.south_ccg = org(ods_code="SCG", name="South CCG", kind="ccg")
    w.north = m.CommissioningCommunity.objects.create(
        code="north", name="North", commissioner=w.ccg
    )
    w.north.members.add(w.p1, w.p2, w.trust)
    w.south = m.CommissioningCommunity.objects.create(
        code="south", name="South", commissioner=w.south_ccg
    )
    w.diabetes = m.Condition.objects.create(name="Diabetes", slug="diabetes")
    w.commissioner = _login("commissioner", w.north, name="north_commissioner")
    w.viewer = _login("viewer", w.north, name="north_viewer")
    w.provider = _login("provider", w.north, w.trust, name="provider")
    w.south_commissioner = _login("commissioner", w.south, name="south_commissioner")
    w.survey = Survey.objects.create(
        community=w.north,
        title="Diabetes advice",
        question="Who do you go to for advice on diabetes care?",
        condition=w.diabetes,
        max_sources=3,
    )
    logic.add_respondents(
        w.survey,
        [
            ("Dr Alpha One", w.p1, "gp", ""),
            ("Dr Bravo Two", w.p1, "gp", ""),
            ("Dr Charlie Three", w.p2, "gp", ""),
            ("Dr Delta Four", w.p2, "gp", "delta@example.org"),
        ],
    )
    w.r = {r.name.split()[1]: r for r in w.survey.respondents.all()}
    A = logic.Answer
    logic.save_answer(
        w.r["Alpha"],
        [
            A("Sister Nurse", "specialist_nurse", w.trust, 3),
            A("Dr Consult", "consultant", w.trust, 2),
        ],
        "web",
    )
    logic.save_answer(w.r["Bravo"], [A("Sister Nurse", "specialist_nurse", w.trust, 5)], "web")
    logic.save_answer(w.r["Charlie"], [A("Sister Nurse", "specialist_nurse", None, 1)], "web")
    return w


@pytest.fixture
def as_user(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture(autouse=True)
def _fresh_throttle():
    """The link-guessing throttle counts in the cache: start each test from zero."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()

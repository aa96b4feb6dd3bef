"""Building the demo again: repeatable from a seed, replacing the old demo, refusing real data.

These tests rebuild inside the test's transaction, which is rolled back afterwards, so the
session-wide demo that other tests read is left as it was.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from commissioning.demo import build_demo
from commissioning.demo.digest import content_digest
from commissioning.errors import UserError
from commissioning.store.models import (
    Activity,
    CommissioningCommunity,
    ConditionRegister,
    Indicator,
    Observation,
    Organisation,
    Person,
    ServiceDevelopment,
)

pytestmark = pytest.mark.usefixtures("demo", "db")


def counts() -> dict[str, int]:
    from commissioning.evidence.models import Evidence, Passage
    from commissioning.provider_selection.models import DecisionRecord

    return {
        model.__name__: model.objects.count()
        for model in (
            Evidence,
            Passage,
            DecisionRecord,
            CommissioningCommunity,
            Organisation,
            Person,
            ServiceDevelopment,
            Activity,
            ConditionRegister,
            Observation,
            Indicator,
            get_user_model(),
        )
    }


def test_the_same_seed_gives_the_same_data_and_another_seed_does_not(demo):
    first = content_digest()
    before = counts()
    again = build_demo(seed=demo.seed, password="another-Pa55word")
    assert content_digest() == first
    # Rebuilding replaced the demo rather than adding a second copy.
    assert counts() == before
    assert [x.username for x in again.logins] == [x.username for x in demo.logins]

    build_demo(seed=demo.seed + 1, password="another-Pa55word")
    assert content_digest() != first
    assert counts()["CommissioningCommunity"] == 4


def test_without_a_password_each_login_gets_its_own_random_one_and_progress_is_told(client):
    said = []
    result = build_demo(seed=3, progress=said.append)
    assert len(said) >= 5
    assert any("practices" in s.lower() for s in said)
    passwords = [x.password for x in result.logins]
    assert len(set(passwords)) == len(passwords) == 13  # an administrator, 3 for each community
    assert all(len(p) >= 16 for p in passwords)
    chosen = result.logins[1]
    signed = client.post("/login/", {"username": chosen.username, "password": chosen.password})
    assert signed.status_code == 302


def test_refuses_a_database_with_real_communities_and_leaves_it_untouched():
    real = Organisation.objects.create(ods_code="X99", name="A real PCT", kind="pct")
    CommissioningCommunity.objects.create(code="real", name="Real place", commissioner=real)
    before = counts()
    with pytest.raises(UserError, match="real commissioning communities"):
        build_demo(password="x-Pa55word")
    assert counts() == before


def test_refuses_when_real_organisations_use_the_demo_codes():
    Organisation.objects.filter(ods_code="5NK").update(synthetic=False)
    with pytest.raises(UserError, match="5NK"):
        build_demo(password="x-Pa55word")

"""The provider-selection API's two lists (records, pipeline): without ``community`` they hold
every community the caller may see, paged as every list of the API is; ``community`` filters;
a community the caller may not see answers exactly as one that does not exist."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from .world import build

RECORDS = "/api/provider-selection/records"
PIPELINE = "/api/provider-selection/pipeline"


@pytest.fixture
def towns(db):
    """Minitown (its award records, its contracts ending within 18 months of today) and
    Othertown: one draft record and one contract ending in 100 days."""
    from django.contrib.auth import get_user_model

    from commissioning.provider_selection.models import DecisionRecord, Process
    from commissioning.store.models import CommissioningCommunity, Contract, Organisation

    today = timezone.localdate()
    world = build(today=today)
    ccg = Organisation.objects.create(ods_code="ZO1", name="Othertown CCG", kind="ccg")
    gamma = Organisation.objects.create(ods_code="ZOG", name="Gamma Health", kind="acute_trust")
    other = CommissioningCommunity.objects.create(
        code="othertown", name="Othertown", commissioner=ccg
    )
    other.members.add(gamma)
    Contract.objects.create(
        reference="OT-9",
        title="Podiatry",
        community=other,
        commissioner=ccg,
        provider=gamma,
        payment_form="block",
        start_date=dt.date(2024, 4, 1),
        end_date=today + dt.timedelta(days=100),
        annual_value=Decimal("100000"),
    )
    DecisionRecord.objects.create(
        community=other, reference="psr-ot-1", title="Podiatry", process=Process.DIRECT_C
    )
    admin = get_user_model().objects.create_superuser("ps-admin", password=None)
    return {**world, "other": other, "admin": admin}


def got(client, path, **params) -> dict:
    response = client.get(path, params)
    assert response.status_code == 200, response.content
    return response.json()


def keys(page: dict, field: str = "reference") -> list[tuple[str, str]]:
    return [(item["community"], item[field]) for item in page["items"]]


def test_records_of_every_community_the_caller_sees_paged_and_filtered(client, towns):
    client.force_login(towns["admin"])
    everything = [
        ("minitown", "psr-comp-1"),
        ("minitown", "psr-dac-1"),
        ("minitown", "psr-msp-1"),
        ("othertown", "psr-ot-1"),
    ]
    page = got(client, RECORDS)
    assert keys(page) == everything
    assert (page["count"], page["page"], page["page_size"]) == (4, 1, 50)
    second = got(client, RECORDS, page=2, page_size=3)
    assert keys(second) == everything[3:] and second["count"] == 4
    assert keys(got(client, RECORDS, community="othertown")) == [("othertown", "psr-ot-1")]

    client.force_login(towns["commissioner"])  # Minitown's: drafts too, never Othertown's
    assert keys(got(client, RECORDS)) == everything[:3]
    client.force_login(towns["beta_user"])  # a provider: finalised records only
    assert keys(got(client, RECORDS)) == [("minitown", "psr-comp-1"), ("minitown", "psr-dac-1")]


def test_pipeline_of_every_community_the_caller_sees_paged_and_filtered(client, towns):
    client.force_login(towns["admin"])
    page = got(client, PIPELINE)
    rows = keys(page, "contract")
    assert ("othertown", "OT-9") in rows and ("minitown", "MT-3") in rows
    assert rows == sorted(rows, key=lambda r: r[0])  # community by community
    assert page["count"] == len(rows)
    assert keys(got(client, PIPELINE, page=2, page_size=1), "contract") == rows[1:2]
    assert keys(got(client, PIPELINE, community="othertown"), "contract") == [("othertown", "OT-9")]
    client.force_login(towns["commissioner"])
    mine = keys(got(client, PIPELINE), "contract")
    assert mine and {c for c, _ in mine} == {"minitown"}
    assert mine == [r for r in rows if r[0] == "minitown"]


@pytest.mark.parametrize("path", [RECORDS, PIPELINE])
def test_a_community_not_yours_answers_as_one_that_does_not_exist(client, towns, path):
    client.force_login(towns["commissioner"])
    hidden = client.get(path, {"community": "othertown"})
    unknown = client.get(path, {"community": "nowhere"})
    assert hidden.status_code == unknown.status_code == 404
    assert hidden.content == unknown.content

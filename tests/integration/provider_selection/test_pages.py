"""The provider selection pages, downloads and OCDS export on the small community."""

from __future__ import annotations

import io
import json
import re

import pytest
from openpyxl import load_workbook

from commissioning.provider_selection import ocds
from commissioning.provider_selection.models import DecisionRecord
from commissioning.store.models import Contract

BASE = "/communities/minitown/provider-selection/"


@pytest.fixture(autouse=True)
def _on_the_fixture_date(monkeypatch):
    """The pages judge deadlines against today: the small community's today."""
    from commissioning.web.views import provider_selection

    from .conftest import TODAY

    monkeypatch.setattr(provider_selection, "_today", lambda: TODAY)


def text(response) -> str:
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_index_shows_pipeline_register_and_effort(client, awards):
    client.force_login(awards["commissioner"])
    page = text(client.get(BASE))
    assert "MT-3: Stroke rehabilitation" in page  # the contract the draft record replaces
    assert "psr-dac-1" in page and "psr-comp-1" in page
    assert "Transaction effort" in page and "9.5" in page  # 6 + 3.5 hours on the DAC record
    assert "Start a decision record" in page


def test_record_page_shows_hash_and_the_regulations(client, awards):
    client.force_login(awards["viewer"])
    response = client.get(BASE + "psr-dac-1/")
    page = text(response)
    assert response.status_code == 200
    assert awards["records"]["psr-dac-1"].chain_hash in page
    assert "Direct Award Process C" in page and "regulation 12" in page
    assert "Not shown" in page  # viewers see no values or scores
    assert client.get(BASE + "psr-msp-1/").status_code == 404  # drafts are not theirs
    verify = text(client.get(BASE + "psr-dac-1/verify/"))
    assert "Intact" in verify


def test_a_provider_cannot_open_a_competitors_assessment(client, awards):
    comp = awards["records"]["psr-comp-1"]
    alpha = comp.considered.get(provider=awards["alpha"])
    beta = comp.considered.get(provider=awards["beta"])
    client.force_login(awards["beta_user"])
    assert client.get(BASE + f"psr-comp-1/assessments/{beta.pk}/").status_code == 200
    response = client.get(BASE + f"psr-comp-1/assessments/{alpha.pk}/")
    assert response.status_code == 404
    page = text(client.get(BASE + "psr-comp-1/"))
    assert "Beta Care" in page and "Open the assessment of Alpha Trust" not in page


def test_pdf_register_downloads_and_ocds(client, awards):
    client.force_login(awards["commissioner"])
    pdf = client.get(BASE + "psr-dac-1/record.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    csv = client.get(BASE + "awards.csv").content.decode("utf-8-sig").splitlines()
    assert csv[0].startswith("Reference,Version,Title") and len(csv) == 3
    book = load_workbook(io.BytesIO(client.get(BASE + "awards.xlsx").content))
    assert book["awards"]["A3"].value == "psr-dac-1" or book["awards"]["A4"].value == "psr-dac-1"
    package = json.loads(client.get(BASE + "ocds.json").content)
    assert ocds.schema_errors(package) == []
    assert {r["ocid"].rsplit("-", 2)[-2] for r in package["releases"]} == {"dac", "comp"}


def test_ocds_export_round_trips_through_the_import(client, awards):
    client.force_login(awards["commissioner"])
    package = json.loads(client.get(BASE + "ocds.json").content)
    awarded = {
        c.reference: (c.provider_id, c.start_date, c.end_date, c.annual_value, c.procurement_route)
        for c in Contract.objects.filter(award_decisions__isnull=False).distinct()
    }
    assert len(awarded) == 2
    DecisionRecord.objects.filter(community=awards["community"]).update(awarded_contract=None)
    Contract.objects.filter(reference__in=awarded).delete()
    counts = ocds.import_package(json.dumps(package), awards["community"])
    assert counts["created"] == 2
    back = {
        c.reference: (c.provider_id, c.start_date, c.end_date, c.annual_value, c.procurement_route)
        for c in Contract.objects.filter(reference__in=awarded)
    }
    assert back == awarded
    again = ocds.import_package(json.dumps(package), awards["community"])
    assert again == {"created": 0, "updated": 0, "unchanged": 2}


def test_a_community_without_awards_has_no_ocds_package_and_says_why(client, awards):
    DecisionRecord.objects.filter(community=awards["community"]).update(status="draft")
    client.force_login(awards["commissioner"])
    response = client.get(BASE + "ocds.json")
    assert response.status_code == 404 and b"no finalised award" in response.content


def test_a_broken_package_is_refused_with_its_place(awards):
    from commissioning.errors import InputError

    bad = {"uri": "x", "version": "1.1", "publishedDate": "yesterday", "releases": []}
    with pytest.raises(InputError) as refused:
        ocds.import_package(json.dumps(bad), awards["community"], name="bad.json")
    assert "bad.json" in str(refused.value) and "publisher" in str(refused.value)


def test_commissioner_finalises_with_the_error_summary_first(client, awards):
    client.force_login(awards["commissioner"])
    response = client.post(BASE + "psr-msp-1/finalise/")
    assert response.status_code == 400
    page = text(response)
    assert "The record cannot be finalised yet" in page and "regulation 24(d)" in page
    response = client.post(BASE + "psr-dac-1/amend/", {"reason": "Correct the forum"})
    assert response.status_code == 302
    assert DecisionRecord.objects.filter(reference="psr-dac-1", version=2, status="draft").exists()


def test_a_refused_record_form_answers_400_with_its_error_summary(client, awards):
    """Every other form of the site answers a refused POST with 400 (Bad Request) and the form
    again; the decision record's start and change forms answered 200, so a script or a test
    reading the status took a refusal for success."""
    client.force_login(awards["commissioner"])
    for path in (BASE + "new/", BASE + "psr-msp-1/edit/"):
        response = client.post(path, {"reference": "", "title": ""})
        assert response.status_code == 400, path
        assert "There is a problem" in text(response), path

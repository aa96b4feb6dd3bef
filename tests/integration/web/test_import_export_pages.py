"""The import page and the CSV/XLSX downloads, as each role sees them (the mini community)."""

from __future__ import annotations

import csv
import html
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

pytestmark = pytest.mark.django_db

IMPORT = "/communities/minitown/import/"

GOOD = (
    "community,name,provider_ods,setting,tier\n"
    "minitown,Memory clinic,ZZT,community,specialist\n"
    "minitown,Falls clinic,ZZT,acute,general\n"
    ",Diabetes outreach,ZZT,community,\n"
)


def text(response) -> str:
    page = response.content.decode()
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def upload(client, body: str | bytes, name="services.csv", **fields):
    data = body.encode("utf-8") if isinstance(body, str) else body
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, data), **fields})


def services():
    from commissioning.store.models import Service

    return dict(Service.objects.filter(community__code="minitown").values_list("name", "tier"))


@pytest.fixture
def provider(mini, django_user_model):
    from commissioning.store.models import Organisation, Profile

    u = django_user_model.objects.create_user("mini-provider", password="x-Pa55-word-x")
    Profile.objects.create(
        user=u,
        role="provider",
        community=mini["community"],
        organisation=Organisation.objects.get(ods_code="ZZT"),
    )
    return u


def test_commissioner_imports_services_and_sees_counts(client, mini):
    from commissioning.store.models import AuditRecord

    client.force_login(mini["commissioner"])
    page = client.get(IMPORT)
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.content.decode()
    assert 'name="csrfmiddlewaretoken"' in page.content.decode()

    response = upload(client, GOOD)
    assert response.status_code == 200, text(response)
    # 2 new services, "Falls clinic" changes tier specialist -> general.
    assert "Services: 2 added, 1 updated, 0 unchanged" in text(response)
    assert services() == {
        "Falls clinic": "general",
        "Memory clinic": "specialist",
        "Diabetes outreach": "",
    }
    record = AuditRecord.objects.get(model="store.service", object_id="import")
    assert record.channel == "import"
    assert record.username == "mini-commissioner"
    assert record.user_id == mini["commissioner"].pk

    again = upload(client, GOOD)
    assert "Services: 0 added, 0 updated, 3 unchanged" in text(again)


def test_bad_file_lists_located_problems_and_saves_nothing(client, mini):
    client.force_login(mini["commissioner"])
    before = services()
    body = (
        "community,name,provider_ods,setting\n"
        "minitown,Memory clinic,ZZT,community\n"
        "minitown,Eye clinic,ZZT,on the moon\n"
        "minitown,,ZZT,acute\n"
    )
    response = upload(client, body, name="my services.csv")
    assert response.status_code == 400
    page = text(response)
    source = response.content.decode()
    assert "nhsuk-error-summary" in source and 'href="#problems"' in source
    assert "Nothing was saved" in page
    # Located by the original file name (never the temporary path), row (header = 1) and column.
    assert re.search(r"my services\.csv 3 setting [^<]*on the moon", page), page
    assert re.search(r"my services\.csv 4 name ", page), page
    assert "commissioning-upload" not in source
    assert services() == before


def test_dry_run_reports_counts_and_saves_nothing(client, mini):
    from commissioning.store.models import AuditRecord

    client.force_login(mini["commissioner"])
    before = services()
    response = upload(client, GOOD, dry_run="yes")
    assert response.status_code == 200
    page = text(response)
    assert "nothing was saved" in page
    assert "Services: 2 added, 1 updated, 0 unchanged" in page
    assert services() == before
    assert not AuditRecord.objects.filter(object_id="import").exists()


def test_commissioner_cannot_import_into_another_community(client, mini):
    client.force_login(mini["commissioner"])
    body = "community,name,provider_ods,setting\nelsewhere,Sneaky clinic,ZZT,community\n"
    response = upload(client, body)
    assert response.status_code == 400
    assert "you can import records of community 'minitown' only" in text(response)
    assert not services().get("Sneaky clinic")
    # Shared records (organisations) are for administrators.
    orgs = "ods_code,name,kind\nZZ9,New practice,gp_practice\n"
    response = upload(client, orgs, name="organisations.csv", kind="organisations")
    assert response.status_code == 400
    response = upload(client, orgs, name="organisations.csv")
    assert response.status_code == 400
    assert "holds organisations, which only administrators import" in text(response)
    # And another community's page is simply not found.
    assert client.get("/communities/elsewhere/import/").status_code == 404


def test_wrong_encoding_and_wrong_type_get_plain_messages(client, mini):
    client.force_login(mini["commissioner"])
    response = upload(client, b"", name="services.csv")
    assert response.status_code == 400
    assert "services.csv: is empty" in text(response) or "is empty" in text(response)
    response = upload(client, b"not a workbook", name="services.xlsx")
    assert response.status_code == 400
    assert "Nothing was saved" in text(response)
    response = upload(client, b"a,b\n1,2\n", name="services.pdf")
    assert response.status_code == 400
    assert "is not a CSV or Excel (.xlsx) file" in text(response)
    response = client.post(IMPORT, {})
    assert response.status_code == 400
    assert "Choose a CSV or Excel (.xlsx) file to import" in text(response)


def test_an_upload_in_windows_1252_is_read_and_its_encoding_named(client, mini):
    client.force_login(mini["commissioner"])
    body = "community,name,provider_ods,setting\nminitown,Caf\u00e9 clinic,ZZT,community\n"
    response = upload(client, body.encode("cp1252"))
    assert response.status_code == 200, text(response)
    assert "services.csv: text in Windows-1252" in text(response)
    assert "Caf\u00e9 clinic" in services()


def test_viewer_cannot_import(client, mini):
    client.force_login(mini["viewer"])
    before = services()
    assert client.get(IMPORT).status_code == 403
    response = upload(client, GOOD)
    assert response.status_code == 403
    assert "You cannot import records" in text(response)
    assert "Viewers can see this community's records but cannot import" in text(response)
    assert services() == before


OBSERVATIONS = "indicator_code,organisation_ods,period,value\nMINI1,{ods},2011-04-01,9.5\n"


def test_provider_imports_observations_of_their_own_organisation_only(client, mini, provider):
    from commissioning.store.models import AuditRecord, Observation

    client.force_login(provider)
    page = client.get(IMPORT)
    assert page.status_code == 200
    assert '<option value="observations"' in page.content.decode()
    assert '<option value="services"' not in page.content.decode()

    other = upload(client, OBSERVATIONS.format(ods="Z00001"), name="obs.csv")
    assert other.status_code == 400
    assert "you can import observations of your own organisation (ZZT)" in text(other)
    services_file = upload(client, GOOD)
    assert services_file.status_code == 400
    assert "providers import indicator observations for their own organisation only" in text(
        services_file
    )
    assert not Observation.objects.exists()
    assert "Memory clinic" not in services()

    own = upload(client, OBSERVATIONS.format(ods="ZZT"), name="obs.csv")
    assert own.status_code == 200, text(own)
    assert "Indicator observations: 1 added, 0 updated, 0 unchanged" in text(own)
    obs = Observation.objects.get()
    assert (obs.organisation.ods_code, obs.value) == ("ZZT", 9.5)
    record = AuditRecord.objects.get(model="store.observation", object_id="import")
    assert (record.channel, record.username) == ("import", "mini-provider")


WITH_COUNTS = (
    "indicator_code,organisation_ods,period,value,numerator,denominator,lower,upper\n"
    "MINI1,ZZT,2011-04-01,9.5,19,200,5.8,14.4\n"
)


def test_an_upload_that_would_empty_stored_values_needs_the_box_ticked(client, mini, provider):
    from commissioning.store.models import Observation

    client.force_login(provider)
    assert upload(client, WITH_COUNTS, name="obs.csv").status_code == 200
    page = client.get(IMPORT).content.decode()
    assert 'name="allow_emptying"' in page
    refused = upload(client, OBSERVATIONS.format(ods="ZZT"), name="obs.csv")
    assert refused.status_code == 400
    words = text(refused)
    assert "obs.csv 2 numerator is empty, but the stored observations record holds '19'" in words
    assert "tick \u201cLet this import empty stored values\u201d to empty them" in words
    assert "--allow-emptying" not in words
    assert Observation.objects.get().numerator == 19
    asked = upload(client, OBSERVATIONS.format(ods="ZZT"), name="obs.csv", allow_emptying="yes")
    assert asked.status_code == 200, text(asked)
    assert "obs.csv: emptied 4 stored values of indicator observations" in text(asked)
    obs = Observation.objects.get()
    assert (obs.value, obs.numerator, obs.lower) == (9.5, None, None)


@override_settings(IMPORT_MAX_UPLOAD_SIZE=1024)
def test_oversized_upload_gets_a_plain_message(client, mini):
    client.force_login(mini["commissioner"])
    big = "community,name,provider_ods,setting\n" + "minitown,x,ZZT,acute\n" * 200
    response = upload(client, big)
    assert response.status_code == 413
    assert "The file is too large: the largest is 1 KB" in text(response)
    assert "Memory clinic" not in services()


def test_template_downloads(client, mini):
    client.force_login(mini["commissioner"])
    page = client.get(IMPORT).content.decode()
    assert "/communities/minitown/import/templates/services.csv" in page
    response = client.get("/communities/minitown/import/templates/services.csv")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="services-template.csv"'
    header = response.content.decode().splitlines()[0]
    assert header.startswith("community,name,provider_ods,setting")
    xlsx = client.get("/communities/minitown/import/templates/contracts.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


# -- exports ------------------------------------------------------------------------------------


def rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def xlsx_rows(response) -> list[list]:
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(response.content)).active
    return [list(r) for r in ws.iter_rows(values_only=True)]


def test_community_page_links_to_import_and_downloads(client, mini):
    client.force_login(mini["viewer"])
    source = client.get("/communities/minitown/").content.decode()
    for kind in ("organisations", "services", "contracts", "developments"):
        assert f"/communities/minitown/export/{kind}.csv" in source
        assert f"/communities/minitown/export/{kind}.xlsx" in source
    assert "/communities/minitown/import/" in source


def test_contract_values_hidden_from_viewers(client, mini):
    client.force_login(mini["commissioner"])
    theirs = rows(client.get("/communities/minitown/export/contracts.csv"))
    assert [(r["reference"], r["annual_value"]) for r in theirs] == [("MINI-001", "1234567.00")]

    client.force_login(mini["viewer"])
    response = client.get("/communities/minitown/export/contracts.csv")
    assert response.status_code == 200
    assert [(r["reference"], r["annual_value"]) for r in rows(response)] == [("MINI-001", "")]
    assert "1234567" not in response.content.decode()
    xlsx = client.get("/communities/minitown/export/contracts.xlsx")
    header, *data = xlsx_rows(xlsx)
    assert data[0][header.index("annual_value")] is None
    assert "1234567" not in repr(data)


def test_export_holds_only_the_users_community(client, mini):
    import datetime as dt

    client.force_login(mini["commissioner"])
    response = client.get("/communities/minitown/export/developments.csv")
    today = dt.date.today().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="minitown-developments-{today}.csv"'
    )
    assert [r["slug"] for r in rows(response)] == ["falls-review"]
    orgs = rows(client.get("/communities/minitown/export/organisations.csv"))
    assert sorted(r["ods_code"] for r in orgs) == ["Z00001", "ZZ1", "ZZT"]
    assert client.get("/communities/elsewhere/export/developments.csv").status_code == 404
    client.force_login(mini["admin"])
    admin = rows(client.get("/communities/elsewhere/export/developments.csv"))
    assert [r["slug"] for r in admin] == ["hidden-plan"]


def test_provider_export_holds_only_their_own_contracts(client, mini, provider):
    from commissioning.store.models import Contract, Organisation

    other = Organisation.objects.create(ods_code="ZZO", name="Other Trust", kind="acute_trust")
    base = Contract.objects.get(reference="MINI-001")
    base.pk = None
    base.reference, base.provider = "MINI-002", other
    base.save()
    client.force_login(provider)
    refs = [r["reference"] for r in rows(client.get("/communities/minitown/export/contracts.csv"))]
    assert refs == ["MINI-001"]


def test_formula_cells_are_neutralised_in_csv_and_xlsx(client, mini):
    from commissioning.store.models import Service

    Service.objects.filter(name="Falls clinic").update(name='=HYPERLINK("http://x.test","hi")')
    client.force_login(mini["commissioner"])
    names = [r["name"] for r in rows(client.get("/communities/minitown/export/services.csv"))]
    assert names == ['\'=HYPERLINK("http://x.test","hi")']
    header, *data = xlsx_rows(client.get("/communities/minitown/export/services.xlsx"))
    assert data[0][header.index("name")] == '\'=HYPERLINK("http://x.test","hi")'


def test_unknown_export_kind_or_format_is_not_found(client, mini):
    client.force_login(mini["commissioner"])
    assert client.get("/communities/minitown/export/secrets.csv").status_code == 404
    assert client.get("/communities/minitown/export/services.pdf").status_code == 404


def test_commissioner_cannot_take_over_another_communitys_contract(client, mini):
    from commissioning.store.models import Contract, Organisation

    theirs = Contract.objects.get(reference="MINI-001")
    theirs.pk = None
    theirs.reference = "ELSE-001"
    theirs.community = mini["elsewhere"]
    theirs.commissioner = Organisation.objects.get(ods_code="ZZ2")
    theirs.save()
    client.force_login(mini["commissioner"])
    body = (
        "reference,community,title,commissioner_ods,provider_ods,payment_form,start_date,"
        "end_date,annual_value\n"
        "ELSE-001,minitown,Taken,ZZ1,ZZT,block,2010-04-01,2011-03-31,1\n"
    )
    response = upload(client, body, name="contracts.csv")
    assert response.status_code == 400
    assert "a contract with this reference belongs to another community" in text(response)
    assert Contract.objects.get(reference="ELSE-001").community == mini["elsewhere"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_download_then_upload_changes_nothing(client, mini, fmt):
    client.force_login(mini["commissioner"])
    for kind, title in (("contracts", "Contracts"), ("developments", "Service developments")):
        body = client.get(f"/communities/minitown/export/{kind}.{fmt}").content
        response = upload(client, body, name=f"{kind}.{fmt}")
        assert response.status_code == 200, text(response)
        assert f"{title}: 0 added, 0 updated, 1 unchanged" in text(response)


def test_unrecognised_file_gets_advice_in_the_pages_words(client, mini):
    client.force_login(mini["commissioner"])
    response = upload(client, "colour,shape\nred,round\n", name="mystery.csv")
    assert response.status_code == 400
    page = text(response)
    assert "mystery.csv 1 cannot tell which kind of records this is" in page  # a row-1 problem
    assert "choose the kind of records on this page" in page
    assert "--kind" not in page and "commissioning-upload" not in page


def test_upload_needs_the_forms_csrf_token(mini):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(mini["commissioner"])
    response = upload(client, GOOD)
    assert response.status_code == 403
    assert "Memory clinic" not in services()

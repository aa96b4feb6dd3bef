"""The audit page: administrators only, filters by person, record and date, exports CSV."""

import csv
import io

import pytest
from django.contrib.auth.models import User

from commissioning.store.audit import acting_as
from commissioning.store.models import CommissioningCommunity, Condition, Organisation, Profile


@pytest.fixture
def changes(db):
    admin = User.objects.create_superuser("root", password="x-long-password-1")
    alice = User.objects.create_user("alice", password="x-long-password-1")
    with acting_as(alice, "web"):
        Condition.objects.create(name="Diabetes", slug="diabetes")
    with acting_as(admin, "import"):
        Condition.objects.create(name="=HYPERLINK(1)", slug="formula")
    ccg = Organisation.objects.create(ods_code="NCG", name="North CCG", kind="ccg")
    north = CommissioningCommunity.objects.create(code="north", name="North", commissioner=ccg)
    Profile.objects.create(user=alice, role="commissioner", community=north)
    return admin, alice


def test_only_administrators_see_the_audit_page(client, changes):
    admin, alice = changes
    client.force_login(alice)
    assert client.get("/audit/").status_code == 404
    client.force_login(admin)
    page = client.get("/audit/")
    assert page.status_code == 200 and "Diabetes" in page.content.decode()


def test_filters_by_person_record_and_date(client, changes):
    admin, _ = changes
    client.force_login(admin)
    text = client.get("/audit/", {"person": "alice"}).content.decode()
    assert "Diabetes" in text and "HYPERLINK" not in text
    text = client.get("/audit/", {"record": "store.condition", "channel": "import"}).content
    assert b"HYPERLINK" in text and b">Diabetes <" not in text
    assert b"No changes match" in client.get("/audit/", {"date_to": "01/01/2000"}).content
    bad = client.get("/audit/", {"date_from": "31/02/2020"})
    assert bad.status_code == 400 and b"There is a problem" in bad.content


def test_csv_export_neutralises_formulas(client, changes):
    admin, _ = changes
    client.force_login(admin)
    r = client.get("/audit/", {"format": "csv", "person": "root"})
    assert r["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(r.content.decode())))
    assert rows[0][:4] == ["when", "person", "made through", "action"]
    records = [row for row in rows[1:] if row[4] == "store.condition"]
    assert len(records) == 1 and records[0][6] == "'=HYPERLINK(1)"

"""Every create, update and delete is recorded with who, when, what, before and after."""

import pytest
from django.contrib.auth.models import User

from commissioning.store.audit import acting_as
from commissioning.store.models import AuditRecord, Condition
from commissioning.store.models.audit import AuditRecordError


@pytest.fixture
def alice(db):
    return User.objects.create_user("alice", password="a-long-password-1")


def test_create_update_delete_are_recorded_with_values(alice):
    with acting_as(alice, "import"):
        c = Condition.objects.create(name="Diabetes", slug="diabetes")
        c.qof_register = "DM017"
        c.save()
        c.save()  # nothing changed: no record
        c.delete()
    records = list(AuditRecord.objects.order_by("id"))
    assert [r.action for r in records] == ["create", "update", "delete"]
    assert {r.username for r in records} == {"alice"}
    assert {r.channel for r in records} == {"import"}
    assert records[0].before is None and records[0].after["name"] == "Diabetes"
    assert records[1].before["qof_register"] == "" and records[1].after["qof_register"] == "DM017"
    assert records[2].before["qof_register"] == "DM017" and records[2].after is None


def test_changes_outside_any_actor_are_attributed_to_the_system(db):
    Condition.objects.create(name="Stroke", slug="stroke")
    r = AuditRecord.objects.get()
    assert (r.username, r.channel) == ("system", "system")


def test_audit_records_cannot_be_changed_or_deleted(alice):
    with acting_as(alice, "web"):
        Condition.objects.create(name="Dementia", slug="dementia")
    r = AuditRecord.objects.get()
    r.username = "mallory"
    with pytest.raises(AuditRecordError):
        r.save()
    with pytest.raises(AuditRecordError):
        r.delete()


def test_changes_through_the_admin_are_attributed_to_the_signed_in_user(client, db):
    admin = User.objects.create_superuser("root", password="a-long-password-1")
    client.force_login(admin)
    response = client.post(
        "/admin/store/condition/add/",
        {"name": "Heart failure", "slug": "heart-failure", "code_system": "", "codes": "[]"},
    )
    assert response.status_code == 302, response.content[:500]
    r = AuditRecord.objects.get(model="store.condition")
    assert (r.username, r.channel, r.action) == ("root", "admin", "create")
    assert client.get("/admin/store/auditrecord/").status_code == 200
    assert client.get(f"/admin/store/auditrecord/{r.pk}/delete/").status_code == 403

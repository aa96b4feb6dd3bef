"""The Django admin follows the same access policy as the pages and the API."""

from commissioning.store.models import Contract


def staff(world, name):
    user = getattr(world, name) if hasattr(world, name) else None
    if user is None:
        from django.contrib.auth.models import User

        user = User.objects.get(username=name)
    user.is_staff = True
    user.save()
    return user


def test_a_commissioner_in_the_admin_sees_only_their_community(world, client):
    client.force_login(staff(world, "north_commissioner"))
    page = client.get("/admin/store/contract/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "NA-1" in text and "NB-1" in text and "SA-1" not in text
    south = Contract.objects.get(reference="SA-1")
    assert client.get(f"/admin/store/contract/{south.pk}/change/").status_code in (302, 404)
    assert client.get("/admin/store/auditrecord/").status_code in (302, 403)


def test_a_viewer_in_the_admin_cannot_change_anything_or_see_values(world, client):
    client.force_login(staff(world, "north_viewer"))
    north = Contract.objects.get(reference="NA-1")
    page = client.get(f"/admin/store/contract/{north.pk}/change/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "1200000" not in text and "1,200,000" not in text
    r = client.post(f"/admin/store/contract/{north.pk}/change/", {"title": "Renamed"})
    assert r.status_code == 403
    north.refresh_from_db()
    assert north.title == "Contract NA-1"

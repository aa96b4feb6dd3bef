"""The imports pages: the list, one import's changes, and undo (administrators only)."""

from __future__ import annotations

import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

pytestmark = pytest.mark.django_db

IMPORT = "/communities/minitown/import/"
FIRST = (
    "community,name,provider_ods,setting,tier\n"
    "minitown,Memory clinic,ZZT,community,specialist\n"
    "minitown,Falls clinic,ZZT,acute,general\n"
)
SECOND = (
    "community,name,provider_ods,setting,tier\n"
    "minitown,Memory clinic,ZZT,community,general\n"
    "minitown,Falls clinic,ZZT,acute,community\n"
)


def text(response) -> str:
    page = response.content.decode()
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def tiers() -> dict[str, str]:
    from commissioning.store.models import Service

    return dict(Service.objects.filter(community__code="minitown").values_list("name", "tier"))


def imported(client, body: str, name: str):
    from commissioning.store.models import Import

    response = client.post(IMPORT, {"file": SimpleUploadedFile(name, body.encode())})
    assert response.status_code == 200, text(response)
    return Import.objects.order_by("-id").first()


@pytest.fixture
def two_imports(client, mini):
    client.force_login(mini["commissioner"])
    first = imported(client, FIRST, "first.csv")
    second = imported(client, SECOND, "second.csv")
    client.force_login(mini["admin"])
    return first, second


@pytest.mark.parametrize("who", ["commissioner", "viewer", "nobody"])
def test_only_administrators_see_imports_or_undo_them(client, mini, who):
    client.force_login(mini["commissioner"])
    first = imported(client, FIRST, "first.csv")
    client.force_login(mini[who])
    for path in ("/audit/imports/", f"/audit/imports/{first.pk}/"):
        assert client.get(path).status_code == 404
    undo = f"/audit/imports/{first.pk}/undo/"
    assert client.get(undo).status_code == 404
    assert client.post(undo, {"override": "yes"}).status_code == 404
    assert tiers()["Memory clinic"] == "specialist"


def test_the_list_shows_who_when_files_and_counts(client, two_imports):
    first, second = two_imports
    page = client.get("/audit/imports/")
    assert page.status_code == 200
    shown = text(page)
    assert f"Import {second.pk}" in shown and f"Import {first.pk}" in shown
    assert shown.index(f"Import {second.pk}") < shown.index(f"Import {first.pk}")  # newest first
    assert "mini-commissioner" in shown and "first.csv" in shown and "second.csv" in shown
    assert "services: 1 added, 1 updated" in shown
    assert "services: 2 updated" in shown
    assert 'href="/audit/imports/"' in client.get("/audit/").content.decode()


def test_one_import_shows_each_change_before_and_after_a_page_at_a_time(
    client, two_imports, monkeypatch
):
    _, second = two_imports
    monkeypatch.setattr("commissioning.web.views.audit.CHANGES_PAGE", 1)
    page = text(client.get(f"/audit/imports/{second.pk}/"))
    assert "Files second.csv" in page
    assert "Changes 1 to 1 of 2" in page
    assert "minitown / Memory clinic / ZZT (services" in page
    assert "Updated tier specialist general" in page
    assert "Falls clinic" not in page.split("Changes 1 to 1 of 2")[1]
    page2 = text(client.get(f"/audit/imports/{second.pk}/", {"page": 2}))
    assert "minitown / Falls clinic / ZZT" in page2 and "Updated tier general community" in page2


def test_undo_puts_back_the_values_before_the_import(client, two_imports):
    _, second = two_imports
    form = client.get(f"/audit/imports/{second.pk}/undo/")
    assert form.status_code == 200
    assert "Later changes" not in text(form) and 'name="override"' not in form.content.decode()
    response = client.post(f"/audit/imports/{second.pk}/undo/")
    assert response.status_code == 302
    assert tiers() == {"Memory clinic": "specialist", "Falls clinic": "general"}
    done = client.get(response["Location"])
    assert f"Import {second.pk} has been undone" in text(done)
    assert f"Undo of import {second.pk}" in text(done)
    assert "Updated tier community general" in text(done)
    # undone once only: the page says so and offers no button
    again = client.get(f"/audit/imports/{second.pk}/undo/")
    assert again.status_code == 409 and "was undone already" in text(again)
    assert "Undo this import" not in text(client.get(f"/audit/imports/{second.pk}/"))


def test_undo_refuses_over_later_changes_unless_the_box_is_ticked(client, two_imports):
    first, second = two_imports
    form = text(client.get(f"/audit/imports/{first.pk}/undo/"))
    assert "Later changes" in form
    assert f"changed since by import {second.pk} (mini-commissioner" in form
    refused = client.post(f"/audit/imports/{first.pk}/undo/")
    assert refused.status_code == 409
    assert f"Import {first.pk} was not undone: 2 records" in text(refused)
    assert tiers() == {"Memory clinic": "general", "Falls clinic": "community"}
    response = client.post(f"/audit/imports/{first.pk}/undo/", {"override": "yes"})
    assert response.status_code == 302
    # Memory clinic was added by the first import: gone; Falls clinic has its tier from before
    assert tiers() == {"Falls clinic": "specialist"}

"""The evidence pages: who sees what, adding, coding, searching, the matrix and calendar review."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from commissioning.evidence.codebook import find_code
from commissioning.evidence.log import add_evidence, code_quote
from commissioning.evidence.models import Evidence, ProposedActivity
from commissioning.store.models import Activity, Participation

from .conftest import make_docx
from .test_calendar import ICS

LIST = "/evidence/evitown/"


def text(response) -> str:
    html = unescape(response.content.decode())
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def stored(town):
    c = town["community"]
    secret = add_evidence(
        c,
        "secret.txt",
        b"Confidential: the block contract will be cut.",
        confidentiality="confidential",
        title="Secret interview",
    )
    open_ = add_evidence(
        c,
        "open.txt",
        b"Public board paper on the block contract.",
        confidentiality="public",
        title="Board paper",
    )
    code_quote(open_, "block contract", [find_code(c, "money")])
    add_evidence(town["elsewhere"], "x.txt", b"Othertown block contract.", title="Othertown note")
    return {"secret": secret, "open": open_}


def test_commissioner_sees_confidential_evidence(client, town, stored):
    client.force_login(town["commissioner"])
    page = text(client.get(LIST))
    assert "Secret interview" in page and "Board paper" in page
    assert "Othertown note" not in page
    found = client.get(LIST, {"q": "block contract"}).content.decode()
    assert "Secret interview" in found
    assert "<mark>block</mark> <mark>contract</mark>" in found


def test_the_file_link_is_a_download(client, town, stored):
    """The file is sent as an attachment; the link says so (the accessibility crawler, which
    skips downloads, stopped on it once the demo had evidence)."""
    client.force_login(town["commissioner"])
    html = client.get(f"{LIST}{stored['open'].pk}/").content.decode()
    assert f'href="{LIST}{stored["open"].pk}/file" download>open.txt</a>' in html


def test_viewer_never_sees_confidential_evidence(client, town, stored):
    client.force_login(town["viewer"])
    assert "Secret interview" not in text(client.get(LIST))
    assert "Secret interview" not in text(client.get(LIST, {"q": "contract"}))
    assert "Board paper" in text(client.get(LIST, {"q": "contract"}))
    secret = stored["secret"]
    assert client.get(f"{LIST}{secret.pk}/").status_code == 404
    assert client.get(f"{LIST}{secret.pk}/file").status_code == 404
    assert client.get(f"{LIST}add/").status_code == 403
    assert client.get(f"{LIST}calendar/").status_code == 403
    assert "Secret interview" not in text(client.get(f"{LIST}framework/"))


def test_other_community_and_admin(client, town, stored):
    client.force_login(town["other"])
    assert client.get(LIST).status_code == 404
    assert client.get(f"{LIST}{stored['open'].pk}/").status_code == 404
    client.force_login(town["admin"])
    assert "Secret interview" in text(client.get(LIST))


def test_upload_with_metadata_and_size_limit(client, town, monkeypatch):
    client.force_login(town["commissioner"])
    upload = SimpleUploadedFile("interview.docx", make_docx(["GPs led the work."]))
    response = client.post(
        f"{LIST}add/",
        {
            "file": upload,
            "kind": "interview",
            "confidentiality": "confidential",
            "development": town["falls"].pk,
            "date": "2010-05-04",
            "author": "Evitown CCG",
        },
    )
    evidence = Evidence.objects.get(community=town["community"])
    assert response.status_code == 302 and response["Location"] == f"{LIST}{evidence.pk}/"
    assert (evidence.kind, evidence.confidentiality, evidence.development) == (
        "interview",
        "confidential",
        town["falls"],
    )
    assert str(evidence.date) == "2010-05-04" and evidence.author == "Evitown CCG"
    assert "GPs led the work." in text(client.get(response["Location"]))
    monkeypatch.setattr("commissioning.evidence.forms.MAX_BYTES", 10)
    response = client.post(
        f"{LIST}add/",
        {"file": SimpleUploadedFile("big.txt", b"x" * 11), "confidentiality": "public"},
    )
    assert "The file is 0.0 MB. The largest file accepted is" in text(response)
    bad = client.post(
        f"{LIST}add/", {"file": SimpleUploadedFile("a.xlsx", b"PK"), "confidentiality": "public"}
    )
    assert "cannot read '.xlsx' files" in text(bad)
    assert Evidence.objects.count() == 1


def test_coding_form_with_several_codes(client, town, stored):
    client.force_login(town["commissioner"])
    secret = stored["secret"]
    c = town["community"]
    url = f"{LIST}{secret.pk}/"
    codes = [find_code(c, "money").pk, find_code(c, "relationships").pk]
    response = client.post(url, {"quote": "the block contract will be cut", "codes": codes})
    assert response.status_code == 302
    passage = secret.passages.get()
    assert passage.text == "the block contract will be cut"
    assert passage.codes.count() == 2
    page = client.get(url).content.decode()
    assert "<mark>the block contract will be cut</mark>" in page
    bad = client.post(url, {"quote": "never said", "codes": codes})
    assert "not in the text" in text(bad)
    client.force_login(town["viewer"])
    assert (
        client.post(f"{LIST}{stored['open'].pk}/", {"quote": "block", "codes": codes}).status_code
        == 403
    )


def test_framework_page_and_download(client, town, stored):
    client.force_login(town["commissioner"])
    page = text(client.get(f"{LIST}framework/"))
    assert "Money is often on the sidelines" in page
    assert "1 passage in 1 piece of evidence" in page
    response = client.get(f"{LIST}framework/", {"format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_calendar_review_then_apply(client, town):
    client.force_login(town["commissioner"])
    url = f"{LIST}calendar/"
    rules = '[[rule]]\ndevelopment = "falls-review"\nkeywords = ["falls"]\n'
    response = client.post(
        url,
        {
            "action": "import",
            "file": SimpleUploadedFile("cal.ics", ICS),
            "since": "2010-03-01",
            "until": "2010-03-31",
            "rules": rules,
        },
    )
    assert response.status_code == 302
    assert "4 events: 4 new" in text(client.get(url))
    assert Activity.objects.count() == 0
    falls = ProposedActivity.objects.get(uid="falls-1@evitown")
    first = ProposedActivity.objects.filter(uid="catch-up@evitown").order_by("start").first()
    client.post(
        url,
        {"action": "apply", f"decision-{falls.pk}": "approved", f"decision-{first.pk}": "rejected"},
    )
    activity = Activity.objects.get()
    assert activity.title == "Falls pathway meeting" and activity.development == town["falls"]
    assert Participation.objects.filter(activity=activity).count() == 2
    first.refresh_from_db()
    assert first.status == "rejected"
    bad = client.post(
        url,
        {
            "action": "import",
            "file": SimpleUploadedFile("x.ics", b"nope"),
            "since": "2010-03-01",
            "until": "2010-03-31",
        },
    )
    assert "x.ics: not an iCalendar file" in text(bad)

"""A small community for the evidence tests, and files of each kind made on the spot."""

from __future__ import annotations

import io

import pytest


@pytest.fixture
def town(db, django_user_model):
    from commissioning.store.models import (
        CommissioningCommunity,
        Organisation,
        Person,
        Profile,
        ServiceDevelopment,
    )

    ccg = Organisation.objects.create(ods_code="ZE1", name="Evitown CCG", kind="ccg")
    other = Organisation.objects.create(ods_code="ZE2", name="Othertown CCG", kind="ccg")
    community = CommissioningCommunity.objects.create(
        code="evitown", name="Evitown", commissioner=ccg, synthetic=True
    )
    elsewhere = CommissioningCommunity.objects.create(
        code="othertown", name="Othertown", commissioner=other
    )
    falls = ServiceDevelopment.objects.create(
        title="Falls clinic review", slug="falls-review", community=community
    )
    memory = ServiceDevelopment.objects.create(
        title="Memory service", slug="memory-service", community=community
    )
    ann = Person.objects.create(
        name="Ann Example", email="Ann.Example@evitown.nhs.uk", role_type="commissioning_manager"
    )
    ann.communities.add(community)
    bob = Person.objects.create(name="Bob Example", email="bob@practice.nhs.uk", role_type="gp")
    bob.communities.add(community)

    def user(name, role=None, place=None):
        u = django_user_model.objects.create_user(name, password="evidence-Pa55-word")
        if role:
            Profile.objects.create(user=u, role=role, community=place)
        return u

    return {
        "community": community,
        "elsewhere": elsewhere,
        "falls": falls,
        "memory": memory,
        "ann": ann,
        "bob": bob,
        "commissioner": user("evi-commissioner", "commissioner", community),
        "viewer": user("evi-viewer", "viewer", community),
        "other": user("evi-other", "commissioner", elsewhere),
        "admin": user("evi-admin", "admin"),
    }


def make_pdf(text: str) -> bytes:
    """A one-page PDF showing ``text`` in Helvetica, with a correct cross-reference table."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % n + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def make_docx(paragraphs: list[str], title: str = "", author: str = "") -> bytes:
    import docx

    document = docx.Document()
    for p in paragraphs:
        document.add_paragraph(p)
    document.core_properties.title = title
    document.core_properties.author = author
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def make_odt(paragraphs: list[str], tmp_path) -> bytes:
    from odf.opendocument import OpenDocumentText
    from odf.text import P

    document = OpenDocumentText()
    for p in paragraphs:
        document.text.addElement(P(text=p))
    path = tmp_path / "made.odt"
    document.save(str(path))
    return path.read_bytes()


def make_eml(subject: str, body: str, sender: str = "ann.example@evitown.nhs.uk") -> bytes:
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"] = sender
    message["To"] = "bob@practice.nhs.uk"
    message["Subject"] = subject
    message["Date"] = "Tue, 09 Mar 2010 10:30:00 +0000"
    message.set_content(body)
    return bytes(message)

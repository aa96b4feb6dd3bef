"""REFI-QDA (.qdpx) export and import: sources, codes and coded passages survive the trip."""

from __future__ import annotations

import zipfile
from xml.etree import ElementTree as ET

import pytest

from commissioning.errors import InputError
from commissioning.evidence.codebook import find_code
from commissioning.evidence.log import add_evidence, code_quote
from commissioning.evidence.models import Code, Evidence, Passage
from commissioning.evidence.refi_qda import NS, export_project, import_project

Q = f"{{{NS}}}"
TEXT = "Ünïcode first: the GPs led it. Then a block contract, and little money moved."


@pytest.fixture
def project(town, tmp_path):
    c = town["community"]
    ev = add_evidence(
        c,
        "int.txt",
        TEXT.encode(),
        kind="interview",
        confidentiality="confidential",
        development=town["falls"],
    )
    add_evidence(c, "empty-ish.txt", b"Nothing coded here.", confidentiality="public")
    code_quote(ev, "the GPs led it", [find_code(c, "who-commissions")], memo="clinical lead")
    code_quote(ev, "a block contract", [find_code(c, "money"), find_code(c, "relationships")])
    path = tmp_path / "evitown.qdpx"
    counts = export_project(c, Evidence.objects.filter(community=c), path)
    return path, counts


def test_export_is_a_refi_qda_project(project):
    path, counts = project
    assert counts == {"sources": 2, "codes": 10, "passages": 2}
    with zipfile.ZipFile(path) as zf:
        root = ET.fromstring(zf.read("project.qde"))
        names = zf.namelist()
    assert root.tag == Q + "Project"
    assert [child.tag.removeprefix(Q) for child in root] == [
        "Users",
        "CodeBook",
        "Variables",
        "Sources",
    ]
    sources = root.findall(f"{Q}Sources/{Q}TextSource")
    assert len(sources) == 2
    first = sources[0] if sources[0].findall(Q + "PlainTextSelection") else sources[1]
    assert f"sources/{first.get('plainTextPath').removeprefix('internal://')}" in names
    selections = first.findall(Q + "PlainTextSelection")
    # positions count characters, not bytes: "Ünïcode first: " is 15 characters
    assert [(s.get("startPosition"), s.get("endPosition")) for s in selections] == [
        ("15", "29"),
        ("36", "52"),
    ]
    assert len(selections[1].findall(f"{Q}Coding/{Q}CodeRef")) == 2


def test_round_trip_into_another_database(project, town):
    path, _ = project
    # Wipe what was exported, then import it into the other community.
    Passage.objects.all().delete()
    Evidence.objects.all().delete()
    Code.objects.all().delete()
    other = town["elsewhere"]
    counts = import_project(other, path)
    assert counts == {"sources": 2, "codes": 10, "passages": 2, "skipped": 0}
    ev = Evidence.objects.get(community=other, title="int")
    assert ev.text == TEXT
    assert (ev.kind, ev.confidentiality) == ("interview", "confidential")
    passages = list(ev.passages.order_by("start"))
    assert [p.text for p in passages] == ["the GPs led it", "a block contract"]
    assert passages[0].memo == "clinical lead"
    assert sorted(c.name for c in passages[1].codes.all()) == [
        "Money is often on the sidelines",
        "Relationships more than contracts",
    ]
    assert passages[0].codes.get().codebook.name == "Imported: Evitown evidence"
    assert Evidence.objects.get(title="empty-ish").confidentiality == "public"


def test_importing_again_adds_nothing(project, town):
    path, _ = project
    before = (Evidence.objects.count(), Passage.objects.count(), Code.objects.count())
    counts = import_project(town["community"], path)
    assert counts["sources"] == 0 and counts["skipped"] == 2
    assert (Evidence.objects.count(), Passage.objects.count(), Code.objects.count()) == before


def test_bad_project_files_are_located(town, tmp_path):
    bad = tmp_path / "bad.qdpx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(InputError, match=r"bad.qdpx: not a REFI-QDA project"):
        import_project(town["community"], bad)
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("project.qde", "<Project")
    with pytest.raises(InputError, match="not well-formed XML"):
        import_project(town["community"], bad)

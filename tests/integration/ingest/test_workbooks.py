"""Damaged and oversized workbooks (issue 20, findings 7 and 8).

A valid zip holding malformed XML gave a server error; a 107 KB workbook that unpacks to 100 MB
was parsed. Every unreadable workbook now gets one plain, located message, and a workbook that
unpacks to more than the limit is refused before any parser sees it. Nothing is stored.
"""

from __future__ import annotations

import struct
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from commissioning.errors import InputError, UserError
from commissioning.ingest import import_files
from commissioning.ingest.workbooks import LIMIT_VARIABLE, MB, check_workbook
from commissioning.tables import write_xlsx

pytestmark = pytest.mark.django_db

SHEET = "xl/worksheets/sheet1.xml"
HEADER = ["ods_code", "name", "kind"]


def good_workbook(path, rows=(("ZW1", "Workbook CCG", "ccg"),)):
    write_xlsx({"organisations": [HEADER, *rows]}, path)
    return path


def replace_part(path, part: str, data: bytes, out):
    """A copy of the workbook at ``path`` with ``part`` replaced by ``data``."""
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = data if info.filename == part else src.read(info)
            dst.writestr(info.filename, body, compress_type=zipfile.ZIP_DEFLATED)
    return out


def refused(path) -> str:
    from commissioning.store.models import Organisation

    before = Organisation.objects.count()
    with pytest.raises(InputError) as caught:
        import_files([path])
    assert Organisation.objects.count() == before
    message = str(caught.value)
    assert message.startswith(str(path) + ": "), message  # located: the file, by name
    assert "Traceback" not in message
    return message


def test_a_good_workbook_still_imports(tmp_path):
    counts = import_files([good_workbook(tmp_path / "orgs.xlsx")])
    assert str(counts["organisations"]) == "1 added, 0 updated, 0 unchanged"


@pytest.mark.parametrize(
    "xml",
    [
        b"<worksheet><sheetData><row r='1'><c r='A1' t='inlineStr'><is><t>ods_code",  # cut
        b"this is not xml at all",
        b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'aaaaaaaaaa'><!ENTITY b '&a;&a;&a;'>]>"
        b"<worksheet>&b;</worksheet>",  # entities: refused by defusedxml, never expanded
    ],
)
def test_a_zip_holding_malformed_xml_gets_a_plain_located_message(tmp_path, xml):
    bad = replace_part(good_workbook(tmp_path / "g.xlsx"), SHEET, xml, tmp_path / "bad.xlsx")
    message = refused(bad)
    assert "is damaged and cannot be read" in message
    assert "save it again" in message


def test_a_damaged_workbook_part_is_named(tmp_path):
    bad = replace_part(
        good_workbook(tmp_path / "g.xlsx"), "xl/workbook.xml", b"<nope", tmp_path / "bad.xlsx"
    )
    assert "is damaged and cannot be read" in refused(bad)


def test_a_file_that_is_not_a_zip_or_not_a_workbook(tmp_path):
    not_zip = tmp_path / "notzip.xlsx"
    not_zip.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 600)  # what a password-protected one is
    assert "is not an Excel workbook that can be read" in refused(not_zip)
    assert "password" in refused(not_zip)
    other = tmp_path / "document.xlsx"
    with zipfile.ZipFile(other, "w") as z:
        z.writestr("word/document.xml", "<w/>")
    assert "is a zip archive but not an Excel workbook" in refused(other)


def test_a_part_whose_sizes_lie_is_refused_as_damaged(tmp_path):
    """A part that declares itself smaller than it is (so that a check of declared sizes alone
    would pass it) is caught while unpacking: it is reported as damaged, never parsed."""
    good = good_workbook(tmp_path / "g.xlsx")
    xml = zipfile.ZipFile(good).read(SHEET)
    path = replace_part(good, SHEET, xml + b" " * 50_000, tmp_path / "big.xlsx")
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo(SHEET)
    struct.pack_into("<I", data, info.header_offset + 22, 100)  # local header: "100 bytes"
    entry = data.find(b"PK\x01\x02" + data[info.header_offset + 4 : info.header_offset + 6])
    while data[entry + 46 : entry + 46 + len(SHEET)] != SHEET.encode():
        entry = data.find(b"PK\x01\x02", entry + 4)  # the sheet's central directory entry
    struct.pack_into("<I", data, entry + 24, 100)
    liar = tmp_path / "liar.xlsx"
    liar.write_bytes(bytes(data))
    assert zipfile.ZipFile(liar).getinfo(SHEET).file_size == 100
    assert f"its part {SHEET} could not be read" in refused(liar)


def bomb(tmp_path, unpacked: int):
    """A workbook whose sheet unpacks to ``unpacked`` bytes of well-formed XML (spaces)."""
    good = good_workbook(tmp_path / "g.xlsx")
    xml = zipfile.ZipFile(good).read(SHEET)
    cut = xml.index(b"<sheetData>") + len(b"<sheetData>")
    body = xml[:cut] + b" " * (unpacked - len(xml)) + xml[cut:]
    return replace_part(good, SHEET, body, tmp_path / "bomb.xlsx")


def test_a_workbook_that_unpacks_beyond_the_limit_is_refused_before_parsing(tmp_path, monkeypatch):
    path = bomb(tmp_path, 101 * MB)
    assert path.stat().st_size < 200 * 1024  # a small file...
    monkeypatch.setattr(
        "openpyxl.load_workbook", lambda *a, **k: pytest.fail("the workbook was parsed")
    )
    message = refused(path)  # ...refused by what it would unpack to
    assert "unpacks to 101 MB" in message
    assert "more than the 100 MB a workbook may hold" in message
    assert "import a table this large as .csv" in message


def test_the_limit_is_a_setting(tmp_path, monkeypatch):
    path = bomb(tmp_path, 3 * MB)
    check_workbook(path)  # within the default
    monkeypatch.setenv(LIMIT_VARIABLE, "2")
    assert "more than the 2.0 MB a workbook may hold" in refused(path)
    monkeypatch.setenv(LIMIT_VARIABLE, "lots")
    with pytest.raises(UserError, match=f"{LIMIT_VARIABLE} must be a whole number"):
        check_workbook(path)


def test_the_import_page_answers_a_damaged_workbook_with_the_message_not_an_error(
    client, tmp_path, django_user_model
):
    from commissioning.store.models import Organisation

    admin = django_user_model.objects.create_superuser("wb-admin", password="a-long-Pa55-word")
    Organisation.objects.create(ods_code="ZC1", name="Book CCG", kind="ccg")
    from commissioning.store.models import CommissioningCommunity

    CommissioningCommunity.objects.create(
        code="booktown", name="Booktown", commissioner=Organisation.objects.get(ods_code="ZC1")
    )
    bad = replace_part(
        good_workbook(tmp_path / "g.xlsx"),
        SHEET,
        b"<worksheet><sheetData><row",
        tmp_path / "b.xlsx",
    )
    client.force_login(admin)
    response = client.post(
        "/communities/booktown/import/",
        {"file": SimpleUploadedFile("orgs.xlsx", bad.read_bytes())},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "orgs.xlsx" in page and "is damaged and cannot be read" in page
    assert not Organisation.objects.filter(ods_code="ZW1").exists()

"""Text comes out of each kind of file, with what can be read of title, author and date."""

from __future__ import annotations

import datetime as dt

import pytest

from commissioning.errors import InputError
from commissioning.evidence.extract import MAX_BYTES, extract

from .conftest import make_docx, make_eml, make_odt, make_pdf


def test_pdf():
    found = extract("board paper.pdf", make_pdf("The block contract pays the same whatever"))
    assert "block contract pays the same" in found.text
    assert found.title == "board paper"


def test_docx_text_and_properties():
    data = make_docx(["First line.", "GPs took on the work."], title="Interview 3", author="CSU")
    found = extract("interview.docx", data)
    assert found.text == "First line.\nGPs took on the work."
    assert (found.title, found.author) == ("Interview 3", "CSU")


def test_odt(tmp_path):
    found = extract("notes.odt", make_odt(["Agenda", "Memory service went live."], tmp_path))
    assert found.text == "Agenda\nMemory service went live."


def test_txt_utf8_and_windows_1252():
    assert extract("a.txt", "Café – pace".encode()).text == "Café – pace"
    assert extract("b.txt", "Café".encode("cp1252")).text == "Café"


def test_eml_headers_become_metadata():
    found = extract("mail.eml", make_eml("Falls pathway", "Can we meet on Friday?"))
    assert found.kind == "email"
    assert found.title == "Falls pathway"
    assert found.author == "ann.example@evitown.nhs.uk"
    assert found.date == dt.date(2010, 3, 9)
    assert "Can we meet on Friday?" in found.text and "Subject: Falls pathway" in found.text


def test_unknown_type_is_a_located_plain_error():
    with pytest.raises(InputError) as err:
        extract("sheet.xlsx", b"PK")
    assert str(err.value).startswith("sheet.xlsx: cannot read '.xlsx' files")


def test_broken_file_is_a_located_plain_error():
    with pytest.raises(InputError) as err:
        extract("broken.pdf", b"%PDF-1.4 nonsense")
    assert str(err.value).startswith("broken.pdf: cannot read this PDF file")
    with pytest.raises(InputError, match="cannot read this Word file"):
        extract("broken.docx", b"not a zip")


def test_size_limit_has_a_plain_message():
    with pytest.raises(InputError) as err:
        extract("huge.txt", b"x" * (MAX_BYTES + 1))
    assert "the largest file accepted is 20 MB" in str(err.value)

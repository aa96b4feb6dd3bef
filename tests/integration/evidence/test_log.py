"""Adding evidence, searching it with highlighted snippets, and coding passages.

Run on SQLite by default and on PostgreSQL with DATABASE_URL set to the test server.
"""

from __future__ import annotations

import datetime as dt

import pytest

from commissioning.errors import UserError
from commissioning.evidence.codebook import THEME, codes_for, default_codebook, find_code
from commissioning.evidence.log import add_evidence, code_passage, code_quote
from commissioning.evidence.models import Evidence
from commissioning.evidence.search import search

from .conftest import make_docx, make_eml

INTERVIEW = (
    "We have a block contract with the trust, so money was never really the issue.\n"
    "The GPs did most of the scoping work themselves.\n"
    "It took three years to move the memory clinic into the community."
)


@pytest.fixture
def evidence(town):
    c = town["community"]
    interview = add_evidence(
        c,
        "interview-07.docx",
        make_docx(INTERVIEW.split("\n"), title="Interview 7: commissioning manager"),
        kind="interview",
        confidentiality="confidential",
        development=town["memory"],
        date=dt.date(2010, 6, 1),
    )
    mail = add_evidence(c, "falls.eml", make_eml("Falls pathway", "The contracts team agreed."))
    notes = add_evidence(
        c,
        "board.txt",
        b"Board notes: the national dementia strategy drives the memory service.",
        kind="meeting_notes",
        confidentiality="public",
        development=town["memory"],
    )
    add_evidence(town["elsewhere"], "other.txt", b"Othertown block contract review.")
    return {"interview": interview, "mail": mail, "notes": notes}


def test_upload_keeps_file_and_metadata(evidence, town):
    interview = evidence["interview"]
    assert interview.title == "Interview 7: commissioning manager"
    assert interview.kind == "interview"
    assert interview.get_confidentiality_display() == "Confidential"
    assert interview.development == town["memory"]
    assert interview.text == INTERVIEW
    assert bytes(Evidence.objects.get(pk=interview.pk).content)[:2] == b"PK"
    mail = evidence["mail"]
    assert (mail.kind, mail.date, mail.confidentiality) == (
        "email",
        dt.date(2010, 3, 9),
        "internal",
    )


def test_search_finds_word_forms_with_highlighted_snippet(evidence, town):
    mine = Evidence.objects.filter(community=town["community"])
    hits = search("contracts", mine)
    titles = {ev.title for ev, _ in hits}
    # "contracts" matches "contract" (stemmed) in the interview and "contracts" in the e-mail;
    # Othertown's evidence is outside the queryset.
    assert titles == {"Interview 7: commissioning manager", "Falls pathway"}
    snippet = dict((ev.title, s) for ev, s in hits)["Interview 7: commissioning manager"]
    assert "<mark>contract</mark>" in snippet
    assert "block" in snippet


def test_search_needs_every_word_and_escapes_html(evidence, town):
    c = town["community"]
    add_evidence(c, "x.txt", b"<script>alert(1)</script> dementia strategy matters")
    mine = Evidence.objects.filter(community=c)
    hits = search("dementia strategy", mine)
    assert len(hits) == 2
    for _, snippet in hits:
        assert "<script>" not in snippet
        assert "<mark>dementia</mark>" in snippet
    assert search("dementia spreadsheet", mine) == []
    assert search("   ", mine) == []


def test_search_index_follows_changes_and_deletes(evidence, town):
    mine = Evidence.objects.filter(community=town["community"])
    notes = evidence["notes"]
    notes.text = "Nothing about that any more."
    notes.save()
    assert [ev.title for ev, _ in search("dementia", mine)] == []
    evidence["mail"].delete()
    assert search("contracts", mine)[0][0].title == "Interview 7: commissioning manager"


def test_default_codebook_has_seven_themes_and_the_framework(db):
    book = default_codebook()
    themes = list(book.codes.filter(group=THEME).values_list("name", flat=True))
    assert len(themes) == 7
    assert "Money is often on the sidelines" in themes
    assert set(book.codes.exclude(group=THEME).values_list("key", flat=True)) == {
        "processes",
        "resources",
        "outcomes",
    }
    assert default_codebook() == book and book.codes.count() == 10


def test_a_passage_can_carry_several_codes(evidence, town):
    c = town["community"]
    interview = evidence["interview"]
    money, relation = find_code(c, "money"), find_code(c, "Relationships more than contracts")
    passage = code_quote(interview, "We have a block contract with the trust", [money])
    again = code_passage(
        interview, passage.start, passage.end, [relation, find_code(c, "resources")]
    )
    assert again == passage
    assert passage.start == 0 and passage.end == 39
    assert sorted(passage.codes.values_list("key", flat=True)) == [
        "money",
        "relationships",
        "resources",
    ]
    assert passage.text == "We have a block contract with the trust"
    with pytest.raises(UserError, match="not in the text"):
        code_quote(interview, "words nobody said", [money])
    with pytest.raises(UserError, match="outside the text"):
        code_passage(interview, 10, 10_000, [money])


def test_search_by_code(evidence, town):
    c = town["community"]
    code_quote(evidence["notes"], "national dementia strategy", [find_code(c, "national-drivers")])
    coded = Evidence.objects.filter(passages__codes__key="national-drivers").distinct()
    assert [ev.title for ev, _ in search("memory", coded)] == ["board"]
    assert codes_for(c).count() == 10

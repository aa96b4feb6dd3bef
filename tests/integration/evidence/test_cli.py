"""``commissioning evidence``: exit codes, output and located plain errors."""

from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook

from commissioning.cli import main
from commissioning.evidence.models import Evidence, ProposedActivity
from commissioning.store.models import Activity, Participation

from .conftest import make_docx
from .test_calendar import ICS, RULES


@pytest.fixture
def files(tmp_path):
    (tmp_path / "notes.txt").write_text("Block contract discussion with the trust.")
    (tmp_path / "interview.docx").write_bytes(make_docx(["GPs did the scoping work."]))
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    (tmp_path / "cal.ics").write_bytes(ICS)
    (tmp_path / "rules.toml").write_text(RULES)
    (tmp_path / "bad.ics").write_text("BEGIN:VCALENDAR\nthis is not right")
    return tmp_path


def test_add_and_search(town, files, capsys):
    status = main(
        [
            "evidence",
            "add",
            str(files / "notes.txt"),
            str(files / "interview.docx"),
            "--community",
            "evitown",
            "--development",
            "falls-review",
            "--type",
            "interview",
            "--confidentiality",
            "confidential",
        ]
    )
    assert status == 0
    out = capsys.readouterr().out
    assert "added" in out and "notes (Interview transcript, 41 characters, confidential)" in out
    assert Evidence.objects.filter(development=town["falls"], kind="interview").count() == 2
    assert (
        main(["evidence", "search", "contracts", "--community", "evitown", "--format", "json"]) == 0
    )
    rows = json.loads(capsys.readouterr().out)
    assert [r["title"] for r in rows] == ["notes"]
    assert "<mark>contract</mark>" in rows[0]["snippet"]
    assert main(["evidence", "search", "contract", "--community", "evitown"]) == 0
    assert "Block **contract** discussion" in capsys.readouterr().out


def test_search_by_code(town, files, capsys):
    from commissioning.evidence.codebook import find_code
    from commissioning.evidence.log import add_evidence, code_quote

    ev = add_evidence(town["community"], "a.txt", b"The trust keeps the block contract.")
    add_evidence(town["community"], "b.txt", b"Another contract, not coded.")
    code_quote(ev, "block contract", [find_code(town["community"], "money")])
    assert main(["evidence", "search", "contract", "--code", "money", "--format", "json"]) == 0
    assert [r["title"] for r in json.loads(capsys.readouterr().out)] == ["a"]
    assert main(["evidence", "search", "contract", "--code", "nonsense"]) == 1
    assert "no code 'nonsense'" in capsys.readouterr().err


def test_bad_file_and_unknown_community_are_plain_errors(town, files, capsys):
    assert main(["evidence", "add", str(files / "broken.pdf"), "--community", "evitown"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("commissioning evidence: broken.pdf: cannot read this PDF file")
    assert err.count("\n") == 1 and "Traceback" not in err
    assert main(["evidence", "add", str(files / "missing.txt"), "--community", "evitown"]) == 2
    assert "missing.txt: no such file" in capsys.readouterr().err
    assert main(["evidence", "add", str(files / "notes.txt"), "--community", "nowhere"]) == 1
    assert "no commissioning community 'nowhere'" in capsys.readouterr().err
    assert Evidence.objects.count() == 0


def test_calendar_proposes_then_applies(town, files, capsys):
    args = [
        "evidence",
        "calendar",
        str(files / "cal.ics"),
        "--community",
        "evitown",
        "--rules",
        str(files / "rules.toml"),
        "--from",
        "2010-03-01",
        "--to",
        "2010-03-31",
    ]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "2010-03-10  1.50 h  Falls pathway meeting  [falls-review]" in out
    assert "4 events: 4 new" in out and "nothing saved as activities" in out
    assert Activity.objects.count() == 0
    assert main([*args, "--apply"]) == 0
    out = capsys.readouterr().out
    assert "4 events: 0 new, 4 brought up to date" in out and "saved 4 activities" in out
    assert ProposedActivity.objects.count() == 4
    total = sum(p.hours for p in Participation.objects.all())
    # 1.5 h × Ann and Bob, plus 3 weekly hours × Bob (Carol is not a known person)
    assert total == 6
    assert main([*args, "--apply"]) == 0
    assert "saved 0 activities" in capsys.readouterr().out
    assert Activity.objects.count() == 4


def test_malformed_calendar(town, files, capsys):
    assert main(["evidence", "calendar", str(files / "bad.ics"), "--community", "evitown"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("commissioning evidence: bad.ics: not a valid iCalendar file")
    assert (
        main(
            [
                "evidence",
                "calendar",
                str(files / "cal.ics"),
                "--community",
                "evitown",
                "--from",
                "March",
            ]
        )
        == 1
    )
    assert "--from: expected a date like 2024-04-01" in capsys.readouterr().err


def test_qdpx_and_framework(town, files, tmp_path, capsys):
    from commissioning.evidence.codebook import find_code
    from commissioning.evidence.log import add_evidence, code_quote

    ev = add_evidence(town["community"], "a.txt", b"It took years.", development=town["memory"])
    code_quote(ev, "It took years.", [find_code(town["community"], "scale-pace")])
    out = tmp_path / "p.qdpx"
    assert main(["evidence", "export-qdpx", str(out), "--community", "evitown"]) == 0
    assert "1 sources, 10 codes, 1 coded passages" in capsys.readouterr().out
    assert main(["evidence", "import-qdpx", str(out), "--community", "othertown"]) == 0
    assert "(1 sources already here)" in capsys.readouterr().out
    assert (
        main(["evidence", "import-qdpx", str(files / "notes.txt"), "--community", "othertown"]) == 2
    )
    assert "notes.txt: not a REFI-QDA project" in capsys.readouterr().err
    xlsx = tmp_path / "m.xlsx"
    assert main(["evidence", "framework", "--community", "evitown", "-o", str(xlsx)]) == 0
    sheet = load_workbook(xlsx)["Passage counts"]
    assert [c.value for c in sheet[2]][0] == "Memory service"
    assert 1 in [c.value for c in sheet[2]]

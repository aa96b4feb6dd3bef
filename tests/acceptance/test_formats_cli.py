"""`commissioning formats`, and `commissioning import` of NHS published files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "nhs-formats"


def run(*args, folder: Path):
    env = {**os.environ, "COMMISSIONING_DATA": str(folder)}
    env.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "commissioning", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )


def test_formats_lists_every_format_with_a_line_each(tmp_path):
    from commissioning.ingest.formats.formats import FORMATS

    out = run("formats", folder=tmp_path)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert [line.split()[0] for line in lines] == list(FORMATS)
    assert any(line.startswith("qof-prevalence ") and "QOF prevalence" in line for line in lines)


def test_import_detects_reports_and_rejects_then_allows_unmatched(tmp_path):
    db = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    practices = SAMPLES / "ods_epraccur.csv"
    refused = run("import", practices, "--db", db, folder=tmp_path)
    assert refused.returncode == 2
    assert "commissioner code '16C' is neither in the database" in refused.stderr
    assert "Traceback" not in refused.stderr
    ok = run("import", practices, "--db", db, "--allow-unmatched", folder=tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert "read as ods-practices" in ok.stdout
    assert "3 commissioner codes not in the database: 16C, 00K, 00M" in ok.stdout
    assert "organisations: 25 added, 0 updated, 0 unchanged" in ok.stdout
    qof = run("import", SAMPLES / "qof_prevalence_2018_19.csv", "--db", db, folder=tmp_path)
    assert qof.returncode == 0, qof.stderr
    assert "registers: 6 added" in qof.stdout
    again = run("import", SAMPLES / "qof_prevalence_2018_19.csv", "--db", db, folder=tmp_path)
    assert "registers: 0 added, 0 updated, 6 unchanged" in again.stdout


def test_format_overrides_detection_and_unknown_names_are_refused(tmp_path):
    db = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    wrong = run(
        "import", SAMPLES / "ods_etr.csv", "--format", "qof-prevalence", "--db", db, folder=tmp_path
    )
    assert wrong.returncode == 2
    assert "column 'PRACTICE_CODE': column of the published layout is missing" in wrong.stderr
    unknown = run(
        "import", SAMPLES / "ods_etr.csv", "--format", "nope", "--db", db, folder=tmp_path
    )
    assert unknown.returncode != 0
    assert "--format nope: not a format we import" in unknown.stderr

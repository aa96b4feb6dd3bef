"""The import, export, template, backup and restore verbs, run as a user runs them."""

from __future__ import annotations

import datetime
import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from commissioning.store.backup import data_digest


def run(*args, folder: Path, timeout=300):
    env = {**os.environ, "COMMISSIONING_DATA": str(folder)}
    env.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "commissioning", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


def digest(db: Path) -> tuple[int, str]:
    """(observations, SHA-256 of every store table's rows)."""
    con = sqlite3.connect(db)
    h = hashlib.sha256()
    tables = [
        r[0]
        for r in con.execute(
            "select name from sqlite_master where type='table' "
            "and name like 'store_%' order by name"
        )
    ]
    for t in tables:
        for row in con.execute(f"select * from {t} order by 1"):
            h.update(repr(row).encode())
    n = con.execute("select count(*) from store_observation").fetchone()[0]
    con.close()
    return n, h.hexdigest()


def test_import_reports_counts_and_a_second_run_changes_nothing(tmp_path, samples):
    db = tmp_path / "c.sqlite3"
    paths = samples.write(tmp_path)
    r = run("import", *paths, "--community", "wirral", "--db", f"sqlite:///{db}", folder=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "organisations: 6 added, 0 updated, 0 unchanged" in r.stdout
    r = run("import", *paths, "--community", "wirral", "--db", f"sqlite:///{db}", folder=tmp_path)
    assert "observations: 0 added, 0 updated, 3 unchanged" in r.stdout
    r = run(
        "import",
        *paths,
        "--dry-run",
        "--community",
        "wirral",
        "--db",
        f"sqlite:///{db}",
        folder=tmp_path,
    )
    assert r.stdout.startswith("Would import (dry run, nothing written):")


def test_a_rejected_file_exits_2_with_located_lines_and_writes_nothing(tmp_path, samples):
    db = tmp_path / "c.sqlite3"
    paths = samples.write(tmp_path, ["organisations", "communities"])
    bad = tmp_path / "services.csv"
    bad.write_text("name,provider_ods,setting\nClinic,RBL,nowhere\nClinic 2,XX,community\n")
    r = run(
        "import", *paths, bad, "--community", "wirral", "--db", f"sqlite:///{db}", folder=tmp_path
    )
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert lines[0].startswith(
        f"commissioning import: {bad}, row 2, column 'setting': expected one"
    )
    assert lines[1].startswith(f"{bad}, row 3, column 'provider_ods': expected an ODS code")
    con = sqlite3.connect(db)
    assert con.execute("select count(*) from store_organisation").fetchone()[0] == 0


def test_template_and_export_verbs(tmp_path, samples):
    r = run("template", "spend", folder=tmp_path)
    assert r.returncode == 0
    assert r.stdout.splitlines()[0] == "community,service,provider_ods,financial_year,amount"
    # an unknown kind is a value given that cannot be used: exit status 2, as documented
    r = run("template", "nonsense", folder=tmp_path)
    assert r.returncode == 2 and "not a kind we import" in r.stderr
    r = run("export", "nonsense", "-o", str(tmp_path / "x.csv"), folder=tmp_path)
    assert r.returncode == 2 and "not a kind we export" in r.stderr
    assert not (tmp_path / "x.csv").exists()
    db = tmp_path / "c.sqlite3"
    run(
        "import",
        *samples.write(tmp_path),
        "--community",
        "wirral",
        "--db",
        f"sqlite:///{db}",
        folder=tmp_path,
    )
    # a disclosure by default: counts rounded, and the rule the file follows said on each row
    r = run("export", "registers", "--db", f"sqlite:///{db}", folder=tmp_path)
    header, row = r.stdout.splitlines()
    assert (
        header == "ods_code,condition,period_end,register_size,list_size,list_type,"
        "small_numbers,suppressed"
    )
    assert row.startswith("N85001,diabetes,2012-03-31,510,7650,,") and row.endswith(",no")
    r = run("export", "registers", "--full", "--db", f"sqlite:///{db}", folder=tmp_path)
    assert r.stdout.splitlines() == [
        "ods_code,condition,period_end,register_size,list_size,list_type",
        "N85001,diabetes,2012-03-31,512,7650,",
    ]


def test_backup_restore_and_refusing_a_database_that_is_not_empty(tmp_path, samples):
    db = tmp_path / "c.sqlite3"
    run(
        "import",
        *samples.write(tmp_path),
        "--community",
        "wirral",
        "--db",
        f"sqlite:///{db}",
        folder=tmp_path,
    )
    r = run("backup", tmp_path / "b.zip", "--db", f"sqlite:///{db}", folder=tmp_path)
    assert r.returncode == 0, r.stderr
    r = run("restore", tmp_path / "b.zip", "--db", f"sqlite:///{db}", folder=tmp_path)
    assert r.returncode == 1
    assert "the database is not empty" in r.stderr and "Traceback" not in r.stderr
    fresh = tmp_path / "fresh.sqlite3"
    r = run("restore", tmp_path / "b.zip", "--db", f"sqlite:///{fresh}", folder=tmp_path)
    assert r.returncode == 0, r.stderr
    r = run("backup", tmp_path / "again.zip", "--db", f"sqlite:///{fresh}", folder=tmp_path)
    assert r.returncode == 0, r.stderr
    assert data_digest(tmp_path / "again.zip") == data_digest(tmp_path / "b.zip")
    assert digest(fresh)[0] == digest(db)[0] == 3
    r = run(
        "backup",
        tmp_path / "c.zip",
        "--community",
        "wirral",
        "--db",
        f"sqlite:///{db}",
        folder=tmp_path,
    )
    assert r.returncode == 0, r.stderr


@pytest.mark.slow
def test_killing_a_large_import_leaves_the_database_exactly_as_before(tmp_path, samples):
    db = tmp_path / "c.sqlite3"
    url = f"sqlite:///{db}"
    r = run(
        "import", *samples.write(tmp_path), "--community", "wirral", "--db", url, folder=tmp_path
    )
    assert r.returncode == 0, r.stderr
    before = digest(db)
    big = tmp_path / "big.csv"
    with big.open("w") as f:
        f.write("indicator_code,organisation_ods,period,value\n")
        start = datetime.date(1800, 1, 1)
        for i in range(150_000):  # two practices, a day each for 150,000 days
            day = start + datetime.timedelta(days=i)
            f.write(f"DM-ADM,N85001,{day},{i % 97}.5\nDM-ADM,N85002,{day},{i % 89}.5\n")
    env = {**os.environ, "COMMISSIONING_DATA": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    # the days include the samples' own observations, whose counts these rows would empty
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "commissioning",
            "import",
            str(big),
            "--db",
            url,
            "--allow-emptying",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    journal = [Path(f"{db}-journal"), Path(f"{db}-wal")]
    deadline = time.monotonic() + 240
    while not any(j.exists() and j.stat().st_size > 0 for j in journal):
        assert proc.poll() is None, "the import ended before it could be interrupted"
        assert time.monotonic() < deadline
        time.sleep(0.01)
    time.sleep(0.3)  # well into writing
    assert proc.poll() is None, "the import ended before it could be interrupted"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert digest(db) == before

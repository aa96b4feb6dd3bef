"""``commissioning demo`` as a user runs it: build into a fresh SQLite file, print the logins."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow


def run_demo(tmp_path, *args):
    env = {**os.environ, "COMMISSIONING_DATA": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    code = "import sys; from commissioning.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run(
        [sys.executable, "-c", code, "demo", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_demo_builds_prints_the_logins_and_says_the_data_is_synthetic(tmp_path):
    db = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    done = run_demo(
        tmp_path, "--db", db, "--password", "Cli-Pa55word", "--no-serve", "--port", "8123"
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Open http://127.0.0.1:8123/ and sign in with one of these logins:" in out
    table = out.split("these logins:", 1)[1]
    for username in (
        "admin",
        "calderdale-commissioner",
        "calderdale-provider",
        "calderdale-viewer",
        "somerset-commissioner",
        "wirral-viewer",
        "mereshire-commissioner",  # the present-day community
    ):
        line = next(x for x in table.splitlines() if x.startswith(username + " "))
        assert "Cli-Pa55word" in line
    assert "synthetic" in out.lower()
    assert (tmp_path / "demo.sqlite3").exists()

    # A second run replaces the demo in the same file and still succeeds.
    again = run_demo(tmp_path, "--db", db, "--password", "Cli-Pa55word", "--no-serve")
    assert again.returncode == 0, again.stderr


def test_demo_reports_an_unreachable_database_in_one_line(tmp_path):
    done = run_demo(tmp_path, "--db", "postgres://nobody:secret@127.0.0.1:9/none", "--no-serve")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("commissioning demo: cannot reach the database")
    assert "secret" not in done.stderr


def test_demo_refuses_a_database_with_real_work_in_one_line(tmp_path):
    db = f"sqlite:///{tmp_path / 'real.sqlite3'}"
    seed_real = (
        "import sys\n"
        "from commissioning.store.runtime import setup\n"
        "setup(sys.argv[1])\n"
        "from commissioning.store.models import CommissioningCommunity, Organisation\n"
        "pct = Organisation.objects.create(ods_code='X99', name='A real PCT', kind='pct')\n"
        "CommissioningCommunity.objects.create(code='real', name='Real place', commissioner=pct)\n"
    )
    env = {**os.environ, "COMMISSIONING_DATA": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    subprocess.run([sys.executable, "-c", seed_real, db], env=env, check=True, timeout=300)
    done = run_demo(tmp_path, "--db", db, "--no-serve")
    assert done.returncode == 1
    assert done.stderr.startswith("commissioning demo: this database holds real commissioning")
    assert "Real place" in done.stderr and "Traceback" not in done.stderr
    assert "sign in" not in done.stdout

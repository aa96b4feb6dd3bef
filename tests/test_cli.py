"""The command line speaks plain English and never shows a traceback."""

import subprocess
import sys


def run(*args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "commissioning", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def test_help_lists_verbs():
    r = run("--help")
    assert r.returncode == 0
    assert "serve" in r.stdout


def test_an_unsupported_database_address_is_one_plain_line():
    r = run("serve", "--db", "mysql://someone@somewhere/db")
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    assert r.stderr.strip().count("\n") == 0
    assert "not one we support" in r.stderr


def test_an_unreachable_database_is_one_plain_line_with_the_password_hidden():
    r = run("serve", "--db", "postgres://user:secret@127.0.0.1:1/nowhere")
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    assert "cannot reach the database" in r.stderr
    assert "secret" not in r.stderr

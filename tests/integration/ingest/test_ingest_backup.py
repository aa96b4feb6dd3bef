"""A backup is portable: demo on SQLite -> backup -> restore into PostgreSQL -> backup gives
the same records, byte for byte."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
import zipfile

import pytest

from commissioning.store.backup import data_digest


def run(*args, folder, timeout=600):
    env = {**os.environ, "COMMISSIONING_DATA": str(folder)}
    env.pop("DATABASE_URL", None)
    r = subprocess.run(
        [sys.executable, "-m", "commissioning", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )
    assert r.returncode == 0, r.stderr
    return r


@pytest.fixture
def fresh_postgres(postgres_server):
    """A new, empty PostgreSQL database on the test server (COMMISSIONING_TEST_POSTGRES, set by
    scripts/test-both-databases.sh), dropped afterwards."""
    import psycopg

    name = f"ingest_{uuid.uuid4().hex[:12]}"
    admin = psycopg.connect(f"{postgres_server}/postgres", autocommit=True, connect_timeout=5)
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{postgres_server.replace('postgresql://', 'postgres://', 1)}/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.mark.postgres
@pytest.mark.slow
def test_demo_sqlite_to_postgres_and_back_gives_identical_content(tmp_path, fresh_postgres):
    sqlite_url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    run(
        "demo",
        "--db",
        sqlite_url,
        "--no-serve",
        "--password",
        "synthetic-demo-Pa55",
        folder=tmp_path,
    )
    first, second = tmp_path / "first.zip", tmp_path / "second.zip"
    run("backup", first, "--db", sqlite_url, folder=tmp_path)
    run("restore", first, "--db", fresh_postgres, folder=tmp_path)
    run("backup", second, "--db", fresh_postgres, folder=tmp_path)
    assert data_digest(first) == data_digest(second)
    manifests = []
    for path in (first, second):
        with zipfile.ZipFile(path) as zf:
            manifests.append(json.loads(zf.read("manifest.json")))
    assert manifests[0]["migrations"] == manifests[1]["migrations"]
    assert manifests[0]["counts"] == manifests[1]["counts"]
    assert manifests[0]["counts"]["store.observation"] > 0
    assert manifests[0]["counts"]["auth.user"] > 0
    # a second restore into the same (now full) database is refused
    env = {**os.environ, "COMMISSIONING_DATA": str(tmp_path)}
    r = subprocess.run(
        [sys.executable, "-m", "commissioning", "restore", str(first), "--db", fresh_postgres],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert r.returncode == 1 and "not empty" in r.stderr


@pytest.mark.django_db
def test_a_backup_holds_evidence_inboxes_subscriptions_and_surveys(tmp_path):
    """Not only the domain model: every app's records come back after a restore."""
    import datetime as dt

    from django.contrib.auth.models import User

    from commissioning.evidence.models import Evidence
    from commissioning.networks.models import Nomination, Survey
    from commissioning.reports.models import InboxMessage, Subscription
    from commissioning.store import models as m
    from commissioning.store.backup import write_backup

    icb = m.Organisation.objects.create(ods_code="QX1", name="North ICB", kind="icb")
    gp = m.Organisation.objects.create(ods_code="X00001", name="A Surgery", kind="gp_practice")
    north = m.CommissioningCommunity.objects.create(code="north", name="North", commissioner=icb)
    user = User.objects.create_user("alice", password=None)
    Evidence.objects.create(
        community=north,
        title="Workshop notes",
        kind="meeting_notes",
        date=dt.date(2024, 1, 10),
        filename="notes.txt",
        content=b"We agreed to redesign diabetes care.",
        size=36,
        text="We agreed to redesign diabetes care.",
    )
    InboxMessage.objects.create(user=user, subject="Digest", items=[{"kind": "signal"}])
    Subscription.objects.create(user=user, community=north)
    survey = Survey.objects.create(community=north, title="Advice", question="Who?")
    person = survey.respondents.create(name="Dr A", organisation=gp, pseudonym="R-1")
    Nomination.objects.create(
        respondent=person, source_name="Nurse B", source_type="specialist_nurse"
    )
    counts = write_backup(tmp_path / "b.zip")
    for label in (
        "evidence.evidence",
        "reports.inboxmessage",
        "reports.subscription",
        "surveys.survey",
        "surveys.surveyrespondent",
        "surveys.nomination",
    ):
        assert counts[label] == 1, label
    fresh = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    run("restore", tmp_path / "b.zip", "--db", fresh, folder=tmp_path)
    run("backup", tmp_path / "again.zip", "--db", fresh, folder=tmp_path)
    assert data_digest(tmp_path / "again.zip") == data_digest(tmp_path / "b.zip")
    # the restored evidence can be found by full-text search again
    script = (
        f"from commissioning.store.runtime import setup; setup({fresh!r});"
        "from commissioning.evidence.models import Evidence;"
        "from commissioning.evidence.search import search;"
        "print(len(search('redesign', Evidence.objects.all())))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env={**os.environ, "COMMISSIONING_DATA": str(tmp_path)},
        timeout=120,
    )
    assert out.stdout.strip() == "1", out.stderr


def test_times_with_microseconds_back_up_the_same_after_a_restore():
    """Django writes times to the millisecond: 57.000500 is written "57.000Z" and comes back as
    57 exactly, written "57Z". The backup writes both the same way (this made the SQLite ->
    PostgreSQL round trip differ about once in a thousand timestamps)."""
    from commissioning.store.backup import _canonical

    first = _canonical('{"when": "2026-11-23T08:55:57.000Z", "t": "12:00:00.000"}')
    again = _canonical('{"when": "2026-11-23T08:55:57Z", "t": "12:00:00.000"}')
    assert first == again
    kept = _canonical('{"when": "2026-11-23T08:55:57.123+01:00"}')
    assert "57.123+01:00" in kept


@pytest.mark.django_db
def test_a_backup_from_before_django_axes_still_restores(tmp_path):
    """Backups taken before sign-in throttling moved to django-axes hold failed sign-ins
    (store.loginfailure, a table that no longer exists): they are left out, the rest restored."""
    from commissioning.store import models as m
    from commissioning.store.backup import write_backup

    m.Organisation.objects.create(ods_code="QX9", name="Old ICB", kind="icb")
    write_backup(tmp_path / "new.zip")
    old = tmp_path / "old.zip"
    failure = {
        "model": "store.loginfailure",
        "pk": 1,
        "fields": {"username": "bob", "address": "10.0.0.1", "when": "2026-11-01T09:00:00Z"},
    }
    with zipfile.ZipFile(tmp_path / "new.zip") as src, zipfile.ZipFile(old, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "data.jsonl":
                data = json.dumps(failure).encode() + b"\n" + data
            dst.writestr(item, data)
    fresh = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    out = run("restore", old, "--db", fresh, folder=tmp_path)
    assert "loginfailure" not in out.stdout
    run("backup", tmp_path / "again.zip", "--db", fresh, folder=tmp_path)
    assert data_digest(tmp_path / "again.zip") == data_digest(tmp_path / "new.zip")

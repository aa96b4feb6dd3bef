"""An import's history (values before and after, the import that added each row) and its undo."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from commissioning.errors import UserError
from commissioning.ingest import import_files
from commissioning.ingest.kinds import ALL_KINDS
from commissioning.ingest.names import WRITE_ORDER
from commissioning.ingest.stored import db_frame
from commissioning.store.audit import acting_as

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "nhs-formats"


def stored() -> dict[str, list[tuple]]:
    """Every stored record of every kind, as the exporter writes it (ids left out)."""
    out = {}
    for name in WRITE_ORDER:
        frame = db_frame(ALL_KINDS[name]).drop(columns=["id"])
        out[name] = sorted(map(tuple, frame.to_numpy().tolist()))
    return out


def latest():
    from commissioning.store.models import Import

    return Import.objects.order_by("-id").first()


@pytest.fixture
def first(tmp_path, samples):
    """Every sample file imported once; returns that import."""
    with acting_as(None, "cli", username="loader"):
        import_files(samples.write(tmp_path), community="wirral")
    return latest()


def change(tmp_path, samples, kind: str, old: str, new: str) -> Path:
    path = tmp_path / "changed" / f"{kind}.csv"
    path.parent.mkdir(exist_ok=True)
    assert old in samples.FILES[kind]
    path.write_text(samples.FILES[kind].replace(old, new))
    return path


def second_import(tmp_path, samples, *, add: bool = True):
    """Updates an observation, a service's setting and a community's members; adds one
    observation (of a practice the first import added) unless ``add`` is false."""
    obs = change(tmp_path, samples, "observations", "11.2,56", "12.0,60")
    if add:
        obs.write_text(obs.read_text() + "DM-ADM,N85002,,,,2012-04-01,7.5,30,4000,\n")
    services = change(tmp_path, samples, "services", "RBL,acute", "RBL,community")
    communities = change(tmp_path, samples, "communities", "RBL; RY7; N85001; N85002", "RBL")
    with acting_as(None, "cli", username="updater"):
        result = import_files([obs, services, communities], community="wirral")
    return result, latest()


# -- what an import records ---------------------------------------------------------------------


def test_an_import_that_updates_records_keeps_each_ones_values_before_and_after(
    tmp_path, samples, first
):
    from commissioning.store.models import AuditRecord, Observation, Service

    result, imp = second_import(tmp_path, samples)
    assert (result["observations"].added, result["observations"].updated) == (1, 1)
    assert imp.pk != first.pk and imp.username == "updater" and imp.channel == "cli"
    assert imp.files == ["communities.csv", "services.csv", "observations.csv"]
    assert imp.counts["observations"] == {"added": 1, "updated": 1, "unchanged": 2}
    changes = {c.kind: c for c in imp.changes.all()}
    assert set(changes) == {"communities", "services", "observations"}
    obs = changes["observations"]
    april = Observation.objects.get(organisation__ods_code="N85001", period=dt.date(2012, 4, 1))
    assert (obs.model, obs.object_id, obs.action) == ("store.observation", april.pk, "update")
    assert obs.record == "DM-ADM / N85001 / 2012-04-01"
    assert obs.fields() == [("value", "11.2", "12"), ("numerator", "56", "60")]
    assert obs.before["denominator"] == obs.after["denominator"] == "5000"  # whole rows kept
    service = changes["services"]
    assert service.object_id == Service.objects.get(name="Diabetes outpatients").pk
    assert service.fields() == [("setting", "acute", "community")]
    # a list column replaced (the community's members) is recorded as the record's update
    assert changes["communities"].fields() == [("members", "N85001; N85002; RBL; RY7", "RBL")]
    # each summary line of the audit trail names the import holding the values
    summary = AuditRecord.objects.get(
        model="store.observation", object_id="import", after__import=imp.pk
    )
    assert summary.after["updated"] == 1


def test_rows_an_import_adds_carry_its_number_and_keep_it_when_updated(tmp_path, samples, first):
    from commissioning.store.models import Observation, Organisation

    assert Organisation.objects.filter(added_by_import=first).count() == 6
    assert Observation.objects.filter(added_by_import=first).count() == 3
    assert not first.changes.exists()  # adding records stores no values: the rows carry the id
    _, second = second_import(tmp_path, samples)
    added = Observation.objects.get(organisation__ods_code="N85002")
    assert added.added_by_import_id == second.pk
    updated = Observation.objects.get(organisation__ods_code="N85001", period=dt.date(2012, 4, 1))
    assert updated.added_by_import_id == first.pk  # an update does not take over the record


def test_importing_the_same_files_again_records_nothing(tmp_path, samples, first):
    from commissioning.store.models import AuditRecord, Import, ImportChange

    before = (Import.objects.count(), ImportChange.objects.count(), AuditRecord.objects.count())
    import_files(samples.write(tmp_path), community="wirral")
    import_files(samples.write(tmp_path), community="wirral", dry_run=True)
    after = (Import.objects.count(), ImportChange.objects.count(), AuditRecord.objects.count())
    assert after == before


def test_a_dry_run_records_nothing(tmp_path, samples):
    from commissioning.store.models import Import

    import_files(samples.write(tmp_path), community="wirral", dry_run=True)
    assert not Import.objects.exists()


def test_an_update_keeps_the_fields_its_file_does_not_have(tmp_path, samples, first):
    """Defect: an import that updated an indicator put its library (not a column of the
    file) back to empty, and a grouping's method likewise; nothing recorded the old value."""
    from commissioning.store.models import Grouping, Indicator

    Indicator.objects.filter(code="DM-ADM").update(library="diabetes")
    Grouping.objects.filter(code="wirral-west").update(method="by postcode", description="West")
    ind = change(tmp_path, samples, "indicators", "per 1000", '"per 1,000"')
    grouping = change(tmp_path, samples, "groupings", "locality,2012", "federation,2012")
    result = import_files([ind, grouping], community="wirral")
    assert result["indicators"].updated == 1 and result["groupings"].updated == 1
    indicator = Indicator.objects.get(code="DM-ADM")
    assert (indicator.unit, indicator.library) == ("per 1,000", "diabetes")
    west = Grouping.objects.get(code="wirral-west")
    assert (west.kind, west.method, west.description) == ("federation", "by postcode", "West")


def test_links_an_import_closes_are_recorded_and_reopened_by_its_undo(tmp_path):
    """A 2019 epraccur has A81001 under 00K; the 2025 file moves it to 16C, closing the link."""
    from commissioning.ingest.undo import undo
    from commissioning.store.models import OrganisationLink

    older = tmp_path / "epraccur_2019.csv"
    line = (SAMPLES / "ods_epraccur.csv").read_text().splitlines()[0]
    older.write_text(line.replace('"B","16C","20200401"', '"B","00K","20130401"') + "\n")
    eccg = tmp_path / "eccg.csv"
    eccg.write_bytes(
        (SAMPLES / "ods_eccg.csv").read_bytes()
        + b'"16C","NHS TEES VALLEY CCG","Y63","QHM","PUBLIC","","","","","TS17 6BL","20200401",'
        b'"","","","","","","","","","","0","","","","",""\n'
    )
    import_files([older, eccg])
    import_files([SAMPLES / "ods_epraccur.csv"])
    imp = latest()
    closed = OrganisationLink.objects.get(child__ods_code="A81001", parent__ods_code="00K")
    assert closed.valid_to == dt.date(2020, 3, 31)
    change_ = imp.changes.get(kind="links")
    assert change_.object_id == closed.pk
    assert change_.fields() == [("valid_to", "", "2020-03-31")]
    assert change_.record == "A81001 / 00K / commissioner / 2013-04-01"
    undo(imp)
    closed.refresh_from_db()
    assert closed.valid_to is None
    assert not OrganisationLink.objects.filter(parent__ods_code="16C").exists()


def test_a_backup_keeps_the_history_and_a_community_backup_claims_no_import(
    tmp_path, samples, first
):
    """A community's backup leaves out the history of imports, so its records must not name an
    import: restored elsewhere, that database's own import 1 would take them for its own."""
    import json
    import zipfile

    from commissioning.store.backup import write_backup

    def records(path):
        with zipfile.ZipFile(path) as zf:
            return [json.loads(line) for line in zf.read("data.jsonl").decode().splitlines()]

    write_backup(tmp_path / "full.zip")
    full = records(tmp_path / "full.zip")
    assert [r["pk"] for r in full if r["model"] == "store.import"] == [first.pk]
    named = {r["fields"]["added_by_import"] for r in full if r["model"] == "store.observation"}
    assert named == {first.pk}
    write_backup(tmp_path / "wirral.zip", community="wirral")
    part = records(tmp_path / "wirral.zip")
    assert not [r for r in part if r["model"] in ("store.import", "store.importchange")]
    tracked = [r for r in part if "added_by_import" in r["fields"]]
    assert tracked and {r["fields"]["added_by_import"] for r in tracked} == {None}


# -- undo ---------------------------------------------------------------------------------------


def test_undo_removes_what_an_import_added_and_puts_back_what_it_updated(tmp_path, samples, first):
    from commissioning.ingest.undo import undo
    from commissioning.store.models import AuditRecord, Import

    before_second = stored()
    _, second = second_import(tmp_path, samples)
    assert stored() != before_second
    admin = User.objects.create_superuser("root", password="x-long-password-1")
    with acting_as(admin, "web"):
        done = undo(second)
    assert stored() == before_second
    assert done.undoes_id == second.pk and done.username == "root" and done.channel == "web"
    assert Import.objects.get(pk=second.pk).undo == done
    assert done.counts["observations"] == {"removed": 1, "restored": 1}
    assert done.counts["communities"] == {"removed": 0, "restored": 1}
    # the undo's own history: the row it removed (its values) and the rows it put back
    removed = done.changes.get(action="delete")
    assert removed.record == "DM-ADM / N85002 / 2012-04-01" and removed.before["value"] == "7.5"
    put_back = done.changes.get(kind="observations", action="update")
    assert put_back.fields() == [("value", "12", "11.2"), ("numerator", "60", "56")]
    # and the audit trail says so, one line per kind
    lines = AuditRecord.objects.filter(object_id="undo", username="root")
    assert lines.count() == 3
    assert lines.get(model="store.observation").after == {
        "undoes": second.pk,
        "import": done.pk,
        "removed": 1,
        "restored": 1,
        "overrode": 0,
    }
    # then the first import too: the database is as it was before anything was imported
    undo(first)
    assert all(not rows for rows in stored().values())


def test_undo_refuses_when_a_later_import_changed_the_same_records(tmp_path, samples, first):
    from commissioning.ingest.undo import UndoRefused, undo

    _, second = second_import(tmp_path, samples, add=False)
    now = stored()
    with pytest.raises(UndoRefused) as refused:
        undo(first)
    message = str(refused.value)
    assert message.startswith(f"Import {first.pk} was not undone: 3 records it added or updated")
    assert (
        f"DM-ADM / N85001 / 2012-04-01 (indicator observations): changed since by import "
        f"{second.pk} (updater" in message
    )
    assert stored() == now and first.undo is None  # nothing changed
    undo(second)  # the later import undone first, the earlier one may go
    undo(first)
    assert all(not rows for rows in stored().values())


def test_undo_refuses_after_a_change_through_the_web_unless_overridden(tmp_path, samples, first):
    from commissioning.ingest.undo import UndoRefused, undo
    from commissioning.store.models import Observation

    _, second = second_import(tmp_path, samples)
    alice = User.objects.create_user("alice", password="x-long-password-1")
    obs = Observation.objects.get(organisation__ods_code="N85001", period=dt.date(2012, 4, 1))
    with acting_as(alice, "web"):
        obs.value = 13.5
        obs.save()
    with pytest.raises(UndoRefused, match="updated since through Web page by alice"):
        undo(second)
    assert Observation.objects.get(pk=obs.pk).value == 13.5
    done = undo(second, override=True)
    assert Observation.objects.get(pk=obs.pk).value == 11.2
    put_back = done.changes.get(kind="observations", action="update")
    assert put_back.before["value"] == "13.5"  # the value overwritten is kept
    assert done.counts["observations"]["restored"] == 1


def test_undo_notices_a_change_made_outside_the_audit_trail(tmp_path, samples, first):
    from commissioning.ingest.undo import UndoRefused, undo
    from commissioning.store.models import Service

    _, second = second_import(tmp_path, samples)
    Service.objects.filter(name="Diabetes outpatients").update(tier="specialist")  # no signal
    with pytest.raises(UndoRefused, match="changed since, outside the audit trail"):
        undo(second)


def test_undo_always_refuses_when_other_records_refer_to_what_it_added(tmp_path, samples, first):
    from commissioning.ingest.undo import UndoRefused, undo
    from commissioning.store.models import CommissioningCommunity, Organisation, Service

    with acting_as(None, "web", username="alice"):
        Service.objects.create(
            name="Podiatry",
            community=CommissioningCommunity.objects.get(code="wirral"),
            provider=Organisation.objects.get(ods_code="RBL"),
            setting="community",
        )
    now = stored()
    for override in (False, True):
        with pytest.raises(UndoRefused, match="cannot be undone: records it did not add refer"):
            undo(first, override=override)
    assert stored() == now


def test_undo_is_all_or_nothing(tmp_path, samples, first, monkeypatch):
    from django.db import DatabaseError

    from commissioning.ingest import undo as undo_module
    from commissioning.store.models import Import

    _, second = second_import(tmp_path, samples)
    now = stored()
    real = undo_module._remove

    def fail_half_way(kind, imp, done):
        real(kind, imp, done)
        raise DatabaseError("disk full")

    monkeypatch.setattr(undo_module, "_remove", fail_half_way)
    with pytest.raises(UserError, match="could not be written, so nothing was changed"):
        undo_module.undo(second)
    assert stored() == now
    assert Import.objects.count() == 2 and Import.objects.get(pk=second.pk).undo is None


def test_an_import_is_undone_once_and_an_undo_not_at_all(tmp_path, samples, first):
    from commissioning.ingest.undo import UndoRefused, undo

    _, second = second_import(tmp_path, samples)
    done = undo(second)
    with pytest.raises(UndoRefused, match=f"Import {second.pk} was undone already"):
        undo(second)
    with pytest.raises(UndoRefused, match="is itself an undo, which cannot be undone"):
        undo(done)


def test_the_changes_of_an_undone_import_no_longer_stand_in_the_way(tmp_path, samples, first):
    """Import 2 changed records of import 1; once import 2 is undone, so may import 1 be, and
    a third import touching nothing of import 1's does not stop it."""
    from commissioning.ingest.undo import find_conflicts, undo

    _, second = second_import(tmp_path, samples)
    conflicts = find_conflicts(first)
    assert [c.overridable for c in conflicts] == [True, True, True, False, False]
    assert str(conflicts[-1]) == (
        "1 observation (for example 'DM-ADM Riverside Practice (N85002) 2012-04-01: 7.5') "
        "refers to organisations it added"
    )
    undo(second)
    assert find_conflicts(first) == []


# -- the command line ---------------------------------------------------------------------------


def test_imports_list_show_and_undo_on_the_command_line(tmp_path, samples):
    import os
    import subprocess
    import sys

    def run(*args):
        env = {**os.environ, "COMMISSIONING_DATA": str(tmp_path)}
        env.pop("DATABASE_URL", None)
        return subprocess.run(
            [sys.executable, "-m", "commissioning", *map(str, args), "--db", db],
            capture_output=True,
            text=True,
            timeout=300,
            env=env,
        )

    db = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    assert run("import", *samples.write(tmp_path), "--community", "wirral").returncode == 0
    changed = change(tmp_path, samples, "observations", "11.2,56", "12.0,60")
    assert run("import", changed, "--community", "wirral").returncode == 0
    listed = run("imports", "list")
    assert listed.returncode == 0
    assert "observations.csv" in listed.stdout and "observations: 1 updated, 2 unchanged" in (
        listed.stdout
    )
    shown = run("imports", "show", 2)
    assert "Updated observations: DM-ADM / N85001 / 2012-04-01" in shown.stdout
    assert "value: '11.2' -> '12'" in shown.stdout
    refused = run("imports", "undo", 1)
    assert refused.returncode == 1 and "Import 1 was not undone" in refused.stderr
    assert "To undo it anyway: commissioning imports undo 1 --override" in refused.stderr
    assert "Traceback" not in refused.stderr
    done = run("imports", "undo", 1, "--override")
    assert done.returncode == 0, done.stderr
    assert "Import 1 undone (undo 3): organisations: 6 removed" in done.stdout
    assert "observations: 3 removed;" in done.stdout

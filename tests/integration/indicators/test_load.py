"""Loading library files into the database: by code, idempotent, atomic, audited, located errors."""

from __future__ import annotations

import subprocess
import sys

import pytest

from commissioning.errors import InputError
from commissioning.indicators import read_file, read_files
from commissioning.indicators.load import load_library

from .test_schema import GOOD, write

pytestmark = pytest.mark.django_db


def test_loading_the_shipped_library_twice_changes_nothing_the_second_time(world):
    from commissioning.store.models import AuditRecord, Indicator

    total = len(read_files().definitions)
    before = Indicator.objects.count()  # the world's DM1 and FIN1
    first = load_library()
    assert (len(first.added), len(first.updated), len(first.unchanged)) == (total, 0, 0)
    assert str(first) == f"{total} added, 0 updated, 0 unchanged"
    assert Indicator.objects.count() == before + total
    records = AuditRecord.objects.count()
    again = load_library()
    assert str(again) == f"0 added, 0 updated, {total} unchanged"
    assert AuditRecord.objects.count() == records  # nothing changed, nothing recorded

    dx = Indicator.objects.get(code="DEM_DX")
    assert (dx.library, dx.community, dx.unit, dx.polarity) == (
        "dementia",
        None,
        "%",
        "higher_better",
    )
    assert list(dx.conditions.values_list("slug", flat=True)) == ["dementia"]
    assert "CFAS II" in dx.denominator and dx.national_driver and dx.why_it_matters
    esd = Indicator.objects.get(code="STROKE_ESD")
    assert list(esd.conditions.values_list("slug", flat=True)) == ["stroke-tia"]
    assert set(
        Indicator.objects.get(code="ACSC_EMERG").conditions.values_list("slug", flat=True)
    ) == {"diabetes", "dementia"}


def test_a_changed_definition_is_updated_and_audited_under_the_actor(world, tmp_path):
    from commissioning.store.audit import acting_as
    from commissioning.store.models import AuditRecord, Indicator

    path = write(tmp_path, GOOD)
    with acting_as(None, "cli", username="tester"):
        assert str(load_library(read_file(path))) == "2 added, 0 updated, 0 unchanged"
        created = AuditRecord.objects.filter(
            model="store.indicator", action="create", username="tester", channel="cli"
        )
        assert created.count() == 2
        changed = GOOD.replace('unit = "%"', 'unit = "per 1,000"').replace(
            'conditions = ["dementia"]', 'conditions = ["dementia", "diabetes"]'
        )
        result = load_library(read_file(write(tmp_path, changed)))
    assert (result.added, result.updated, result.unchanged) == ([], ["T_ONE", "T_TWO"], [])
    one = Indicator.objects.get(code="T_ONE")
    assert (one.unit, one.library) == ("per 1,000", "test")
    update = AuditRecord.objects.get(  # the field change (the condition links are their own)
        model="store.indicator", action="update", object_id=one.pk, before__isnull=False
    )
    assert (update.before["unit"], update.after["unit"]) == ("%", "per 1,000")
    two = Indicator.objects.get(code="T_TWO")
    assert set(two.conditions.values_list("slug", flat=True)) == {"dementia", "diabetes"}
    assert two.patient_counts is False


def test_an_unknown_condition_is_a_located_error_and_nothing_is_written(world, tmp_path):
    from commissioning.store.models import Condition, Indicator

    before = Indicator.objects.count()
    bad = GOOD.replace('conditions = ["dementia"]', 'conditions = ["dementia", "gout"]')
    with pytest.raises(InputError) as caught:
        load_library(read_file(write(tmp_path, bad)))
    assert [str(p) for p in caught.value.problems] == [
        "test.toml, line 20, indicator 2 (T_TWO), field 'conditions': names condition 'gout', "
        "which is not in the database: add the condition first (`commissioning import "
        "conditions.csv`, see docs/guide/import/conditions.md)"
    ]
    assert Indicator.objects.count() == before  # T_ONE was fine but is not written either
    assert not Condition.objects.filter(slug="gout").exists()  # nothing created silently


def test_a_code_a_community_already_owns_is_not_taken_over(world, tmp_path):
    from commissioning.store.models import Indicator

    Indicator.objects.create(
        code="T_TWO",
        name="North's own",
        domain="quality",
        unit="%",
        polarity="neutral",
        frequency="annual",
        community=world.north,
    )
    with pytest.raises(
        InputError, match="T_TWO is already the code of an indicator of community 'north'"
    ):
        load_library(read_file(write(tmp_path, GOOD)))
    own = Indicator.objects.get(code="T_TWO")
    assert (own.name, own.community) == ("North's own", world.north)
    assert not Indicator.objects.filter(code="T_ONE").exists()


def test_a_dry_run_counts_but_writes_nothing(world, tmp_path):
    from commissioning.store.models import Indicator

    result = load_library(read_file(write(tmp_path, GOOD)), dry_run=True)
    assert str(result) == "2 added, 0 updated, 0 unchanged"
    assert not Indicator.objects.filter(code__startswith="T_").exists()


def test_cli_load_on_a_fresh_database_asks_for_the_conditions_first(tmp_path):
    db = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    conditions = tmp_path / "conditions.csv"
    conditions.write_text("slug,name\ndiabetes,Diabetes\ndementia,Dementia\n", encoding="utf-8")
    library = write(tmp_path, GOOD)

    def cli(*args):
        return subprocess.run(
            [sys.executable, "-m", "commissioning", *args],
            capture_output=True,
            text=True,
            timeout=300,
        )

    first = cli("indicators", "load", "--db", db, str(library))
    assert first.returncode == 2, first.stderr
    assert "field 'conditions': names condition 'diabetes', which is not in the database" in (
        first.stderr
    )
    assert "Traceback" not in first.stderr
    assert cli("import", "--db", db, str(conditions)).returncode == 0
    loaded = cli("indicators", "load", "--db", db, str(library))
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == "Indicators: 2 added, 0 updated, 0 unchanged"
    again = cli("indicators", "load", "--db", db, str(library))
    assert again.stdout.strip() == "Indicators: 0 added, 0 updated, 2 unchanged"

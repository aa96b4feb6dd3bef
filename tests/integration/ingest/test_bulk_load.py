"""A large insert (issue 27): indexes, and on PostgreSQL foreign keys, dropped and built again
inside the import's transaction, rows given to PostgreSQL with COPY.

``load.BULK`` is lowered so that a few hundred rows take the large-insert way (the benchmark
takes it with a million). Whatever happens, the schema afterwards is the schema before: after a
successful import, a dry run, a refused import and an undo; and the stored rows, the import that
added each, are what an ordinary insert stores.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from commissioning.errors import InputError
from commissioning.ingest import import_files, load
from commissioning.store.models import Import, Observation

pytestmark = pytest.mark.django_db

ROWS = 400


def schema() -> list[tuple]:
    """Every index and constraint of the observations table, as the database defines them."""
    table = Observation._meta.db_table
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute(
                "SELECT name, sql FROM sqlite_master WHERE tbl_name = %s ORDER BY name", [table]
            )
        else:
            cur.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
                "UNION ALL SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass ORDER BY 1",
                [table, table],
            )
        return cur.fetchall()


def observations(path, rows: int = ROWS, bad: bool = False, year: int = 1900):
    start = dt.date(year, 1, 1)
    lines = ["indicator_code,organisation_ods,period,value,numerator,denominator"]
    for i in range(rows):
        day = start + dt.timedelta(days=i)
        value = "x" if bad and i == rows - 1 else f"{i % 97}.25"
        lines.append(f'DM-ADM,N8500{1 + i % 2},{day},{value},{i % 13},"{1000 + i:,}"')
    path.write_text("\n".join(lines) + "\n")
    return path


def stored() -> list[tuple]:
    return sorted(
        Observation.objects.filter(period__lt=dt.date(1902, 1, 1)).values_list(
            "indicator__code",
            "organisation__ods_code",
            "period",
            "value",
            "numerator",
            "denominator",
            "added_by_import_id",
        )
    )


@pytest.fixture
def base(tmp_path, samples):
    import_files(samples.write(tmp_path, ["organisations", "conditions", "indicators"]))
    return schema()


def test_a_large_insert_stores_what_an_ordinary_one_does_and_keeps_the_schema(
    tmp_path, base, monkeypatch
):
    path = observations(tmp_path / "obs.csv")
    counts = import_files([path])
    ordinary = stored()
    imp = Import.objects.latest("id")
    # the same file into the database again after removing its rows, the large-insert way
    Observation.objects.filter(added_by_import=imp).delete()
    monkeypatch.setattr(load, "BULK", 50)
    again = import_files([path])
    assert counts["observations"].added == again["observations"].added == ROWS
    bulk = stored()
    second = Import.objects.latest("id")
    assert [r[:-1] for r in bulk] == [r[:-1] for r in ordinary]
    assert {r[-1] for r in bulk} == {second.pk}
    assert bulk[0][2:6] == (dt.date(1900, 1, 1), 0.25, 0, 1000)
    assert schema() == base


def test_a_large_dry_run_or_refused_import_leaves_schema_and_data_as_they_were(
    tmp_path, base, monkeypatch
):
    monkeypatch.setattr(load, "BULK", 50)
    before = Observation.objects.count()
    import_files([observations(tmp_path / "obs.csv")], dry_run=True)
    assert schema() == base and Observation.objects.count() == before
    with pytest.raises(InputError) as exc:
        import_files([observations(tmp_path / "bad.csv", bad=True)])
    (problem,) = exc.value.problems
    assert (problem.row, problem.column) == (ROWS + 1, "value")
    assert schema() == base and Observation.objects.count() == before


def drops(monkeypatch, path) -> list[str]:
    """The DROP statements an import of ``path`` runs."""
    seen: list[str] = []

    def watch(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith(("DROP", "ALTER TABLE")):
            seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        import_files([path])
    return seen


def test_a_large_insert_into_a_table_holding_many_more_rows_keeps_its_indexes(
    tmp_path, base, monkeypatch
):
    monkeypatch.setattr(load, "BULK", 50)
    import_files([observations(tmp_path / "obs.csv")])
    # 60 rows into a table of more than 4 x 60: updated in place
    assert drops(monkeypatch, observations(tmp_path / "a.csv", rows=60, year=1950)) == []
    assert schema() == base
    # 60 rows into a table of fewer than 100 x 60: indexes dropped and built again
    monkeypatch.setattr(load, "REBUILD_SHARE", 100)
    assert drops(monkeypatch, observations(tmp_path / "b.csv", rows=60, year=1960))
    assert schema() == base
    assert Observation.objects.filter(period__year__in=[1950, 1960]).count() == 120


def test_undo_of_a_large_import_puts_everything_back(tmp_path, base, monkeypatch):
    from commissioning.ingest.undo import undo

    monkeypatch.setattr(load, "BULK", 50)
    before = Observation.objects.count()
    import_files([observations(tmp_path / "obs.csv")])
    imp = Import.objects.latest("id")
    assert Observation.objects.filter(added_by_import=imp).count() == ROWS
    undo(imp)
    assert Observation.objects.count() == before and schema() == base


def test_a_long_import_says_how_it_goes(tmp_path, base, monkeypatch):
    monkeypatch.setattr(load, "PROGRESS_ROWS", 100)
    heard: list[str] = []
    import_files([observations(tmp_path / "obs.csv")], progress=heard.append)
    assert heard[0] == f"read {ROWS:,} rows from obs.csv"
    assert heard[1] == f"checked {ROWS:,} rows: no problems found"
    assert heard[-2] == f"writing new indicator observations: {ROWS:,} of {ROWS:,} rows"
    assert heard[-1] == "written and committed"

"""Importing every kind: counts, values, re-import, dry run, dependency order, encodings."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest

from commissioning.errors import InputError
from commissioning.ingest import import_files
from commissioning.ingest.kinds import KINDS
from commissioning.ingest.names import ORDER

pytestmark = pytest.mark.django_db


def counts_of(result):
    return {k: (c.added, c.updated, c.unchanged) for k, c in result.items()}


def test_dependency_order_puts_every_kind_after_what_it_refers_to():
    for kind in KINDS.values():
        for target in kind.depends_on:
            assert ORDER.index(target) < ORDER.index(kind.name), (kind.name, target)


def test_every_kind_imports_in_any_order_given(tmp_path, samples):
    paths = samples.write(tmp_path)
    random.Random(3).shuffle(paths)
    result = import_files(paths, community="wirral")
    assert counts_of(result) == {k: (samples.ROWS[k], 0, 0) for k in ORDER}
    assert list(result) == ORDER  # written in dependency order


def test_values_are_stored_as_meant(tmp_path, samples):
    from commissioning.store import models as m

    import_files(samples.write(tmp_path), community="wirral")
    pct = m.Organisation.objects.get(ods_code="5NK")
    assert pct.valid_to == dt.date(2013, 3, 31)  # UK date
    assert pct.successor.ods_code == "12F"  # a reference within the same file
    assert m.Organisation.objects.get(ods_code="N85001").kind == "gp_practice"  # label accepted
    comm = m.CommissioningCommunity.objects.get(code="wirral")
    assert comm.population == 320000  # thousands separator
    assert sorted(comm.members.values_list("ods_code", flat=True)) == [
        "N85001",
        "N85002",
        "RBL",
        "RY7",
    ]
    contract = m.Contract.objects.get(reference="WIR-001")
    assert contract.annual_value == Decimal("1250000.50")  # £ and separators
    assert contract.procurement_route == "tendered"
    assert list(contract.services.values_list("name", flat=True)) == [
        "Intermediate diabetes service"
    ]
    assert m.Condition.objects.get(slug="diabetes").codes == ["DM017", "DM018"]
    ann = m.Person.objects.get(name="Ann Example")
    assert list(ann.communities.values_list("code", flat=True)) == ["wirral"]  # --community
    assert m.Person.objects.get(name="Bob Example").is_clinician is True
    redesign = m.ServiceDevelopment.objects.get(slug="diabetes-redesign")
    assert redesign.parent.slug == "diabetes-plan"
    assert redesign.status == "active"  # empty means the model's default
    workshop = m.Activity.objects.get(title="Clinical design workshop")
    assert workshop.date == dt.date(2010, 9, 14)
    assert sorted(workshop.stages.values_list("code", flat=True)) == ["planning", "scoping"]
    hours = dict(workshop.participations.values_list("person__name", "hours"))
    assert hours == {"Ann Example": Decimal("3.50"), "Bob Example": Decimal("2.00")}
    assert m.Indicator.objects.get(code="DM-ADM").patient_counts is True
    obs = m.Observation.objects.filter(organisation__ods_code="N85001").order_by("period")
    assert [(o.period, o.value, o.denominator) for o in obs] == [
        (dt.date(2012, 4, 1), 11.2, 5000.0),
        (dt.date(2012, 5, 1), -0.5, 5000.0),
    ]
    assert m.Observation.objects.get(service__name="Intermediate diabetes service").target == 10
    pop = m.PracticePopulation.objects.get(age_band="65-69")
    assert (pop.sex, pop.count) == ("female", 1204)
    assert m.ConditionRegister.objects.get().list_size == 7650


@pytest.fixture(params=[None, 1, 2], ids=["whole", "chunks of 1", "chunks of 2"])
def chunks(request, monkeypatch):
    """Stored keys and records read back a few at a time, as a million are (load._compare)."""
    if request.param:
        monkeypatch.setattr("commissioning.ingest.load.COMPARE_CHUNK", request.param)
        monkeypatch.setattr("commissioning.ingest.validate.KEYS_CHUNK", request.param)


def test_re_importing_the_same_files_changes_nothing(tmp_path, samples, chunks):
    paths = samples.write(tmp_path)
    import_files(paths, community="wirral")
    again = import_files(paths, community="wirral")
    assert counts_of(again) == {k: (0, 0, samples.ROWS[k]) for k in ORDER}


def test_a_changed_row_is_one_update_and_the_rest_unchanged(tmp_path, samples, chunks):
    from commissioning.store.models import Observation

    paths = samples.write(tmp_path)
    import_files(paths, community="wirral")
    obs = tmp_path / "observations.csv"
    obs.write_text(samples.FILES["observations"].replace("11.2,56", "12.0,60"))
    result = import_files([obs], community="wirral")
    assert counts_of(result) == {"observations": (0, 1, 2)}
    assert (
        Observation.objects.get(period=dt.date(2012, 4, 1), organisation__isnull=False).value == 12
    )


def test_dry_run_counts_but_writes_nothing(tmp_path, samples):
    from commissioning.store.models import Organisation

    result = import_files(samples.write(tmp_path), community="wirral", dry_run=True)
    assert counts_of(result)["organisations"] == (6, 0, 0)
    assert Organisation.objects.count() == 0


def test_participants_may_name_people_from_the_same_command(tmp_path, samples):
    # the people file comes second on the command line; the references still resolve
    paths = samples.write(tmp_path)
    result = import_files(paths[::-1], community="wirral")
    assert result["participants"].added == 2


def test_windows_1252_and_bom_csv_are_read(tmp_path, samples):
    from commissioning.store.models import Organisation

    text = "ods_code,name,kind\nX1234,Café Health Centre,gp_practice\n"
    (tmp_path / "a.csv").write_bytes(text.encode("cp1252"))
    (tmp_path / "b.csv").write_bytes(text.replace("X1234", "X5678").encode("utf-8-sig"))
    import_files([tmp_path / "a.csv", tmp_path / "b.csv"])
    assert set(Organisation.objects.values_list("name", flat=True)) == {"Café Health Centre"}
    assert Organisation.objects.count() == 2


def test_xlsx_with_one_sheet_per_kind_in_any_order(tmp_path, samples):
    import csv
    import io

    from openpyxl import Workbook

    from commissioning.store.models import Service

    wb = Workbook()
    wb.remove(wb.active)
    for kind in ["services", "organisations", "communities", "conditions"]:
        ws = wb.create_sheet(kind)
        for row in csv.reader(io.StringIO(samples.FILES[kind])):
            ws.append(row)
    ws = wb["organisations"]
    ws["D2"] = dt.datetime(2002, 4, 1)  # a real Excel date cell
    path = tmp_path / "upload.xlsx"
    wb.save(path)
    result = import_files([path], community="wirral")
    assert counts_of(result) == {
        "organisations": (6, 0, 0),
        "communities": (1, 0, 0),
        "conditions": (1, 0, 0),
        "services": (2, 0, 0),
    }
    assert Service.objects.count() == 2


def test_kind_is_taken_from_the_header_or_given(tmp_path, samples):
    from commissioning.errors import UserError

    p = tmp_path / "odd.csv"
    p.write_text("code,name\nx,y\n")
    with pytest.raises(UserError, match="cannot tell which kind"):
        import_files([p])
    with pytest.raises(InputError, match="required column for indicators is missing"):
        import_files([p], kind="indicators")

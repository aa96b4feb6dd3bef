"""Export writes what import reads: a round trip changes nothing; formulas are neutralised."""

from __future__ import annotations

import csv

import pytest
from openpyxl import load_workbook

from commissioning.export import export_all, export_kind
from commissioning.ingest import import_files
from commissioning.ingest.kinds import KINDS
from commissioning.ingest.names import ORDER
from commissioning.ingest.templates import ABOUT_SHEET, write_template

pytestmark = pytest.mark.django_db


def test_csv_export_then_import_is_all_unchanged(tmp_path, samples):
    (tmp_path / "in").mkdir()
    import_files(samples.write(tmp_path / "in"), community="wirral")
    out = tmp_path / "out"
    out.mkdir()
    paths = []
    for name in ORDER:
        p = out / f"{name}.csv"
        assert export_kind(KINDS[name], p) == samples.ROWS[name]
        paths.append(p)
    result = import_files(paths)
    assert {k: (c.added, c.updated, c.unchanged) for k, c in result.items()} == {
        k: (0, 0, samples.ROWS[k]) for k in ORDER
    }


def test_xlsx_export_of_everything_then_import_is_all_unchanged(tmp_path, samples):
    import_files(samples.write(tmp_path), community="wirral")
    book = tmp_path / "all.xlsx"
    export_all(book)
    assert load_workbook(book, read_only=True).sheetnames == ORDER
    result = import_files([book])
    assert all(c.added == c.updated == 0 for c in result.values())
    assert sum(c.unchanged for c in result.values()) == sum(samples.ROWS.values())


def test_one_community_only(tmp_path, samples):
    import_files(samples.write(tmp_path), community="wirral")
    p = tmp_path / "services.csv"
    assert export_kind(KINDS["services"], p, community="wirral") == 2
    assert export_kind(KINDS["services"], p, community="elsewhere") == 0


def test_formula_like_text_is_neutralised_but_numbers_are_not(tmp_path, samples):
    from commissioning.store.models import Organisation

    import_files(samples.write(tmp_path), community="wirral")
    Organisation.objects.filter(ods_code="N85002").update(name='=HYPERLINK("http://x","y")')
    Organisation.objects.filter(ods_code="RBL").update(name="@SUM(1)", postcode="+44")
    orgs = tmp_path / "orgs.csv"
    export_kind(KINDS["organisations"], orgs)
    rows = {r["ods_code"]: r for r in csv.DictReader(orgs.open())}
    assert rows["N85002"]["name"] == '\'=HYPERLINK("http://x","y")'
    assert rows["RBL"]["name"] == "'@SUM(1)"
    assert rows["RBL"]["postcode"] == "'+44"
    obs = tmp_path / "obs.csv"
    export_kind(KINDS["observations"], obs)
    values = [r["value"] for r in csv.DictReader(obs.open())]
    assert "-0.5" in values  # a negative number stays a number
    book = tmp_path / "orgs.xlsx"
    export_kind(KINDS["organisations"], book)
    ws = load_workbook(book)["organisations"]
    names = [c.value for c in ws["B"]]
    assert '\'=HYPERLINK("http://x","y")' in names
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    # the guard comes off again on import: nothing changes
    for path in (orgs, book):
        result = import_files([path])
        assert (result["organisations"].updated, result["organisations"].unchanged) == (0, 6)
    assert Organisation.objects.get(ods_code="RBL").postcode == "+44"


def test_templates_are_empty_documented_and_importable(tmp_path):
    from commissioning.store.models import Organisation

    p = tmp_path / "organisations.csv"
    write_template(KINDS["organisations"], p)
    header, example = list(csv.reader(p.open()))
    assert header == KINDS["organisations"].names
    book = tmp_path / "contracts.xlsx"
    write_template(KINDS["contracts"], book)
    wb = load_workbook(book)
    assert wb.sheetnames == ["contracts", ABOUT_SHEET]
    about = [[c.value for c in row] for row in wb[ABOUT_SHEET].iter_rows()]
    payment = next(r for r in about if r[0] == "payment_form")
    assert "cost_and_volume (Cost and volume)" in payment[3]
    # the example row of a template is a valid record
    assert import_files([p])["organisations"].added == 1
    assert Organisation.objects.get().ods_code == example[0]

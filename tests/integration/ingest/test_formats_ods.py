"""ODS files (epraccur, eccg, etr) imported from the real published samples."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from commissioning.errors import InputError
from commissioning.ingest import import_files
from commissioning.ingest.formats.formats import FORMATS, detect_format

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "nhs-formats"
pytestmark = [
    pytest.mark.django_db,
]

PRACTICES = SAMPLES / "ods_epraccur.csv"
COMMISSIONERS = SAMPLES / "ods_eccg.csv"
TRUSTS = SAMPLES / "ods_etr.csv"
# The sample eccg file stops before 16C (NHS Tees Valley CCG), the practices' commissioner.
TEES_VALLEY = (
    '"16C","NHS TEES VALLEY CCG","Y63","QHM","PUBLIC","","","","","TS17 6BL","20200401","",'
    '"","","","","","","","","","0","","","","",""\n'
)


def counts_of(result):
    return {k: (c.added, c.updated, c.unchanged) for k, c in result.items()}


def with_tees_valley(tmp_path: Path) -> Path:
    p = tmp_path / "eccg.csv"
    p.write_bytes(COMMISSIONERS.read_bytes() + TEES_VALLEY.encode())
    return p


@pytest.mark.parametrize(
    ("sample", "name"),
    [
        (PRACTICES, "ods-practices"),
        (COMMISSIONERS, "ods-commissioners"),
        (TRUSTS, "ods-trusts"),
    ],
)
def test_each_ods_sample_is_recognised(sample, name):
    assert detect_format(sample) is FORMATS[name]


def test_practices_and_their_commissioners_are_imported(tmp_path):
    from commissioning.store.models import Organisation, OrganisationLink

    notes: list[str] = []
    result = import_files([PRACTICES, with_tees_valley(tmp_path)], notes=notes)
    # 45 eccg rows + 16C; 25 GP practices (setting 4) of the 50 epraccur rows
    assert counts_of(result) == {"organisations": (71, 0, 0), "links": (25, 0, 0)}
    assert any("25 rows are not GP practices" in n for n in notes)
    densham = Organisation.objects.get(ods_code="A81001")
    assert (densham.name, densham.kind, densham.postcode) == (
        "THE DENSHAM SURGERY",
        "gp_practice",
        "TS18 1HU",
    )
    assert densham.valid_from == dt.date(1974, 4, 1) and densham.valid_to is None
    closed = Organisation.objects.get(ods_code="A81003")
    assert closed.valid_to == dt.date(2017, 10, 31)
    link = OrganisationLink.objects.get(child__ods_code="A81003")
    assert (link.parent.ods_code, link.relationship) == ("00K", "commissioner")
    assert (link.valid_from, link.valid_to) == (dt.date(2013, 4, 1), dt.date(2017, 10, 31))
    assert not Organisation.objects.filter(ods_code="Y07385").exists()  # not a practice
    # CCG names give the kind; the ICB-named current rows are Sub-ICB locations
    assert Organisation.objects.get(ods_code="00C").kind == "ccg"
    assert Organisation.objects.get(ods_code="00C").valid_to == dt.date(2020, 3, 31)
    assert Organisation.objects.get(ods_code="02A").kind == "sub_icb"


def test_reimport_changes_nothing(tmp_path):
    files = [PRACTICES, with_tees_valley(tmp_path)]
    import_files(files)
    again = import_files(files)
    assert counts_of(again) == {"organisations": (0, 0, 71), "links": (0, 0, 25)}


def test_unknown_commissioners_are_listed_and_the_file_rejected():
    with pytest.raises(InputError) as e:
        import_files([PRACTICES])
    text = str(e.value)
    assert "row 1: commissioner code '16C' is neither in the database" in text
    assert "row 3: commissioner code '00K'" in text
    assert "--allow-unmatched" in text
    from commissioning.store.models import Organisation

    assert not Organisation.objects.exists()  # all or nothing


def test_allow_unmatched_imports_the_rest_and_lists_what_was_left_out():
    from commissioning.store.models import OrganisationLink

    notes: list[str] = []
    result = import_files([PRACTICES], allow_unmatched=True, notes=notes)
    assert counts_of(result) == {"organisations": (25, 0, 0)}
    assert not OrganisationLink.objects.exists()
    left = [n for n in notes if "not matched" in n]
    assert left and "3 commissioner codes not in the database: 16C, 00K, 00M" in left[0]


def test_a_practice_that_moved_commissioner_answers_for_each_date(tmp_path):
    """A 2019 copy of epraccur has A81001 under 00K; the 2025 file has it under 16C."""
    from commissioning.store.models import Organisation

    older = tmp_path / "epraccur_2019.csv"
    line = PRACTICES.read_text().splitlines()[0]
    older.write_text(line.replace('"B","16C","20200401"', '"B","00K","20130401"') + "\n")
    import_files([older, with_tees_valley(tmp_path)])
    import_files([PRACTICES])
    densham = Organisation.objects.get(ods_code="A81001")
    assert densham.parent_on(dt.date(2019, 6, 1), "commissioner").ods_code == "00K"
    assert densham.parent_on(dt.date(2021, 6, 1), "commissioner").ods_code == "16C"
    earlier = densham.parent_links.get(parent__ods_code="00K")
    assert earlier.valid_to == dt.date(2020, 3, 31)  # closed the day before the move


def test_trusts_get_a_kind_from_their_name():
    from commissioning.store.models import Organisation

    result = import_files([TRUSTS])
    assert counts_of(result) == {"organisations": (45, 0, 0)}
    assert Organisation.objects.get(ods_code="R0A").kind == "acute_trust"
    assert Organisation.objects.get(ods_code="R1D").kind == "community_trust"


def test_bad_code_and_bad_date_are_located(tmp_path):
    rows = PRACTICES.read_text().splitlines()
    rows[1] = rows[1].replace('"A81002"', '"A8-002"')
    rows[3] = rows[3].replace('"19740401"', '"19740431"', 1)  # no 31 April
    broken = tmp_path / "epraccur.csv"
    broken.write_text("\n".join(rows) + "\n")
    with pytest.raises(InputError) as e:
        import_files([broken], format="ods-practices", allow_unmatched=True)
    text = str(e.value)
    assert f"{broken}, row 2, column 'field 1 (code)': expected an ODS code, found 'A8-002'" in text
    assert "row 4, column 'field 11 (open date)': expected a date" in text


def test_rows_with_too_many_fields_are_rejected(tmp_path):
    broken = tmp_path / "epraccur.csv"
    broken.write_text(PRACTICES.read_text().splitlines()[0] + ',"extra"\n')
    with pytest.raises(InputError, match="row 1: has 28 fields where this layout has 27"):
        import_files([broken], format="ods-practices", allow_unmatched=True)

"""QOF's mapping of NHS geographies (nhs-geographies): England, regions, ICBs, sub-ICB locations
and PCNs above the practices, linked as parts of one another, on the real 2020-21 sample."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from commissioning.errors import InputError, UserError
from commissioning.ingest import import_files
from commissioning.ingest.formats.formats import FORMATS, detect_format

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "nhs-formats"


@pytest.fixture
def mapping(tmp_path):
    """The sample under its published name, which says the QOF year (2020-21)."""
    path = tmp_path / "MAPPING_NHS_GEOGRAPHIES_2021.csv"
    shutil.copyfile(SAMPLES / "qof_mapping_nhs_geographies_2020_21.csv", path)
    return path


def counts(result):
    return {k: (c.added, c.updated, c.unchanged) for k, c in result.items()}


def test_the_levels_above_the_practices_and_their_links(mapping):
    from commissioning.store.models import Organisation, OrganisationLink

    assert detect_format(mapping) is FORMATS["nhs-geographies"]
    notes: list[str] = []
    assert counts(import_files([mapping], notes=notes)) == {
        "organisations": (14, 0, 0),  # England, Y63, QHM, 16C and 10 PCNs
        "links": (3, 0, 0),
    }
    kinds = dict(Organisation.objects.values_list("ods_code", "kind"))
    assert (kinds["E92000001"], kinds["Y63"], kinds["QHM"], kinds["16C"]) == (
        "country",
        "region",
        "icb",
        "ccg",
    )
    assert kinds["U89141"] == "pcn" and "A81001" not in kinds  # practices come from epraccur
    assert Organisation.objects.get(ods_code="E92000001").name == "England"
    on = dt.date(2021, 3, 31)
    tees = Organisation.objects.get(ods_code="16C")
    assert tees.parent_on(on, "part_of").ods_code == "QHM"
    assert tees.parent_on(on, "part_of").parent_on(on, "part_of").ods_code == "Y63"
    assert Organisation.objects.get(ods_code="Y63").parent_on(on).ods_code == "E92000001"
    assert tees.parent_on(dt.date(2020, 3, 31), "part_of") is None  # from the QOF year only
    assert not OrganisationLink.objects.filter(relationship="commissioner").exists()
    assert any("QOF year 2020-21: 1 country, 1 region, 1 ICB, 1 CCG, 10 PCNs" in n for n in notes)
    assert counts(import_files([mapping])) == {"links": (0, 0, 3)}  # again: nothing changes


def test_what_the_ods_files_say_is_kept(mapping, tmp_path):
    """Organisations are added only where not held: an eccg row of 16C keeps its kind, name and
    dates when the mapping is imported after it, or in the same upload."""
    from commissioning.store.models import Organisation

    eccg = tmp_path / "organisations.csv"
    eccg.write_text(
        "ods_code,name,kind,valid_from\n16C,NHS TEES VALLEY ICB - 16C,sub_icb,2020-04-01\n"
    )
    import_files([eccg, mapping])
    tees = Organisation.objects.get(ods_code="16C")
    assert (tees.name, tees.kind, tees.valid_from) == (
        "NHS TEES VALLEY ICB - 16C",
        "sub_icb",
        dt.date(2020, 4, 1),
    )


def test_the_2021_22_column_names_give_sub_icb_locations(tmp_path):
    from commissioning.store.models import Organisation

    path = tmp_path / "MAPPING_NHS_GEOGRAPHIES_2122.csv"
    path.write_text(
        "REGION_ODS_CODE,REGION_ONS_CODE,REGION_NAME,ICB_ODS_CODE,ICB_ONS_CODE,ICB_NAME,"
        "SUB_ICB_LOC_ODS_CODE,SUB_ICB_LOC_ONS_CODE,SUB_ICB_LOC_NAME,PCN_ODS_CODE,PCN_NAME,"
        "PRACTICE_CODE,PRACTICE_NAME\n"
        "Y63,E40000012,North East and Yorkshire,QHM,E54000050,North East and North Cumbria,"
        "16C,E38000247,NHS Tees Valley,U89141,Stockton PCN,A81001,The Densham Surgery\n"
    )
    import_files([path])
    assert Organisation.objects.get(ods_code="16C").kind == "sub_icb"
    assert not Organisation.objects.filter(kind="country").exists()  # no NAT_ columns
    assert (
        Organisation.objects.get(ods_code="16C").parent_on(dt.date(2022, 3, 31)).ods_code == "QHM"
    )


def test_a_file_whose_name_does_not_say_its_year_needs_year(tmp_path):
    path = tmp_path / "geographies.csv"
    shutil.copyfile(SAMPLES / "qof_mapping_nhs_geographies_2020_21.csv", path)
    with pytest.raises(UserError, match="cannot tell which QOF year"):
        import_files([path])
    assert counts(import_files([path], year=2020))["links"] == (3, 0, 0)


def test_bad_codes_are_located(mapping):
    lines = mapping.read_text().splitlines()
    lines[3] = lines[3].replace(",16C,", ",16 C,", 1)
    mapping.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError) as e:
        import_files([mapping])
    assert f"{mapping}, row 4, column 'CCG_ODS_CODE': expected a code such as 16C or Y63" in str(
        e.value
    )

"""Damaged NHS files fail loudly and leave stored data as it was (issue 20, findings 12-16).

Each test starts from a database holding good data, imports a damaged copy of a real sample
(cut, re-encoded, or a published file the system does not read) and checks the located error
and that nothing stored changed. The whole-file harness is in ``test_damaged_files.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from commissioning.errors import InputError
from commissioning.ingest import import_files

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "nhs-formats"
pytestmark = [pytest.mark.django_db]

EPRACCUR = SAMPLES / "ods_epraccur.csv"
ECCG = SAMPLES / "ods_eccg.csv"
FINGERTIPS = SAMPLES / "fingertips_export_countyua.csv"
Q2021 = SAMPLES / "qof_prevalence_2020_21.csv"
TEES_VALLEY = (
    b'"16C","NHS TEES VALLEY CCG","Y63","QHM","PUBLIC","","","","","TS17 6BL","20200401","",'
    b'"","","","","","","","","","0","","","","",""\n'
)


def counts_of(result):
    return {k: (c.added, c.updated, c.unchanged) for k, c in result.items()}


def stored():
    """Every stored organisation, link, observation and register, to compare before and after."""
    from commissioning.store.models import (
        ConditionRegister,
        Observation,
        Organisation,
        OrganisationLink,
    )

    return [
        sorted(m.objects.values_list(*fields))
        for m, fields in (
            (Organisation, ("ods_code", "name", "kind", "valid_from", "valid_to", "postcode")),
            (OrganisationLink, ("child__ods_code", "parent__ods_code", "valid_from", "valid_to")),
            (
                Observation,
                ("organisation__ods_code", "period", "value", "numerator", "denominator"),
            ),
            (ConditionRegister, ("organisation__ods_code", "register_size", "list_size")),
        )
    ]


def rejected(paths, **options) -> InputError:
    before = stored()
    with pytest.raises(InputError) as caught:
        import_files(paths, **options)
    assert stored() == before, "a rejected file changed stored records"
    return caught.value


def only(error: InputError):
    assert len(error.problems) == 1, error.describe()
    return error.problems[0]


# -- 12: the ODS practice file cut at a field boundary ----------------------------------------


@pytest.fixture
def commissioners(tmp_path):
    eccg = tmp_path / "eccg.csv"
    eccg.write_bytes(ECCG.read_bytes() + TEES_VALLEY)
    import_files([eccg])
    return eccg


def test_ods_practices_cut_at_a_field_boundary_is_a_located_error(commissioners, tmp_path):
    lines = EPRACCUR.read_bytes().split(b"\n")
    # row 24 (A81026, LINTHORPE SURGERY, a GP practice) keeps 16 of its 27 fields, no line end
    cut = b"\n".join(lines[:23]) + b"\n" + b",".join(lines[23].split(b",")[:16])
    path = tmp_path / "epraccur.csv"
    path.write_bytes(cut)
    problem = only(rejected([path], allow_unmatched=True))
    assert (problem.file, problem.row) == (str(path), 24)
    assert "16 of the 27 fields" in problem.message and "cut off" in problem.message


def test_an_ods_row_with_missing_fields_inside_the_file_is_a_located_error(commissioners, tmp_path):
    lines = EPRACCUR.read_bytes().split(b"\n")
    lines[4] = b",".join(lines[4].split(b",")[:16])  # row 5: a line with 16 fields
    path = tmp_path / "epraccur.csv"
    path.write_bytes(b"\n".join(lines))
    problem = only(rejected([path], allow_unmatched=True))
    assert problem.row == 5
    assert "has 16 fields" in problem.message and "27" in problem.message


# -- 13: the Fingertips export cut after the value ---------------------------------------------


@pytest.fixture
def darlington(tmp_path):
    areas = tmp_path / "areas.csv"
    areas.write_text("ods_code,name,kind\nE06000005,Darlington,local_authority\n")
    import_files([areas])
    import_files([FINGERTIPS], allow_unmatched=True)
    return areas


def darlington_2015():
    from commissioning.store.models import Observation

    o = Observation.objects.get(organisation__ods_code="E06000005")
    return o.value, o.numerator, o.denominator, o.lower, o.upper


def test_fingertips_cut_inside_the_value_leaves_the_stored_value_alone(darlington, tmp_path):
    before = darlington_2015()
    assert before[:3] == (pytest.approx(138.534382146144), 146, 105389)
    data = FINGERTIPS.read_bytes()
    path = tmp_path / "indicators-CountyUA.data.csv"
    path.write_bytes(data[: data.index(b"138.534") + len(b"138.53")])
    problem = only(rejected([path], allow_unmatched=True))
    # Darlington is the 36th record (each holds a quoted name with a line break in it)
    assert problem.row == 37
    assert "cut off" in problem.message
    assert darlington_2015() == before


def test_an_update_that_would_empty_stored_values_must_be_asked_for(darlington, tmp_path):
    path = tmp_path / "observations.csv"
    path.write_text(
        "indicator_code,organisation_ods,period,value\nFINGERTIPS-93356,E06000005,2015-01-01,138.53\n"
    )
    error = rejected([path])
    problem = error.problems[0]
    assert (problem.row, problem.column) == (2, "numerator")
    assert "146" in problem.message and "--allow-emptying" in problem.message
    assert {p.column for p in error.problems} == {"numerator", "denominator", "lower", "upper"}
    # asked for: the update is made, and says so
    notes: list[str] = []
    result = import_files([path], allow_emptying=True, notes=notes)
    assert counts_of(result) == {"observations": (0, 1, 0)}
    assert darlington_2015() == (pytest.approx(138.53), None, None, None, None)
    assert any("emptied 4 stored values" in n for n in notes)


# -- 14: QOF prevalence cut inside the last number; registers larger than the list -------------


@pytest.fixture
def practices(tmp_path):
    p = tmp_path / "organisations.csv"
    p.write_text(
        "ods_code,name,kind\nA81001,THE DENSHAM SURGERY,gp_practice\n"
        "A81002,QUEENS PARK MEDICAL CENTRE,gp_practice\nA81004,ACKLAM,gp_practice\n"
    )
    import_files([p])
    return p


def test_qof_prevalence_cut_inside_the_last_number_is_refused(practices, tmp_path):
    from commissioning.store.models import ConditionRegister

    lines = Q2021.read_bytes().split(b"\r\n")
    assert lines[30] == b"A81002,DM,1252,17OV,15500"
    path = tmp_path / "PREVALENCE_2021.csv"
    path.write_bytes(b"\r\n".join(lines[:30]) + b"\r\n" + b"A81002,DM,1252,17OV,155")
    problem = only(rejected([path]))
    assert problem.row == 31
    assert "'155'" in problem.message and "cut" in problem.message
    assert not ConditionRegister.objects.exists()


def test_a_qof_register_larger_than_its_list_is_refused(practices, tmp_path):
    text = Q2021.read_text().replace("A81002,DM,1252,17OV,15500", "A81002,DM,1252,17OV,155")
    path = tmp_path / "PREVALENCE_2021.csv"
    path.write_text(text)
    problem = only(rejected([path]))
    assert (problem.row, problem.column) == (31, "register_size")
    assert "1252" in problem.message and "155" in problem.message


def test_the_registers_template_refuses_a_register_larger_than_the_list(practices, tmp_path):
    path = tmp_path / "registers.csv"
    path.write_text(
        "ods_code,condition,period_end,register_size,list_size\n"
        "A81001,diabetes,2021-03-31,300,4000\nA81002,diabetes,2021-03-31,1252,155\n"
    )
    conditions = tmp_path / "conditions.csv"
    conditions.write_text("slug,name\ndiabetes,Diabetes\n")
    import_files([conditions])
    problem = only(rejected([path]))
    assert (problem.file, problem.row, problem.column) == (str(path), 3, "register_size")


# -- 15: encodings, and a file cut inside a quoted field ----------------------------------------


def test_a_utf16_file_with_a_byte_order_mark_is_read_and_named(practices, tmp_path):
    path = tmp_path / "PREVALENCE_2021.csv"
    path.write_bytes(Q2021.read_text(encoding="utf-8").encode("utf-16"))
    notes: list[str] = []
    result = import_files([path], notes=notes)
    assert counts_of(result)["registers"] == (6, 0, 0)
    assert any("UTF-16 with BOM" in n for n in notes)
    assert counts_of(import_files([Q2021]))["registers"] == (0, 0, 6)  # the same records


def test_a_utf16_file_without_a_byte_order_mark_is_a_located_error(practices, tmp_path):
    path = tmp_path / "PREVALENCE_2021.csv"
    path.write_bytes(Q2021.read_text(encoding="utf-8").encode("utf-16-le"))
    problem = only(rejected([path]))
    assert problem.file == str(path)
    assert "UTF-16" in problem.message and "byte-order mark" in problem.message


def test_a_windows_1252_file_is_named(tmp_path):
    path = tmp_path / "organisations.csv"
    path.write_bytes("ods_code,name,kind\nA81001,Caf\u00e9 Surgery,gp_practice\n".encode("cp1252"))
    notes: list[str] = []
    import_files([path], notes=notes)
    assert any("Windows-1252" in n for n in notes)
    from commissioning.store.models import Organisation

    assert Organisation.objects.get(ods_code="A81001").name == "Caf\u00e9 Surgery"


def test_a_file_cut_inside_a_quoted_field_gives_the_row_a_spreadsheet_shows(darlington, tmp_path):
    data = FINGERTIPS.read_bytes()
    path = tmp_path / "indicators-CountyUA.data.csv"
    # cut inside the quoted indicator name of the 2nd record, which a spreadsheet shows as row 3
    start = data.index(b'"Campylobacter', data.index(b"\n93356") + 1)
    start = data.index(b'"Campylobacter', start + 1)
    path.write_bytes(data[: start + 10])
    problem = only(rejected([path], allow_unmatched=True))
    assert problem.row == 3
    assert "quoted" in problem.message and "cut off" in problem.message
    assert "row 0" not in problem.message and "C error" not in problem.message


# -- 16: published files the system does not read -----------------------------------------------


@pytest.mark.parametrize(
    ("sample", "named"),
    [
        ("gp_reg_pat_prac_map_2022_01.csv", "GP registration practice map"),
        ("qof_indicator_mappings_nhsdigital_repo.csv", "QOF indicator mappings"),
        ("qof_organisation_reference_2018_19.csv", "QOF organisation reference"),
    ],
)
def test_published_files_not_read_are_named_with_the_ones_that_are(sample, named):
    problem = only(rejected([SAMPLES / sample]))
    assert problem.file == str(SAMPLES / sample)
    assert named in problem.message and "not read" in problem.message
    assert "qof-prevalence" in problem.message and "ods-practices" in problem.message


# -- issue 21: exit statuses as documented ------------------------------------------------------


def test_cannot_tell_which_kind_exits_with_status_2(tmp_path, capsys):
    from commissioning.cli import main

    path = tmp_path / "mystery.csv"
    path.write_text("colour,shape\nred,square\n")
    assert main(["import", str(path)]) == 2
    err = capsys.readouterr().err
    assert "cannot tell which kind of records this is" in err and "row 1" in err


def test_a_published_file_not_read_exits_with_status_2(capsys):
    from commissioning.cli import main

    assert main(["import", str(SAMPLES / "gp_reg_pat_prac_map_2022_01.csv")]) == 2
    assert "not read" in capsys.readouterr().err


# -- found by the harness: a file cut between the rows added up into one band -------------------

QUINARY = SAMPLES / "gp_reg_quin_age_LAYOUT_ONLY_fixture_2017.csv"


def test_a_population_file_cut_between_90_94_and_95_plus_is_refused(tmp_path):
    from commissioning.store.models import PracticePopulation

    orgs = tmp_path / "organisations.csv"
    orgs.write_text("ods_code,name,kind\nN84014,Practice N84014,gp_practice\n")
    import_files([orgs])
    import_files([QUINARY], allow_unmatched=True)
    band = PracticePopulation.objects.get(
        organisation__ods_code="N84014", sex="female", age_band="90+"
    )
    assert band.count == 2  # 90_94 and 95+ added together
    lines = QUINARY.read_bytes().split(b"\r\n")
    assert lines[20].endswith(b"FEMALE,90_94,1") and lines[21].endswith(b"FEMALE,95+,1")
    path = tmp_path / QUINARY.name
    path.write_bytes(b"\r\n".join(lines[:21]) + b"\r\n")  # every row whole, but 95+ is gone
    problem = only(rejected([path], allow_unmatched=True))
    assert (problem.row, problem.column) == (21, "AGE_GROUP_5")
    assert "95+ missing" in problem.message and "cut short" in problem.message
    band.refresh_from_db()
    assert band.count == 2


def test_a_single_age_file_cut_inside_a_band_is_refused(tmp_path):
    from commissioning.store.models import PracticePopulation

    orgs = tmp_path / "organisations.csv"
    orgs.write_text("ods_code,name,kind\nA81001,THE DENSHAM SURGERY,gp_practice\n")
    import_files([orgs])
    head = "GP_PRAC_PAT_LIST,01Apr2022,GP,16C,E38000247,A81001,TS18 1HU,FEMALE"
    lines = [
        "PUBLICATION,EXTRACT_DATE,TYPE,CCG_CODE,ONS_CCG_CODE,ORG_CODE,POSTCODE,SEX,AGE,"
        "NUMBER_OF_PATIENTS",
        *(f"{head},{a},5" for a in [*range(95), "95+"]),  # no ALL row (it may come last)
    ]
    path = tmp_path / "gp-reg-pat-prac-sing-age-female.csv"
    path.write_text("\n".join(lines) + "\n")
    import_files([path])
    band = PracticePopulation.objects.get(age_band="85-89", sex="female")
    assert band.count == 25
    path.write_text("\n".join(lines[: 1 + 88]) + "\n")  # ages 0 to 87: every row whole
    problem = only(rejected([path]))
    assert (problem.row, problem.column) == (89, "AGE")
    assert "85-89" in problem.message and "88, 89 missing" in problem.message
    band.refresh_from_db()
    assert band.count == 25


# -- what a published layout does not have is kept ------------------------------------------------


def test_an_ods_refresh_keeps_the_successor_an_organisations_file_recorded(commissioners, tmp_path):
    """The ODS files give no successor: refreshing from one must not wipe what a user recorded."""
    from commissioning.store.models import Organisation

    import_files([EPRACCUR], allow_unmatched=True)
    link = tmp_path / "organisations.csv"
    link.write_text(
        "ods_code,name,kind,valid_from,valid_to,successor_ods,postcode\n"
        "A81003,VICTORIA MEDICAL PRACTICE,gp_practice,1974-04-01,2017-10-31,A81001,TS26 8DB\n"
    )
    import_files([link])
    result = import_files([EPRACCUR], allow_unmatched=True)
    assert result["organisations"].updated == 0
    assert Organisation.objects.get(ods_code="A81003").successor.ods_code == "A81001"


def test_a_fingertips_refresh_keeps_a_target_and_replaces_what_it_publishes(darlington, tmp_path):
    from commissioning.store.models import Observation

    Observation.objects.filter(organisation__ods_code="E06000005").update(target=100, value=1)
    result = import_files([FINGERTIPS], allow_unmatched=True)
    assert counts_of(result)["observations"] == (0, 1, 0)
    o = Observation.objects.get(organisation__ods_code="E06000005")
    assert (o.value, o.target) == (pytest.approx(138.534382146144), 100)


def test_an_older_ods_file_after_a_newer_one_reopens_a_link_only_when_asked(
    commissioners, tmp_path
):
    import datetime as dt

    from commissioning.store.models import OrganisationLink

    import_files([EPRACCUR], allow_unmatched=True)
    newer = tmp_path / "epraccur.csv"
    newer.write_bytes(EPRACCUR.read_bytes().replace(b'"16C","20200401"', b'"00K","20220701"', 1))
    import_files([newer], allow_unmatched=True)
    old = OrganisationLink.objects.get(child__ods_code="A81001", parent__ods_code="16C")
    assert old.valid_to == dt.date(2022, 6, 30)  # closed the day before the new one
    problem = rejected([EPRACCUR], allow_unmatched=True).problems[0]
    assert (problem.row, problem.column) == (1, "valid_to")
    assert "2022-06-30" in problem.message
    import_files([EPRACCUR], allow_unmatched=True, allow_emptying=True)
    old.refresh_from_db()
    assert old.valid_to is None

"""QOF prevalence files (2013-14, 2018-19, 2020-21 layouts) imported from the real samples."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from commissioning.errors import InputError, UserError
from commissioning.ingest import import_files
from commissioning.ingest.formats.formats import FORMATS, detect_format

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "nhs-formats"
pytestmark = [
    pytest.mark.django_db,
]

Q1314 = SAMPLES / "qof_prevalence_2013_14_prevalencebyprac.csv"
Q1819 = SAMPLES / "qof_prevalence_2018_19.csv"
Q2021 = SAMPLES / "qof_prevalence_2020_21.csv"
PRACTICES = """ods_code,name,kind
A81001,THE DENSHAM SURGERY,gp_practice
A81002,QUEENS PARK MEDICAL CENTRE,gp_practice
A81004,ACKLAM MEDICAL CENTRE,gp_practice
"""


def counts_of(result):
    return {k: (c.added, c.updated, c.unchanged) for k, c in result.items()}


@pytest.fixture
def practices(tmp_path):
    """The sample's three practices, from an organisations file in our own layout."""
    p = tmp_path / "organisations.csv"
    p.write_text(PRACTICES)
    import_files([p])
    return p


def register(ods: str, slug: str, end: dt.date):
    from commissioning.store.models import ConditionRegister

    r = ConditionRegister.objects.get(
        organisation__ods_code=ods, condition__slug=slug, period_end=end
    )
    return r.register_size, r.list_size


@pytest.mark.parametrize(
    ("sample", "name"),
    [(Q1314, "qof-prevalence-2013-14"), (Q1819, "qof-prevalence"), (Q2021, "qof-prevalence")],
)
def test_each_qof_sample_is_recognised(sample, name):
    assert detect_format(sample) is FORMATS[name]


def test_qof_achievement_and_mapping_files_are_not_taken_for_prevalence():
    for other in (
        "qof_achievement_LAYOUT_ONLY_blank_values.csv",
        "qof_indicator_mappings_2018_19_cp1252.csv",
        "qof_organisation_reference_2018_19.csv",
    ):
        try:
            fmt = detect_format(SAMPLES / other)
        except InputError as exc:  # recognised as a published file that is not read
            assert "which is not read" in str(exc), other
            continue
        assert fmt is None or not fmt.NAME.startswith("qof-prevalence"), other


def test_registers_and_list_sizes_match_the_published_rows(practices):
    notes: list[str] = []
    import_files([Q1314, Q1819, Q2021], notes=notes)
    # A81001,DM,Diabetes,251,4178 / A81001,DEM,...,39,4178 / A81001,STIA,Stroke,102,4178
    end = dt.date(2014, 3, 31)
    assert register("A81001", "diabetes", end) == (251, 4178)
    assert register("A81001", "dementia", end) == (39, 4178)
    assert register("A81001", "stroke-tia", end) == (102, 4178)
    # A81001,DM,282,17OV,3327: the list of patients aged 17 and over
    assert register("A81001", "diabetes", dt.date(2019, 3, 31)) == (282, 3327)
    assert register("A81001", "dementia", dt.date(2019, 3, 31)) == (61, 4117)
    # A81001,DM,292,17OV,3291 (2020-21 layout: GROUP_CODE, PRACTICE_LIST_SIZE)
    assert register("A81001", "diabetes", dt.date(2021, 3, 31)) == (292, 3291)
    assert register("A81001", "stroke-tia", dt.date(2021, 3, 31)) == (101, 4098)
    assert any("left out" in n and "AF, AST" in n for n in notes)


def test_the_three_conditions_are_added_once_and_reimport_is_unchanged(practices):
    first = import_files([Q1819])
    assert counts_of(first) == {"conditions": (3, 0, 0), "registers": (6, 0, 0)}
    again = import_files([Q1819])
    assert counts_of(again) == {"registers": (0, 0, 6)}


def test_a_condition_already_there_is_matched_by_its_qof_register(practices, tmp_path):
    from commissioning.store.models import Condition

    Condition.objects.create(slug="type-2", name="Type 2 diabetes", qof_register="DM017")
    result = import_files([Q2021])
    assert counts_of(result)["conditions"] == (2, 0, 0)  # dementia and stroke only
    assert register("A81001", "type-2", dt.date(2021, 3, 31)) == (292, 3291)


def test_practices_unknown_to_the_database_are_listed_and_rejected(tmp_path):
    p = tmp_path / "organisations.csv"
    p.write_text(PRACTICES.replace("A81002,QUEENS PARK MEDICAL CENTRE,gp_practice\n", ""))
    import_files([p])
    with pytest.raises(InputError) as e:
        import_files([Q1819])
    assert "practice code 'A81002' is neither in the database nor in this upload" in str(e.value)
    assert "A81001" not in str(e.value)


def test_allow_unmatched_imports_the_known_practices(tmp_path):
    p = tmp_path / "organisations.csv"
    p.write_text(PRACTICES.replace("A81002,QUEENS PARK MEDICAL CENTRE,gp_practice\n", ""))
    import_files([p])
    notes: list[str] = []
    result = import_files([Q1819], allow_unmatched=True, notes=notes)
    assert counts_of(result)["registers"] == (3, 0, 0)  # A81001's three; A81002 left out
    assert any("1 practice codes not in the database: A81002" in n for n in notes)


def test_the_year_comes_from_the_name_or_from_year(practices, tmp_path):
    plain = tmp_path / "prevalence.csv"
    plain.write_bytes(Q2021.read_bytes())
    with pytest.raises(UserError, match="cannot tell which QOF year"):
        import_files([plain])
    import_files([plain], year=2020)
    assert register("A81001", "diabetes", dt.date(2021, 3, 31)) == (292, 3291)
    published = tmp_path / "PREVALENCE_1920.csv"
    published.write_bytes(Q2021.read_bytes())
    import_files([published])
    assert register("A81001", "diabetes", dt.date(2020, 3, 31)) == (292, 3291)


def test_a_missing_column_is_reported_on_the_header(practices, tmp_path):
    lines = Q1819.read_text().splitlines()
    broken = tmp_path / "PREVALENCE_1819.csv"
    broken.write_text("\n".join(line.rsplit(",", 1)[0] for line in lines) + "\n")
    with pytest.raises(InputError) as e:
        import_files([broken], format="qof-prevalence")
    assert str(e.value) == (
        f"{broken}, row 1, column 'PATIENT_LIST_SIZE': column of the published layout is missing"
    )


def test_bad_practice_code_and_register_are_located(practices, tmp_path):
    lines = Q1819.read_text().splitlines()
    lines[2] = lines[2].replace("A81001", "81001")
    lines[3] = lines[3].replace(",140,", ",many,")
    broken = tmp_path / "PREVALENCE_1819.csv"
    broken.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError) as e:
        import_files([broken])
    text = str(e.value)
    assert "row 3, column 'PRACTICE_CODE': expected a practice code such as A81001" in text
    assert "row 4, column 'REGISTER': expected a whole number of patients, found 'many'" in text


def test_windows_1252_and_utf16_with_a_bom_are_read_and_utf16_without_is_refused(
    practices, tmp_path
):
    # An en dash saved by Windows (byte 0x96) is not UTF-8: the file is read as Windows-1252.
    text = Q1314.read_text().replace("Dementia,", "Dementia \u2013 all ages,")
    cp = tmp_path / "prevalencebyprac.csv"
    cp.write_bytes(text.encode("cp1252"))
    assert b"\x96" in cp.read_bytes()
    assert counts_of(import_files([cp]))["registers"] == (6, 0, 0)
    utf16 = tmp_path / "PREVALENCE_1718.csv"
    utf16.write_bytes(Q1819.read_text().encode("utf-16"))  # with a byte-order mark
    assert counts_of(import_files([utf16], format="qof-prevalence"))["registers"] == (6, 0, 0)
    utf16.write_bytes(Q1819.read_text().encode("utf-16-le"))  # without one
    with pytest.raises(InputError, match="UTF-16 text without a byte-order mark"):
        import_files([utf16], format="qof-prevalence")

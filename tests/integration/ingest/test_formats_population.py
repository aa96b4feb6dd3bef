"""GP registered patients by quinary age band: the published layout into practice populations.

The sample has the real header, date spelling and row layout but placeholder counts (1 a band,
2 for each sex's ALL row, 40 for the practice's ALL row), so sums are checked on those.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from commissioning.errors import InputError
from commissioning.ingest import import_files
from commissioning.ingest.formats.formats import detect_format

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "nhs-formats"
pytestmark = [
    pytest.mark.django_db,
]
QUINARY = SAMPLES / "gp_reg_quin_age_LAYOUT_ONLY_fixture_2017.csv"
BANDS = [f"{a}-{a + 4}" for a in range(0, 90, 5)] + ["90+"]


def counts_of(result):
    return {k: (c.added, c.updated, c.unchanged) for k, c in result.items()}


@pytest.fixture
def practice(tmp_path):
    p = tmp_path / "organisations.csv"
    p.write_text("ods_code,name,kind\nN84014,AINSDALE VILLAGE SURGERY,gp_practice\n")
    import_files([p])


def test_the_sample_is_recognised():
    assert detect_format(QUINARY).NAME == "gp-population"


def test_bands_become_the_standard_bands_with_90_plus_summed(practice):
    from commissioning.store.models import PracticePopulation

    notes: list[str] = []
    result = import_files([QUINARY], notes=notes)
    assert counts_of(result) == {"populations": (38, 0, 0)}  # 19 bands x 2 sexes
    rows = PracticePopulation.objects.filter(organisation__ods_code="N84014")
    assert {r.date for r in rows} == {dt.date(2017, 4, 1)}  # EXTRACT_DATE 01-Apr-17
    female = {r.age_band: r.count for r in rows.filter(sex="female")}
    assert sorted(female, key=BANDS.index) == BANDS
    assert female["85-89"] == 1 and female["90+"] == 2  # 90_94 (1) + 95+ (1)
    assert sum(female.values()) == 20
    # P84034 has only its ALL row: a subtotal, not imported, so not reported as unmatched
    assert not any("P84034" in n for n in notes)


def test_reimport_is_unchanged(practice):
    import_files([QUINARY])
    assert counts_of(import_files([QUINARY])) == {"populations": (0, 0, 38)}


def test_an_unknown_practice_is_listed_and_rejected():
    with pytest.raises(InputError) as e:
        import_files([QUINARY])
    assert str(e.value) == (
        f"{QUINARY}, row 3: practice code 'N84014' is neither in the database nor in this "
        "upload (import the ODS practice file (epraccur) first, or give --allow-unmatched to "
        "import the rest and list these)"
    )


def test_broken_rows_are_located(practice, tmp_path):
    lines = QUINARY.read_text().splitlines()
    lines[2] = lines[2].replace(",FEMALE,", ",F,")
    lines[3] = lines[3].replace(",5_9,", ",5-9,")
    lines[4] = lines[4].replace("01-Apr-17", "April 2017")
    lines[5] = lines[5].rsplit(",", 1)[0] + ",-3"
    broken = tmp_path / "gp-reg-pat-prac-quin-age.csv"
    broken.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError) as e:
        import_files([broken])
    text = str(e.value)
    assert "row 3, column 'SEX': expected MALE, FEMALE or ALL, found 'F'" in text
    assert "row 4, column 'AGE_GROUP_5': expected an age band such as 0_4" in text
    assert "row 5, column 'EXTRACT_DATE': expected a date" in text
    assert "row 6, column 'NUMBER_OF_PATIENTS': expected a whole number of patients" in text


def test_a_missing_column_is_reported(practice, tmp_path):
    lines = QUINARY.read_text().splitlines()
    broken = tmp_path / "gp-reg-pat-prac-quin-age.csv"
    lines[0] = lines[0].replace("EXTRACT_DATE", "DATE")
    broken.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError, match="column 'EXTRACT_DATE': column of the published"):
        import_files([broken], format="gp-population")

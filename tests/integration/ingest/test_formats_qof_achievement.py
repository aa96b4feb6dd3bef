"""QOF achievement (long format) into observations of QOF_<indicator>.

The only real sample (qof_achievement_LAYOUT_ONLY_blank_values.csv, from NHSDigital/QOF) has the
real layout but every VALUE blank, so it is used for "nothing to load". The files with values
are crafted in the published layouts (README section 3): PRACTICE_CODE, INDICATOR_CODE, MEASURE,
VALUE, and the 2022-23 regional files prefixed by REGION_ODS_CODE, REGION_ONS_CODE, REGION_NAME.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from commissioning.errors import InputError, UserError
from commissioning.ingest import import_files
from commissioning.ingest.formats.formats import FORMATS, detect_format

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "nhs-formats"
BLANK = SAMPLES / "qof_achievement_LAYOUT_ONLY_blank_values.csv"
pytestmark = pytest.mark.django_db

SETUP = {
    "organisations.csv": """ods_code,name,kind
A81001,THE DENSHAM SURGERY,gp_practice
A81002,QUEENS PARK MEDICAL CENTRE,gp_practice
""",
    "indicators.csv": """code,name,domain,unit,polarity,frequency
QOF_DM012,Diabetes: foot examination and risk classification,quality,%,higher_better,annual
QOF_DEM004,Dementia: care plan reviewed in the preceding 12 months,quality,%,higher_better,annual
""",
}
# DM012 at A81001: 150 of 200 (75%); A81002: 0 of 0 (no value). DEM004 at A81001: 31 of 40
# (77.5%); at A81002 not applicable (empty VALUE). AF006 has no indicator in the database;
# DM017 is a register-only indicator.
ACHIEVEMENT = """PRACTICE_CODE,INDICATOR_CODE,MEASURE,VALUE
A81001,DM012,NUMERATOR,150
A81001,DM012,DENOMINATOR,200
A81001,DM012,PCAS,12
A81001,DM012,ACHIEVED_POINTS,3.75
A81001,DEM004,NUMERATOR,31
A81001,DEM004,DENOMINATOR,40
A81001,DEM004,PCAS,2
A81001,AF006,NUMERATOR,55
A81001,AF006,DENOMINATOR,60
A81001,DM017,REGISTER,282
A81001,DM017,ACHIEVED_POINTS,6
A81002,DM012,NUMERATOR,0
A81002,DM012,DENOMINATOR,0
A81002,DEM004,NUMERATOR,
A81002,DEM004,DENOMINATOR,
A81002,DEM004,PCAS,
A81002,AF006,NUMERATOR,40
A81002,AF006,DENOMINATOR,45
"""


@pytest.fixture
def setup(tmp_path):
    paths = []
    for name, text in SETUP.items():
        p = tmp_path / name
        p.write_text(text)
        paths.append(p)
    import_files(paths)


@pytest.fixture
def achievement(tmp_path):
    p = tmp_path / "ACHIEVEMENT_1819.csv"
    p.write_text(ACHIEVEMENT)
    return p


def counts_of(result):
    return {k: (c.added, c.updated, c.unchanged) for k, c in result.items()}


def observation(code: str, ods: str, period: dt.date):
    from commissioning.store.models import Observation

    o = Observation.objects.get(
        indicator__code=code, organisation__ods_code=ods, period=period, service=None
    )
    return o.numerator, o.denominator, o.value


def test_the_real_sample_and_the_regional_layout_are_recognised(tmp_path):
    assert detect_format(BLANK) is FORMATS["qof-achievement"]
    regional = tmp_path / "ACHIEVEMENT_LONDON_2223.csv"
    regional.write_text(
        "REGION_ODS_CODE,REGION_ONS_CODE,REGION_NAME,PRACTICE_CODE,INDICATOR_CODE,MEASURE,VALUE\n"
        "Y56,E40000003,LONDON,A81001,DM012,NUMERATOR,1\n"
    )
    assert detect_format(regional) is FORMATS["qof-achievement"]


def test_the_blank_sample_is_nothing_to_load_not_zeros(setup):
    from commissioning.store.models import Observation

    notes: list[str] = []
    assert import_files([BLANK], notes=notes) == {}
    assert any("nothing to load: all 40 VALUE cells are empty (not applicable)" in n for n in notes)
    assert not Observation.objects.exists()


def test_numerators_and_denominators_become_percentages(setup, achievement):
    notes: list[str] = []
    result = import_files([achievement], notes=notes)
    assert counts_of(result) == {"observations": (3, 0, 0)}
    start = dt.date(2018, 4, 1)  # QOF 2018-19, dated by its first day
    assert observation("QOF_DM012", "A81001", start) == (150, 200, 75.0)
    assert observation("QOF_DEM004", "A81001", start) == (31, 40, 77.5)
    assert observation("QOF_DM012", "A81002", start) == (0, 0, None)  # 0 of 0: no rate
    # DEM004 at A81002 is not applicable (empty), not 0 of 0: nothing stored
    from commissioning.store.models import Observation

    assert not Observation.objects.filter(
        indicator__code="QOF_DEM004", organisation__ods_code="A81002"
    ).exists()
    text = "\n".join(notes)
    assert (
        "not matched, left out (2 practice values): 1 indicators not in the database as "
        "QOF_<code>: AF006 (2 rows)" in text
    )
    assert "not stored: ACHIEVED_POINTS, PCAS, REGISTER values (1 register-only" in text


def test_reimport_is_unchanged(setup, achievement):
    import_files([achievement])
    assert counts_of(import_files([achievement])) == {"observations": (0, 0, 3)}


def test_regional_files_from_2022_23(setup, tmp_path):
    regional = tmp_path / "ACHIEVEMENT_NORTH_EAST_AND_YORKSHIRE_2223.csv"
    prefix = "Y63,E40000012,NORTH EAST AND YORKSHIRE,"
    lines = ACHIEVEMENT.splitlines()
    regional.write_text(
        "REGION_ODS_CODE,REGION_ONS_CODE,REGION_NAME," + lines[0] + "\n"
        + "".join(prefix + line + "\n" for line in lines[1:])
    )  # fmt: skip
    notes: list[str] = []
    import_files([regional], notes=notes)
    assert observation("QOF_DM012", "A81001", dt.date(2022, 4, 1)) == (150, 200, 75.0)
    assert any("regional file (NORTH EAST AND YORKSHIRE)" in n for n in notes)


def test_the_year_comes_from_the_name_or_from_year(setup, tmp_path):
    plain = tmp_path / "achievement.csv"
    plain.write_text(ACHIEVEMENT)
    with pytest.raises(UserError, match="ACHIEVEMENT_1819.csv"):
        import_files([plain])
    import_files([plain], year=2020)
    assert observation("QOF_DM012", "A81001", dt.date(2020, 4, 1)) == (150, 200, 75.0)


def test_unknown_practices_are_rejected(setup, tmp_path):
    p = tmp_path / "ACHIEVEMENT_1819.csv"
    p.write_text(ACHIEVEMENT + "B99999,DM012,NUMERATOR,1\nB99999,DM012,DENOMINATOR,2\n")
    with pytest.raises(InputError, match="row 20: area code 'B99999' is neither in the database"):
        import_files([p])
    notes: list[str] = []
    assert counts_of(import_files([p], allow_unmatched=True, notes=notes)) == {
        "observations": (3, 0, 0)
    }
    assert any("B99999" in n for n in notes)


def test_broken_rows_are_located(setup, tmp_path):
    lines = ACHIEVEMENT.splitlines()
    lines[1] = lines[1].replace("NUMERATOR", "NUMERATORS")
    lines[5] = lines[5].replace(",31", ",thirty-one")
    lines[6] = lines[6].replace("A81001", "A8100")
    lines[17] = "A81002,AF006,NUMERATOR,46"  # more than its denominator, 45
    lines.append("A81001,AF006,NUMERATOR,55")  # a repeat of row 9
    lines.append("A81001,DM019,NUMERATOR,5")  # no denominator
    p = tmp_path / "ACHIEVEMENT_1819.csv"
    p.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError) as e:
        import_files([p])
    text = str(e.value)
    assert f"{p}, row 2, column 'MEASURE': expected REGISTER, ACHIEVED_POINTS" in text
    assert "row 6, column 'VALUE': expected a number of 0 or more, or nothing" in text
    assert "row 7, column 'PRACTICE_CODE': expected a practice code such as A81001" in text
    assert "row 20: repeats practice A81001, indicator AF006, NUMERATOR (row 9)" in text
    lines[1], lines[5], lines[6] = (
        ACHIEVEMENT.splitlines()[1],
        ACHIEVEMENT.splitlines()[5],
        (ACHIEVEMENT.splitlines()[6]),
    )
    del lines[-2]
    p.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError) as e:
        import_files([p])
    text = str(e.value)
    assert (
        "row 18, column 'VALUE': practice A81002, indicator AF006: NUMERATOR 46 is larger "
        "than DENOMINATOR 45" in text
    )
    assert (
        "row 20, column 'MEASURE': practice A81001, indicator DM019: has a NUMERATOR but "
        "no DENOMINATOR" in text
    )

"""Dementia diagnosis rates (Recorded Dementia Diagnoses, Primary Care Dementia Data) into DEM_DX.

No real dementia CSV is in the shared samples (the README lists "any PCDD/dementia CSV" as not
found), so every file here is crafted exactly per the README's description (section 5): the
2018-era practice file rec-dem-diag-<Mon>-<YYYY>-csv.csv with its mixed-case Measure and Value
headers and ACH_DATE spelt 31AUG2018, and the current pcdem-nhs-rate-<mon>-<yyyy>.csv with
ORG_TYPE, ORG_CODE, ONS_CODE, MEASURE, VALUE, DQ, England as ENG and the value tokens *, empty,
'.', N/A and NULL. The figures are made up; the rates are worked by hand in the comments.
"""

from __future__ import annotations

import datetime as dt

import pytest

from commissioning.errors import InputError
from commissioning.ingest import import_files
from commissioning.ingest.formats.formats import FORMATS, detect_format

pytestmark = pytest.mark.django_db

ORGS = """ods_code,name,kind
A81001,THE DENSHAM SURGERY,gp_practice
A81002,QUEENS PARK MEDICAL CENTRE,gp_practice
QHM,NHS NORTH EAST AND NORTH CUMBRIA ICB,icb
16C,NHS NORTH EAST AND NORTH CUMBRIA ICB - 16C,sub_icb
00T,NHS GREATER MANCHESTER ICB - 00T,sub_icb
"""
# A81001: 52 on the register, 76.4 expected: 52 / 76.4 x 100 = 68.06%.
# A81002: register suppressed (*): the estimate is kept, no rate.
PRACTICE_2018 = """\
ACH_DATE,PRACTICE_CODE,NAME,COMMISSIONER_ORGANISATION_CODE,GEOGRAPHY_CODE,Measure,Value
31AUG2018,A81001,THE DENSHAM SURGERY,16C,E38000247,DEMENTIA_REGISTER_65_PLUS,52
31AUG2018,A81001,THE DENSHAM SURGERY,16C,E38000247,DEMENTIA_ESTIMATE_65_PLUS,76.4
31AUG2018,A81001,THE DENSHAM SURGERY,16C,E38000247,PAT_LIST_65_PLUS,1032
31AUG2018,A81002,QUEENS PARK MEDICAL CENTRE,16C,E38000247,DEMENTIA_REGISTER_65_PLUS,*
31AUG2018,A81002,QUEENS PARK MEDICAL CENTRE,16C,E38000247,DEMENTIA_ESTIMATE_65_PLUS,40.2
31AUG2018,A81002,QUEENS PARK MEDICAL CENTRE,16C,E38000247,PAT_LIST_65_PLUS,900
"""
# England: 489,000 / 733,000.5 x 100 = 66.71, published 66.7 (66.5 to 66.9).
# QHM: 14,000 / 20,000.0 = 70.0 (68.9 to 71.1). 16C: register suppressed, rate N/A, limits '.'
# and NULL: the estimate only. 00T: nothing given: left out.
PCDD = """ACH_DATE,ORG_TYPE,ORG_CODE,ONS_CODE,MEASURE,VALUE,DQ
31JAN2026,COUNTRY_RESPONSIBILITY,ENG,ENG,DEMENTIA_REGISTER_65_PLUS,489000,
31JAN2026,COUNTRY_RESPONSIBILITY,ENG,ENG,DEMENTIA_ESTIMATE_65_PLUS,733000.5,
31JAN2026,COUNTRY_RESPONSIBILITY,ENG,ENG,DIAG_RATE_65_PLUS,66.7,
31JAN2026,COUNTRY_RESPONSIBILITY,ENG,ENG,DIAG_RATE_65_PLUS_LL,66.5,
31JAN2026,COUNTRY_RESPONSIBILITY,ENG,ENG,DIAG_RATE_65_PLUS_UL,66.9,
31JAN2026,ICB,QHM,E54000050,DEMENTIA_REGISTER_65_PLUS,14000,
31JAN2026,ICB,QHM,E54000050,DEMENTIA_ESTIMATE_65_PLUS,20000.0,
31JAN2026,ICB,QHM,E54000050,DIAG_RATE_65_PLUS,70.0,
31JAN2026,ICB,QHM,E54000050,DIAG_RATE_65_PLUS_LL,68.9,
31JAN2026,ICB,QHM,E54000050,DIAG_RATE_65_PLUS_UL,71.1,
31JAN2026,SUB_ICB_LOC,16C,E38000247,DEMENTIA_REGISTER_65_PLUS,*,
31JAN2026,SUB_ICB_LOC,16C,E38000247,DEMENTIA_ESTIMATE_65_PLUS,3.1,1.0
31JAN2026,SUB_ICB_LOC,16C,E38000247,DIAG_RATE_65_PLUS,N/A,
31JAN2026,SUB_ICB_LOC,16C,E38000247,DIAG_RATE_65_PLUS_LL,.,
31JAN2026,SUB_ICB_LOC,16C,E38000247,DIAG_RATE_65_PLUS_UL,NULL,
31JAN2026,SUB_ICB_LOC,00T,E38000174,DEMENTIA_REGISTER_65_PLUS,,
31JAN2026,SUB_ICB_LOC,00T,E38000174,DEMENTIA_ESTIMATE_65_PLUS,,
"""


@pytest.fixture
def orgs(tmp_path):
    p = tmp_path / "organisations.csv"
    p.write_text(ORGS)
    import_files([p])


@pytest.fixture
def practice_file(tmp_path):
    p = tmp_path / "rec-dem-diag-Aug-2018-csv.csv"
    p.write_text(PRACTICE_2018)
    return p


@pytest.fixture
def pcdd(tmp_path):
    p = tmp_path / "pcdem-nhs-rate-jan-2026.csv"
    p.write_text(PCDD)
    return p


def counts_of(result):
    return {k: (c.added, c.updated, c.unchanged) for k, c in result.items()}


def observation(ods: str, period: dt.date):
    from commissioning.store.models import Observation

    o = Observation.objects.get(indicator__code="DEM_DX", organisation__ods_code=ods, period=period)
    return o.numerator, o.denominator, o.value, o.lower, o.upper


def test_both_layouts_are_recognised(practice_file, pcdd):
    assert detect_format(practice_file) is FORMATS["dementia-diagnosis"]
    assert detect_format(pcdd) is FORMATS["dementia-diagnosis"]


def test_the_2018_practice_file(orgs, practice_file):
    from commissioning.store.models import Indicator

    notes: list[str] = []
    result = import_files([practice_file], notes=notes)
    assert counts_of(result) == {"indicators": (1, 0, 0), "observations": (2, 0, 0)}
    august = dt.date(2018, 8, 1)  # ACH_DATE 31AUG2018: the month starting 1 August
    num, den, value, lower, upper = observation("A81001", august)
    assert (num, den, lower, upper) == (52, 76.4, None, None)
    assert value == pytest.approx(68.0628, abs=1e-4)  # 52 / 76.4 x 100
    assert observation("A81002", august) == (None, 40.2, None, None, None)  # * is not zero
    indicator = Indicator.objects.get(code="DEM_DX")
    assert (indicator.unit, indicator.polarity, indicator.frequency) == (
        "%",
        "higher_better",
        "monthly",
    )
    assert any("left out 2 rows of other measures (PAT_LIST_65_PLUS)" in n for n in notes)


def test_the_current_pcdd_file_with_its_tokens(orgs, pcdd):
    with pytest.raises(InputError, match="area code 'E92000001' is neither in the database"):
        import_files([pcdd])
    notes: list[str] = []
    result = import_files([pcdd], allow_unmatched=True, notes=notes)
    assert counts_of(result) == {"indicators": (1, 0, 0), "observations": (2, 0, 0)}
    january = dt.date(2026, 1, 1)
    assert observation("QHM", january) == (14000, 20000, 70.0, 68.9, 71.1)
    assert observation("16C", january) == (None, 3.1, None, None, None)
    text = "\n".join(notes)
    assert "left out 1 organisation-months with no figure" in text  # 00T
    assert "1 area codes not in the database: E92000001" in text  # England, ENG in the file


def test_england_is_stored_under_its_ons_code_as_the_country(orgs, pcdd, tmp_path):
    """ENG in the file is England, the country organisation E92000001 (as the NHS geographies
    file adds it and Fingertips names it), so the needs page finds England's published rate."""
    eng = tmp_path / "england.csv"
    eng.write_text("ods_code,name,kind\nE92000001,England,country\n")
    import_files([eng])
    notes: list[str] = []
    import_files([pcdd], notes=notes)
    # the published rate is kept (66.7), not 489000 / 733000.5 x 100 = 66.712
    assert observation("E92000001", dt.date(2026, 1, 1)) == (489000, 733000.5, 66.7, 66.5, 66.9)
    assert any("England (ENG) kept under its ONS code E92000001" in n for n in notes)


def test_reimport_is_unchanged(orgs, practice_file):
    import_files([practice_file])
    assert counts_of(import_files([practice_file])) == {"observations": (0, 0, 2)}


def test_a_rate_the_register_and_estimate_cannot_give_is_reported(orgs, pcdd):
    pcdd.write_text(PCDD.replace("DIAG_RATE_65_PLUS,70.0", "DIAG_RATE_65_PLUS,71.0"))
    with pytest.raises(InputError) as e:
        import_files([pcdd], allow_unmatched=True)
    assert str(e.value) == (
        f"{pcdd}, row 7, column 'DIAG_RATE_65_PLUS': QHM, month of 2026-01-01: the published "
        "rate 71 is not register 14000 ÷ estimate 20000 × 100 = 70.0"
    )


def test_broken_rows_are_located(orgs, practice_file):
    lines = PRACTICE_2018.splitlines()
    lines[1] = lines[1].replace("31AUG2018", "August 2018")
    lines[2] = lines[2].replace(",76.4", ",seventy")
    lines[3] = lines[3].replace("A81001", "A810")
    lines.append(lines[1].replace("August 2018", "31AUG2018"))  # repeats row 2 once fixed
    practice_file.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError) as e:
        import_files([practice_file])
    text = str(e.value)
    assert f"{practice_file}, row 2, column 'ACH_DATE': expected a date" in text
    assert "row 3, column 'Value': expected a number of 0 or more, or * (suppressed)" in text
    assert "row 4, column 'PRACTICE_CODE': expected a practice code such as A81001" in text
    lines[1:4] = PRACTICE_2018.splitlines()[1:4]
    practice_file.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError) as e:
        import_files([practice_file])
    assert str(e.value) == (
        f"{practice_file}, row 8: repeats A81001's DEMENTIA_REGISTER_65_PLUS for the month of "
        "2018-08-01 (row 2)"
    )


def test_a_missing_column_is_reported(orgs, pcdd):
    pcdd.write_text(PCDD.replace("ACH_DATE", "DATE", 1))
    with pytest.raises(InputError, match="row 1, column 'ACH_DATE': column of the published"):
        import_files([pcdd], format="dementia-diagnosis")

"""GP registered patients by single year of age: the published layout into practice populations.

No real single-year-of-age file with counts is in the shared samples (the README lists it as
"not found as real committed data"), so these files are crafted exactly per the README's
description of gp-reg-pat-prac-sing-age-male.csv / -female.csv: the column order, EXTRACT_DATE
spelling, AGE 0 … 94, 95+ and ALL, and the CCG_CODE (to June 2022) and SUB_ICB_LOCATION_CODE
(from July 2022) headers. Counts are chosen so the bands can be added up by hand:
male age a has 10 + a patients and 95+ has 3; every female age has 5 and 95+ has 7.
"""

from __future__ import annotations

import datetime as dt

import pytest

from commissioning.errors import InputError
from commissioning.ingest import import_files
from commissioning.ingest.formats.formats import FORMATS, detect_format

pytestmark = pytest.mark.django_db

OLD = (
    "PUBLICATION,EXTRACT_DATE,TYPE,CCG_CODE,ONS_CCG_CODE,ORG_CODE,POSTCODE,SEX,AGE,"
    "NUMBER_OF_PATIENTS"
)
NEW = (
    "PUBLICATION,EXTRACT_DATE,TYPE,SUB_ICB_LOCATION_CODE,ONS_SUB_ICB_LOCATION_CODE,ORG_CODE,"
    "POSTCODE,SEX,AGE,NUMBER_OF_PATIENTS"
)
BANDS = [f"{a}-{a + 4}" for a in range(0, 90, 5)] + ["90+"]


def male(age: int | str) -> int:
    return 3 if age == "95+" else 10 + int(age)


def female(age: int | str) -> int:
    return 7 if age == "95+" else 5


def sing_age(sex: str, practices=("A81001",), header: str = OLD, date: str = "01Apr2022") -> str:
    """One sex's file: ALL first (as published), then 0 … 94 and 95+ for each practice."""
    count = male if sex == "MALE" else female
    lines = [header]
    for code in practices:
        head = f"GP_PRAC_PAT_LIST,{date},GP,16C,E38000247,{code},TS18 1HU,{sex}"
        ages = [*range(95), "95+"]
        lines.append(f"{head},ALL,{sum(count(a) for a in ages)}")
        lines += [f"{head},{a},{count(a)}" for a in ages]
    return "\n".join(lines) + "\n"


@pytest.fixture
def practice(tmp_path):
    p = tmp_path / "organisations.csv"
    p.write_text("ods_code,name,kind\nA81001,THE DENSHAM SURGERY,gp_practice\n")
    import_files([p])


@pytest.fixture
def files(tmp_path):
    m = tmp_path / "gp-reg-pat-prac-sing-age-male.csv"
    m.write_text(sing_age("MALE"))
    f = tmp_path / "gp-reg-pat-prac-sing-age-female.csv"
    f.write_text(sing_age("FEMALE", header=NEW))
    return m, f


def counts_of(result):
    return {k: (c.added, c.updated, c.unchanged) for k, c in result.items()}


def populations(sex: str, date=dt.date(2022, 4, 1)) -> dict[str, int]:
    from commissioning.store.models import PracticePopulation

    rows = PracticePopulation.objects.filter(organisation__ods_code="A81001", sex=sex, date=date)
    return {r.age_band: r.count for r in rows}


def test_both_headers_and_the_all_style_are_recognised(files, tmp_path):
    for path in files:
        assert detect_format(path) is FORMATS["gp-population-single-age"]
    all_style = tmp_path / "gp-reg-pat-prac-all.csv"
    all_style.write_text(
        "PUBLICATION,EXTRACT_DATE,TYPE,CCG_CODE,ONS_CCG_CODE,CODE,POSTCODE,SEX,AGE,"
        "NUMBER_OF_PATIENTS\nGP_PRAC_PAT_LIST,01Apr2022,GP,16C,E38000247,A81001,TS18 1HU,ALL,"
        "ALL,5900\n"
    )
    assert detect_format(all_style) is FORMATS["gp-population-single-age"]


def test_single_years_are_added_up_into_the_standard_bands(practice, files):
    notes: list[str] = []
    result = import_files(list(files), notes=notes)
    assert counts_of(result) == {"populations": (38, 0, 0)}  # 19 bands x 2 sexes
    men = populations("male")
    assert sorted(men, key=BANDS.index) == BANDS
    assert men["0-4"] == 10 + 11 + 12 + 13 + 14 == 60
    assert men["85-89"] == 95 + 96 + 97 + 98 + 99 == 485
    assert men["90+"] == 100 + 101 + 102 + 103 + 104 + 3 == 513  # 90 to 94, and 95+
    assert sum(men.values()) == 95 * 10 + 94 * 95 // 2 + 3 == 5418  # the ALL row
    women = populations("female")
    assert women["0-4"] == 25 and women["90+"] == 25 + 7
    assert sum(women.values()) == 95 * 5 + 7
    assert any("96 single-year rows added up" in n and "1 ALL subtotal" in n for n in notes)
    assert any("matched 1 practices" in n for n in notes)


def test_the_same_populations_as_the_quinary_file_gives(practice, files, tmp_path):
    """The quinary layout of the same counts gives the same bands (90_94 + 95+ as 90+)."""
    import_files([files[0]])
    quinary = tmp_path / "gp-reg-pat-prac-quin-age.csv"
    lines = [
        "PUBLICATION,EXTRACT_DATE,ORG_TYPE,ORG_CODE,ONS_CODE,POSTCODE,SEX,AGE_GROUP_5,"
        "NUMBER_OF_PATIENTS"
    ]
    for low in range(0, 95, 5):
        n = sum(male(a) for a in range(low, low + 5))
        lines.append(f"GP_PRAC_PAT_LIST,01-May-22,GP,A81001,,TS18 1HU,MALE,{low}_{low + 4},{n}")
    lines.append("GP_PRAC_PAT_LIST,01-May-22,GP,A81001,,TS18 1HU,MALE,95+,3")
    quinary.write_text("\n".join(lines) + "\n")
    import_files([quinary])
    assert populations("male", dt.date(2022, 5, 1)) == populations("male")


def test_reimport_is_unchanged(practice, files):
    import_files(list(files))
    assert counts_of(import_files(list(files))) == {"populations": (0, 0, 38)}


def test_an_all_subtotal_that_disagrees_is_reported_on_its_row(practice, files):
    m = files[0]
    m.write_text(m.read_text().replace(",MALE,ALL,5418", ",MALE,ALL,5419"))
    with pytest.raises(InputError) as e:
        import_files([m])
    assert str(e.value) == (
        f"{m}, row 2, column 'NUMBER_OF_PATIENTS': the ALL subtotal is 5,419 but the rows it "
        "covers (male, every age) add up to 5,418"
    )


def test_sex_all_subtotals_are_checked_against_both_sexes(practice, tmp_path):
    both = tmp_path / "gp-reg-pat-prac-sing-age.csv"
    text = sing_age("MALE") + sing_age("FEMALE").split("\n", 1)[1]
    head = "GP_PRAC_PAT_LIST,01Apr2022,GP,16C,E38000247,A81001,TS18 1HU,ALL"
    text += f"{head},3,18\n"  # age 3: 13 men + 5 women
    text += f"{head},ALL,5900\n"  # 5,418 men + 482 women
    both.write_text(text)
    assert counts_of(import_files([both])) == {"populations": (38, 0, 0)}
    both.write_text(text.replace(f"{head},3,18", f"{head},3,19"))
    with pytest.raises(InputError) as e:
        import_files([both])
    assert str(e.value) == (
        f"{both}, row 196, column 'NUMBER_OF_PATIENTS': the ALL subtotal is 19 but the rows it "
        "covers (both sexes, age 3) add up to 18"
    )


def test_the_all_ages_totals_file_gives_monthly_observations(practice, tmp_path):
    """gp-reg-pat-prac-all.csv holds each practice's total (and its male and female totals) and
    no ages: the totals become observations of GP_REG_PATIENTS for the month of the extract."""
    from commissioning.store.models import Indicator, Observation, PracticePopulation

    all_style = tmp_path / "gp-reg-pat-prac-all.csv"
    all_style.write_text(
        "PUBLICATION,EXTRACT_DATE,TYPE,CCG_CODE,ONS_CCG_CODE,CODE,POSTCODE,SEX,AGE,"
        "NUMBER_OF_PATIENTS\n"
        "GP_PRAC_PAT_LIST,01Apr2022,GP,16C,E38000247,A81001,TS18 1HU,ALL,ALL,5900\n"
        "GP_PRAC_PAT_LIST,01Apr2022,GP,16C,E38000247,A81001,TS18 1HU,FEMALE,ALL,3000\n"
        "GP_PRAC_PAT_LIST,01Apr2022,GP,16C,E38000247,A81001,TS18 1HU,MALE,ALL,2900\n"
    )
    notes: list[str] = []
    counts = import_files([all_style], notes=notes)
    assert {k: (c.added, c.updated, c.unchanged) for k, c in counts.items()} == {
        "indicators": (1, 0, 0),
        "observations": (1, 0, 0),
    }
    o = Observation.objects.get(indicator__code="GP_REG_PATIENTS")
    assert (o.organisation.ods_code, o.period, o.value) == ("A81001", dt.date(2022, 4, 1), 5900)
    assert Indicator.objects.get(code="GP_REG_PATIENTS").frequency == "monthly"
    assert not PracticePopulation.objects.exists()  # no ages: no populations
    assert any("registered patients of 1 practice (GP_REG_PATIENTS)" in n for n in notes)
    again = import_files([all_style])
    assert {k: (c.added, c.updated, c.unchanged) for k, c in again.items()} == {
        "observations": (0, 0, 1)
    }


def test_a_total_that_is_not_its_male_and_female_totals_is_located(practice, tmp_path):
    all_style = tmp_path / "gp-reg-pat-prac-all.csv"
    all_style.write_text(
        "PUBLICATION,EXTRACT_DATE,TYPE,CCG_CODE,ONS_CCG_CODE,CODE,POSTCODE,SEX,AGE,"
        "NUMBER_OF_PATIENTS\n"
        "GP_PRAC_PAT_LIST,01Apr2022,GP,16C,E38000247,A81001,TS18 1HU,ALL,ALL,5901\n"
        "GP_PRAC_PAT_LIST,01Apr2022,GP,16C,E38000247,A81001,TS18 1HU,FEMALE,ALL,3000\n"
        "GP_PRAC_PAT_LIST,01Apr2022,GP,16C,E38000247,A81001,TS18 1HU,MALE,ALL,2900\n"
    )
    with pytest.raises(InputError) as e:
        import_files([all_style])
    assert (
        f"{all_style}, row 2, column 'NUMBER_OF_PATIENTS': the practice's total is 5,901 but "
        "its male and female totals add up to 5,900"
    ) in str(e.value)


def test_broken_rows_are_located(practice, files):
    m = files[0]
    lines = m.read_text().splitlines()
    lines[2] = lines[2].replace(",MALE,0,", ",M,0,")
    lines[3] = lines[3].replace(",MALE,1,", ",MALE,one,")
    lines[4] = lines[4].replace("01Apr2022", "April 2022")
    lines[5] = lines[5].rsplit(",", 1)[0] + ",-3"
    lines[6] = lines[6].replace("A81001", "81001")
    m.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError) as e:
        import_files([m])
    text = str(e.value)
    assert f"{m}, row 3, column 'SEX': expected MALE, FEMALE or ALL, found 'M'" in text
    assert "row 4, column 'AGE': expected an age in whole years such as 0, 94 or 95+" in text
    assert "row 5, column 'EXTRACT_DATE': expected a date such as 20200401" in text
    assert "row 6, column 'NUMBER_OF_PATIENTS': expected a whole number of patients" in text
    assert "row 7, column 'ORG_CODE': expected a practice code such as A81001" in text


def test_a_repeated_age_is_reported(practice, files):
    m = files[0]
    lines = m.read_text().splitlines()
    lines.append(lines[12])  # age 10 again
    m.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError) as e:
        import_files([m])
    assert f"{m}, row {len(lines)}: repeats the row for practice A81001, MALE, age 10 (row 13)" in (
        str(e.value)
    )


def test_a_missing_column_is_reported(practice, files):
    m = files[0]
    m.write_text(m.read_text().replace("EXTRACT_DATE", "DATE", 1))
    with pytest.raises(InputError, match="row 1, column 'EXTRACT_DATE': column of the published"):
        import_files([m])


def test_unknown_practices_are_rejected_or_listed_and_left_out(practice, tmp_path):
    m = tmp_path / "gp-reg-pat-prac-sing-age-male.csv"
    m.write_text(sing_age("MALE", practices=("A81001", "A81002")))
    with pytest.raises(InputError) as e:
        import_files([m])
    assert f"{m}, row 100: practice code 'A81002' is neither in the database" in str(e.value)
    notes: list[str] = []
    result = import_files([m], allow_unmatched=True, notes=notes)
    assert counts_of(result) == {"populations": (19, 0, 0)}
    assert any("1 practice codes not in the database: A81002" in n for n in notes)


def test_rows_for_other_organisation_types_are_left_out(practice, tmp_path):
    regions = tmp_path / "gp-reg-pat-prac-sing-age-regions.csv"
    text = sing_age("MALE", header=NEW)
    text += "GP_PRAC_PAT_LIST,01Apr2022,SUB_ICB_LOCATION,16C,E38000247,16C,,MALE,0,1000\n"
    regions.write_text(text)
    notes: list[str] = []
    assert counts_of(import_files([regions], notes=notes)) == {"populations": (19, 0, 0)}
    assert any("left out 1 rows for PCNs, commissioners and regions" in n for n in notes)

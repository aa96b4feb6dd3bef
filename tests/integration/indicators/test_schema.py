"""The library files and their schema: every shipped file is valid; bad files get located errors.

None of these tests needs a database: checking a library file is pure Python.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from commissioning.errors import InputError
from commissioning.indicators import (
    FIELDS,
    check_indicator,
    read_file,
    read_files,
    schema,
    shipped_files,
)

GOOD = """[library]
title = "Test"
description = "A test library."

[[indicator]]
code = "T_ONE"
name = "First test indicator"
description = "What is counted."
why_it_matters = "Why it matters."
domain = "quality"
unit = "%"
numerator = "People counted"
denominator = "People in scope"
polarity = "higher_better"
conditions = ["diabetes"]
source = "A source"
frequency = "annual"
national_driver = "A national driver"

[[indicator]]
code = "T_TWO"
name = "Second test indicator"
description = "What is counted."
why_it_matters = "Why it matters."
domain = "activity"
unit = "referrals"
numerator = "Referrals"
denominator = ""
polarity = "neutral"
conditions = ["dementia"]
source = "A source"
frequency = "monthly"
national_driver = "A national driver"
patient_counts = false
"""

DEMO_CODES = {
    "DEM_DX",
    "MEM_WAIT",
    "MEM_REFERRALS",
    "DEM_ANTIPSY",
    "DM_8CP",
    "DM_HBA1C59",
    "DM_FOOT_DAYS",
    "DM_AMPUT",
    "STROKE_ESD",
    "STROKE_LOS",
    "ACSC_EMERG",
}


def write(tmp_path: Path, text: str, name: str = "test.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(*paths) -> list[str]:
    with pytest.raises(InputError) as caught:
        read_files(paths)
    return [str(p) for p in caught.value.problems]


# -- the shipped library -----------------------------------------------------------------------


def test_the_shipped_files_validate_and_cover_the_issue():
    assert [p.name for p in shipped_files()] == [
        "acsc.toml",
        "dementia.toml",
        "diabetes.toml",
        "pct_era.toml",
        "population.toml",
        "quality_and_experience.toml",
        "stroke.toml",
    ]
    library = read_files()
    codes = library.by_code()
    assert len(codes) == len(library.definitions) >= 40
    assert set(codes) >= DEMO_CODES  # the demo's codes keep their place in the library
    # QOF indicators are QOF_<current QOF code>, one file per condition group.
    for code in ("QOF_DM012", "QOF_DM017", "QOF_DM020", "QOF_DEM001", "QOF_DEM004"):
        assert code in codes
    assert {"QOF_STIA001", "QOF_STIA007", "QOF_STIA014", "QOF_STIA015"} <= set(codes)
    assert {codes[c].library for c in ("QOF_DM012", "QOF_DEM004", "QOF_STIA007")} == {
        "diabetes",
        "dementia",
        "stroke",
    }
    assert codes["DEM_DX"].unit == "%" and "65" in codes["DEM_DX"].name
    assert codes["ACSC_EMERG"].unit == "per 100,000"
    assert codes["DM_AMPUT"].polarity == "lower_better"
    assert codes["STROKE_ESD"].conditions == ("stroke-tia",)
    assert codes["GP_REG_PATIENTS"].frequency == "monthly"  # the monthly list-size series
    for d in library.definitions:  # every definition is complete and names its driver
        assert all(str(getattr(d, f)).strip() for f in FIELDS if f != "denominator"), d.code
        assert d.library == Path(d.file).stem
    # The definitions of 2008-2013 (issue 24): all ages against Dementia UK, an annual audit.
    assert codes["PCT_DEM_DX"].frequency == "monthly" and "65" not in codes["PCT_DEM_DX"].name
    assert "Dementia UK" in codes["PCT_DEM_DX"].denominator
    assert codes["PCT_NDA_8CP"].frequency == "annual"
    era = [d for d in library.definitions if d.library == "pct_era"]
    assert era and all(d.code.startswith("PCT_") for d in era)


def test_the_schema_is_valid_json_schema_and_names_every_field():
    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(schema())
    one = schema()["$defs"]["indicator"]
    assert set(one["required"]) == set(FIELDS)
    assert set(one["properties"]) == set(FIELDS) | {"patient_counts"}


def test_a_good_file_reads_with_its_positions(tmp_path):
    library = read_file(write(tmp_path, GOOD))
    first, second = library.definitions
    assert (first.code, first.number, first.line, first.library) == ("T_ONE", 1, 5, "test")
    assert (second.code, second.line, second.patient_counts) == ("T_TWO", 20, False)
    assert first.patient_counts is True
    assert library.titles == {"test": "Test"}


# -- bad files: every problem, located ----------------------------------------------------------


def test_a_missing_field_is_located_by_file_line_indicator_and_field(tmp_path):
    bad = GOOD.replace(
        'why_it_matters = "Why it matters."\ndomain = "activity"', 'domain = "activity"'
    )
    found = problems_of(write(tmp_path, bad))
    assert found == ["test.toml, line 20, indicator 2 (T_TWO), field 'why_it_matters': is missing"]


def test_a_bad_polarity_says_what_was_expected(tmp_path):
    found = problems_of(write(tmp_path, GOOD.replace('"higher_better"', '"up"')))
    assert found == [
        "test.toml, line 5, indicator 1 (T_ONE), field 'polarity': expected one of "
        "higher_better, lower_better, neutral, found 'up'"
    ]


def test_every_problem_of_a_file_is_reported_at_once(tmp_path):
    bad = (
        GOOD.replace('code = "T_ONE"', 'code = "t one"')
        .replace('frequency = "annual"', 'frequency = "weekly"\ncolour = "red"')
        .replace('conditions = ["dementia"]', "conditions = []")
        .replace('unit = "referrals"', "unit = 3")
    )
    found = problems_of(write(tmp_path, bad))
    assert any("indicator 1 (t one), field 'code': expected capital letters" in p for p in found)
    assert any("field 'frequency': expected one of monthly, quarterly, annual" in p for p in found)
    assert any("field 'colour': is not a field we know" in p for p in found)
    assert any(
        "indicator 2 (T_TWO), field 'conditions': expected at least 1 item" in p for p in found
    )
    assert any("field 'unit': expected text in quotes, found the number 3" in p for p in found)
    assert len(found) == 5


def test_a_duplicate_code_across_files_names_both_places(tmp_path):
    one = write(tmp_path, GOOD, "first.toml")
    two = write(tmp_path, GOOD.replace("T_ONE", "T_THREE"), "second.toml")
    found = problems_of(one, two)
    assert found == [
        "second.toml, line 20, indicator 2 (T_TWO), field 'code': repeats code T_TWO, "
        "already used by indicator 2 of first.toml"
    ]


def test_a_duplicate_code_within_a_file(tmp_path):
    found = problems_of(write(tmp_path, GOOD.replace("T_TWO", "T_ONE")))
    assert found == [
        "test.toml, line 20, indicator 2 (T_ONE), field 'code': repeats code T_ONE, "
        "already used by indicator 1"
    ]


def test_broken_toml_a_missing_library_table_and_a_wrong_suffix(tmp_path):
    assert problems_of(write(tmp_path, GOOD + "\ncode = = 1\n"))[0].startswith(
        "test.toml: is not valid TOML ("
    )
    no_table = GOOD.split("[[indicator]]", 1)[1]
    assert problems_of(write(tmp_path, "[[indicator]]" + no_table)) == [
        "test.toml, field 'library': is missing"
    ]
    assert problems_of(write(tmp_path, GOOD, "test.yaml")) == ["test.yaml: expected a .toml file"]
    assert problems_of(tmp_path / "absent.toml") == ["absent.toml: no such file"]


def test_the_shipped_files_are_plain_toml_with_one_table_per_indicator():
    for path in shipped_files():
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        assert set(data) == {"library", "indicator"}


# -- one indicator, as a user adds it -----------------------------------------------------------


def test_a_users_indicator_follows_the_same_rules_with_fewer_fields_required():
    good = {
        "code": "LOCAL-1",
        "name": "Local measure",
        "description": "What is counted",
        "domain": "quality",
        "unit": "%",
        "numerator": "n",
        "denominator": "d",
        "polarity": "lower_better",
        "conditions": ["diabetes"],
        "frequency": "quarterly",
    }
    assert check_indicator(good) == []
    bad = {**good, "polarity": "sideways", "code": "lower case", "conditions": []}
    del bad["name"]
    found = {(p.column, p.message.split(",")[0]) for p in check_indicator(bad)}
    assert found == {
        ("name", "is missing"),
        ("polarity", "expected one of higher_better"),
        ("code", "expected capital letters"),
        ("conditions", "expected at least 1 item(s)"),
    }


# -- the command line ---------------------------------------------------------------------------


def test_cli_validate_and_list(tmp_path, capsys):
    from commissioning.cli import main

    assert main(["indicators", "validate"]) == 0
    assert "indicators in 7 files: all valid" in capsys.readouterr().out
    assert main(["indicators", "list", str(write(tmp_path, GOOD))]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in out] == ["T_ONE", "T_TWO"]
    bad = write(tmp_path, GOOD.replace('"higher_better"', '"up"'), "bad.toml")
    assert main(["indicators", "validate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "bad.toml, line 5, indicator 1 (T_ONE), field 'polarity'" in err
    assert "Traceback" not in err

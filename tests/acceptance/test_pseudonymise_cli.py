"""NHS numbers are replaced on arrival by keyed pseudonyms and never echoed."""

import hmac

import pandas as pd

from commissioning.cli import main

VALID = ["9434765919", "4010234563"]


def test_numbers_are_replaced_and_the_raw_values_never_written(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("COMMISSIONING_PSEUDONYM_KEY", "a-long-test-secret")
    src = tmp_path / "patients.csv"
    src.write_text("nhs_number,practice,sex\n943 476 5919,Y00001,female\n4010234563,Y00002,male\n")
    out = tmp_path / "patients.csv"
    assert main(["pseudonymise", str(src), "-o", str(out)]) == 0
    table = pd.read_csv(out, dtype=str)
    assert list(table.columns) == ["patient_id", "practice", "sex"]
    expected = hmac.new(b"a-long-test-secret", b"9434765919", "sha256").hexdigest()[:20]
    assert table["patient_id"].tolist()[0] == expected
    text = out.read_text()
    assert all(v not in text for v in VALID) and "943 476 5919" not in text
    err = capsys.readouterr().err
    assert all(v not in err for v in VALID)


def test_a_bad_check_digit_is_located_without_echoing_the_value(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("COMMISSIONING_PSEUDONYM_KEY", "a-long-test-secret")
    src = tmp_path / "patients.csv"
    src.write_text("nhs,practice\n9434765919,Y1\n9434765918,Y2\n")
    assert main(["pseudonymise", str(src), "--column", "nhs", "-o", str(tmp_path / "o.csv")]) == 2
    err = capsys.readouterr().err
    assert "row 3" in err and "column 'nhs'" in err and "9434765918" not in err
    assert not (tmp_path / "o.csv").exists()


def test_no_key_is_a_plain_error(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("COMMISSIONING_PSEUDONYM_KEY", raising=False)
    src = tmp_path / "p.csv"
    src.write_text("nhs\n9434765919\n")
    assert main(["pseudonymise", str(src), "-o", str(tmp_path / "o.csv")]) == 1
    assert "COMMISSIONING_PSEUDONYM_KEY" in capsys.readouterr().err

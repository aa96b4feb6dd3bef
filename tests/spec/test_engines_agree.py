"""DuckDB and Spark give identical measures on random synthetic data; bad datasets are refused."""

import datetime as dt

import pandas as pd
import pytest

from commissioning.analytics.measures import evaluate
from commissioning.analytics.measures.engines import DuckDBEngine
from commissioning.cli import main
from commissioning.errors import InputError
from commissioning.synth import SynthConfig, generate


@pytest.mark.spark
def test_engines_agree_on_random_data(tmp_path, spark_engine):
    cfg = SynthConfig(patients=500, months=15, start=dt.date(2020, 1, 1), seed=1, chunk=200)
    generate(cfg, tmp_path)
    duck = evaluate(DuckDBEngine(memory_limit="1GB"), tmp_path, disclosure=None)
    spark = evaluate(spark_engine, tmp_path, disclosure=None)
    assert len(duck) > 0 and duck["measure"].nunique() == 7
    pd.testing.assert_frame_equal(duck, spark)


def test_synthetic_data_is_the_same_for_the_same_seed_and_differs_for_another(tmp_path):
    frames = []
    for name, seed in (("a", 5), ("b", 5), ("c", 6)):
        generate(SynthConfig(patients=300, months=12, seed=seed, chunk=100), tmp_path / name)
        frames.append(pd.read_parquet(tmp_path / name / "events.parquet"))
    pd.testing.assert_frame_equal(frames[0], frames[1])
    assert not frames[0].equals(frames[2])


def test_a_dataset_with_a_missing_file_and_a_wrong_column_is_refused_with_every_problem(tmp_path):
    generate(SynthConfig(patients=50, months=12, chunk=50), tmp_path)
    (tmp_path / "diagnoses.parquet").unlink()
    pd.DataFrame({"patient_id": ["x"], "sex": ["male"], "birth_date": ["1950-01-01"]}).to_parquet(
        tmp_path / "patients.parquet"
    )
    with pytest.raises(InputError) as caught:
        evaluate(DuckDBEngine(), tmp_path)
    text = str(caught.value)
    assert "diagnoses.parquet: file is missing" in text
    assert "column 'birth_date': expected date values, found string" in text
    assert "column 'imd_decile': column is missing" in text


def test_command_line_synth_then_measures(tmp_path, capsys):
    data = tmp_path / "data"
    assert main(["synth", "--patients", "400", "--months", "13", "-o", str(data)]) == 0
    out = tmp_path / "measures.csv"
    assert main(["measures", str(data), "-o", str(out), "--measures", "register_diabetes"]) == 0
    table = pd.read_csv(out)
    assert list(table.columns) == [
        "measure",
        "organisation",
        "period",
        "numerator",
        "denominator",
        "value",
        "suppressed",
    ]
    assert set(table["measure"]) == {"register_diabetes"}
    assert (table["denominator"].dropna() % 5 == 0).all()
    assert "Measure 1 of 1" in capsys.readouterr().err


def test_command_line_errors_are_plain(tmp_path, capsys):
    assert main(["measures", str(tmp_path / "none"), "-o", "x.csv"]) == 1
    assert main(["measures", str(tmp_path), "-o", "x.csv", "--measures", "nonsense"]) == 1
    assert main(["synth", "--patients", "10", "--start", "March", "-o", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "no such folder" in err and "unknown measure nonsense" in err
    assert "expected a month as YYYY-MM" in err and "Traceback" not in err

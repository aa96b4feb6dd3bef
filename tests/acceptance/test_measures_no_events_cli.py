"""A dataset with no events still has registers: months given, the measures run; months not
given, a plain message says to give them."""

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from commissioning.cli import main
from commissioning.synth import SynthConfig, generate
from commissioning.synth.patients import SCHEMAS


def test_a_dataset_without_events_is_measured_over_the_months_given(tmp_path, capsys):
    # The defect: the engines read the months from the events even when they were given, and
    # a dataset with no events (registers only) failed with a traceback ("no events").
    generate(SynthConfig(patients=60, months=12, chunk=60), tmp_path)
    pq.write_table(SCHEMAS["events"].empty_table(), tmp_path / "events.parquet")
    out = tmp_path / "out.csv"
    base = ["measures", str(tmp_path), "-o", str(out), "--measures", "register_dementia"]
    assert main([*base, "--from", "2019-05", "--to", "2019-07"]) == 0
    table = pd.read_csv(out)
    assert sorted(set(table["period"])) == ["2019-05-01", "2019-06-01", "2019-07-01"]
    assert table["denominator"].notna().any()
    assert main(base) == 1
    err = capsys.readouterr().err
    assert "no events with a date" in err and "--from and --to" in err
    assert "Traceback" not in err


def test_events_without_dates_do_not_set_the_months(tmp_path):
    from commissioning.analytics.measures import evaluate
    from commissioning.analytics.measures.engines import DuckDBEngine

    generate(SynthConfig(patients=60, months=12, chunk=60), tmp_path)
    events = pq.read_table(tmp_path / "events.parquet").slice(0, 3)
    events = events.set_column(1, "date", pa.nulls(3, pa.date32()))
    pq.write_table(events, tmp_path / "events.parquet")
    engine = DuckDBEngine(memory_limit="512MB", threads=1)
    try:
        table = evaluate(
            engine,
            tmp_path,
            first=pd.Timestamp("2019-05-01").date(),
            last=pd.Timestamp("2019-05-01").date(),
            disclosure=None,
        )
    finally:
        engine.close()
    assert set(table["period"].astype(str)) == {"2019-05-01"}

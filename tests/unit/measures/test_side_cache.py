"""A measure side shared by several measures is evaluated once, with unchanged results."""

import datetime as dt
from pathlib import Path

import pandas as pd

from commissioning.analytics.measures import evaluate, load_library
from commissioning.analytics.measures.engines import DuckDBEngine
from commissioning.analytics.measures.run import data_months, evaluate_measure
from commissioning.synth import SynthConfig, generate


class CountingEngine(DuckDBEngine):
    def __init__(self):
        super().__init__(memory_limit="1GB")
        self.queries: list[str] = []

    def sql(self, text):
        self.queries.append(text)
        return super().sql(text)


def test_shared_sides_run_once_and_results_match_running_each_measure_alone(tmp_path):
    generate(SynthConfig(patients=400, months=14, start=dt.date(2020, 1, 1), seed=3), tmp_path)
    library = load_library()
    engine = CountingEngine()
    cached = evaluate(engine, tmp_path, disclosure=None)
    registered_all_ages = [q for q in engine.queries if "aged 0 or over at each month" in q]
    # four measures divide by registered patients of all ages; it runs once
    assert len(registered_all_ages) == 1
    sides = {
        s.sql + repr(sorted(s.params.items()))
        for m in library
        for s in (m.numerator, m.denominator)
    }
    assert len(engine.queries) == 1 + len(sides)  # the data-months query, then each side once
    engine.close()
    assert not Path(engine.spill).exists()  # its own spill folder is removed

    plain = DuckDBEngine(memory_limit="1GB")
    evaluate(plain, tmp_path, disclosure=None, measures=library[:1])  # registers the tables
    alone = evaluate_measure(plain, library[1], *data_months(plain))  # no cache
    plain.close()
    expected = cached[cached["measure"] == library[1].id].reset_index(drop=True)
    assert len(expected) > 0
    pd.testing.assert_frame_equal(alone.reset_index(drop=True), expected)

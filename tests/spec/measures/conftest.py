"""The spec tests' harness: small hand-made tables, one measure, every engine.

A spec file names its measure (``measure = "register_diabetes"``) and holds tests that each
make one call of the ``spec`` fixture with the tables as text and the figures worked by hand::

    def test_a_registration_ending_on_the_last_day_counts(spec):
        \"\"\"A's registration ends on 31 January: still registered at January's end.\"\"\"
        spec(
            patients=\"\"\"
                patient_id | sex    | birth_date
                A          | female | 1950-06
            \"\"\",
            registrations=\"\"\"
                patient_id | practice | start_date | end_date
                A          | P1       | 2015-01-01 | 2020-01-31
            \"\"\",
            expected=\"\"\"
                practice | month   | numerator | denominator
                P1       | 2020-01 | 0         | 1
            \"\"\",
        )

``spec`` runs the measure over the months asked for (``months=("2020-01", "2020-03")`` by
default, or the module's ``months``) on each engine: the pandas reference
(``analytics/measures/reference.py``), DuckDB and Spark. Every figure the engine gives in those
months must be in ``expected`` and every expected figure must be given, with the value
numerator / denominator x the measure's multiplier.

Columns left out of a table take a default (``imd_decile`` 5; an event's texts empty and its
cost 0); an empty cell is a missing value; ``1950-06`` is 1 June 1950.

Spark is slow to start a query, so all the spec cases of a test session run on Spark in one job
(one Spark session, the shared ``spark_engine``): every case's patients and practices are
renamed ``<case>:<name>``, the cases put into one dataset, every measure run once over all
their months, and each test takes back its own case's rows (of its own measure).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from commissioning.analytics.measures import evaluate, load_library, reference
from commissioning.analytics.measures.schema import SCHEMA
from commissioning.synth.patients import SCHEMAS

DEFAULT_MONTHS = ("2020-01", "2020-03")
DEFAULTS = {"imd_decile": 5, "setting": "", "pod": "", "activity_type": "", "diagnosis_code": ""}
DEFAULTS["cost"] = 0.0
SEPARATOR = re.compile(r"^[\s|+\-]+$")


# ---------------------------------------------------------------------- tables as text


def parse_value(text: str, kind: str):
    if text == "":
        return None
    if kind == "date":
        if re.fullmatch(r"\d{4}-\d{2}", text):
            text += "-01"
        return dt.date.fromisoformat(text)
    if kind == "integer":
        return int(text)
    if kind == "number":
        return float(text)
    return text


def parse_table(name: str, text: str) -> pd.DataFrame:
    """A table written as text (a header of column names, then rows; cells split by |)."""
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    lines = [ln for ln in lines if not SEPARATOR.match(ln)]
    columns = SCHEMA[name]
    rows = []
    if lines:
        header = [h.strip() for h in lines[0].split("|")]
        unknown = [h for h in header if h not in columns]
        assert not unknown, f"{name}: unknown columns {unknown}"
        for line in lines[1:]:
            cells = [c.strip() for c in line.split("|")]
            assert len(cells) == len(header), f"{name}: {line!r} has {len(cells)} cells"
            rows.append({h: parse_value(c, columns[h]) for h, c in zip(header, cells, strict=True)})
    frame = pd.DataFrame(rows, columns=list(columns))
    for column in columns:
        if column in DEFAULTS and (not lines or column not in lines[0]):
            frame[column] = DEFAULTS[column]
    return frame


def write_dataset(folder: Path, tables: dict[str, pd.DataFrame]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, schema in SCHEMAS.items():
        table = pa.Table.from_pandas(tables[name], schema=schema, preserve_index=False)
        pq.write_table(table, folder / f"{name}.parquet")
    return folder


def month(text: str) -> dt.date:
    return dt.date.fromisoformat(text + "-01")


class Case:
    """One spec call: its tables, its months and its hand-worked figures."""

    def __init__(self, measure, months=None, expected="", **tables):
        self.measure = measure
        self.first, self.last = (month(m) for m in (months or DEFAULT_MONTHS))
        self.tables = {name: parse_table(name, tables.get(name, "")) for name in SCHEMA}
        self.expected = self.figures_expected(expected)

    def figures_expected(self, text: str) -> dict:
        lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
        lines = [ln for ln in lines if not SEPARATOR.match(ln)]
        header = [h.strip() for h in lines[0].split("|")] if lines else []
        assert header in ([], ["practice", "month", "numerator", "denominator"]), header
        out = {}
        for line in lines[1:]:
            practice, when, num, den = (c.strip() for c in line.split("|"))
            assert (practice, when) not in out, f"{practice} {when} is expected twice"
            out[(practice, when)] = (float(num), float(den))
        return out

    def renamed(self, prefix: str) -> dict[str, pd.DataFrame]:
        """The tables with every patient and practice renamed ``prefix:name``."""
        out = {}
        for name, frame in self.tables.items():
            frame = frame.copy()
            for column in ("patient_id", "practice"):
                if column in frame:
                    frame[column] = prefix + ":" + frame[column].astype(str)
            out[name] = frame
        return out

    def got(self, results: pd.DataFrame) -> dict:
        """The engine's figures for this case's months, as {(practice, month): (num, den)}."""
        rows = results[
            (results["measure"] == self.measure.id)
            & (results["period"] >= self.first)
            & (results["period"] <= self.last)
        ]
        figures = {}
        for r in rows.itertuples():
            figures[(r.organisation, r.period.strftime("%Y-%m"))] = (r.numerator, r.denominator)
            assert r.value == pytest.approx(
                r.numerator / r.denominator * self.measure.multiplier, rel=1e-9
            ), f"{r.organisation} {r.period}: value {r.value} is not numerator / denominator"
        return figures

    def check(self, results: pd.DataFrame, engine: str) -> None:
        got = self.got(results)
        assert got.keys() == self.expected.keys(), (
            f"{engine}: figures for {sorted(got)}, expected for {sorted(self.expected)}"
        )
        for key, want in self.expected.items():
            assert got[key] == pytest.approx(want, abs=1e-6), f"{engine}: {key}"


# ----------------------------------------------------------------------------- running


def measure_of(module):
    wanted = module.measure
    found = [m for m in load_library() if m.id == wanted]
    assert found, f"{module.__name__}: no measure '{wanted}' in the library"
    return found[0]


def run_reference(case: Case, folder: Path) -> pd.DataFrame:
    return reference.evaluate(folder, measures=[case.measure], first=case.first, last=case.last)


def run_duckdb(case: Case, folder: Path) -> pd.DataFrame:
    from commissioning.analytics.measures.engines import DuckDBEngine

    engine = DuckDBEngine(memory_limit="512MB", threads=1)
    try:
        return evaluate(
            engine,
            folder,
            measures=[case.measure],
            first=case.first,
            last=case.last,
            disclosure=None,
        )
    finally:
        engine.close()


def module_cases(module, measure) -> dict[str, Case]:
    """Every spec test of a module as its Case, by calling it with a recorder for ``spec``."""
    cases = {}
    for name, test in vars(module).items():
        if name.startswith("test_") and callable(test):

            def record(_name=name, months=None, **case):
                cases[_name] = Case(measure, months or getattr(module, "months", None), **case)

            test(record)
    return cases


@pytest.fixture(scope="session")
def spark_results(request, spark_engine, tmp_path_factory):
    """Every spec case of the session run on Spark in one job; each case's rows by name.

    Spark takes seconds to start each query, whatever its size, so the cases of all the spec
    files selected for this session (those of ``-k`` or a single file only, when so chosen) are
    put into one dataset and every measure they name is run once over it: one Spark job for the
    whole folder instead of one per file or per case.
    """
    modules = {}
    for item in request.session.items:
        if "spec" in getattr(item, "fixturenames", ()) and item.get_closest_marker("spark"):
            modules.setdefault(item.module.__name__, item.module)
    cases = {}
    for module in modules.values():
        measure = measure_of(module)
        for name, case in module_cases(module, measure).items():
            cases[(module.__name__, name)] = case
    prefixes = {key: f"c{i}" for i, key in enumerate(cases, start=1)}
    tables = {
        table: pd.concat([case.renamed(prefixes[key])[table] for key, case in cases.items()])
        for table in SCHEMA
    }
    measures = list({case.measure.id: case.measure for case in cases.values()}.values())
    folder = write_dataset(tmp_path_factory.mktemp("spec-spark"), tables)
    results = evaluate(
        spark_engine,
        folder,
        measures=measures,
        first=min(c.first for c in cases.values()),
        last=max(c.last for c in cases.values()),
        disclosure=None,
    )
    split = {}
    for key, prefix in prefixes.items():
        mine = results[results["organisation"].str.startswith(prefix + ":")].copy()
        mine["organisation"] = mine["organisation"].str.removeprefix(prefix + ":")
        split[key] = mine
    return split


@pytest.fixture(
    params=["reference", "duckdb", pytest.param("spark", marks=pytest.mark.spark)],
)
def spec(request, tmp_path):
    """Run one hand-made case on the reference, DuckDB or Spark and check its figures."""
    engine = request.param
    module = request.module
    measure = measure_of(module)

    def run(months=None, **tables_and_expected):
        case = Case(measure, months or getattr(module, "months", None), **tables_and_expected)
        if engine == "spark":
            key = (module.__name__, request.function.__name__)
            results = request.getfixturevalue("spark_results")[key]
        else:
            folder = write_dataset(tmp_path / "data", case.tables)
            results = (run_reference if engine == "reference" else run_duckdb)(case, folder)
        case.check(results, engine)

    return run

"""Generative: the pandas reference and DuckDB give the same figures on random small datasets.

Hypothesis makes a few people with untidy records (overlapping, repeated and open
registrations, moves on a month's last day, missing dates, people missing from the patients
table, events on days with no registration) and every measure of the library is worked out by
both; any difference is a defect in one of them (or in the definition, if both are right by
their own reading of it). DuckDB and Spark are compared on synthetic data in
tests/spec/test_engines_agree.py, and all three on hand-made cases in tests/spec/measures/.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commissioning.analytics.measures import evaluate, library, load_library, reference
from commissioning.analytics.measures.engines import DuckDBEngine
from commissioning.synth.patients import SCHEMAS

FIRST, LAST = dt.date(2019, 1, 1), dt.date(2020, 4, 1)  # two Marches: two audit years
PRACTICES = ["P1", "P2", "P3"]
CODES = library.codelists()
DIAGNOSIS_CODES = [
    (row.code_system, row.code)
    for row in CODES[CODES["codelist"].isin(["diabetes", "dementia", "stroke_tia"])].itertuples()
] + [("snomed_ct", "22298006"), ("icd10", "I63")]
ADMISSION_CODES = [*CODES.loc[CODES["codelist"] == "acsc_chronic", "code"], "S72", ""]
ACTIVITIES = [*CODES.loc[CODES["codelist"] == "nda_care_processes", "code"], "consultation"]

# Dates from mid-2018 to mid-2020, with month ends, month starts and 29 February made likely.
SPAN = (dt.date(2018, 4, 1), dt.date(2020, 7, 31))
EDGES = [
    d
    for m in pd.date_range("2018-04-01", "2020-07-01", freq="MS")
    for d in (m.date(), (m + pd.offsets.MonthEnd(0)).date())
]
day = st.one_of(st.dates(*SPAN), st.sampled_from(EDGES))
maybe_day = st.one_of(day, day, day, st.none())
# Birth months from 1920 to 2008: ages cross 17, 65 and every reference band in the window.
birth = st.one_of(
    st.builds(dt.date, st.integers(1920, 2008), st.integers(1, 12), st.just(1)),
    st.sampled_from([dt.date(2002, 6, 1), dt.date(1954, 9, 1), dt.date(1949, 11, 1)]),
    st.none(),
)


@st.composite
def datasets(draw) -> dict[str, pd.DataFrame]:
    n = draw(st.integers(1, 6))
    people = [chr(ord("A") + i) for i in range(n)]
    everyone = [*people, "Z"]  # Z is not in the patients table
    patients = [
        (p, draw(st.sampled_from(["male", "female"])), draw(birth), draw(st.integers(1, 10)))
        for p in people
    ]
    registrations = []
    for p in everyone:
        for _ in range(draw(st.integers(0 if p == "Z" else 1, 3))):
            start = draw(st.one_of(day, day, day, day, day, st.none()))
            end = draw(st.one_of(st.none(), day))
            registrations.append((p, draw(st.sampled_from(PRACTICES)), start, end))
        if registrations and draw(st.booleans()):  # a move with the same day at both ends
            last = registrations[-1]
            if last[0] == p and last[3] is not None:
                registrations.append((p, draw(st.sampled_from(PRACTICES)), last[3], None))
    if registrations and draw(st.booleans()):  # a registration recorded twice
        registrations.append(draw(st.sampled_from(registrations)))
    diagnoses = [
        (p, *draw(st.sampled_from(DIAGNOSIS_CODES)), draw(maybe_day))
        for p in everyone
        for _ in range(draw(st.integers(0, 3)))
    ]
    events = []
    for p in everyone:
        for _ in range(draw(st.integers(0, 5))):
            pod = draw(st.sampled_from(["NEL", "NEL", "EL", "AE", "GP"]))
            cost = draw(st.one_of(st.none(), st.integers(0, 200_000).map(lambda c: c / 100)))
            events.append(
                (
                    p,
                    draw(maybe_day),
                    "emergency" if pod == "NEL" else "gp",
                    pod,
                    "admission" if pod in ("NEL", "EL") else "",
                    draw(st.sampled_from(ADMISSION_CODES)),
                    cost,
                )
            )
        if draw(st.booleans()):  # a year of care processes, most or all of them
            when = draw(day)
            for activity in draw(st.sets(st.sampled_from(ACTIVITIES), min_size=6)):
                events.append((p, when, "gp", "GP", activity, "", 12.0))
    columns = {name: schema.names for name, schema in SCHEMAS.items()}
    return {
        "patients": pd.DataFrame(patients, columns=columns["patients"]),
        "registrations": pd.DataFrame(registrations, columns=columns["registrations"]),
        "diagnoses": pd.DataFrame(diagnoses, columns=columns["diagnoses"]),
        "events": pd.DataFrame(events, columns=columns["events"]),
    }


def write(folder: Path, tables: dict[str, pd.DataFrame]) -> None:
    for name, schema in SCHEMAS.items():
        table = pa.Table.from_pandas(tables[name], schema=schema, preserve_index=False)
        pq.write_table(table, folder / f"{name}.parquet")


def figures(table: pd.DataFrame) -> dict:
    return {
        (r.measure, r.organisation, r.period): (r.numerator, r.denominator, r.value)
        for r in table.itertuples()
    }


@pytest.fixture(scope="module")
def duckdb_engine():
    engine = DuckDBEngine(memory_limit="512MB", threads=1)
    yield engine
    engine.close()


@settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(tables=datasets())
def test_the_reference_and_duckdb_agree_on_every_measure(duckdb_engine, tables):
    measures = load_library()
    with tempfile.TemporaryDirectory(prefix="commissioning-generative-") as name:
        folder = Path(name)
        write(folder, tables)
        engine = evaluate(
            duckdb_engine, folder, measures=measures, first=FIRST, last=LAST, disclosure=None
        )
        expected = reference.evaluate(folder, measures=measures, first=FIRST, last=LAST)
    got, want = figures(engine), figures(expected)
    assert got.keys() == want.keys()
    for key, value in want.items():
        assert got[key] == pytest.approx(value, abs=1e-6, rel=1e-9), key

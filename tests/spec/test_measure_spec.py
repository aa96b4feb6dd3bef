"""The measure library on small hand-made tables, on DuckDB and on Spark.

Five patients at two practices over January to March 2020; every expected figure below is
worked out by hand from the records (see the comments), and both engines must reproduce them.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from commissioning.analytics.measures import evaluate, load_library

D = dt.date
FIRST, LAST = D(2020, 1, 1), D(2020, 3, 1)
CARE = [
    "hba1c",
    "blood_pressure",
    "cholesterol",
    "serum_creatinine",
    "urine_albumin",
    "foot_surveillance",
    "bmi",
    "smoking",
]


def write(folder, name, rows, columns):
    pd.DataFrame(rows, columns=columns).to_parquet(folder / f"{name}.parquet", index=False)


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    folder = tmp_path_factory.mktemp("patients")
    write(
        folder,
        "patients",
        [
            ("A", "female", D(1950, 6, 1), 3),  # 69-70, diabetes diagnosed 20 Feb 2020
            ("B", "male", D(1980, 1, 1), 5),  # left practice P1 on 10 Feb 2020
            ("C", "female", D(2003, 2, 1), 7),  # turns 17 in Feb 2020, diabetes since 2015
            ("D", "male", D(1955, 2, 1), 2),  # turns 65 in Feb 2020, dementia, at P2 15 Jan-31 Mar
            ("E", "female", D(1939, 12, 1), 1),  # 80, dementia
        ],
        ["patient_id", "sex", "birth_date", "imd_decile"],
    )
    registrations = pd.DataFrame(
        [
            ("A", "P1", D(2015, 1, 1), None),
            ("B", "P1", D(2019, 12, 1), D(2020, 2, 10)),
            ("C", "P1", D(2010, 1, 1), None),
            ("D", "P2", D(2020, 1, 15), D(2020, 3, 31)),
            ("E", "P2", D(2000, 1, 1), None),
        ],
        columns=["patient_id", "practice", "start_date", "end_date"],
    )
    registrations["end_date"] = pd.to_datetime(registrations["end_date"]).dt.date
    registrations.to_parquet(folder / "registrations.parquet", index=False)
    write(
        folder,
        "diagnoses",
        [
            ("A", "snomed_ct", "44054006", D(2020, 2, 20)),
            ("C", "snomed_ct", "46635009", D(2015, 5, 5)),
            ("D", "snomed_ct", "52448006", D(2019, 11, 1)),
            ("E", "snomed_ct", "26929004", D(2018, 1, 1)),
        ],
        ["patient_id", "code_system", "code", "date"],
    )
    events = [
        ("A", D(2020, 2, 5), "emergency", "NEL", "admission", "I50", 1000.0),  # ACSC
        ("A", D(2020, 2, 6), "elective", "EL", "admission", "I50", 500.0),  # not emergency
        ("B", D(2020, 3, 1), "emergency", "NEL", "admission", "J44", 700.0),  # not registered
        ("E", D(2020, 1, 20), "emergency", "NEL", "admission", "S72", 2000.0),  # not an ACSC
        ("E", D(2020, 3, 15), "emergency", "NEL", "admission", "J45", 1800.0),  # ACSC
    ]
    events += [("A", D(2020, 3, 2), "gp", "GP", p, "", 10.0) for p in CARE]  # all eight
    events += [("C", D(2019, 5, 10), "gp", "GP", p, "", 10.0) for p in CARE[:7]]  # seven
    write(
        folder,
        "events",
        events,
        ["patient_id", "date", "setting", "pod", "activity_type", "diagnosis_code", "cost"],
    )
    return folder


@pytest.fixture(scope="module", params=["duckdb", "spark"])
def results(request, dataset):
    """The whole library evaluated once per engine (Spark is slow to start each query)."""
    if request.param == "duckdb":
        from commissioning.analytics.measures.engines import DuckDBEngine

        engine = DuckDBEngine(memory_limit="1GB")
    else:
        engine = request.getfixturevalue("spark_engine")
    return evaluate(engine, dataset, first=FIRST, last=LAST, disclosure=None)


def table(results, measure):
    out = results[results["measure"] == measure]
    return {
        (r.organisation, r.period.month): (r.numerator, r.denominator, round(r.value, 6))
        for r in out.itertuples()
    }


def test_diabetes_register(results):
    # P1 aged 17+: Jan A,B (C is 16); Feb A,C (B left 10 Feb); Mar A,C.
    # On the register: A from Feb (diagnosed 20 Feb), C from Feb (turns 17).
    assert table(results, "register_diabetes") == {
        ("P1", 1): (0, 2, 0.0),
        ("P1", 2): (2, 2, 100.0),
        ("P1", 3): (2, 2, 100.0),
        ("P2", 1): (0, 2, 0.0),
        ("P2", 2): (0, 2, 0.0),
        ("P2", 3): (0, 2, 0.0),
    }


def test_dementia_register_counts_a_registration_ending_on_the_last_day(results):
    # D's registration ends 31 March, the month's last day: still registered at March's end.
    got = table(results, "register_dementia")
    assert got[("P2", 3)] == (2, 2, 100.0)
    assert got[("P1", 1)] == (0, 3, 0.0) and got[("P1", 2)] == (0, 2, 0.0)


def test_dementia_diagnosis_rate(results):
    # Expected: P1 has A (female 65-69, rate 0.013). P2 has E (female 80-84, 0.115) and, from
    # February, D (male 65-69, 0.013). Recorded aged 65+: E, and D from February.
    got = table(results, "dementia_diagnosis_rate")
    assert got[("P1", 1)] == (0, 0.013, 0.0)
    assert got[("P2", 1)] == (1, 0.115, round(1 / 0.115 * 100, 6))
    assert got[("P2", 2)] == (2, 0.128, round(2 / 0.128 * 100, 6))
    assert got[("P2", 3)] == (2, 0.128, round(2 / 0.128 * 100, 6))


def test_emergency_admissions_for_acsc(results):
    # Counted: A's emergency heart failure admission (P1, Feb) and E's asthma (P2, Mar).
    # Not: A's elective admission, B's admission after leaving, E's hip fracture.
    got = table(results, "emergency_admissions_acsc")
    assert got[("P1", 2)] == (1, 2, 500.0)
    assert got[("P2", 3)] == (1, 2, 500.0)
    assert got[("P1", 1)][0] == 0 and got[("P2", 1)][0] == 0


def test_cost_per_patient(results):
    # P1: Feb 1000 + 500 over 2 patients; Mar eight care processes at 10 over 2.
    # P2: Jan 2000 over 2; Mar 1800 over 2. B's March admission has no practice.
    got = table(results, "cost_per_patient")
    assert got[("P1", 1)] == (0, 3, 0.0)
    assert got[("P1", 2)] == (1500, 2, 750.0)
    assert got[("P1", 3)] == (80, 2, 40.0)
    assert got[("P2", 1)] == (2000, 2, 1000.0)
    assert got[("P2", 3)] == (1800, 2, 900.0)


def test_all_eight_care_processes_reported_at_the_audit_year_end(results):
    # Audit year April 2019 - March 2020: A had all eight, C only seven. P2 has no diabetes.
    assert table(results, "nda_all_eight_care_processes") == {("P1", 3): (1, 2, 50.0)}


def test_disclosure_control_hides_small_counts(dataset):
    from commissioning.analytics.measures.engines import DuckDBEngine

    library = [m for m in load_library() if m.id == "register_diabetes"]
    out = evaluate(DuckDBEngine(), dataset, measures=library, first=FIRST, last=LAST)
    assert out["suppressed"].all()
    # Numerators: the two counts of 2 at P1 are hidden, the zeros stay. Every denominator is
    # 2 or 3 people, so every denominator and value is hidden.
    assert out["numerator"].isna().sum() == 2
    assert (out["numerator"].dropna() == 0).all()
    assert out["denominator"].isna().all() and out["value"].isna().all()

"""Spec: register_stroke_tia, the stroke and TIA register (all ages) over registered people.

Codes: 230690007 cerebrovascular accident and 266257000 transient ischaemic attack (codelist
stroke_tia). Months January to March 2020.
"""

measure = "register_stroke_tia"
title = "Stroke and TIA register as a percentage of registered patients"


def test_strokes_and_tias(spec):
    """A had a stroke in 2019. B has a TIA on 15 February. C had a TIA in 2017 and a stroke on
    10 March: on the register from the earliest, so in every month. D has no diagnosis. E has
    an ICD-10 code I63 in the diagnoses, which is not on the (SNOMED CT) codelist."""
    spec(
        patients="""
            patient_id | sex    | birth_date
            A          | male   | 1945-01
            B          | female | 1950-01
            C          | male   | 1955-01
            D          | female | 1960-01
            E          | male   | 1965-01
        """,
        registrations="""
            patient_id | practice | start_date | end_date
            A          | P1       | 2000-01-01 |
            B          | P1       | 2000-01-01 |
            C          | P1       | 2000-01-01 |
            D          | P1       | 2000-01-01 |
            E          | P1       | 2000-01-01 |
        """,
        diagnoses="""
            patient_id | code_system | code      | date
            A          | snomed_ct   | 230690007 | 2019-01-01
            B          | snomed_ct   | 266257000 | 2020-02-15
            C          | snomed_ct   | 266257000 | 2017-06-01
            C          | snomed_ct   | 230690007 | 2020-03-10
            E          | icd10       | I63       | 2019-01-01
        """,
        expected="""
            practice | month   | numerator | denominator
            P1       | 2020-01 | 2         | 5
            P1       | 2020-02 | 3         | 5
            P1       | 2020-03 | 3         | 5
        """,
    )


def test_records_of_someone_missing_from_the_patients_table(spec):
    """F had a stroke. G is registered and had a stroke, but is not in the patients table: G's
    records are left out, from the list as well as the register."""
    spec(
        patients="""
            patient_id | sex    | birth_date
            F          | female | 1950-01
        """,
        registrations="""
            patient_id | practice | start_date | end_date
            F          | P1       | 2000-01-01 |
            G          | P1       | 2000-01-01 |
        """,
        diagnoses="""
            patient_id | code_system | code      | date
            F          | snomed_ct   | 230690007 | 2019-01-01
            G          | snomed_ct   | 230690007 | 2019-01-01
        """,
        expected="""
            practice | month   | numerator | denominator
            P1       | 2020-01 | 1         | 1
            P1       | 2020-02 | 1         | 1
            P1       | 2020-03 | 1         | 1
        """,
    )


def test_a_registration_ending_before_it_starts_covers_no_day(spec):
    """H's registration at P2 was keyed as starting on 10 February 2020 and ending on 1
    February 2019: it covers no day, so P2 has no figures. I, at P1, had a TIA."""
    spec(
        patients="""
            patient_id | sex    | birth_date
            H          | male   | 1950-01
            I          | female | 1950-01
        """,
        registrations="""
            patient_id | practice | start_date | end_date
            H          | P2       | 2020-02-10 | 2019-02-01
            I          | P1       | 2000-01-01 |
        """,
        diagnoses="""
            patient_id | code_system | code      | date
            H          | snomed_ct   | 230690007 | 2019-01-01
            I          | snomed_ct   | 266257000 | 2019-01-01
        """,
        expected="""
            practice | month   | numerator | denominator
            P1       | 2020-01 | 1         | 1
            P1       | 2020-02 | 1         | 1
            P1       | 2020-03 | 1         | 1
        """,
    )

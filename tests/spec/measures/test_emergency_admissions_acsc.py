"""Spec: emergency_admissions_acsc, emergency admissions for chronic ambulatory care sensitive
conditions per 1,000 registered people.

Admissions are events with point of delivery NEL whose primary diagnosis (3-character ICD-10)
is on the codelist acsc_chronic (I50 heart failure, J44 COPD, J45 asthma, G40 epilepsy, I48
atrial fibrillation, I10 hypertension, ...); each belongs to the practice of the admission day.
Months January to March 2020.
"""

measure = "emergency_admissions_acsc"
title = "Emergency admissions for chronic ACSCs per 1,000 registered patients"


def test_emergency_admissions_for_listed_conditions(spec):
    """Counted: A's emergency heart failure admission (P1, February) and E's asthma admission
    (P2, March). Not counted: A's elective admission for heart failure; B's COPD admission on 1
    March, after he left on 10 February; E's hip fracture (S72 is not on the list)."""
    spec(
        patients="""
            patient_id | sex    | birth_date
            A          | female | 1950-06
            B          | male   | 1980-01
            C          | female | 1990-01
            D          | male   | 1960-01
            E          | female | 1939-12
        """,
        registrations="""
            patient_id | practice | start_date | end_date
            A          | P1       | 2015-01-01 |
            B          | P1       | 2019-12-01 | 2020-02-10
            C          | P1       | 2010-01-01 |
            D          | P2       | 2000-01-01 |
            E          | P2       | 2000-01-01 |
        """,
        events="""
            patient_id | date       | setting   | pod | diagnosis_code
            A          | 2020-02-05 | emergency | NEL | I50
            A          | 2020-02-06 | elective  | EL  | I50
            B          | 2020-03-01 | emergency | NEL | J44
            E          | 2020-01-20 | emergency | NEL | S72
            E          | 2020-03-15 | emergency | NEL | J45
        """,
        expected="""
            practice | month   | numerator | denominator
            P1       | 2020-01 | 0         | 3
            P1       | 2020-02 | 1         | 2
            P1       | 2020-03 | 0         | 2
            P2       | 2020-01 | 0         | 2
            P2       | 2020-02 | 0         | 2
            P2       | 2020-03 | 1         | 2
        """,
    )


def test_moving_practice_on_the_day_of_an_admission(spec):
    """K moves from P1 to P2 on 10 February, recorded with that day at both ends. Her asthma
    admission on 9 February belongs to P1; her hypertension admission on 10 February to P2 only
    (the registration that started last), counted once. M stays at P1."""
    spec(
        patients="""
            patient_id | sex    | birth_date
            K          | female | 1950-01
            M          | male   | 1950-01
        """,
        registrations="""
            patient_id | practice | start_date | end_date
            K          | P1       | 2000-01-01 | 2020-02-10
            K          | P2       | 2020-02-10 |
            M          | P1       | 2000-01-01 |
        """,
        events="""
            patient_id | date       | pod | diagnosis_code
            K          | 2020-02-09 | NEL | J45
            K          | 2020-02-10 | NEL | I10
        """,
        expected="""
            practice | month   | numerator | denominator
            P1       | 2020-01 | 0         | 2
            P1       | 2020-02 | 1         | 1
            P1       | 2020-03 | 0         | 1
            P2       | 2020-02 | 1         | 1
            P2       | 2020-03 | 0         | 1
        """,
    )


def test_an_admission_on_the_day_of_death_and_on_a_month_boundary(spec):
    """N is admitted with atrial fibrillation on 20 January and dies that day (his registration
    ends on 20 January): the admission counts at P1 in January, though N is not on January's
    list. O is admitted with epilepsy on 31 January and again on 1 February: one admission in
    each month."""
    spec(
        patients="""
            patient_id | sex    | birth_date
            N          | male   | 1935-01
            O          | female | 1985-01
        """,
        registrations="""
            patient_id | practice | start_date | end_date
            N          | P1       | 2000-01-01 | 2020-01-20
            O          | P1       | 2000-01-01 |
        """,
        events="""
            patient_id | date       | pod | diagnosis_code
            N          | 2020-01-20 | NEL | I48
            O          | 2020-01-31 | NEL | G40
            O          | 2020-02-01 | NEL | G40
        """,
        expected="""
            practice | month   | numerator | denominator
            P1       | 2020-01 | 2         | 1
            P1       | 2020-02 | 1         | 1
            P1       | 2020-03 | 0         | 1
        """,
    )


def test_two_admissions_on_one_day_are_two_and_other_settings_are_none(spec):
    """P has two emergency heart failure admissions on 3 March (two records): two admissions.
    Her A&E attendance for heart failure (point of delivery AE) is not an admission."""
    spec(
        patients="""
            patient_id | sex    | birth_date
            P          | female | 1940-01
        """,
        registrations="""
            patient_id | practice | start_date | end_date
            P          | P1       | 2000-01-01 |
        """,
        events="""
            patient_id | date       | pod | diagnosis_code
            P          | 2020-03-03 | NEL | I50
            P          | 2020-03-03 | NEL | I50
            P          | 2020-02-03 | AE  | I50
        """,
        expected="""
            practice | month   | numerator | denominator
            P1       | 2020-01 | 0         | 1
            P1       | 2020-02 | 0         | 1
            P1       | 2020-03 | 2         | 1
        """,
    )


def test_admissions_of_someone_missing_from_the_patients_table(spec):
    """Q has an asthma admission in February. R is registered at P1 and has one too, but is
    not in the patients table: R is on no list, and R's admission is not counted either."""
    spec(
        patients="""
            patient_id | sex    | birth_date
            Q          | female | 1990-01
        """,
        registrations="""
            patient_id | practice | start_date | end_date
            Q          | P1       | 2000-01-01 |
            R          | P1       | 2000-01-01 |
        """,
        events="""
            patient_id | date       | pod | diagnosis_code
            Q          | 2020-02-14 | NEL | J45
            R          | 2020-02-14 | NEL | J45
        """,
        expected="""
            practice | month   | numerator | denominator
            P1       | 2020-01 | 0         | 1
            P1       | 2020-02 | 1         | 1
            P1       | 2020-03 | 0         | 1
        """,
    )

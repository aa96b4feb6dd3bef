"""Spec: register_dementia, the dementia register (all ages) over registered people.

Codes: 52448006 dementia and 26929004 Alzheimer's disease (codelist dementia). Months January
to March 2020.
"""

measure = "register_dementia"
title = "Dementia register as a percentage of registered patients"


def test_people_of_any_age_diagnosed_by_the_month_end(spec):
    """A has had dementia since 2018. B, aged 40, is diagnosed with Alzheimer's disease on 31
    March, the month's last day: on the register at March's end. C, a child, is on the list.
    D has a diabetes code only, which is not on the dementia codelist."""
    spec(
        patients="""
            patient_id | sex    | birth_date
            A          | female | 1940-01
            B          | male   | 1980-01
            C          | female | 2015-01
            D          | male   | 1950-01
        """,
        registrations="""
            patient_id | practice | start_date | end_date
            A          | P1       | 2010-01-01 |
            B          | P1       | 2010-01-01 |
            C          | P1       | 2015-02-01 |
            D          | P1       | 2010-01-01 |
        """,
        diagnoses="""
            patient_id | code_system | code     | date
            A          | snomed_ct   | 52448006 | 2018-01-01
            B          | snomed_ct   | 26929004 | 2020-03-31
            D          | snomed_ct   | 44054006 | 2018-01-01
        """,
        expected="""
            practice | month   | numerator | denominator
            P1       | 2020-01 | 1         | 4
            P1       | 2020-02 | 1         | 4
            P1       | 2020-03 | 2         | 4
        """,
    )


def test_a_diagnosis_recorded_before_joining_the_practice_counts(spec):
    """E was diagnosed in 2015 while at P2; her registration there ends on 31 January (still
    P2's at January's end) and she joins P1 on 1 February, on P1's register from then. F has
    two dementia codes, the earliest in June 2019: on the register in every month. G is on P1's
    list."""
    spec(
        patients="""
            patient_id | sex    | birth_date
            E          | female | 1935-05
            F          | male   | 1938-08
            G          | female | 1990-01
        """,
        registrations="""
            patient_id | practice | start_date | end_date
            E          | P2       | 2000-01-01 | 2020-01-31
            E          | P1       | 2020-02-01 |
            F          | P1       | 2005-01-01 |
            G          | P1       | 2010-01-01 |
        """,
        diagnoses="""
            patient_id | code_system | code     | date
            E          | snomed_ct   | 52448006 | 2015-03-01
            F          | snomed_ct   | 26929004 | 2020-03-05
            F          | snomed_ct   | 52448006 | 2019-06-01
        """,
        expected="""
            practice | month   | numerator | denominator
            P1       | 2020-01 | 1         | 2
            P1       | 2020-02 | 2         | 3
            P1       | 2020-03 | 2         | 3
            P2       | 2020-01 | 1         | 1
        """,
    )


def test_a_registration_within_one_month_never_counts(spec):
    """H, with dementia, is registered from 3 to 25 February (a temporary resident): never
    registered at a month end. I, with dementia, joins on 15 February. J is on the list."""
    spec(
        patients="""
            patient_id | sex    | birth_date
            H          | female | 1930-01
            I          | male   | 1932-01
            J          | female | 1960-01
        """,
        registrations="""
            patient_id | practice | start_date | end_date
            H          | P1       | 2020-02-03 | 2020-02-25
            I          | P1       | 2020-02-15 |
            J          | P1       | 2010-01-01 |
        """,
        diagnoses="""
            patient_id | code_system | code     | date
            H          | snomed_ct   | 52448006 | 2016-01-01
            I          | snomed_ct   | 52448006 | 2016-01-01
        """,
        expected="""
            practice | month   | numerator | denominator
            P1       | 2020-01 | 0         | 1
            P1       | 2020-02 | 1         | 2
            P1       | 2020-03 | 1         | 2
        """,
    )


def test_a_registration_left_open_at_the_old_practice(spec):
    """K, with dementia, joins P2 on 10 February but her registration at P1 was never closed:
    from then she belongs to P2 (the registration that started last), not to both. L stays at
    P1."""
    spec(
        patients="""
            patient_id | sex    | birth_date
            K          | female | 1936-04
            L          | male   | 1970-04
        """,
        registrations="""
            patient_id | practice | start_date | end_date
            K          | P1       | 2010-01-01 |
            K          | P2       | 2020-02-10 |
            L          | P1       | 2010-01-01 |
        """,
        diagnoses="""
            patient_id | code_system | code     | date
            K          | snomed_ct   | 52448006 | 2017-01-01
        """,
        expected="""
            practice | month   | numerator | denominator
            P1       | 2020-01 | 1         | 2
            P1       | 2020-02 | 0         | 1
            P1       | 2020-03 | 0         | 1
            P2       | 2020-02 | 1         | 1
            P2       | 2020-03 | 1         | 1
        """,
    )

"""Spec: dementia_diagnosis_rate, the dementia register aged 65+ over the number expected.

The expected number adds, for each registered person aged 65 or over, the reference rate of
their sex and age band (reference_rates.csv): men 65-69 0.013, 70-74 0.026, 75-79 0.05, ...,
90+ 0.27; women 65-69 0.013, 70-74 0.028, 75-79 0.058, 80-84 0.115, 85-89 0.2, 90+ 0.33. Ages
are whole years at the month end from the birth year and month. Months January to March 2020.
"""

measure = "dementia_diagnosis_rate"
title = "Dementia diagnosis rate (aged 65+): recorded over expected"


def test_recorded_over_expected(spec):
    """P1: A, a woman of 69 without dementia, is expected to have it with chance 0.013. P2: E, a
    woman of 80, has Alzheimer's disease (0.115). D, a man with dementia, joins P2 on 15 January
    aged 64 and turns 65 in February (born February 1955): recorded and expected (0.013) from
    February. His registration ends on 31 March, which still counts at March's end."""
    spec(
        patients="""
            patient_id | sex    | birth_date
            A          | female | 1950-06
            D          | male   | 1955-02
            E          | female | 1939-12
        """,
        registrations="""
            patient_id | practice | start_date | end_date
            A          | P1       | 2015-01-01 |
            D          | P2       | 2020-01-15 | 2020-03-31
            E          | P2       | 2000-01-01 |
        """,
        diagnoses="""
            patient_id | code_system | code     | date
            D          | snomed_ct   | 52448006 | 2019-11-01
            E          | snomed_ct   | 26929004 | 2018-01-01
        """,
        expected="""
            practice | month   | numerator | denominator
            P1       | 2020-01 | 0         | 0.013
            P1       | 2020-02 | 0         | 0.013
            P1       | 2020-03 | 0         | 0.013
            P2       | 2020-01 | 1         | 0.115
            P2       | 2020-02 | 2         | 0.128
            P2       | 2020-03 | 2         | 0.128
        """,
    )


def test_age_bands_change_in_the_birthday_month(spec):
    """F, a man born February 1950, is 69 in January (0.013) and 70 from February (0.026). G, a
    woman of 95 with dementia, is in the open band 90+ (0.33). H, a man of 64 with dementia, is
    neither recorded nor expected."""
    spec(
        patients="""
            patient_id | sex    | birth_date
            F          | male   | 1950-02
            G          | female | 1925-01
            H          | male   | 1955-06
        """,
        registrations="""
            patient_id | practice | start_date | end_date
            F          | P1       | 2000-01-01 |
            G          | P1       | 2000-01-01 |
            H          | P1       | 2000-01-01 |
        """,
        diagnoses="""
            patient_id | code_system | code     | date
            G          | snomed_ct   | 52448006 | 2015-01-01
            H          | snomed_ct   | 52448006 | 2015-01-01
        """,
        expected="""
            practice | month   | numerator | denominator
            P1       | 2020-01 | 1         | 0.343
            P1       | 2020-02 | 1         | 0.356
            P1       | 2020-03 | 1         | 0.356
        """,
    )


def test_no_birth_date_is_no_known_age(spec):
    """I, a woman with dementia, has no birth date: with no known age she is neither recorded
    nor expected (she belongs to no age band). J, a man born March 1945 with dementia, is 74
    (0.026) until he turns 75 in March (0.05)."""
    spec(
        patients="""
            patient_id | sex    | birth_date
            I          | female |
            J          | male   | 1945-03
        """,
        registrations="""
            patient_id | practice | start_date | end_date
            I          | P1       | 2000-01-01 |
            J          | P1       | 2000-01-01 |
        """,
        diagnoses="""
            patient_id | code_system | code     | date
            I          | snomed_ct   | 52448006 | 2015-01-01
            J          | snomed_ct   | 52448006 | 2015-01-01
        """,
        expected="""
            practice | month   | numerator | denominator
            P1       | 2020-01 | 1         | 0.026
            P1       | 2020-02 | 1         | 0.026
            P1       | 2020-03 | 1         | 0.05
        """,
    )


def test_a_move_on_the_last_day_of_a_month(spec):
    """K, a woman of 82 with dementia, moves from P1 to P2 on 29 February, recorded with that
    day at both ends: at February's end she belongs to P2 only, recorded and expected (0.115)
    there. L, a man of 67, stays at P1 (0.013)."""
    spec(
        patients="""
            patient_id | sex    | birth_date
            K          | female | 1937-06
            L          | male   | 1952-06
        """,
        registrations="""
            patient_id | practice | start_date | end_date
            K          | P1       | 2000-01-01 | 2020-02-29
            K          | P2       | 2020-02-29 |
            L          | P1       | 2000-01-01 |
        """,
        diagnoses="""
            patient_id | code_system | code     | date
            K          | snomed_ct   | 52448006 | 2015-01-01
        """,
        expected="""
            practice | month   | numerator | denominator
            P1       | 2020-01 | 1         | 0.128
            P1       | 2020-02 | 0         | 0.013
            P1       | 2020-03 | 0         | 0.013
            P2       | 2020-02 | 1         | 0.115
            P2       | 2020-03 | 1         | 0.115
        """,
    )

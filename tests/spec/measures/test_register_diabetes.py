"""Spec: register_diabetes, the diabetes register aged 17+ over registered people aged 17+.

Codes: 44054006 type 2 and 46635009 type 1 diabetes (codelist diabetes). Months January to
March 2020 (February has 29 days).
"""

measure = "register_diabetes"
title = "Diabetes register (aged 17+) as a percentage of registered patients aged 17+"


def test_adults_diagnosed_by_the_month_end(spec):
    """A is diagnosed on 20 February: on the register from February. B leaves on 10 February.
    C, diabetic since 2015, turns 17 in February (born February 2003): counted from then, in
    both the register and the list."""
    spec(
        patients="""
            patient_id | sex    | birth_date
            A          | female | 1950-06
            B          | male   | 1980-01
            C          | female | 2003-02
        """,
        registrations="""
            patient_id | practice | start_date | end_date
            A          | P1       | 2015-01-01 |
            B          | P1       | 2019-12-01 | 2020-02-10
            C          | P1       | 2010-01-01 |
        """,
        diagnoses="""
            patient_id | code_system | code     | date
            A          | snomed_ct   | 44054006 | 2020-02-20
            C          | snomed_ct   | 46635009 | 2015-05-05
        """,
        expected="""
            practice | month   | numerator | denominator
            P1       | 2020-01 | 0         | 2
            P1       | 2020-02 | 2         | 2
            P1       | 2020-03 | 2         | 2
        """,
    )


def test_a_diagnosis_on_the_last_day_of_a_month_counts_in_that_month(spec):
    """D is diagnosed on 29 February (a leap year's last day of February): on the register at
    February's end. E is diagnosed on 1 March: from March. F registers on 31 January, the
    month's last day: on January's list."""
    spec(
        patients="""
            patient_id | sex    | birth_date
            D          | male   | 1960-01
            E          | female | 1960-01
            F          | male   | 1960-01
        """,
        registrations="""
            patient_id | practice | start_date | end_date
            D          | P1       | 2000-01-01 |
            E          | P1       | 2000-01-01 |
            F          | P1       | 2020-01-31 |
        """,
        diagnoses="""
            patient_id | code_system | code     | date
            D          | snomed_ct   | 44054006 | 2020-02-29
            E          | snomed_ct   | 44054006 | 2020-03-01
        """,
        expected="""
            practice | month   | numerator | denominator
            P1       | 2020-01 | 0         | 3
            P1       | 2020-02 | 1         | 3
            P1       | 2020-03 | 2         | 3
        """,
    )


def test_a_gap_in_registration(spec):
    """G, diabetic since 2018, leaves P1 on 15 January and comes back on 1 March: not on the
    register (nor the list) at the ends of January and February. H stays throughout."""
    spec(
        patients="""
            patient_id | sex    | birth_date
            G          | female | 1970-05
            H          | male   | 1970-05
        """,
        registrations="""
            patient_id | practice | start_date | end_date
            G          | P1       | 2010-01-01 | 2020-01-15
            G          | P1       | 2020-03-01 |
            H          | P1       | 2010-01-01 |
        """,
        diagnoses="""
            patient_id | code_system | code     | date
            G          | snomed_ct   | 44054006 | 2018-03-03
        """,
        expected="""
            practice | month   | numerator | denominator
            P1       | 2020-01 | 0         | 1
            P1       | 2020-02 | 0         | 1
            P1       | 2020-03 | 1         | 2
        """,
    )


def test_deaths(spec):
    """Both diabetic. I dies on 14 February, and her registration ends that day: counted in
    January only. J dies on 31 March: a registration ending on the month's last day still
    covers it, so he is counted at March's end."""
    spec(
        patients="""
            patient_id | sex    | birth_date
            I          | female | 1940-03
            J          | male   | 1945-07
        """,
        registrations="""
            patient_id | practice | start_date | end_date
            I          | P1       | 2000-01-01 | 2020-02-14
            J          | P1       | 2000-01-01 | 2020-03-31
        """,
        diagnoses="""
            patient_id | code_system | code     | date
            I          | snomed_ct   | 44054006 | 2010-01-01
            J          | snomed_ct   | 44054006 | 2012-01-01
        """,
        expected="""
            practice | month   | numerator | denominator
            P1       | 2020-01 | 2         | 2
            P1       | 2020-02 | 1         | 1
            P1       | 2020-03 | 1         | 1
        """,
    )


def test_moving_practice(spec):
    """K and L, both diabetic, move from P1 to P2; each move is recorded with the same day at
    both ends. K moves on 10 February. L moves on 29 February, so both registrations cover
    February's last day: L belongs to P2 then (the registration that started last), and is
    counted once, not at both practices. M stays at P1. P2 has no one at January's end, so
    no January figure."""
    spec(
        patients="""
            patient_id | sex    | birth_date
            K          | female | 1960-01
            L          | male   | 1960-01
            M          | female | 1960-01
        """,
        registrations="""
            patient_id | practice | start_date | end_date
            K          | P1       | 2000-01-01 | 2020-02-10
            K          | P2       | 2020-02-10 |
            L          | P1       | 2000-01-01 | 2020-02-29
            L          | P2       | 2020-02-29 |
            M          | P1       | 2000-01-01 |
        """,
        diagnoses="""
            patient_id | code_system | code     | date
            K          | snomed_ct   | 44054006 | 2015-01-01
            L          | snomed_ct   | 46635009 | 2015-01-01
        """,
        expected="""
            practice | month   | numerator | denominator
            P1       | 2020-01 | 2         | 3
            P1       | 2020-02 | 0         | 1
            P1       | 2020-03 | 0         | 1
            P2       | 2020-02 | 2         | 2
            P2       | 2020-03 | 2         | 2
        """,
    )


def test_a_registration_recorded_twice_counts_once(spec):
    """N's registration at P1 is in the extract twice, the same both times; O has two
    overlapping registrations at P1 (from 2010 and from 2015, both open). Each is one person
    on the list, and N one person on the register."""
    spec(
        patients="""
            patient_id | sex    | birth_date
            N          | female | 1955-09
            O          | male   | 1955-09
        """,
        registrations="""
            patient_id | practice | start_date | end_date
            N          | P1       | 2010-01-01 |
            N          | P1       | 2010-01-01 |
            O          | P1       | 2010-01-01 |
            O          | P1       | 2015-06-01 |
        """,
        diagnoses="""
            patient_id | code_system | code     | date
            N          | snomed_ct   | 44054006 | 2016-01-01
        """,
        expected="""
            practice | month   | numerator | denominator
            P1       | 2020-01 | 1         | 2
            P1       | 2020-02 | 1         | 2
            P1       | 2020-03 | 1         | 2
        """,
    )


def test_missing_dates(spec):
    """P has no birth date: with no known age, P is not counted where the age limit of 17
    applies. Q's diabetes diagnosis has no date: Q is on the list, not the register. R's
    registration has no start date: it covers no day. S is an ordinary adult."""
    spec(
        patients="""
            patient_id | sex    | birth_date
            P          | female |
            Q          | male   | 1970-01
            R          | female | 1970-01
            S          | male   | 1970-01
        """,
        registrations="""
            patient_id | practice | start_date | end_date
            P          | P1       | 2010-01-01 |
            Q          | P1       | 2010-01-01 |
            R          | P1       |            |
            S          | P1       | 2010-01-01 |
        """,
        diagnoses="""
            patient_id | code_system | code     | date
            P          | snomed_ct   | 44054006 | 2015-01-01
            Q          | snomed_ct   | 44054006 |
            R          | snomed_ct   | 44054006 | 2015-01-01
        """,
        expected="""
            practice | month   | numerator | denominator
            P1       | 2020-01 | 0         | 2
            P1       | 2020-02 | 0         | 2
            P1       | 2020-03 | 0         | 2
        """,
    )


def test_no_figure_where_no_one_is_counted_and_one_person_is_a_figure(spec):
    """P3's only adult, V, leaves on 20 January; W is 10: P3 has no one aged 17+ at any month
    end, so no figures at all (not zeros). P4 has one person, X, diabetic: 1 of 1, 100% (the
    measure gives it; disclosure control hides small counts when figures leave the system).
    Y, diabetic and registered, is not in the patients table, so is not counted."""
    spec(
        patients="""
            patient_id | sex    | birth_date
            V          | female | 1980-01
            W          | male   | 2010-01
            X          | female | 1980-01
        """,
        registrations="""
            patient_id | practice | start_date | end_date
            V          | P3       | 2010-01-01 | 2020-01-20
            W          | P3       | 2010-01-01 |
            X          | P4       | 2010-01-01 |
            Y          | P4       | 2010-01-01 |
        """,
        diagnoses="""
            patient_id | code_system | code     | date
            V          | snomed_ct   | 44054006 | 2015-01-01
            X          | snomed_ct   | 44054006 | 2015-01-01
            Y          | snomed_ct   | 44054006 | 2015-01-01
        """,
        expected="""
            practice | month   | numerator | denominator
            P4       | 2020-01 | 1         | 1
            P4       | 2020-02 | 1         | 1
            P4       | 2020-03 | 1         | 1
        """,
    )

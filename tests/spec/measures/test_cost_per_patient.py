"""Spec: cost_per_patient, the cost (GBP) of recorded activity per registered person.

Each event's cost belongs to the practice the person was registered with on its date; the
denominator is the list at the month end. Months January to March 2020.
"""

measure = "cost_per_patient"
title = "Cost of recorded activity per registered patient (GBP)"


def test_costs_at_the_practice_of_the_day(spec):
    """P1: A's admissions in February (1,000 and 500) and a GP visit in March (80); B's
    outpatient visit in January (50) while registered, but not his admission on 1 March after
    leaving on 10 February. P2: E's admissions in January (2,000) and March (1,800)."""
    spec(
        patients="""
            patient_id | sex    | birth_date
            A          | female | 1950-06
            B          | male   | 1980-01
            E          | female | 1939-12
        """,
        registrations="""
            patient_id | practice | start_date | end_date
            A          | P1       | 2015-01-01 |
            B          | P1       | 2019-12-01 | 2020-02-10
            E          | P2       | 2000-01-01 |
        """,
        events="""
            patient_id | date       | setting    | pod  | cost
            A          | 2020-02-05 | emergency  | NEL  | 1000
            A          | 2020-02-06 | elective   | EL   | 500
            A          | 2020-03-02 | gp         | GP   | 80
            B          | 2020-01-10 | outpatient | OPFA | 50
            B          | 2020-03-01 | emergency  | NEL  | 700
            E          | 2020-01-20 | emergency  | NEL  | 2000
            E          | 2020-03-15 | emergency  | NEL  | 1800
        """,
        expected="""
            practice | month   | numerator | denominator
            P1       | 2020-01 | 50        | 2
            P1       | 2020-02 | 1500      | 1
            P1       | 2020-03 | 80        | 1
            P2       | 2020-01 | 2000      | 1
            P2       | 2020-02 | 0         | 1
            P2       | 2020-03 | 1800      | 1
        """,
    )


def test_costs_of_a_person_moving_practice(spec):
    """K moves from P1 to P2 on 10 February, recorded with that day at both ends. Her costs on
    9 February (100) are P1's; on 10 February (200) and 29 February (300) P2's, each counted
    once. M stays at P1."""
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
            patient_id | date       | setting | cost
            K          | 2020-02-09 | gp      | 100
            K          | 2020-02-10 | gp      | 200
            K          | 2020-02-29 | gp      | 300
        """,
        expected="""
            practice | month   | numerator | denominator
            P1       | 2020-01 | 0         | 2
            P1       | 2020-02 | 100       | 1
            P1       | 2020-03 | 0         | 1
            P2       | 2020-02 | 500       | 1
            P2       | 2020-03 | 0         | 1
        """,
    )


def test_a_list_that_empties_and_an_event_with_no_cost(spec):
    """P5's only patient, S, leaves on 20 February after a visit costing 400 on 15 February: P5
    has no one at February's end, so no February figure (the 400 is not shown anywhere). At P6,
    T has an event with no cost (adds nothing) and one of 25.50 in January."""
    spec(
        patients="""
            patient_id | sex    | birth_date
            S          | female | 1970-01
            T          | male   | 1970-01
        """,
        registrations="""
            patient_id | practice | start_date | end_date
            S          | P5       | 2019-01-01 | 2020-02-20
            T          | P6       | 2019-01-01 |
        """,
        events="""
            patient_id | date       | setting    | cost
            S          | 2020-02-15 | outpatient | 400
            T          | 2020-01-05 | community  |
            T          | 2020-01-06 | community  | 25.5
        """,
        expected="""
            practice | month   | numerator | denominator
            P5       | 2020-01 | 0         | 1
            P6       | 2020-01 | 25.5      | 1
            P6       | 2020-02 | 0         | 1
            P6       | 2020-03 | 0         | 1
        """,
    )

"""Spec: nda_all_eight_care_processes, people with diabetes (aged 17+) who had all eight NDA
care processes recorded in the audit year (1 April to 31 March), reported in March.

The eight processes are activity types: hba1c, blood_pressure, cholesterol, serum_creatinine,
urine_albumin, foot_surveillance, bmi, smoking. Months January to March 2020 (one audit year,
2019/20), unless a test says otherwise.
"""

measure = "nda_all_eight_care_processes"
title = "People with diabetes who received all eight NDA care processes"

EIGHT = [
    "hba1c",
    "blood_pressure",
    "cholesterol",
    "serum_creatinine",
    "urine_albumin",
    "foot_surveillance",
    "bmi",
    "smoking",
]
SEVEN = EIGHT[:-1]  # all but smoking
EVENTS = "patient_id | date | setting | pod | activity_type\n"


def care(patient: str, date: str, processes: list[str]) -> str:
    """Rows of the events table: each process recorded for ``patient`` on ``date``."""
    return "".join(f"{patient} | {date} | gp | GP | {p}\n" for p in processes)


DIABETIC = "snomed_ct | 44054006 | 2010-01-01\n"


def test_all_eight_in_the_audit_year(spec):
    """A, diagnosed on 20 February 2020, had all eight on 2 March: counted. C, diabetic since
    2015, turns 17 in February 2020 and had only seven, in May 2019: on the register, not
    counted. B had all eight but has no diabetes: in neither."""
    spec(
        patients="""
            patient_id | sex    | birth_date
            A          | female | 1950-06
            B          | male   | 1960-01
            C          | female | 2003-02
        """,
        registrations="""
            patient_id | practice | start_date | end_date
            A          | P1       | 2015-01-01 |
            B          | P1       | 2015-01-01 |
            C          | P1       | 2010-01-01 |
        """,
        diagnoses="""
            patient_id | code_system | code     | date
            A          | snomed_ct   | 44054006 | 2020-02-20
            C          | snomed_ct   | 46635009 | 2015-05-05
        """,
        events=EVENTS
        + care("A", "2020-03-02", EIGHT)
        + care("B", "2019-09-01", EIGHT)
        + care("C", "2019-05-10", SEVEN),
        expected="""
            practice | month   | numerator | denominator
            P1       | 2020-03 | 1         | 2
        """,
    )


def test_the_audit_year_runs_from_1_april_to_31_march(spec):
    """Each had seven processes in June 2019 and smoking status on another day. D's was on 31
    March 2019, in the previous year: not counted. E's on 1 April 2019 and F's on 31 March
    2020: counted. G had HbA1c recorded twice and no smoking status: seven, not counted."""
    spec(
        patients="""
            patient_id | sex    | birth_date
            D          | male   | 1960-01
            E          | female | 1960-01
            F          | male   | 1960-01
            G          | female | 1960-01
        """,
        registrations="""
            patient_id | practice | start_date | end_date
            D          | P1       | 2000-01-01 |
            E          | P1       | 2000-01-01 |
            F          | P1       | 2000-01-01 |
            G          | P1       | 2000-01-01 |
        """,
        diagnoses="patient_id | code_system | code | date\n"
        + "".join(f"{p} | {DIABETIC}" for p in "DEFG"),
        events=EVENTS
        + "".join(care(p, "2019-06-01", SEVEN) for p in "DEFG")
        + care("D", "2019-03-31", ["smoking"])
        + care("E", "2019-04-01", ["smoking"])
        + care("F", "2020-03-31", ["smoking"])
        + care("G", "2019-07-01", ["hba1c"]),
        expected="""
            practice | month   | numerator | denominator
            P1       | 2020-03 | 2         | 4
        """,
    )


def test_processes_recorded_at_another_practice_count(spec):
    """H had all eight in September 2019 at P2, then moved to P1 on 15 January 2020: counted at
    P1, her practice at the year's end. I had all eight too but left P1 on 20 February: not
    registered at the end of March, so in neither."""
    spec(
        patients="""
            patient_id | sex    | birth_date
            H          | female | 1970-01
            I          | male   | 1970-01
        """,
        registrations="""
            patient_id | practice | start_date | end_date
            H          | P2       | 2000-01-01 | 2020-01-14
            H          | P1       | 2020-01-15 |
            I          | P1       | 2000-01-01 | 2020-02-20
        """,
        diagnoses="patient_id | code_system | code | date\n"
        + "".join(f"{p} | {DIABETIC}" for p in "HI"),
        events=EVENTS + care("H", "2019-09-01", EIGHT) + care("I", "2019-09-01", EIGHT),
        expected="""
            practice | month   | numerator | denominator
            P1       | 2020-03 | 1         | 1
        """,
    )


def test_two_audit_years_give_a_figure_each_march(spec):
    """Over January 2019 to March 2020: J had all eight in October 2018 (year 2018/19) and only
    seven in 2019/20. Only the two Marches have figures."""
    spec(
        months=("2019-01", "2020-03"),
        patients="""
            patient_id | sex    | birth_date
            J          | male   | 1950-01
        """,
        registrations="""
            patient_id | practice | start_date | end_date
            J          | P1       | 2000-01-01 |
        """,
        diagnoses="patient_id | code_system | code | date\n" + f"J | {DIABETIC}",
        events=EVENTS + care("J", "2018-10-01", EIGHT) + care("J", "2019-10-01", SEVEN),
        expected="""
            practice | month   | numerator | denominator
            P1       | 2019-03 | 1         | 1
            P1       | 2020-03 | 0         | 1
        """,
    )


def test_missing_dates(spec):
    """K, with all eight, has no birth date: no known age, so not counted where the age limit
    of 17 applies. L's smoking status has no date: seven in the year, not counted. M's
    diabetes diagnosis has no date: not on the register."""
    spec(
        patients="""
            patient_id | sex    | birth_date
            K          | female |
            L          | male   | 1960-01
            M          | female | 1960-01
        """,
        registrations="""
            patient_id | practice | start_date | end_date
            K          | P1       | 2000-01-01 |
            L          | P1       | 2000-01-01 |
            M          | P1       | 2000-01-01 |
        """,
        diagnoses="""
            patient_id | code_system | code     | date
            K          | snomed_ct   | 44054006 | 2010-01-01
            L          | snomed_ct   | 44054006 | 2010-01-01
            M          | snomed_ct   | 44054006 |
        """,
        events=EVENTS
        + care("K", "2019-06-01", EIGHT)
        + care("L", "2019-06-01", SEVEN)
        + "L | | gp | GP | smoking\n"
        + care("M", "2019-06-01", EIGHT),
        expected="""
            practice | month   | numerator | denominator
            P1       | 2020-03 | 0         | 1
        """,
    )

"""Codes the synthetic generator writes. They match the shipped codelists."""

# SNOMED CT concepts recorded in primary care (diagnoses table).
DIABETES = ["44054006", "46635009"]  # type 2, type 1 diabetes mellitus
DEMENTIA = ["52448006", "26929004"]  # dementia, Alzheimer's disease
STROKE = ["230690007", "266257000"]  # stroke, transient ischaemic attack

# ICD-10 primary diagnoses of emergency admissions (events table): chronic ambulatory care
# sensitive conditions (NHS Outcomes Framework 2.3.i), and some that are not.
ACSC = ["E11", "F03", "I50", "I20", "I10", "I48", "J44", "J45", "G40", "D50", "B18"]
OTHER_ADMISSION = ["S72", "K35", "R07", "N39", "J18", "A09"]

# National Diabetes Audit care processes, recorded as GP activity codes (events table).
CARE_PROCESSES = [
    "hba1c",
    "blood_pressure",
    "cholesterol",
    "serum_creatinine",
    "urine_albumin",
    "foot_surveillance",
    "bmi",
    "smoking",
]

# Settings, points of delivery and illustrative unit costs (GBP) of events.
SETTINGS = {
    # setting: (point of delivery, activity type, cost)
    "gp": ("GP", "consultation", 30.0),
    "outpatient": ("OPFA", "first_attendance", 160.0),
    "ae": ("AE", "attendance", 150.0),
    "elective": ("EL", "admission", 1250.0),
    "emergency": ("NEL", "admission", 1850.0),
    "community": ("COM", "contact", 60.0),
}

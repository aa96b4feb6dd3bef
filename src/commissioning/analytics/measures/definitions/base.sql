-- Base views shared by every measure (the rules in measures.toml). Dates become month indexes
-- (year * 12 + month - 1) so that the same SQL runs on DuckDB and on Spark without
-- dialect-specific date arithmetic.
CREATE OR REPLACE TEMPORARY VIEW patients_m AS
SELECT patient_id, sex, imd_decile,
       YEAR(birth_date) * 12 + MONTH(birth_date) - 1 AS birth_idx
FROM patients;

-- Registrations that cover a day: of people in the patients table, with a start date, not
-- ending before they start; a registration recorded twice is one registration.
CREATE OR REPLACE TEMPORARY VIEW registrations_valid AS
SELECT DISTINCT r.patient_id, r.practice, r.start_date, r.end_date
FROM registrations r
WHERE r.patient_id IN (SELECT patient_id FROM patients)
  AND r.start_date IS NOT NULL
  AND (r.end_date IS NULL OR r.end_date >= r.start_date);

-- The practice each person belongs to, day by day, as pieces [from_date, until_date) (an empty
-- until_date is open). A registration covers the days from its start to its end, both
-- included. Each start and each day after an end cuts a person's time into pieces over which
-- the covering registrations do not change; in each piece the person belongs to the one that
-- started last, then the one ending later (an open one latest), then the practice code that
-- sorts last. So a person is at one practice on any day, however registrations overlap.
CREATE OR REPLACE TEMPORARY VIEW practice_days AS
WITH cuts AS (
  SELECT patient_id, start_date AS day FROM registrations_valid
  UNION
  SELECT patient_id, end_date + 1 AS day FROM registrations_valid WHERE end_date IS NOT NULL
),
pieces AS (
  SELECT patient_id, day AS from_date,
         LEAD(day) OVER (PARTITION BY patient_id ORDER BY day) AS until_date
  FROM cuts
),
ranked AS (
  SELECT p.patient_id, r.practice, p.from_date, p.until_date,
         ROW_NUMBER() OVER (
           PARTITION BY p.patient_id, p.from_date
           ORDER BY r.start_date DESC, r.end_date DESC NULLS FIRST, r.practice DESC
         ) AS choice
  FROM pieces p
  JOIN registrations_valid r
    ON r.patient_id = p.patient_id
   AND r.start_date <= p.from_date
   AND (r.end_date IS NULL OR r.end_date >= p.from_date)
)
SELECT patient_id, practice, from_date, until_date FROM ranked WHERE choice = 1;

-- The same pieces in months: a piece covers month M's last day when it starts in or before M
-- and its until_date falls in a later month, so start_idx <= M < exit_idx.
CREATE OR REPLACE TEMPORARY VIEW registrations_m AS
SELECT patient_id, practice,
       YEAR(from_date) * 12 + MONTH(from_date) - 1 AS start_idx,
       CASE WHEN until_date IS NULL THEN NULL
            ELSE YEAR(until_date) * 12 + MONTH(until_date) - 1
       END AS exit_idx
FROM practice_days;

-- Each person's earliest dated diagnosis in each codelist.
CREATE OR REPLACE TEMPORARY VIEW first_diagnoses AS
SELECT c.codelist, d.patient_id,
       MIN(YEAR(d.date) * 12 + MONTH(d.date) - 1) AS first_idx
FROM diagnoses d
JOIN codelists c ON c.code_system = d.code_system AND c.code = d.code
WHERE d.date IS NOT NULL
GROUP BY c.codelist, d.patient_id;

-- Each event is attributed to the practice the patient was registered with on its date.
-- The hint (a comment to DuckDB) keeps Spark from broadcasting the events: it cannot size the
-- practice pieces worked out above, so it took the events for the smaller side of this join,
-- which would run a national job's driver out of memory. Both sides are joined by sorting.
CREATE OR REPLACE TEMPORARY VIEW events_m AS
SELECT /*+ MERGE(e, r) */ r.practice, e.patient_id, e.setting, e.pod, e.activity_type, e.diagnosis_code, e.cost,
       YEAR(e.date) * 12 + MONTH(e.date) - 1 AS event_idx
FROM events e
JOIN practice_days r
  ON r.patient_id = e.patient_id
 AND r.from_date <= e.date
 AND (r.until_date IS NULL OR e.date < r.until_date);

-- Base views shared by every measure. Dates become month indexes (year * 12 + month - 1) so
-- that the same SQL runs on DuckDB and on Spark without dialect-specific date arithmetic.
-- A registration covers month M when it started on or before M's last day and had not ended
-- before M's last day: start_idx <= M < exit_idx.
CREATE OR REPLACE TEMPORARY VIEW patients_m AS
SELECT patient_id, sex, imd_decile,
       YEAR(birth_date) * 12 + MONTH(birth_date) - 1 AS birth_idx
FROM patients;

CREATE OR REPLACE TEMPORARY VIEW registrations_m AS
SELECT patient_id, practice,
       YEAR(start_date) * 12 + MONTH(start_date) - 1 AS start_idx,
       CASE WHEN end_date IS NULL THEN NULL
            ELSE YEAR(end_date) * 12 + MONTH(end_date) - 1
                 + CASE WHEN end_date = LAST_DAY(end_date) THEN 1 ELSE 0 END
       END AS exit_idx
FROM registrations;

CREATE OR REPLACE TEMPORARY VIEW first_diagnoses AS
SELECT c.codelist, d.patient_id,
       MIN(YEAR(d.date) * 12 + MONTH(d.date) - 1) AS first_idx
FROM diagnoses d
JOIN codelists c ON c.code_system = d.code_system AND c.code = d.code
GROUP BY c.codelist, d.patient_id;

-- Each event is attributed to the practice the patient was registered with on its date.
CREATE OR REPLACE TEMPORARY VIEW events_m AS
SELECT r.practice, e.patient_id, e.setting, e.pod, e.activity_type, e.diagnosis_code, e.cost,
       YEAR(e.date) * 12 + MONTH(e.date) - 1 AS event_idx
FROM events e
JOIN registrations r
  ON r.patient_id = e.patient_id
 AND r.start_date <= e.date
 AND (r.end_date IS NULL OR r.end_date >= e.date);

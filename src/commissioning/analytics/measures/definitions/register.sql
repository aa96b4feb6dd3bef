-- Patients aged {min_age} or over on the {codelist} register at each month end: registered,
-- and first diagnosed with a code in the codelist on or before the month end. With an age
-- limit, people with no birth date (no known age) are left out.
SELECT r.practice AS organisation,
       GREATEST(r.start_idx, p.birth_idx + {min_age} * 12, f.first_idx) AS s_idx,
       r.exit_idx AS x_idx,
       1 AS weight
FROM registrations_m r
JOIN patients_m p ON p.patient_id = r.patient_id
JOIN first_diagnoses f ON f.patient_id = r.patient_id AND f.codelist = '{codelist}'
WHERE {min_age} = 0 OR p.birth_idx IS NOT NULL

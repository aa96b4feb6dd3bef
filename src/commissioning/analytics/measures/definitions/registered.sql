-- Registered patients aged {min_age} or over at each month end (coverage intervals); with an
-- age limit, people with no birth date (no known age) are left out.
SELECT r.practice AS organisation,
       GREATEST(r.start_idx, p.birth_idx + {min_age} * 12) AS s_idx,
       r.exit_idx AS x_idx,
       1 AS weight
FROM registrations_m r
JOIN patients_m p ON p.patient_id = r.patient_id
WHERE {min_age} = 0 OR p.birth_idx IS NOT NULL

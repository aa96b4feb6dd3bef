-- Expected number of people aged 65+ with dementia at each month end: each registered patient
-- contributes the reference prevalence for their sex and age band while in that band (people
-- with no birth date have no known age and contribute nothing).
SELECT r.practice AS organisation,
       GREATEST(r.start_idx, p.birth_idx + rr.age_from * 12) AS s_idx,
       CASE WHEN rr.age_to IS NULL THEN r.exit_idx
            ELSE LEAST(COALESCE(r.exit_idx, p.birth_idx + rr.age_to * 12),
                       p.birth_idx + rr.age_to * 12)
       END AS x_idx,
       rr.rate AS weight
FROM registrations_m r
JOIN patients_m p ON p.patient_id = r.patient_id
JOIN reference_rates rr ON rr.rates = 'dementia' AND rr.sex = p.sex
WHERE p.birth_idx IS NOT NULL
  AND (r.exit_idx IS NULL OR r.exit_idx > p.birth_idx + rr.age_from * 12)

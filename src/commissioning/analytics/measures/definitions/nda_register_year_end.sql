-- People aged 17 or over on the diabetes register at the end of each audit year (March).
SELECT o.organisation, o.period_idx, COUNT(*) AS weight
FROM (
  SELECT r.practice AS organisation, y.period_idx
  FROM registrations_m r
  JOIN patients_m p ON p.patient_id = r.patient_id AND p.birth_idx IS NOT NULL
  JOIN first_diagnoses f ON f.patient_id = r.patient_id AND f.codelist = 'diabetes'
  JOIN months y
    ON MOD(y.period_idx, 12) = 2
   AND GREATEST(r.start_idx, p.birth_idx + 17 * 12, f.first_idx) <= y.period_idx
   AND (r.exit_idx IS NULL OR r.exit_idx > y.period_idx)
) o
GROUP BY o.organisation, o.period_idx

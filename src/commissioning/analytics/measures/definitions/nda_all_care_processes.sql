-- People on the diabetes register at the end of an audit year (April to March) who had all
-- eight NDA care processes recorded in that year. Reported in the year's last month (March).
WITH year_end AS (
  SELECT period_idx FROM months WHERE MOD(period_idx, 12) = 2
),
on_register AS (
  SELECT r.practice, r.patient_id, y.period_idx
  FROM registrations_m r
  JOIN patients_m p ON p.patient_id = r.patient_id AND p.birth_idx IS NOT NULL
  JOIN first_diagnoses f ON f.patient_id = r.patient_id AND f.codelist = 'diabetes'
  JOIN year_end y
    ON GREATEST(r.start_idx, p.birth_idx + 17 * 12, f.first_idx) <= y.period_idx
   AND (r.exit_idx IS NULL OR r.exit_idx > y.period_idx)
),
processes AS (
  SELECT e.patient_id, y.period_idx, COUNT(DISTINCT c.code) AS n
  FROM events e
  JOIN codelists c ON c.codelist = 'nda_care_processes' AND c.code = e.activity_type
  JOIN year_end y
    ON YEAR(e.date) * 12 + MONTH(e.date) - 1 BETWEEN y.period_idx - 11 AND y.period_idx
  GROUP BY e.patient_id, y.period_idx
)
SELECT o.practice AS organisation, o.period_idx, COUNT(*) AS weight
FROM on_register o
JOIN processes p ON p.patient_id = o.patient_id AND p.period_idx = o.period_idx
WHERE p.n = 8
GROUP BY o.practice, o.period_idx

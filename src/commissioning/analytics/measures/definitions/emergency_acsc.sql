-- Emergency admissions whose primary diagnosis is a chronic ambulatory care sensitive
-- condition, by the practice the patient was registered with on the day (events).
SELECT e.practice AS organisation, e.event_idx AS period_idx, COUNT(*) AS weight
FROM events_m e
JOIN codelists c ON c.codelist = 'acsc_chronic' AND c.code = e.diagnosis_code
WHERE e.pod = 'NEL'
GROUP BY e.practice, e.event_idx

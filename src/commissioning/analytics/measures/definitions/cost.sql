-- Cost of all recorded activity (GBP), by the practice the patient was registered with.
SELECT e.practice AS organisation, e.event_idx AS period_idx, SUM(e.cost) AS weight
FROM events_m e
GROUP BY e.practice, e.event_idx

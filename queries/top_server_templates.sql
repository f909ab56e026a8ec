-- The most frequent server message templates per level, with the target logging them.
-- Variable parts (numbers, ids, quoted values) are masked.
SELECT e.level, e.target, t.text AS template, count(*) AS events
FROM server_events e JOIN runs r ON r.run_id = e.run_id
LEFT JOIN templates t ON t.template_id = e.template_id
WHERE (:run IS NULL OR r.name = :run)
GROUP BY e.level, e.target, e.template_id
ORDER BY CASE e.level WHEN 'ERROR' THEN 0 WHEN 'WARN' THEN 1 WHEN 'INFO' THEN 2
                      WHEN 'DEBUG' THEN 3 ELSE 4 END, events DESC
LIMIT 50;

-- Client failures per operation and HTTP status (error class when there is none).
-- pct is the share of the run's failures.
SELECT c.op,
       coalesce(CAST(c.status AS TEXT), c.error_class) AS status,
       count(*) AS failures,
       round(100.0 * count(*) / (SELECT count(*) FROM client_events x
                                 JOIN runs rx ON rx.run_id = x.run_id
                                 WHERE x.op IS NOT NULL AND (:run IS NULL OR rx.name = :run)), 2) AS pct
FROM client_events c JOIN runs r ON r.run_id = c.run_id
WHERE c.op IS NOT NULL AND (:run IS NULL OR r.name = :run)
GROUP BY c.op, c.status, c.error_class
ORDER BY failures DESC, c.op, status;

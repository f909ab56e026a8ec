-- Client failures per operation and Engram error code, with one example message.
-- The code is error.code of Engram's JSON error body.
SELECT c.op,
       coalesce(c.error_code, '(' || c.error_class || ')') AS error_code,
       count(*) AS failures,
       min(coalesce(c.error_message, c.body)) AS example
FROM client_events c JOIN runs r ON r.run_id = c.run_id
WHERE c.op IS NOT NULL AND (:run IS NULL OR r.name = :run)
GROUP BY c.op, c.error_code, c.error_class
ORDER BY c.op, failures DESC;

-- Server events per second and level, beside client failures in the same second.
-- Each side on its own clock; `loadlens correlate` estimates the skew between them.
WITH s AS (
  SELECT e.ts_us / 1000000 AS sec, e.level FROM server_events e
  JOIN runs r ON r.run_id = e.run_id WHERE (:run IS NULL OR r.name = :run) AND e.ts_us IS NOT NULL
), c AS (
  SELECT c.ts_us / 1000000 AS sec FROM client_events c
  JOIN runs r ON r.run_id = c.run_id WHERE c.op IS NOT NULL AND (:run IS NULL OR r.name = :run)
), secs AS (SELECT sec FROM s UNION SELECT sec FROM c)
SELECT strftime('%Y-%m-%dT%H:%M:%SZ', secs.sec, 'unixepoch') AS second,
       (SELECT count(*) FROM s WHERE s.sec = secs.sec AND s.level = 'ERROR') AS server_errors,
       (SELECT count(*) FROM s WHERE s.sec = secs.sec AND s.level = 'WARN') AS server_warnings,
       (SELECT count(*) FROM s WHERE s.sec = secs.sec) AS server_events,
       (SELECT count(*) FROM c WHERE c.sec = secs.sec) AS client_failures
FROM secs ORDER BY secs.sec;

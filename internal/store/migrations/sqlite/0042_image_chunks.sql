-- Nothing: `serve` on SQLite keeps image bytes as files in its data dir
-- (one process, one machine); PostgreSQL's 0042 keeps them in the
-- database for the replicas of a deployment. The number stays in step.
SELECT 1;

-- PostgreSQL spreads a user's quota usage over several rows here, so that
-- the creates of one project stop waiting for each other's row lock.
-- SQLite has one writer at a time: nothing waits on a row, nothing to
-- change.
SELECT 1;

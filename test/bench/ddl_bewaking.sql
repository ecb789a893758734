-- What the DDL guard costs other users' DDL (issue 10): a role without any
-- privilege on the log runs 2,000 cheap DDL commands (COMMENT ON TABLE of a
-- table of its own) per round, twelve rounds with the two event triggers
-- disabled and twelve enabled, alternating; prints the median per command
-- and the difference in microseconds.  Not a test: run it on a throwaway
-- cluster with
--
--   ./test/run.sh shell < test/bench/ddl_bewaking.sql
CREATE EXTENSION IF NOT EXISTS verwerkingenlog;
CREATE ROLE buur LOGIN;
GRANT CREATE ON SCHEMA public TO buur;
CREATE TABLE tijden (ronde int, aan boolean, ms float8);
GRANT INSERT ON tijden TO buur;
CREATE FUNCTION meet(aan boolean, ronde int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz := clock_timestamp();
BEGIN
  EXECUTE 'CREATE TABLE IF NOT EXISTS public.t (a int)';
  FOR i IN 1..2000 LOOP
    EXECUTE 'COMMENT ON TABLE public.t IS ''x''';
  END LOOP;
  INSERT INTO tijden VALUES (ronde, aan, extract(epoch FROM clock_timestamp() - t0) * 1000 / 2000);
END $$;
GRANT EXECUTE ON FUNCTION meet(boolean, int) TO buur;
\o /dev/null
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_end DISABLE;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_start DISABLE;
SET ROLE buur; SELECT meet(false, 1); RESET ROLE;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_end ENABLE ALWAYS;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_start ENABLE ALWAYS;
SET ROLE buur; SELECT meet(true, 1); RESET ROLE;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_end DISABLE;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_start DISABLE;
SET ROLE buur; SELECT meet(false, 2); RESET ROLE;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_end ENABLE ALWAYS;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_start ENABLE ALWAYS;
SET ROLE buur; SELECT meet(true, 2); RESET ROLE;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_end DISABLE;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_start DISABLE;
SET ROLE buur; SELECT meet(false, 3); RESET ROLE;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_end ENABLE ALWAYS;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_start ENABLE ALWAYS;
SET ROLE buur; SELECT meet(true, 3); RESET ROLE;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_end DISABLE;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_start DISABLE;
SET ROLE buur; SELECT meet(false, 4); RESET ROLE;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_end ENABLE ALWAYS;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_start ENABLE ALWAYS;
SET ROLE buur; SELECT meet(true, 4); RESET ROLE;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_end DISABLE;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_start DISABLE;
SET ROLE buur; SELECT meet(false, 5); RESET ROLE;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_end ENABLE ALWAYS;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_start ENABLE ALWAYS;
SET ROLE buur; SELECT meet(true, 5); RESET ROLE;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_end DISABLE;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_start DISABLE;
SET ROLE buur; SELECT meet(false, 6); RESET ROLE;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_end ENABLE ALWAYS;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_start ENABLE ALWAYS;
SET ROLE buur; SELECT meet(true, 6); RESET ROLE;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_end DISABLE;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_start DISABLE;
SET ROLE buur; SELECT meet(false, 7); RESET ROLE;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_end ENABLE ALWAYS;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_start ENABLE ALWAYS;
SET ROLE buur; SELECT meet(true, 7); RESET ROLE;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_end DISABLE;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_start DISABLE;
SET ROLE buur; SELECT meet(false, 8); RESET ROLE;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_end ENABLE ALWAYS;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_start ENABLE ALWAYS;
SET ROLE buur; SELECT meet(true, 8); RESET ROLE;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_end DISABLE;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_start DISABLE;
SET ROLE buur; SELECT meet(false, 9); RESET ROLE;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_end ENABLE ALWAYS;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_start ENABLE ALWAYS;
SET ROLE buur; SELECT meet(true, 9); RESET ROLE;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_end DISABLE;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_start DISABLE;
SET ROLE buur; SELECT meet(false, 10); RESET ROLE;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_end ENABLE ALWAYS;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_start ENABLE ALWAYS;
SET ROLE buur; SELECT meet(true, 10); RESET ROLE;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_end DISABLE;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_start DISABLE;
SET ROLE buur; SELECT meet(false, 11); RESET ROLE;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_end ENABLE ALWAYS;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_start ENABLE ALWAYS;
SET ROLE buur; SELECT meet(true, 11); RESET ROLE;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_end DISABLE;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_start DISABLE;
SET ROLE buur; SELECT meet(false, 12); RESET ROLE;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_end ENABLE ALWAYS;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_start ENABLE ALWAYS;
SET ROLE buur; SELECT meet(true, 12); RESET ROLE;
\o
SELECT aan, round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 4) AS mediaan_ms_per_ddl, count(*) FROM tijden GROUP BY aan;
SELECT round((percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FILTER (WHERE aan) - percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FILTER (WHERE NOT aan))::numeric * 1000, 1) AS extra_us_per_ddl FROM tijden;

-- Every inzage leaves a committed record before its rows reach the caller
-- (C3677), whatever the caller's transaction does afterwards (issue 10).
SET client_min_messages = warning;
CREATE ROLE regress_vwl_portaal;
GRANT verwerkingenlog_read_normal TO regress_vwl_portaal;
SELECT verwerkingenlog.log_verwerkingsactie('{"actieNaam": "Inzage test", "vertrouwelijkheid": "normaal",
  "tijdstip": "2024-04-05T14:35:42Z",
  "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "121121121"}]}')
  #>> '{verwerkteObjecten,0,verwerktObjectId}' AS object_id \gset

-- The committed records about BSN 121121121 (read as the owner).
CREATE FUNCTION pg_temp.records() RETURNS bigint LANGUAGE sql AS $$
    SELECT count(*) FROM verwerkingenlog.verwerkingsactie_versie v
     WHERE v.systeem LIKE 'verwerkingenlog %'
       AND EXISTS (SELECT FROM verwerkingenlog.verwerkt_object o
                    WHERE o.actie_id = v.actie_id
                      AND o.object_pseudoniem = verwerkingenlog._pseudoniem('BSN', '121121121'))
$$;
SELECT pg_temp.records() AS records_voor;

SET ROLE regress_vwl_portaal;
-- 1. BEGIN ... ROLLBACK.
BEGIN;
SELECT r->'verwerkingsactie'->>'actieNaam' AS gelezen
  FROM verwerkingenlog.verwerkte_objecten('persoon', 'BSN', '121121121', '2024-01-01', '2025-01-01') r;
ROLLBACK;
RESET ROLE;
SELECT pg_temp.records() AS na_rollback;
SET ROLE regress_vwl_portaal;
-- 2. SAVEPOINT ... ROLLBACK TO, then COMMIT.
BEGIN;
SAVEPOINT s;
SELECT verwerkingenlog.verwerkt_object(:'object_id')->>'objectId' AS gelezen;
ROLLBACK TO SAVEPOINT s;
COMMIT;
RESET ROLE;
SELECT pg_temp.records() AS na_rollback_to;
SET ROLE regress_vwl_portaal;
-- 3. A cursor: one row fetched, then ROLLBACK.
BEGIN;
DECLARE c CURSOR FOR
  SELECT r->>'objectId' AS gelezen FROM verwerkingenlog.verwerkte_objecten('persoon', 'BSN', '121121121', '2024-01-01', '2025-01-01') r;
FETCH 1 FROM c;
ROLLBACK;
RESET ROLE;
SELECT pg_temp.records() AS na_cursor;
SET ROLE regress_vwl_portaal;
-- 4. The REST functions in a rolled-back transaction.
BEGIN;
SELECT set_config('request.headers', '{"verwerkingenlog-query": "objecttype=persoon&soortObjectId=BSN&objectId=121121121&beginDatum=2024-01-01&eindDatum=2025-01-01"}', true) IS NULL AS _;
SELECT jsonb_array_length(verwerkingenlog_api.verwerkte_objecten_list()->'results') AS rest_gelezen;
SELECT set_config('request.headers', jsonb_build_object('verwerkingenlog-id', :'object_id')::text, true) IS NULL AS _;
SELECT verwerkingenlog_api.verwerktobject_read()->>'objectId' AS rest_gelezen;
ROLLBACK;
RESET ROLE;
SELECT pg_temp.records() AS na_rest;
SET ROLE regress_vwl_portaal;
-- 5. Rows passed out through RAISE NOTICE, then an error.
SET client_min_messages = notice;
DO $$
DECLARE r jsonb;
BEGIN
    FOR r IN SELECT * FROM verwerkingenlog.verwerkte_objecten('persoon', 'BSN', '121121121', '2024-01-01', '2025-01-01') LOOP
        RAISE NOTICE 'doorgegeven: %', r->>'objectId';
    END LOOP;
    RAISE EXCEPTION 'en dan een fout';
END $$;
SET client_min_messages = warning;
RESET ROLE;
SELECT pg_temp.records() AS na_notice;
-- 6. PREPARE TRANSACTION, then ROLLBACK PREPARED.
SET ROLE regress_vwl_portaal;
BEGIN;
SELECT verwerkingenlog.verwerkt_object(:'object_id')->>'objectId' AS gelezen;
PREPARE TRANSACTION 'regress_vwl_inzage';
RESET ROLE;
ROLLBACK PREPARED 'regress_vwl_inzage';
SELECT pg_temp.records() AS na_rollback_prepared;

-- The records are written by one background worker of this session, the
-- record writer, which stays for the next inzage.  When it is stopped while
-- idle, the next inzage starts a new one; nothing is lost or doubled.
SELECT count(*) AS record_writers FROM pg_stat_activity
 WHERE application_name = 'verwerkingenlog record writer for PID ' || pg_backend_pid();
SELECT pg_terminate_backend(pid, 5000) AS gestopt FROM pg_stat_activity
 WHERE application_name = 'verwerkingenlog record writer for PID ' || pg_backend_pid();
SET ROLE regress_vwl_portaal;
SELECT verwerkingenlog.verwerkt_object(:'object_id')->>'objectId' AS na_herstart;
RESET ROLE;
SELECT pg_temp.records() AS na_herstart;
SELECT count(*) AS record_writers FROM pg_stat_activity
 WHERE application_name = 'verwerkingenlog record writer for PID ' || pg_backend_pid();

-- A record that cannot be stored: the worker's error reaches the caller
-- (so an inzage whose record fails returns nothing).
BEGIN;
\set VERBOSITY terse
SELECT verwerkingenlog._record('verwerkingenlog._write_inzage(jsonb)'::regprocedure, '{"vertrouwelijkheid": "normaal"}') IS NOT NULL AS zonder_objecten;
\set VERBOSITY default
ROLLBACK;
-- The door takes only the extension's record writers, and only the owner.
SELECT verwerkingenlog._record('pg_catalog.jsonb_typeof(jsonb)'::regprocedure, '{}');
SET ROLE regress_vwl_portaal;
SELECT verwerkingenlog._record('verwerkingenlog._write_inzage(jsonb)'::regprocedure, '{}');
RESET ROLE;
SELECT pg_temp.records() AS aan_het_eind;
DROP ROLE regress_vwl_portaal;

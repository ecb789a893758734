-- The append-only guard: UPDATE, DELETE and TRUNCATE are refused for
-- everyone, the owner and superusers included.
\set VERBOSITY default

CREATE TABLE regress_vwl_log (id int PRIMARY KEY, tekst text);
CREATE TRIGGER onveranderlijk BEFORE UPDATE OR DELETE ON regress_vwl_log
  FOR EACH ROW EXECUTE FUNCTION verwerkingenlog.weiger_wijziging();
CREATE TRIGGER onveranderlijk_truncate BEFORE TRUNCATE ON regress_vwl_log
  FOR EACH STATEMENT EXECUTE FUNCTION verwerkingenlog.weiger_wijziging();
ALTER TABLE regress_vwl_log ENABLE ALWAYS TRIGGER onveranderlijk;
ALTER TABLE regress_vwl_log ENABLE ALWAYS TRIGGER onveranderlijk_truncate;

-- Adding rows is what the log does.
INSERT INTO regress_vwl_log VALUES (1, 'een'), (2, 'twee');

-- As superuser (and owner).
SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user;
UPDATE regress_vwl_log SET tekst = 'anders' WHERE id = 1;
DELETE FROM regress_vwl_log WHERE id = 2;
TRUNCATE regress_vwl_log;
-- ON CONFLICT DO UPDATE is an update too.
INSERT INTO regress_vwl_log VALUES (1, 'nieuw') ON CONFLICT (id) DO UPDATE SET tekst = 'nieuw';
-- A statement that touches no row changes nothing and passes.
UPDATE regress_vwl_log SET tekst = 'x' WHERE id = 99;
DELETE FROM regress_vwl_log WHERE false;
-- session_replication_role = replica does not switch ALWAYS triggers off.
SET session_replication_role = replica;
UPDATE regress_vwl_log SET tekst = 'anders' WHERE id = 1;
DELETE FROM regress_vwl_log;
TRUNCATE regress_vwl_log;
RESET session_replication_role;

-- As a non-superuser owner with every privilege.
CREATE ROLE regress_vwl_eigenaar;
ALTER TABLE regress_vwl_log OWNER TO regress_vwl_eigenaar;
SET ROLE regress_vwl_eigenaar;
UPDATE regress_vwl_log SET tekst = 'anders' WHERE id = 1;
DELETE FROM regress_vwl_log WHERE id = 2;
TRUNCATE regress_vwl_log;
-- Through a writable CTE too.
WITH weg AS (DELETE FROM regress_vwl_log RETURNING *) SELECT count(*) FROM weg;
RESET ROLE;

-- The SQLSTATE is 42501 (insufficient_privilege).
CREATE FUNCTION pg_temp.sqlstate(q text) RETURNS text
  LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE q;
  RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE || ' ' || SQLERRM;
END $$;
SELECT q, pg_temp.sqlstate(q)
  FROM (VALUES ('UPDATE regress_vwl_log SET tekst = tekst'),
               ('DELETE FROM regress_vwl_log'),
               ('TRUNCATE regress_vwl_log')) AS t(q);

-- Nothing changed.
SELECT * FROM regress_vwl_log ORDER BY id;

-- A table in a schema: the message names it qualified.
CREATE SCHEMA "regress vwl";
CREATE TABLE "regress vwl"."Log" (id int);
CREATE TRIGGER onveranderlijk BEFORE UPDATE OR DELETE ON "regress vwl"."Log"
  FOR EACH ROW EXECUTE FUNCTION verwerkingenlog.weiger_wijziging();
INSERT INTO "regress vwl"."Log" VALUES (1);
DELETE FROM "regress vwl"."Log";
DROP SCHEMA "regress vwl" CASCADE;

-- Misuse of the trigger function is a protocol violation (39P01).
CREATE TABLE regress_vwl_verkeerd (id int);
INSERT INTO regress_vwl_verkeerd VALUES (1);
-- AFTER instead of BEFORE.
CREATE TRIGGER na AFTER UPDATE ON regress_vwl_verkeerd
  FOR EACH ROW EXECUTE FUNCTION verwerkingenlog.weiger_wijziging();
SELECT pg_temp.sqlstate('UPDATE regress_vwl_verkeerd SET id = 2');
UPDATE regress_vwl_verkeerd SET id = 2;
DROP TRIGGER na ON regress_vwl_verkeerd;
-- INSERT is not an event it guards.
CREATE TRIGGER bij_insert BEFORE INSERT ON regress_vwl_verkeerd
  FOR EACH ROW EXECUTE FUNCTION verwerkingenlog.weiger_wijziging();
INSERT INTO regress_vwl_verkeerd VALUES (3);
DROP TRIGGER bij_insert ON regress_vwl_verkeerd;
-- FOR EACH STATEMENT for UPDATE or DELETE.
CREATE TRIGGER per_statement BEFORE DELETE ON regress_vwl_verkeerd
  FOR EACH STATEMENT EXECUTE FUNCTION verwerkingenlog.weiger_wijziging();
DELETE FROM regress_vwl_verkeerd;
DROP TRIGGER per_statement ON regress_vwl_verkeerd;
-- AFTER TRUNCATE.
CREATE TRIGGER na_truncate AFTER TRUNCATE ON regress_vwl_verkeerd
  FOR EACH STATEMENT EXECUTE FUNCTION verwerkingenlog.weiger_wijziging();
TRUNCATE regress_vwl_verkeerd;
DROP TRIGGER na_truncate ON regress_vwl_verkeerd;
-- Called as a plain function.
SELECT verwerkingenlog.weiger_wijziging();
DROP TABLE regress_vwl_verkeerd;

-- Only the owner (superuser) may attach it: not granted to PUBLIC.
SELECT pg_catalog.has_function_privilege('regress_vwl_eigenaar',
         'verwerkingenlog.weiger_wijziging()', 'EXECUTE') AS execute_zonder_grant;

-- Dropping the table is DDL, not a change of rows; the trigger does not
-- guard against it (clients never own the log's tables).
DROP TABLE regress_vwl_log;
DROP ROLE regress_vwl_eigenaar;

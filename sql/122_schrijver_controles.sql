-- The direct writer owes what INSERT does (issue 10): a read-only
-- transaction and parallel mode are refused by the writer itself (25006),
-- a value it cannot store in any column and a NOT NULL column it cannot
-- fill are errors, and every domain column is checked for every row.
SET client_min_messages = warning;
CREATE FUNCTION pg_temp.doc(naam text DEFAULT 'Controle') RETURNS jsonb LANGUAGE sql AS $$
  SELECT jsonb_build_object('actieNaam', naam, 'vertrouwelijkheid', 'normaal', 'tijdstip', '2024-04-05T14:35:42Z',
    'systeem', naam, 'verwerkteObjecten', jsonb_build_array(jsonb_build_object(
      'objecttype', 'persoon', 'soortObjectId', 'BSN', 'objectId', '122122122', 'betrokkenheid', 'Aanvrager')))
$$;

-- Read-only: the writer says so itself (not nextval() by accident).
BEGIN READ ONLY;
SELECT verwerkingenlog.log_verwerkingsactie(pg_temp.doc());
ROLLBACK;
BEGIN READ ONLY;
SELECT count(*) FROM verwerkingenlog.log_verwerkingsacties(jsonb_build_array(pg_temp.doc()));
ROLLBACK;

-- Parallel mode: a function wrongly labelled PARALLEL SAFE, run in a
-- parallel worker.
CREATE FUNCTION public.regress_vwl_parallel_log() RETURNS jsonb
    LANGUAGE sql PARALLEL SAFE
    AS $$ SELECT verwerkingenlog.log_verwerkingsactie('{"vertrouwelijkheid": "normaal", "tijdstip": "2024-04-05T14:35:42Z",
      "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "122122122"}]}') $$;
BEGIN;
SET LOCAL force_parallel_mode = on;
SET LOCAL parallel_setup_cost = 0;
\set VERBOSITY terse
SELECT public.regress_vwl_parallel_log();
\set VERBOSITY default
ROLLBACK;
DROP FUNCTION public.regress_vwl_parallel_log();

-- A value the writer produces that no column takes: an error, not dropped.
BEGIN;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_end DISABLE;
ALTER TABLE verwerkingenlog.verwerkt_object RENAME COLUMN betrokkenheid TO rol;
SELECT verwerkingenlog.log_verwerkingsactie(pg_temp.doc());
ROLLBACK;
-- A NOT NULL column without default that the writer cannot fill.
BEGIN;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_end DISABLE;
ALTER TABLE verwerkingenlog.verwerkingsactie_versie ADD COLUMN verplicht text NOT NULL DEFAULT 'x';
ALTER TABLE verwerkingenlog.verwerkingsactie_versie ALTER COLUMN verplicht DROP DEFAULT;
SELECT verwerkingenlog.log_verwerkingsactie(pg_temp.doc());
ROLLBACK;
-- A domain column is checked for every row, as INSERT checks it: here a
-- constraint added to the domain oin (in the single call and the batch).
BEGIN;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_end DISABLE;
ALTER DOMAIN verwerkingenlog.oin ADD CONSTRAINT regress_geen_nullen CHECK (VALUE <> '00000000000000000000') NOT VALID;
SELECT verwerkingenlog.log_verwerkingsactie(pg_temp.doc() || '{"uitvoerder": "00000000000000000001"}')->>'uitvoerder' AS opgeslagen;
SAVEPOINT s;
SELECT verwerkingenlog.log_verwerkingsactie(pg_temp.doc() || '{"uitvoerder": "00000000000000000000"}');
ROLLBACK TO SAVEPOINT s;
SELECT count(*) FROM verwerkingenlog.log_verwerkingsacties(jsonb_build_array(pg_temp.doc(),
  pg_temp.doc() || '{"uitvoerder": "00000000000000000000"}'));
ROLLBACK;
-- And after all this the writer writes as before.
SELECT verwerkingenlog.log_verwerkingsactie(pg_temp.doc())->>'actieNaam' AS na_afloop;

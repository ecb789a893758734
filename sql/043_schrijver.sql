-- The writer (_write_versions, src/writer.c) inserts without an INSERT
-- statement: what an INSERT would guarantee must still hold.
SET TimeZone = 'Europe/Amsterdam';
SET verwerkingenlog.base_url = 'https://log.example/api/v1';
CREATE FUNCTION pg_temp.doc(objectid text DEFAULT '1') RETURNS jsonb LANGUAGE sql AS $$
  SELECT verwerkingenlog._verwerkingsactie_input(jsonb_build_object(
    'actieNaam', 'Schrijver', 'vertrouwelijkheid', 'normaal', 'tijdstip', '2024-04-05T14:35:42+01:00',
    'uitvoerder', '00000001821002193000', 'verwerkteObjecten',
    jsonb_build_array(jsonb_build_object('objecttype', 'persoon', 'soortObjectId', 'BSN', 'objectId', objectid))), false)
$$;
CREATE FUNCTION pg_temp.schrijf(actie uuid, volgnummer integer, d jsonb) RETURNS jsonb LANGUAGE sql AS $$
  SELECT verwerkingenlog._write_versions(ARRAY[actie], ARRAY[volgnummer], ARRAY[d], '{normaal}', '{NULL}')
$$;
SELECT verwerkingenlog.uuidv7() AS actie \gset

-- tijdstipRegistratie is the stored registration time as to_jsonb prints it
-- in the session's TimeZone, also one that is not a whole hour.
SET TimeZone = 'America/St_Johns';
SELECT pg_temp.schrijf(:'actie', 1, pg_temp.doc()) AS d \gset
SELECT :'d'::jsonb->'tijdstipRegistratie' = to_jsonb(v.tijdstip_registratie) AS registratie_als_opgeslagen,
       :'d'::jsonb->>'tijdstipRegistratie' ~ '-0[23]:30$' AS in_sessie_tijdzone,
       :'d'::jsonb->>'url' = 'https://log.example/api/v1/verwerkingsacties/' || :'actie' AS url,
       :'d'::jsonb->'verwerkteObjecten'->0->>'url' = 'https://log.example/api/v1/verwerkte-objecten/' || o.verwerkt_object_id AS object_url
  FROM verwerkingenlog.verwerkingsactie_versie v
  JOIN verwerkingenlog.verwerkt_object o USING (actie_id) WHERE actie_id = :'actie';
SET TimeZone = 'Europe/Amsterdam';

-- Constraints and unique indexes, with the SQLSTATE an INSERT raises.
\set VERBOSITY sqlstate
-- the primary key: PUT turns this into a serialization failure
SELECT pg_temp.schrijf(:'actie', 1, pg_temp.doc());
-- CHECK constraint (volgnummer >= 1)
SELECT pg_temp.schrijf(verwerkingenlog.uuidv7(), 0, pg_temp.doc());
-- NOT NULL (no tijdstip; the validator never lets that through)
SELECT pg_temp.schrijf(verwerkingenlog.uuidv7(), 1, pg_temp.doc() - 'tijdstip');
-- NOT NULL in the object row
SELECT pg_temp.schrijf(verwerkingenlog.uuidv7(), 1, jsonb_set(pg_temp.doc(), '{verwerkteObjecten,0}',
                       (pg_temp.doc()->'verwerkteObjecten'->0) - 'soortObjectId'));
-- the oin domain
SELECT pg_temp.schrijf(verwerkingenlog.uuidv7(), 1, pg_temp.doc() || '{"uitvoerder": "123"}');
-- moment, bewaartermijn and uuid input
SELECT pg_temp.schrijf(verwerkingenlog.uuidv7(), 1, pg_temp.doc() || '{"tijdstip": "gisteren"}');
SELECT pg_temp.schrijf(verwerkingenlog.uuidv7(), 1, pg_temp.doc() || '{"bewaartermijn": "10 jaar"}');
SELECT pg_temp.schrijf(verwerkingenlog.uuidv7(), 1, pg_temp.doc() || '{"verwerkingId": "nee"}');
-- a version without objects
SELECT pg_temp.schrijf(verwerkingenlog.uuidv7(), 1, pg_temp.doc() - 'verwerkteObjecten');
\set VERBOSITY default
-- ... and nothing of a failed call stays behind.
SELECT count(*) AS versies, (SELECT count(*) FROM verwerkingenlog.verwerkt_object o
                              JOIN verwerkingenlog.verwerkingsactie_versie w USING (actie_id)
                             WHERE w.actie_naam = 'Schrijver') AS objecten
  FROM verwerkingenlog.verwerkingsactie_versie WHERE actie_naam = 'Schrijver';

-- Columns are matched by name: a column added later gets its default or
-- NULL, the identity column its sequence, also after the writer has
-- already written into the table in this session.  (DDL on the log's
-- tables is for ALTER EXTENSION ... UPDATE only; here the guard is switched
-- off inside transactions that are rolled back.)
BEGIN;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_end DISABLE;
ALTER TABLE verwerkingenlog.verwerkt_object ADD COLUMN later_toegevoegd text DEFAULT 'standaard',
  ADD COLUMN zonder_standaard integer;
ALTER TABLE verwerkingenlog.verwerkingsactie_versie ADD COLUMN bron text DEFAULT current_user;
SELECT verwerkingenlog.uuidv7() AS actie2 \gset
SELECT count(*) FROM pg_temp.schrijf(:'actie2', 1, pg_temp.doc());
SELECT o.later_toegevoegd, o.zonder_standaard, v.bron, v.versie_id > 0 AS versie_id
  FROM verwerkingenlog.verwerkt_object o
  JOIN verwerkingenlog.verwerkingsactie_versie v USING (actie_id) WHERE actie_id = :'actie2';
ROLLBACK;
-- A column of another type than the writer produces is refused, not cast.
BEGIN;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_end DISABLE;
ALTER TABLE verwerkingenlog.verwerkt_object ALTER COLUMN object_pseudoniem TYPE text USING encode(object_pseudoniem, 'hex');
SELECT pg_temp.schrijf(verwerkingenlog.uuidv7(), 1, pg_temp.doc());
ROLLBACK;
SELECT count(*) AS na_terugdraaien FROM pg_temp.schrijf(verwerkingenlog.uuidv7(), 1, pg_temp.doc());

-- Triggers fire as for an INSERT: BEFORE ROW may change the row, AFTER
-- STATEMENT sees the rows in a transition table, one statement per table.
BEGIN;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_end DISABLE;
CREATE FUNCTION pg_temp.voor_rij() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN NEW.gebruiker := 'door trigger'; RETURN NEW; END $$;
CREATE FUNCTION pg_temp.na_opdracht() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE NOTICE '% rows into %', (SELECT count(*) FROM nieuw), TG_TABLE_NAME;
  RETURN NULL;
END $$;
CREATE TRIGGER voor_rij BEFORE INSERT ON verwerkingenlog.verwerkingsactie_versie
  FOR EACH ROW EXECUTE FUNCTION pg_temp.voor_rij();
CREATE TRIGGER na_opdracht AFTER INSERT ON verwerkingenlog.verwerkingsactie_versie
  REFERENCING NEW TABLE AS nieuw FOR EACH STATEMENT EXECUTE FUNCTION pg_temp.na_opdracht();
CREATE TRIGGER na_opdracht AFTER INSERT ON verwerkingenlog.verwerkt_object
  REFERENCING NEW TABLE AS nieuw FOR EACH STATEMENT EXECUTE FUNCTION pg_temp.na_opdracht();
CREATE TEMP TABLE geschreven AS
SELECT d FROM verwerkingenlog._write_versions(ARRAY[verwerkingenlog.uuidv7(), verwerkingenlog.uuidv7()], '{1,1}',
         ARRAY[pg_temp.doc('2'), pg_temp.doc('3')], '{normaal,normaal}', '{NULL,NULL}') d;
-- (the documents are built before the rows are stored, as before)
SELECT d->>'gebruiker' AS in_document, v.gebruiker AS opgeslagen
  FROM geschreven JOIN verwerkingenlog.verwerkingsactie_versie v ON v.actie_id = (d->>'actieId')::uuid;
ROLLBACK;

-- A batch runs in bounded memory: the per-row context is reset for every
-- row (sizes seen from a BEFORE ROW trigger, row 1 against row 2000).
BEGIN;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_end DISABLE;
CREATE TEMP TABLE geheugen (n bigserial, bytes bigint);
CREATE FUNCTION pg_temp.meet() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO geheugen (bytes) SELECT total_bytes FROM pg_backend_memory_contexts
   WHERE name = 'verwerkingenlog writer row';
  RETURN NEW;
END $$;
CREATE TRIGGER meet BEFORE INSERT ON verwerkingenlog.verwerkt_object
  FOR EACH ROW EXECUTE FUNCTION pg_temp.meet();
SELECT count(*) FROM verwerkingenlog._write_versions(
  (SELECT array_agg(verwerkingenlog.uuidv7()) FROM generate_series(1, 2000)),
  array_fill(1, ARRAY[2000]),
  (SELECT array_agg(pg_temp.doc(g::text) ORDER BY g) FROM generate_series(1, 2000) g),
  array_fill('normaal'::verwerkingenlog.vertrouwelijkheid, ARRAY[2000]),
  array_fill(NULL::integer, ARRAY[2000]));
SELECT count(*) AS metingen,
       (SELECT bytes FROM geheugen WHERE n = 2000) <= (SELECT bytes FROM geheugen WHERE n = 1) AS begrensd
  FROM geheugen;
ROLLBACK;

-- The writer's plans survive DROP and CREATE EXTENSION in one session.
CREATE DATABASE vwl_schrijver;
\c vwl_schrijver
SET client_min_messages = warning;
CREATE EXTENSION verwerkingenlog;
SELECT count(*) AS eerste FROM verwerkingenlog._write_versions(ARRAY[verwerkingenlog.uuidv7()], '{1}',
  ARRAY[verwerkingenlog._verwerkingsactie_input('{"tijdstip": "2024-04-05T14:35:42Z", "vertrouwelijkheid": "normaal",
    "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "1"}]}', false)], '{normaal}', '{NULL}');
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_start DISABLE;
DROP EXTENSION verwerkingenlog;
CREATE EXTENSION verwerkingenlog;
SELECT count(*) AS na_opnieuw FROM verwerkingenlog._write_versions(ARRAY[verwerkingenlog.uuidv7()], '{1}',
  ARRAY[verwerkingenlog._verwerkingsactie_input('{"tijdstip": "2024-04-05T14:35:42Z", "vertrouwelijkheid": "normaal",
    "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "1"}]}', false)], '{normaal}', '{NULL}');
SELECT count(*) AS versies FROM verwerkingenlog.verwerkingsactie_versie;
\c contrib_regression
DROP DATABASE vwl_schrijver;

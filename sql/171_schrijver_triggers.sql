-- Issue 15 (write-path speed): the writer does the work of the extension's
-- own BEFORE INSERT row triggers itself for the rows it inserts, instead of
-- firing them (src/writer.c, own_triggers): the append-only guard, which
-- lets the writer's rows in as they are, and _traceparent(), which gives the
-- first version of an action logged with a valid traceparent header the
-- caller's trace.  What the rows get must not change: single, batch, PUT,
-- with and without a header, in the origin and in the replica
-- role (the trigger is ENABLE ORIGIN, so a replica's apply keeps what the
-- publisher stored), and with the trigger disabled or enabled for replicas.
SET search_path = verwerkingenlog, pg_catalog;
\set SHOW_CONTEXT never
SET client_min_messages = warning;

-- The triggers the writer knows, as the install scripts make them.
SELECT c.relname, t.tgname, t.tgenabled, p.proname
  FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid
 WHERE c.relname IN ('verwerkingsactie_versie', 'verwerkt_object') AND NOT t.tgisinternal
   AND (t.tgtype & 2) <> 0 AND (t.tgtype & 4) <> 0 AND (t.tgtype & 1) <> 0
 ORDER BY 1, 2;

CREATE TEMP TABLE t_acties (naam text PRIMARY KEY, actie uuid NOT NULL);
CREATE FUNCTION pg_temp.doc(bsn text) RETURNS jsonb LANGUAGE sql AS $$
    SELECT jsonb_build_object('vertrouwelijkheid', 'normaal', 'tijdstip', '2024-04-05T14:35:42Z',
        'verwerkteObjecten', jsonb_build_array(jsonb_build_object(
            'objecttype', 'persoon', 'soortObjectId', 'BSN', 'objectId', bsn)))
$$;
CREATE FUNCTION pg_temp.log(naam text, bsn text) RETURNS void LANGUAGE sql AS $$
    INSERT INTO t_acties VALUES (naam || '/los',
        (verwerkingenlog.log_verwerkingsactie(pg_temp.doc(bsn))->>'actieId')::uuid);
    INSERT INTO t_acties SELECT naam || '/batch' || i, a
      FROM verwerkingenlog.log_verwerkingsacties(jsonb_build_array(pg_temp.doc(bsn), pg_temp.doc(bsn)))
           WITH ORDINALITY x(a, i);
$$;

SET request.headers = '{"traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}';
SELECT pg_temp.log('origin', '888000111');
-- A later version (PUT, PATCH) keeps what the first one got and gets nothing new.
SET request.headers = '{"traceparent": "00-1af7651916cd43dd8448eb211c80319c-c7ad6b7169203331-01"}';
SELECT count(*) FROM wijzig_verwerkingsactie((SELECT actie FROM t_acties WHERE naam = 'origin/los'),
       verwerkingsactie((SELECT actie FROM t_acties WHERE naam = 'origin/los')) || '{"actieNaam": "PUT"}');
-- The replica role: the trigger is ENABLE ORIGIN, so it does not fire.
SET session_replication_role = replica;
SELECT pg_temp.log('replica', '888000222');
RESET session_replication_role;
-- Not valid (upper case), or no header: nothing.
SET request.headers = '{"traceparent": "00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01"}';
SELECT pg_temp.log('ongeldig', '888000333');
RESET request.headers;
SELECT pg_temp.log('zonder', '888000444');
-- Disabled, it does not fire; enabled for replicas only, it fires only in
-- that role.  The DDL guard refuses ALTER TABLE ... DISABLE TRIGGER, so the
-- test sets pg_trigger.tgenabled itself (and makes the table's relcache
-- entry be rebuilt with an ALTER TABLE the guard allows), in a transaction
-- that is rolled back.
SET request.headers = '{"traceparent": "00-2af7651916cd43dd8448eb211c80319c-d7ad6b7169203331-01"}';
BEGIN;
CREATE FUNCTION pg_temp.trigger_stand(stand "char") RETURNS void LANGUAGE sql AS $$
    UPDATE pg_catalog.pg_trigger SET tgenabled = stand
     WHERE tgrelid = 'verwerkingenlog.verwerkingsactie_versie'::regclass
       AND tgname = 'verwerkingsactie_versie_traceparent';
    ALTER TABLE verwerkingenlog.verwerkingsactie_versie SET (autovacuum_vacuum_threshold = 50);
$$;
SELECT pg_temp.trigger_stand('D');
SELECT pg_temp.log('uit', '888000555');
SELECT pg_temp.trigger_stand('R');
SELECT pg_temp.log('replica_trigger/origin', '888000666');
SET LOCAL session_replication_role = replica;
SELECT pg_temp.log('replica_trigger/replica', '888000777');
SELECT a.naam, v.trace_id, encode(v.parent_span_id, 'hex') AS parent
  FROM t_acties a JOIN verwerkingsactie_versie v ON v.actie_id = a.actie
 WHERE a.naam LIKE 'uit/%' OR a.naam LIKE 'replica_trigger/%' ORDER BY 1;
ROLLBACK;
RESET request.headers;
SELECT tgenabled FROM pg_trigger WHERE tgname = 'verwerkingsactie_versie_traceparent';

SELECT a.naam, v.volgnummer, v.actie_naam, v.trace_id, encode(v.parent_span_id, 'hex') AS parent,
       v.span_id IS NULL AS geen_span
  FROM t_acties a JOIN verwerkingsactie_versie v ON v.actie_id = a.actie
 ORDER BY a.naam, v.volgnummer;

-- The guard still refuses everyone else's rows.
INSERT INTO verwerkingsactie_versie (actie_id, volgnummer, objecten_volgnummer, vertrouwelijkheid, tijdstip, tijdstip_registratie)
SELECT actie_id, 9, 1, vertrouwelijkheid, tijdstip, tijdstip_registratie
  FROM verwerkingsactie_versie LIMIT 1;
INSERT INTO verwerkt_object SELECT (md5('x'))::uuid, actie_id, volgnummer, 2, tijdstip, objecttype, soort_object_id,
       object_pseudoniem, object_versleuteld, betrokkenheid, verwerkte_soorten_gegevens
  FROM verwerkt_object LIMIT 1;

-- The document log_verwerkingsactie returns (built from the validator's
-- tree since issue 15) is the stored action as the API reads it back, with
-- every element, two objects and their soorten gegevens.
CREATE TEMP TABLE t_vol AS
SELECT log_verwerkingsactie('{"actieNaam": "vol", "handelingNaam": "h", "verwerkingNaam": "v",
    "verwerkingId": "5F0BEF4C-F66F-4311-84A5-19E8BF359EAF", "vertrouwelijkheid": "Normaal",
    "verwerkingsactiviteitUrl": "https://example.org/a?b=%20", "bewaartermijn": "P10Y",
    "uitvoerder": "00000001234567890000", "systeem": "s", "gebruiker": "g", "gegevensbron": "b",
    "soortAfnemerId": "BSN", "afnemerId": "666777881", "tijdstip": "2024-06-01T10:00:00.123+02:00",
    "url": "genegeerd", "vervallen": true,
    "verwerkteObjecten": [
      {"objecttype": "Persoon", "soortObjectId": "BSN", "objectId": "111222333", "url": "x",
       "betrokkenheid": "Aanvrager", "verwerkteSoortenGegevens": [{"soortGegeven": "naam"}, {"soortGegeven": "adres"}]},
      {"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "111222345"}]}') AS d;
SELECT d = verwerkingsactie((d->>'actieId')::uuid) AS als_opgeslagen,
       d::text = verwerkingsactie((d->>'actieId')::uuid)::text AS zelfde_tekst,
       (SELECT array_agg(o->>'url' LIKE '%/verwerkte-objecten/' || (o->>'verwerktObjectId'))
          FROM jsonb_array_elements(d->'verwerkteObjecten') o) AS object_urls,
       d->>'url' LIKE '%/verwerkingsacties/' || (d->>'actieId') AS url
  FROM t_vol;
SELECT jsonb_pretty(d - 'url' - 'actieId' - 'tijdstipRegistratie'
                      #- '{verwerkteObjecten,0,url}' #- '{verwerkteObjecten,0,verwerktObjectId}'
                      #- '{verwerkteObjecten,1,url}' #- '{verwerkteObjecten,1,verwerktObjectId}') AS rest
  FROM t_vol;

-- A batch of up to 1,000 items reaches the writer as the validator's trees,
-- a larger one as datums (writer.c, vwl_log_verwerkingsacties): both store
-- the same rows.
SET client_min_messages = error;  -- the first checkpoint of a cluster makes its signing key
SELECT verzegel() AS boom_voor \gset
SET client_min_messages = warning;
CREATE TEMP TABLE t_batch AS
SELECT k, a FROM (SELECT 1 AS k, a FROM log_verwerkingsacties(jsonb_build_array((SELECT d - 'url' - 'actieId' FROM t_vol))) a
                  UNION ALL
                  SELECT 2, a FROM log_verwerkingsacties((SELECT jsonb_agg(d - 'url' - 'actieId') FROM t_vol, generate_series(1, 1001))) a) x;
SELECT k, count(DISTINCT a) AS acties,
       count(DISTINCT (v.actie_naam, v.handeling_naam, v.verwerking_naam, v.verwerking_id, v.verwerkingsactiviteit_url,
                       v.vertrouwelijkheid, v.bewaartermijn::text, v.uitvoerder, v.systeem, v.gebruiker, v.gegevensbron,
                       v.soort_afnemer_id, v.afnemer_id, _decrypt_afnemer(v), v.tijdstip::text, v.trace_id, v.objecten_volgnummer)) AS versies,
       count(DISTINCT (o.volgorde, o.tijdstip, o.objecttype, o.soort_object_id, o.object_pseudoniem, _decrypt_object(o),
                       o.betrokkenheid, o.verwerkte_soorten_gegevens)) AS objecten,
       count(o.*) AS object_rijen
  FROM t_batch JOIN verwerkingsactie_versie v ON v.actie_id = a
  JOIN verwerkt_object o ON o.actie_id = v.actie_id AND o.volgnummer = v.objecten_volgnummer
 GROUP BY k ORDER BY k;
-- Every row of both batches (1 + 2 and 1,001 + 2,002, the larger one
-- through table_multi_insert in parts of 32) is in the next checkpoint.
SELECT verzegel() - :boom_voor AS verzegeld;
-- ... and those of the single call.
SELECT count(*) AS verschillend FROM (
    SELECT v.actie_naam, v.handeling_naam, v.verwerking_naam, v.verwerking_id, v.verwerkingsactiviteit_url,
           v.vertrouwelijkheid, v.bewaartermijn::text, v.uitvoerder, v.systeem, v.gebruiker, v.gegevensbron,
           v.soort_afnemer_id, v.afnemer_id, _decrypt_afnemer(v), v.tijdstip::text, v.trace_id, v.objecten_volgnummer,
           o.volgorde, o.tijdstip, o.objecttype, o.soort_object_id, o.object_pseudoniem, _decrypt_object(o),
           o.betrokkenheid, o.verwerkte_soorten_gegevens
      FROM (SELECT a FROM t_batch UNION SELECT (d->>'actieId')::uuid FROM t_vol) t
      JOIN verwerkingsactie_versie v ON v.actie_id = t.a
      JOIN verwerkt_object o ON o.actie_id = v.actie_id AND o.volgnummer = v.objecten_volgnummer
     GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25
    HAVING count(*) <> 1003) x;

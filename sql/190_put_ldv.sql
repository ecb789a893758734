-- A PUT keeps the LDV-only fields of an action (issue 14): an LDV record
-- (log_logregels) or an action logged with a W3C traceparent header is a
-- verwerkingsactie whose versions carry seven LDV columns no GEMMA document
-- has an element for (75_ldv.sql).  PATCH and DELETE copy them into the new
-- version; a PUT does too (src/writer.c, keep_ldv), from the version it
-- replaces, and does not take the trace of its own traceparent header (the
-- trace of the correction, not of the processing).  Two exceptions keep the
-- record valid LDV: several objects get derived span_ids, and an end time
-- before the new tijdstip is dropped (read as the tijdstip).
SET search_path = verwerkingenlog, pg_catalog;
\set SHOW_CONTEXT never
SET client_min_messages = warning;

CREATE TEMP TABLE t190 (naam text PRIMARY KEY, actie uuid NOT NULL);
-- Every version of the test's actions with its LDV columns.
CREATE FUNCTION pg_temp.versies() RETURNS TABLE (naam text, volgnummer integer, actie_naam text, vervallen boolean,
        trace_id uuid, span text, parent text, status text, eind text, resource jsonb, attributen jsonb)
    LANGUAGE sql AS $$
    SELECT a.naam, v.volgnummer, v.actie_naam, v.vervallen, v.trace_id, encode(v.span_id, 'hex'),
           encode(v.parent_span_id, 'hex'), v.status, v.eind_tijdstip::text, v.resource, v.attributen
      FROM t190 a JOIN verwerkingenlog.verwerkingsactie_versie v ON v.actie_id = a.actie
     ORDER BY a.naam, v.volgnummer
$$;
-- The current document of an action with other elements.
CREATE FUNCTION pg_temp.put(naam text, wijziging jsonb) RETURNS text LANGUAGE sql AS $$
    SELECT verwerkingenlog.wijzig_verwerkingsactie(a.actie, verwerkingenlog.verwerkingsactie(a.actie) || wijziging)->>'actieNaam'
      FROM t190 a WHERE a.naam = put.naam
$$;

-- An LDV record, a traceparent-logged action, a plain action.
SELECT registreer_verwerkingsactiviteit('https://register.example.nl/va/put190', 'normaal');
INSERT INTO t190
SELECT 'ldv', a FROM log_logregels(jsonb_build_array(jsonb_build_object(
    'trace_id', '190f92f3577b34da6a3ce929d0e0e419', 'span_id', '00f067aa0ba902b7',
    'parent_span_id', 'a3ce929d0e0e4736', 'name', 'Opvragen inkomen', 'status', 'Error',
    'start_time', 1735725600123, 'end_time', 1735725600456,
    'resource', jsonb_build_object('attributes', jsonb_build_object('service.name', 'belastingen', 'service.version', '3.0')),
    'attributes', jsonb_build_object(
        'dpl.core.processing_activity_id', 'https://register.example.nl/va/put190',
        'dpl.core.data_subject_id', '190000111', 'dpl.core.data_subject_id_type', 'BSN',
        'dpl.core.foreign_operation.processor', 'https://afnemer.example.nl/')))) a;
CREATE FUNCTION pg_temp.doc(bsn text) RETURNS jsonb LANGUAGE sql AS $$
    SELECT jsonb_build_object('actieNaam', 'gelogd', 'vertrouwelijkheid', 'normaal', 'tijdstip', '2024-04-05T14:35:42Z',
        'verwerkteObjecten', jsonb_build_array(jsonb_build_object(
            'objecttype', 'persoon', 'soortObjectId', 'BSN', 'objectId', bsn)))
$$;
SET request.headers = '{"traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}';
INSERT INTO t190 SELECT 'traceparent', (log_verwerkingsactie(pg_temp.doc('190000222'))->>'actieId')::uuid;
RESET request.headers;
INSERT INTO t190 SELECT 'zonder', (log_verwerkingsactie(pg_temp.doc('190000333'))->>'actieId')::uuid;
-- (The first verzegel() of a cluster creates the signing key with a WARNING.)
SET client_min_messages = error;
SELECT verzegel() > 0 AS verzegeld;
SET client_min_messages = warning;

-- A PUT of each; the traceparent-logged one in a request with a header of
-- its own (another trace): the action keeps the trace it happened in.
SELECT pg_temp.put('ldv', '{"actieNaam": "PUT 1"}');
SET request.headers = '{"traceparent": "00-1af7651916cd43dd8448eb211c80319c-c7ad6b7169203331-01"}';
SELECT pg_temp.put('traceparent', '{"actieNaam": "PUT 1"}');
SELECT pg_temp.put('zonder', '{"actieNaam": "PUT 1"}');
RESET request.headers;
-- A PUT in the replica role (as a replica's own writes would run): the same.
SET session_replication_role = replica;
SELECT pg_temp.put('traceparent', '{"actieNaam": "PUT 2 replica"}');
RESET session_replication_role;
-- As LDV records now: the same trace, span, parent span, status, end time.
SELECT a.naam, r->>'name' AS name, r->>'trace_id' AS trace_id,
       CASE WHEN a.naam = 'ldv' THEN r->>'span_id' ELSE '(from the object id)' END AS span_id,
       r->>'parent_span_id' AS parent_span_id, r->>'status' AS status, r->>'end_time' AS end_time
  FROM t190 a CROSS JOIN LATERAL als_logregels(a.actie) r
 WHERE a.naam <> 'zonder' ORDER BY a.naam;
-- PATCH and DELETE after a PUT keep them as before.
SELECT wijzig_verwerking((SELECT verwerking_id FROM verwerkingsactie_versie v JOIN t190 a ON a.actie = v.actie_id
                           WHERE a.naam = 'ldv' AND v.volgnummer = 2), '{"bewaartermijn": "P5Y"}');
-- A PUT that moves the tijdstip past the end time: the end time is dropped
-- (the record then ends when it starts); one with a second subject: both
-- objects get a span_id of their own (one span per data subject).
SELECT pg_temp.put('ldv', '{"actieNaam": "PUT 2 later", "tijdstip": "2025-01-01T10:00:01Z"}');
SELECT pg_temp.put('ldv', jsonb_build_object('actieNaam', 'PUT 3 twee',
    'verwerkteObjecten', (verwerkingsactie((SELECT actie FROM t190 WHERE naam = 'ldv'))->'verwerkteObjecten')
        || '[{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "190000444"}]'::jsonb));
SELECT pg_temp.put('ldv', jsonb_build_object('actieNaam', 'PUT 4 een',
    'verwerkteObjecten', jsonb_path_query_array(verwerkingsactie((SELECT actie FROM t190 WHERE naam = 'ldv'))->'verwerkteObjecten', '$[0]')));
SELECT verwijder_verwerkingsactie((SELECT actie FROM t190 WHERE naam = 'zonder'));

SELECT * FROM pg_temp.versies();

-- The LDV records of the current versions, after the PUTs (ids of the
-- objects masked: they are new per object set).
SELECT a.naam, r - 'span_id' - 'attributes' AS logregel, (r->'attributes') - 'dpl.core.data_subject_id' AS attributes,
       length(r->>'span_id') AS span_lengte, r->>'span_id' = '00f067aa0ba902b7' AS eigen_span
  FROM t190 a CROSS JOIN LATERAL als_logregels(a.actie) r
 WHERE a.naam <> 'zonder' ORDER BY a.naam, r->>'span_id';

-- The sealed log still verifies: every leaf of the test's versions is the
-- hash of the row as stored (its vinger in the block, its full hash in its
-- proof), and the newest checkpoint's root is the tree's.
SELECT verzegel() > 0 AS verzegeld;
SELECT count(*) AS bladen, bool_and(b.vinger = substr(sha256('\x00'::bytea || _canonical(v, b.blad, b.vorige)), 1, 4)
                                     AND decode(_seal_leaf_proof(b.blad, b.blad + 1)->>'hash', 'base64')
                                         = sha256('\x00'::bytea || _canonical(v, b.blad, b.vorige))) AS versies_kloppen
  FROM _seal_leaves(1::smallint) b JOIN verwerkingsactie_versie v ON (b.u, b.n) = (v.actie_id, v.volgnummer)
 WHERE v.actie_id IN (SELECT actie FROM t190);
SELECT c.wortel = _tree_root(c.grootte) AS wortel_klopt
  FROM (SELECT * FROM verzegel_controlepunt ORDER BY grootte DESC LIMIT 1) c;
SELECT bewijs_opname((SELECT actie FROM t190 WHERE naam = 'traceparent'), 3) IS NOT NULL AS bewijs;

-- The REST layer, inzage API: GET /verwerkte-objecten and
-- GET /verwerkte-objecten/{verwerktObjectId} as the shipped deployment runs
-- them (nginx turns the GET into POST /rpc/... with the query string in the
-- header Verwerkingenlog-Query, so PostgREST calls the function in a
-- read-write transaction and the inzage can be logged), the restricted
-- form, paging, and the record every inzage leaves behind.
SET TimeZone = 'Europe/Amsterdam';
SET verwerkingenlog.base_url = 'https://log.example.nl/api/v1';
SET client_min_messages = warning;
\set SHOW_CONTEXT never

\set ECHO none
\getenv abs_srcdir PG_ABS_SRCDIR
\set emulatie :abs_srcdir '/test/deploy/postgrest_emulatie.sql'
\i :emulatie
\set ECHO all

DO $$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['api_read_normal', 'api_read_confidential', 'api_create_normal'] LOOP
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r) THEN
            EXECUTE format('CREATE ROLE %I', r);
        END IF;
    END LOOP;
END
$$;
GRANT verwerkingenlog_read_normal TO api_read_normal;
GRANT verwerkingenlog_read_confidential TO api_read_confidential;
GRANT verwerkingenlog_create_normal TO api_create_normal;

-- The records the log wrote about inzagen of the persons of this test.
CREATE FUNCTION http.inzage_records() RETURNS bigint LANGUAGE sql STABLE AS $$
    SELECT count(*) FROM verwerkingenlog.verwerkingsactie_versie v
      JOIN verwerkingenlog.verwerkt_object o ON o.actie_id = v.actie_id AND o.volgnummer = v.objecten_volgnummer
     WHERE v.systeem LIKE 'verwerkingenlog %' AND verwerkingenlog._decrypt_object(o) LIKE '9700000%'
$$;

-- A marriage of 970000001 and 970000002, and four more actions about
-- 970000001: one vertrouwelijk, one opgeheven, two normaal.
SELECT http.onthoud('i.huwelijk', verwerkingenlog.log_verwerkingsactie($${
  "actieNaam": "Registreren huwelijk", "verwerkingNaam": "Huwelijk", "vertrouwelijkheid": "normaal",
  "systeem": "FooBarApp v2.1", "gebruiker": "ambtenaar-17", "gegevensbron": "Publiekszaken",
  "verwerkingsactiviteitId": "5f0bef4c-f66f-4311-84a5-19e8bf359eaf",
  "tijdstip": "2024-06-14T11:00:00+02:00",
  "verwerkteObjecten": [
    {"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "970000001", "betrokkenheid": "Partner"},
    {"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "970000002", "betrokkenheid": "Partner"}]}$$)->>'actieId');
SELECT http.onthoud('i.huwelijk.partner2', verwerkt_object_id::text) FROM verwerkingenlog.verwerkt_object
 WHERE actie_id = (SELECT id FROM http.id WHERE naam = 'i.huwelijk') AND verwerkingenlog._decrypt_object(verwerkt_object) = '970000002';
CREATE FUNCTION http.log_over_970000001(naam text, niveau text, tijdstip text, verwerking text DEFAULT NULL)
    RETURNS text LANGUAGE sql AS $$
    SELECT http.onthoud(naam, verwerkingenlog.log_verwerkingsactie(jsonb_build_object(
        'actieNaam', naam, 'vertrouwelijkheid', niveau, 'tijdstip', tijdstip, 'verwerkingId', verwerking,
        'systeem', 'Zaaksysteem', 'verwerkteObjecten', jsonb_build_array(jsonb_build_object(
            'objecttype', 'persoon', 'soortObjectId', 'BSN', 'objectId', '970000001')))) ->> 'actieId')
$$;
SELECT http.log_over_970000001('i.geheim', 'vertrouwelijk', '2024-07-01T10:00:00+02:00');
SELECT http.log_over_970000001('i.opgeheven', 'vertrouwelijk', '2024-07-02T10:00:00+02:00', '44444444-0000-4000-8000-000000000004');
SELECT verwerkingenlog.wijzig_vertrouwelijkheid_verwerking('44444444-0000-4000-8000-000000000004', 'normaal');
SELECT http.log_over_970000001('i.normaal1', 'normaal', '2024-07-03T10:00:00+02:00');
SELECT http.log_over_970000001('i.normaal2', 'normaal', '2024-07-04T10:00:00+02:00');
INSERT INTO http.id
SELECT i.naam || '.o', o.verwerkt_object_id FROM http.id i JOIN verwerkingenlog.verwerkt_object o ON o.actie_id = i.id
 WHERE i.naam IN ('i.geheim', 'i.opgeheven', 'i.normaal1');

-- == GET /verwerkte-objecten, as nginx sends it: POST, read-write.  A
-- citizen portal (read:normal) with the headers of B9177.
SELECT status, headers, body->'count' AS count, body->'next' AS next, body->'previous' AS previous,
       jsonb_path_query_array(body, '$.results[*].verwerkingsactie.actieNaam') AS acties
  FROM http.aanroep('POST', 'api_read_normal', 'read:normal', 'verwerkte_objecten_list',
       '{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "970000001",
         "beginDatum": "2024-01-01", "eindDatum": "2025-01-01"}',
       '{"oin": "00000001234567890000", "verwerkingsactiviteitid": "c5b9f4e7-8c79-41b9-91e2-6268419cb167",
         "verwerkingid": "4b698de3-ffba-45e7-8697-a283ec863db2", "bewaartermijn": "P1Y",
         "accept": "application/json"}');
-- The restricted form: the partner is not there, nor systeem, gebruiker,
-- gegevensbron.
SELECT jsonb_pretty(body->'results'->-1) AS huwelijk
  FROM http.aanroep('POST', 'api_read_normal', NULL, 'verwerkte_objecten_list',
       '{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "970000001",
         "beginDatum": "2024-01-01", "eindDatum": "2025-01-01"}');
-- read:confidential also sees what is opgeheven, never what is vertrouwelijk.
SELECT status, body->'count' AS count,
       jsonb_path_query_array(body, '$.results[*].verwerkingsactie.vertrouwelijkheid') AS niveaus
  FROM http.aanroep('POST', 'api_read_confidential', NULL, 'verwerkte_objecten_list',
       '{"objecttype": "Persoon", "soortObjectId": "BSN", "objectId": "970000001",
         "beginDatum": "2024-01-01", "eindDatum": "2025-01-01"}');
-- verwerkingsactiviteitId narrows.
SELECT status, jsonb_path_query_array(body, '$.results[*].verwerkingsactie.actieNaam') AS acties
  FROM http.aanroep('POST', 'api_read_normal', NULL, 'verwerkte_objecten_list',
       '{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "970000001",
         "beginDatum": "2024-01-01", "eindDatum": "2025-01-01",
         "verwerkingsactiviteitId": "5F0BEF4C-F66F-4311-84A5-19E8BF359EAF"}');

-- == The record of each inzage: four above, one per request.  Read back as
-- read:confidential through the REST layer itself (they happened today).
SELECT http.inzage_records() AS records;
SELECT r->>'actieNaam' AS actie, r->>'verwerkingNaam' AS verwerking, r->>'vertrouwelijkheid' AS niveau,
       r->>'bewaartermijn' AS termijn, r->>'gebruiker' AS gebruiker, r->>'systeem' AS systeem,
       r->>'soortAfnemerId' AS soort_afnemer, r->>'afnemerId' AS afnemer,
       r->>'verwerkingsactiviteitIdAfnemer' AS activiteit_afnemer, r->>'verwerkingIdAfnemer' AS verwerking_afnemer,
       r->'verwerkteObjecten'->0->>'objectId' AS over
  FROM http.aanroep('GET', 'api_read_confidential', NULL, 'verwerkingsactie_list',
       jsonb_build_object('objecttype', 'persoon', 'soortObjectId', 'BSN', 'objectId', '970000001',
                          'beginDatum', to_char(current_date, 'YYYY-MM-DD'), 'eindDatum', to_char(current_date + 1, 'YYYY-MM-DD'))) a,
       jsonb_array_elements(a.ruw->'results') r
 ORDER BY r->>'tijdstipRegistratie';

-- == A GET that reaches PostgREST as GET runs read-only: the inzage cannot
-- be logged, so it is refused (405, Allow: POST) and nothing is served.
SELECT status, headers, jsonb_pretty(body) AS body
  FROM http.aanroep('GET', 'api_read_normal', NULL, 'verwerkte_objecten_list',
       '{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "970000001",
         "beginDatum": "2024-01-01", "eindDatum": "2025-01-01"}');
SELECT status, body->>'code' AS code
  FROM http.aanroep('GET', 'api_read_normal', NULL, 'verwerktobject_read',
       jsonb_build_object('verwerktObjectId', (SELECT id FROM http.id WHERE naam = 'i.normaal1.o')));
SELECT http.inzage_records() AS records;

-- == 403 without a read scope; 400 for bad parameters and bad headers.
-- None of them is served, none is logged.
SELECT status, body->>'code' AS code, body->>'detail' AS detail
  FROM http.aanroep('POST', 'api_create_normal', NULL, 'verwerkte_objecten_list',
       '{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "970000001",
         "beginDatum": "2024-01-01", "eindDatum": "2025-01-01"}');
SELECT status, jsonb_pretty(body) AS body
  FROM http.aanroep('POST', 'api_read_normal', NULL, 'verwerkte_objecten_list', '{"objectId": "970000001"}');
SELECT status, body->'invalidParams' AS invalid_params
  FROM http.aanroep('POST', 'api_read_normal', NULL, 'verwerkte_objecten_list',
       '{"objecttype": "kenteken", "soortObjectId": "BSN", "objectId": "970000001",
         "beginDatum": "1-1-2024", "eindDatum": "2025-01-01", "verwerkingsactiviteitId": "x", "cursor": "eerste"}');
SELECT status, jsonb_pretty(body) AS body
  FROM http.aanroep('POST', 'api_read_normal', NULL, 'verwerkte_objecten_list',
       '{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "970000001",
         "beginDatum": "2024-01-01", "eindDatum": "2025-01-01"}',
       '{"oin": "OIN-van-de-gemeente", "vertrouwelijkheid": "opgeheven", "bewaartermijn": "1 jaar",
         "verwerkingsactiviteiturl": "/var/1"}');
SELECT status, body->'invalidParams' AS invalid_params
  FROM http.aanroep('POST', 'api_read_normal', NULL, 'verwerktobject_read',
       '{"verwerktObjectId": "00000000-0000-4000-8000-000000000000"}', '{"verwerkingid": "42"}');
SELECT http.inzage_records() AS records;

-- == Paging with keysets: page size from verwerkingenlog.page_size; every
-- page is an inzage of its own, and is logged (a cursor past the end too:
-- the person was looked up).
SET verwerkingenlog.page_size = 2;
SELECT status, body->'count' AS count, body->>'next' AS next, body->>'previous' AS previous,
       jsonb_path_query_array(body, '$.results[*].verwerkingsactie.actieNaam') AS acties,
       split_part(ruw->>'next', 'cursor=', 2) AS volgende
  FROM http.aanroep('POST', 'api_read_confidential', NULL, 'verwerkte_objecten_list',
       '{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "970000001",
         "beginDatum": "2024-01-01", "eindDatum": "2025-01-01"}') \gset
\echo :status :count :acties :next :previous
SELECT status, body->'count' AS count, body->>'next' AS next, body->>'previous' AS previous,
       jsonb_path_query_array(body, '$.results[*].verwerkingsactie.actieNaam') AS acties
  FROM http.aanroep('POST', 'api_read_confidential', NULL, 'verwerkte_objecten_list',
       jsonb_build_object('objecttype', 'persoon', 'soortObjectId', 'BSN', 'objectId', '970000001',
         'beginDatum', '2024-01-01', 'eindDatum', '2025-01-01', 'cursor', :'volgende'));
SELECT status, body->'count' AS count, body->'results' AS results, body->>'next' AS next
  FROM http.aanroep('POST', 'api_read_confidential', NULL, 'verwerkte_objecten_list',
       '{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "970000001",
         "beginDatum": "2024-01-01", "eindDatum": "2025-01-01", "cursor": "n0~00000000-0000-4000-8000-000000000000~1"}');
RESET verwerkingenlog.page_size;
SELECT http.inzage_records() AS records;
-- Nothing found is still an inzage of that person, and logged.
SELECT status, body FROM http.aanroep('POST', 'api_read_normal', NULL, 'verwerkte_objecten_list',
       '{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "970000009",
         "beginDatum": "2024-01-01", "eindDatum": "2025-01-01"}');
SELECT http.inzage_records() AS records;

-- == GET /verwerkte-objecten/{verwerktObjectId}, as nginx sends it: POST.
SELECT status, headers, jsonb_pretty(body) AS body
  FROM http.aanroep('POST', 'api_read_normal', NULL, 'verwerktobject_read',
       jsonb_build_object('verwerktObjectId', (SELECT id FROM http.id WHERE naam = 'i.huwelijk.partner2')));
SELECT naam, status, body->>'code' AS code
  FROM http.id, LATERAL http.aanroep('POST', 'api_read_normal', NULL, 'verwerktobject_read',
                                     jsonb_build_object('verwerktObjectId', id))
 WHERE naam IN ('i.geheim.o', 'i.opgeheven.o', 'i.normaal1.o') ORDER BY naam;
SELECT naam, status, body->>'code' AS code
  FROM http.id, LATERAL http.aanroep('POST', 'api_read_confidential', NULL, 'verwerktobject_read',
                                     jsonb_build_object('verwerktObjectId', id))
 WHERE naam IN ('i.geheim.o', 'i.opgeheven.o', 'i.normaal1.o') ORDER BY naam;
SELECT status, headers, jsonb_pretty(body) AS body
  FROM http.aanroep('POST', 'api_read_normal', NULL, 'verwerktobject_read',
       '{"verwerktObjectId": "00000000-0000-4000-8000-000000000000"}');
SELECT status, body->'invalidParams' AS invalid_params
  FROM http.aanroep('POST', 'api_read_normal', NULL, 'verwerktobject_read', '{"verwerktObjectId": "object-1"}');
SELECT status, body->>'code' AS code
  FROM http.aanroep('POST', 'api_create_normal', NULL, 'verwerktobject_read',
       jsonb_build_object('verwerktObjectId', (SELECT id FROM http.id WHERE naam = 'i.normaal1.o')));
-- Four found (partner 2 once, normaal1 twice, opgeheven once): four more records.
SELECT http.inzage_records() AS records;

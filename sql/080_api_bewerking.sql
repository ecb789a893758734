-- The REST layer (schema verwerkingenlog_api), bewerking API: every
-- operation with every scope of the standard, every status code.  Each
-- request is emulated as PostgREST sends it (test/deploy/postgrest_emulatie.sql).
SET TimeZone = 'Europe/Amsterdam';
SET verwerkingenlog.base_url = 'https://log.example.nl/api/v1/';
SET client_min_messages = warning;
\set SHOW_CONTEXT never

-- What PostgREST does per request, emulated: http.aanroep (see the file).
\set ECHO none
\getenv abs_srcdir PG_ABS_SRCDIR
\set emulatie :abs_srcdir '/test/deploy/postgrest_emulatie.sql'
\i :emulatie
\set ECHO all

-- == Clients: one role per scope of the standard (create, update and
-- delete clients also hold the normal scope, as real clients do), one
-- without any scope, and the JWT that narrows.
DO $$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['api_create_normal', 'api_create_confidential', 'api_read_normal',
                             'api_read_confidential', 'api_update_normal', 'api_update_confidential',
                             'api_delete_normal', 'api_delete_confidential', 'api_zonder_scope'] LOOP
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r) THEN
            EXECUTE format('CREATE ROLE %I', r);
        END IF;
    END LOOP;
END
$$;
GRANT verwerkingenlog_create_normal TO api_create_normal, api_create_confidential;
GRANT verwerkingenlog_create_confidential TO api_create_confidential;
GRANT verwerkingenlog_read_normal TO api_read_normal;
GRANT verwerkingenlog_read_confidential TO api_read_confidential;
GRANT verwerkingenlog_update_normal TO api_update_normal, api_update_confidential;
GRANT verwerkingenlog_update_confidential TO api_update_confidential;
GRANT verwerkingenlog_delete_normal TO api_delete_normal, api_delete_confidential;
GRANT verwerkingenlog_delete_confidential TO api_delete_confidential;

-- == POST /verwerkingsacties (verwerkingsactie_create)
-- 201 with Location; the body echoes every element, absent ones as null.
SELECT status, headers, jsonb_pretty(body) AS body FROM http.aanroep('POST', 'api_create_normal', 'create:normal',
  'verwerkingsactie_create', $${
  "actieNaam": "Zoeken personen", "verwerkingId": "11111111-0000-4000-8000-000000000001",
  "vertrouwelijkheid": "Normaal", "bewaartermijn": "P10Y",
  "tijdstip": "2024-04-05T14:35:42+01:00",
  "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "980000001"}]}$$);
SELECT http.onthoud('normaal', actie_id::text) FROM verwerkingenlog.verwerkingsactie_versie
 WHERE actie_naam = 'Zoeken personen' AND verwerking_id = '11111111-0000-4000-8000-000000000001';
-- The Location is the action's url.
SELECT (SELECT h->>'Location' FROM jsonb_array_elements(headers) h WHERE h ? 'Location') = body->>'url' AS location_is_url
  FROM http.aanroep('POST', 'api_create_normal', NULL, 'verwerkingsactie_create', $${
  "actieNaam": "Tweede", "verwerkingId": "11111111-0000-4000-8000-000000000001", "vertrouwelijkheid": "normaal",
  "tijdstip": "2024-04-06T10:00:00+02:00",
  "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "980000001"}]}$$);
-- vertrouwelijk needs create:confidential (403 otherwise).
SELECT status, body->>'code' AS code, body->>'detail' AS detail FROM http.aanroep('POST', 'api_create_normal', NULL,
  'verwerkingsactie_create', $${"vertrouwelijkheid": "vertrouwelijk", "tijdstip": "2024-04-07T10:00:00+02:00",
  "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "980000001"}]}$$);
SELECT status, body->'vertrouwelijkheid' AS vertrouwelijkheid, http.onthoud('vertrouwelijk', ruw->>'actieId')
  FROM http.aanroep('POST', 'api_create_confidential', NULL, 'verwerkingsactie_create', $${
  "actieNaam": "Geheim", "verwerkingId": "22222222-0000-4000-8000-000000000002", "vertrouwelijkheid": "vertrouwelijk",
  "tijdstip": "2024-04-07T10:00:00+02:00",
  "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "980000001"}]}$$);
-- A JWT that narrows: the role holds create:confidential, the token not.
SELECT status, body->>'code' AS code FROM http.aanroep('POST', 'api_create_confidential', 'create:normal read:normal',
  'verwerkingsactie_create', $${"vertrouwelijkheid": "vertrouwelijk", "tijdstip": "2024-04-07T10:00:00+02:00",
  "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "980000001"}]}$$);
-- opgeheven is never allowed to log; a reader cannot log at all.
SELECT status, body->>'code' AS code FROM http.aanroep('POST', 'api_create_confidential', NULL,
  'verwerkingsactie_create', $${"vertrouwelijkheid": "opgeheven", "tijdstip": "2024-04-07T10:00:00+02:00",
  "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "980000001"}]}$$);
SELECT status, body->>'code' AS code, body->>'detail' AS detail FROM http.aanroep('POST', 'api_read_confidential', NULL,
  'verwerkingsactie_create', '{}');
-- 400: every problem of the body in invalidParams (ValidatieFout).
SELECT status, headers, jsonb_pretty(body) AS body FROM http.aanroep('POST', 'api_create_normal', NULL,
  'verwerkingsactie_create', $${"vertrouwelijkheid": "heel geheim", "tijdstip": "2024-04-07 10:00",
  "uitvoerder": "123", "onbekend": 1,
  "verwerkteObjecten": [{"objecttype": "auto", "soortObjectId": "", "objectId": "980000001"}]}$$);
SELECT status, body->'invalidParams' AS invalid_params FROM http.aanroep('POST', 'api_create_normal', NULL,
  'verwerkingsactie_create', '[1, 2]');
-- A role without any scope role cannot even call the function: PostgREST
-- answers that itself (permission denied).
SELECT status FROM http.aanroep('POST', 'api_zonder_scope', NULL, 'verwerkingsactie_create', '{}');

-- Two more actions for the reads below: one opgeheven (was vertrouwelijk),
-- one vervallen.
SELECT http.onthoud('opgeheven', ruw->>'actieId') FROM http.aanroep('POST', 'api_create_confidential', NULL,
  'verwerkingsactie_create', $${"actieNaam": "Opgeheven", "verwerkingId": "33333333-0000-4000-8000-000000000003",
  "vertrouwelijkheid": "vertrouwelijk", "tijdstip": "2024-04-08T10:00:00+02:00",
  "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "980000001"}]}$$);
SELECT status FROM http.aanroep('POST', 'api_update_confidential', NULL, 'verwerkingsactie_list_patch',
  '{"verwerkingId": "33333333-0000-4000-8000-000000000003", "body": {"vertrouwelijkheid": "normaal"}}');
SELECT http.onthoud('vervallen', ruw->>'actieId') FROM http.aanroep('POST', 'api_create_normal', NULL,
  'verwerkingsactie_create', $${"actieNaam": "Vervallen", "vertrouwelijkheid": "normaal",
  "tijdstip": "2024-04-09T10:00:00+02:00",
  "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "980000001"}]}$$);
SELECT status FROM http.aanroep('POST', 'api_delete_normal', NULL, 'verwerkingsactie_delete',
  jsonb_build_object('actieId', (SELECT id FROM http.id WHERE naam = 'vervallen')));

-- == GET /verwerkingsacties (verwerkingsactie_list), read-only
-- read:normal must ask for vertrouwelijkheid=normaal (403 otherwise) and
-- never sees what is or was confidential.
SELECT status, body->>'detail' AS detail FROM http.aanroep('GET', 'api_read_normal', NULL, 'verwerkingsactie_list',
  '{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "980000001"}');
SELECT status, body->>'code' AS code FROM http.aanroep('GET', 'api_read_normal', NULL, 'verwerkingsactie_list',
  '{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "980000001", "vertrouwelijkheid": "normaal,vertrouwelijk"}');
SELECT status, body->'count' AS count, body->'next' AS next, body->'previous' AS previous,
       jsonb_path_query_array(body, '$.results[*].actieNaam') AS acties
  FROM http.aanroep('GET', 'api_read_normal', NULL, 'verwerkingsactie_list',
  '{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "980000001", "vertrouwelijkheid": "normaal"}');
-- read:confidential sees every level, and can ask for one or a list.
SELECT status, body->'count' AS count,
       jsonb_path_query_array(body, '$.results[*].actieNaam') AS acties,
       jsonb_path_query_array(body, '$.results[*].vertrouwelijkheid') AS niveaus
  FROM http.aanroep('GET', 'api_read_confidential', NULL, 'verwerkingsactie_list',
  '{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "980000001"}');
SELECT status, jsonb_path_query_array(body, '$.results[*].actieNaam') AS acties
  FROM http.aanroep('GET', 'api_read_confidential', NULL, 'verwerkingsactie_list',
  '{"objecttype": "Persoon", "soortObjectId": "BSN", "objectId": "980000001", "vertrouwelijkheid": "Vertrouwelijk, opgeheven",
    "beginDatum": "2024-04-07", "eindDatum": "2024-04-09"}');
-- The full form, with the object asked about.
SELECT jsonb_pretty(body->'results'->0) AS eerste FROM http.aanroep('GET', 'api_read_confidential', NULL,
  'verwerkingsactie_list', '{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "980000001", "eindDatum": "2024-04-06"}');
-- Paging with keysets: page size from verwerkingenlog.page_size; next
-- and previous carry every parameter, percent-encoded, and a cursor (the
-- sort key of the last or first row shown); count is the whole list.
SET verwerkingenlog.page_size = 2;
SELECT status, body->'count' AS count, body->>'next' AS next, body->>'previous' AS previous,
       jsonb_path_query_array(body, '$.results[*].actieNaam') AS acties,
       split_part(ruw->>'next', 'cursor=', 2) AS volgende
  FROM http.aanroep('GET', 'api_read_confidential', NULL, 'verwerkingsactie_list',
  '{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "980000001", "beginDatum": "2024-01-01",
    "vertrouwelijkheid": "normaal,vertrouwelijk,opgeheven"}') \gset
\echo :status :count :acties :next
SELECT status, body->'count' AS count, body->>'next' AS next, body->>'previous' AS previous,
       jsonb_path_query_array(body, '$.results[*].actieNaam') AS acties,
       split_part(ruw->>'previous', 'cursor=', 2) AS terug
  FROM http.aanroep('GET', 'api_read_confidential', NULL, 'verwerkingsactie_list',
  jsonb_build_object('objecttype', 'persoon', 'soortObjectId', 'BSN', 'objectId', '980000001', 'beginDatum', '2024-01-01',
    'vertrouwelijkheid', 'normaal,vertrouwelijk,opgeheven', 'cursor', :'volgende')) \gset
\echo :status :count :acties :next :previous
-- previous leads back to the first page (which has no previous).
SELECT status, body->'count' AS count, body->>'previous' IS NULL AS geen_vorige,
       jsonb_path_query_array(body, '$.results[*].actieNaam') AS acties,
       split_part(ruw->>'next', 'cursor=', 2) = :'volgende' AS zelfde_volgende
  FROM http.aanroep('GET', 'api_read_confidential', NULL, 'verwerkingsactie_list',
  jsonb_build_object('objecttype', 'persoon', 'soortObjectId', 'BSN', 'objectId', '980000001', 'beginDatum', '2024-01-01',
    'vertrouwelijkheid', 'normaal,vertrouwelijk,opgeheven', 'cursor', :'terug'));
-- vertrouwelijkheid is an array parameter (form, explode): repeated, or a
-- comma-separated list, or both; the links carry it as one list.
SELECT status, body->'count' AS count, jsonb_path_query_array(body, '$.results[*].actieNaam') AS acties,
       body->>'next' AS next
  FROM http.aanroep('GET', 'api_read_confidential', NULL, 'verwerkingsactie_list',
  '{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "980000001",
    "vertrouwelijkheid": ["normaal", "opgeheven"]}');
SELECT status, body->'count' AS count FROM http.aanroep('GET', 'api_read_confidential', NULL, 'verwerkingsactie_list',
  '"objecttype=persoon&soortObjectId=BSN&objectId=980000001&vertrouwelijkheid=normaal&vertrouwelijkheid=vertrouwelijk%2Copgeheven"');
-- A parameter that is not an array may be given once; an unknown one is
-- refused (a typo never widens a filter silently); a cursor must be one
-- of this list's.
SELECT status, body->'invalidParams' AS invalid_params FROM http.aanroep('GET', 'api_read_confidential', NULL,
  'verwerkingsactie_list', '"objecttype=persoon&soortObjectId=BSN&objectId=980000001&objectId=980000002&eindatum=2024-01-01"');
SELECT status, body->'invalidParams' AS invalid_params FROM http.aanroep('GET', 'api_read_confidential', NULL,
  'verwerkingsactie_list', '{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "980000001", "cursor": "3"}');
-- Names and values are percent-decoded (UTF-8; + is a space); a broken
-- escape is a 400.
SELECT status, body->'count' AS count FROM http.aanroep('GET', 'api_read_confidential', NULL, 'verwerkingsactie_list',
  '"%6Fbjecttype=persoon&soortObjectId=B%53N&objectId=98000000%31"');
SELECT status, body->'invalidParams' AS invalid_params FROM http.aanroep('GET', 'api_read_confidential', NULL,
  'verwerkingsactie_list', '"objecttype=persoon&soortObjectId=BSN&objectId=9800%G1"');
RESET verwerkingenlog.page_size;
-- Values in the links are percent-encoded as UTF-8 (RFC 3986).
SELECT verwerkingenlog._http_url_encode('A-z_0.9~ &=?/#%+é€') AS gecodeerd;
-- An empty list is a list.
SELECT status, body FROM http.aanroep('GET', 'api_read_normal', NULL, 'verwerkingsactie_list',
  '{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "000000000", "vertrouwelijkheid": "normaal"}');
-- 400 for every bad parameter at once; 403 without a read scope.
SELECT status, jsonb_pretty(body->'invalidParams') AS invalid_params FROM http.aanroep('GET', 'api_read_confidential', NULL,
  'verwerkingsactie_list', $${"objecttype": "auto", "objectId": "12345678901234567890123456789012345678901",
  "beginDatum": "2024-13-01", "eindDatum": "gisteren", "vertrouwelijkheid": "normaal,geheim",
  "verwerkingsactiviteitId": "5f0bef4c"}$$);
SELECT status, body->>'code' AS code FROM http.aanroep('GET', 'api_create_normal', NULL, 'verwerkingsactie_list',
  '{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "980000001"}');

-- == GET /verwerkingsacties/{actieId} (verwerkingsactie_read), read-only
SELECT status, headers, jsonb_pretty(body) AS body FROM http.aanroep('GET', 'api_read_normal', NULL,
  'verwerkingsactie_read', jsonb_build_object('actieId', (SELECT id FROM http.id WHERE naam = 'normaal')));
SELECT naam, status, body->>'code' AS code
  FROM http.id, LATERAL http.aanroep('GET', 'api_read_normal', NULL, 'verwerkingsactie_read', jsonb_build_object('actieId', id))
 WHERE naam IN ('vertrouwelijk', 'opgeheven', 'vervallen') ORDER BY naam;
SELECT naam, status, body->>'vertrouwelijkheid' AS vertrouwelijkheid, body->>'code' AS code
  FROM http.id, LATERAL http.aanroep('GET', 'api_read_confidential', NULL, 'verwerkingsactie_read', jsonb_build_object('actieId', id))
 WHERE naam IN ('vertrouwelijk', 'opgeheven', 'vervallen') ORDER BY naam;
SELECT status, headers, jsonb_pretty(body) AS body FROM http.aanroep('GET', 'api_read_confidential', NULL,
  'verwerkingsactie_read', '{"actieId": "00000000-0000-4000-8000-000000000000"}');
SELECT status, body->'invalidParams' AS invalid_params FROM http.aanroep('GET', 'api_read_confidential', NULL,
  'verwerkingsactie_read', '{"actieId": "42"}');
SELECT status, body->'invalidParams' AS invalid_params FROM http.aanroep('GET', 'api_read_confidential', NULL,
  'verwerkingsactie_read', '{}');
SELECT status, body->>'code' AS code FROM http.aanroep('GET', 'api_update_confidential', NULL,
  'verwerkingsactie_read', jsonb_build_object('actieId', (SELECT id FROM http.id WHERE naam = 'normaal')));

-- == PUT /verwerkingsacties/{actieId} (verwerkingsactie_update): nginx
-- sends {"actieId": <from the path>, "body": <the request body>}.
CREATE FUNCTION http.volledig(actie_naam text, niveau text,
                              verwerking uuid DEFAULT '11111111-0000-4000-8000-000000000001') RETURNS jsonb LANGUAGE sql AS $$
    SELECT jsonb_build_object(
      'actieNaam', actie_naam, 'handelingNaam', null, 'verwerkingNaam', null,
      'verwerkingId', verwerking, 'verwerkingsactiviteitId', null,
      'verwerkingsactiviteitUrl', null, 'vertrouwelijkheid', niveau, 'bewaartermijn', 'P5Y',
      'uitvoerder', null, 'systeem', 'Zaaksysteem 4', 'gebruiker', null, 'gegevensbron', null,
      'soortAfnemerId', null, 'afnemerId', null, 'verwerkingsactiviteitIdAfnemer', null,
      'verwerkingsactiviteitUrlAfnemer', null, 'verwerkingIdAfnemer', null,
      'tijdstip', '2024-04-05T14:35:42+01:00',
      'verwerkteObjecten', jsonb_build_array(jsonb_build_object('objecttype', 'persoon', 'soortObjectId', 'BSN',
          'objectId', '980000001', 'betrokkenheid', null, 'verwerkteSoortenGegevens', '[]'::jsonb)))
$$;
-- update:normal keeps a normaal action normaal: 200.
SELECT status, headers, body->>'actieNaam' AS actie_naam, body->>'bewaartermijn' AS bewaartermijn, body->>'vertrouwelijkheid' AS niveau
  FROM http.aanroep('POST', 'api_update_normal', NULL, 'verwerkingsactie_update',
  jsonb_build_object('actieId', (SELECT id FROM http.id WHERE naam = 'normaal'), 'body', http.volledig('Zoeken personen (gecorrigeerd)', 'normaal')));
-- update:normal cannot make it vertrouwelijk, nor touch a confidential one.
SELECT status, body->>'code' AS code, body->>'detail' AS detail
  FROM http.aanroep('POST', 'api_update_normal', NULL, 'verwerkingsactie_update',
  jsonb_build_object('actieId', (SELECT id FROM http.id WHERE naam = 'normaal'), 'body', http.volledig('x', 'vertrouwelijk')));
SELECT status, body->>'code' AS code
  FROM http.aanroep('POST', 'api_update_normal', NULL, 'verwerkingsactie_update',
  jsonb_build_object('actieId', (SELECT id FROM http.id WHERE naam = 'vertrouwelijk'), 'body', http.volledig('x', 'vertrouwelijk')));
-- update:confidential may change a confidential action, and keeps it
-- confidential or sets it to normaal, which is stored as opgeheven: an
-- action that was confidential never looks as if it never was.
SELECT status, body->>'vertrouwelijkheid' AS niveau
  FROM http.aanroep('POST', 'api_update_confidential', NULL, 'verwerkingsactie_update',
  jsonb_build_object('actieId', (SELECT id FROM http.id WHERE naam = 'vertrouwelijk'),
                     'body', http.volledig('Geheim', 'vertrouwelijk', '22222222-0000-4000-8000-000000000002')));
SELECT status, body->>'vertrouwelijkheid' AS niveau
  FROM http.aanroep('POST', 'api_update_confidential', NULL, 'verwerkingsactie_update',
  jsonb_build_object('actieId', (SELECT id FROM http.id WHERE naam = 'vertrouwelijk'),
                     'body', http.volledig('Geheim', 'normaal', '22222222-0000-4000-8000-000000000002')));
-- opgeheven cannot be asked for an action that never was confidential.
SELECT status, body->>'code' AS code, body->>'detail' AS detail
  FROM http.aanroep('POST', 'api_update_confidential', NULL, 'verwerkingsactie_update',
  jsonb_build_object('actieId', (SELECT id FROM http.id WHERE naam = 'normaal'), 'body', http.volledig('x', 'opgeheven')));
-- Every element must be given: 400 with every missing one.
SELECT status, jsonb_pretty(body) AS body FROM http.aanroep('POST', 'api_update_normal', NULL, 'verwerkingsactie_update',
  jsonb_build_object('actieId', (SELECT id FROM http.id WHERE naam = 'normaal'),
                     'body', http.volledig('x', 'normaal') - 'systeem' - 'bewaartermijn' - 'verwerkingId'));
-- Unknown or vervallen action: 400 (the standard), naming actieId.
SELECT naam, status, body->'invalidParams' AS invalid_params
  FROM (VALUES ('onbekend', '00000000-0000-4000-8000-000000000000'::uuid)) o(naam, id),
       LATERAL http.aanroep('POST', 'api_update_normal', NULL, 'verwerkingsactie_update',
               jsonb_build_object('actieId', o.id, 'body', http.volledig('x', 'normaal')))
UNION ALL
SELECT naam, status, body->'invalidParams'
  FROM http.id, LATERAL http.aanroep('POST', 'api_update_normal', NULL, 'verwerkingsactie_update',
               jsonb_build_object('actieId', id, 'body', http.volledig('x', 'normaal')))
 WHERE naam = 'vervallen';
SELECT status, body->'invalidParams' AS invalid_params FROM http.aanroep('POST', 'api_update_normal', NULL,
  'verwerkingsactie_update', jsonb_build_object('actieId', 'niet-een-uuid', 'body', http.volledig('x', 'normaal')));
-- An empty request body reaches the function as null.
SELECT status, body->'invalidParams' AS invalid_params FROM http.aanroep('POST', 'api_update_normal', NULL,
  'verwerkingsactie_update', jsonb_build_object('actieId', (SELECT id FROM http.id WHERE naam = 'normaal'), 'body', null));
SELECT status, body->>'code' AS code FROM http.aanroep('POST', 'api_read_confidential', NULL, 'verwerkingsactie_update',
  jsonb_build_object('actieId', (SELECT id FROM http.id WHERE naam = 'normaal'), 'body', http.volledig('x', 'normaal')));

-- == PATCH /verwerkingsacties?verwerkingId= (verwerkingsactie_list_patch):
-- nginx sends {"verwerkingId": <from the query>, "body": <the request body>}.
-- update:normal: only bewaartermijn, only normaal actions: 204, no body.
SELECT status, headers, body FROM http.aanroep('POST', 'api_update_normal', NULL, 'verwerkingsactie_list_patch',
  '{"verwerkingId": "11111111-0000-4000-8000-000000000001", "body": {"bewaartermijn": "P20Y"}}');
SELECT actie_naam, bewaartermijn FROM verwerkingenlog.actuele_verwerkingsacties
 WHERE verwerking_id = '11111111-0000-4000-8000-000000000001' ORDER BY actie_naam;
SELECT status, body->>'code' AS code, body->>'detail' AS detail FROM http.aanroep('POST', 'api_update_normal', NULL, 'verwerkingsactie_list_patch',
  '{"verwerkingId": "11111111-0000-4000-8000-000000000001", "body": {"vertrouwelijkheid": "vertrouwelijk"}}');
SELECT status, body->>'code' AS code FROM http.aanroep('POST', 'api_update_normal', NULL, 'verwerkingsactie_list_patch',
  '{"verwerkingId": "22222222-0000-4000-8000-000000000002", "body": {"bewaartermijn": "P1Y"}}');
-- update:confidential: both (the opgeheven action stays opgeheven).
SELECT status FROM http.aanroep('POST', 'api_update_confidential', NULL, 'verwerkingsactie_list_patch',
  '{"verwerkingId": "22222222-0000-4000-8000-000000000002", "body": {"bewaartermijn": "P1Y", "vertrouwelijkheid": "normaal"}}');
SELECT actie_naam, vertrouwelijkheid, bewaartermijn FROM verwerkingenlog.actuele_verwerkingsacties
 WHERE verwerking_id = '22222222-0000-4000-8000-000000000002';
-- 400: no current action in the verwerking (the standard), a bad body,
-- a missing or malformed verwerkingId; 403 without an update scope.
SELECT status, body->'invalidParams' AS invalid_params FROM http.aanroep('POST', 'api_update_confidential', NULL,
  'verwerkingsactie_list_patch', '{"verwerkingId": "99999999-0000-4000-8000-000000000009", "body": {"bewaartermijn": "P1Y"}}');
SELECT status, jsonb_pretty(body->'invalidParams') AS invalid_params FROM http.aanroep('POST', 'api_update_confidential', NULL,
  'verwerkingsactie_list_patch', '{"verwerkingId": "11111111-0000-4000-8000-000000000001", "body": {"bewaartermijn": "tien jaar", "vertrouwelijkheid": "geheim", "extra": 1}}');
SELECT status, body->'invalidParams' AS invalid_params FROM http.aanroep('POST', 'api_update_confidential', NULL,
  'verwerkingsactie_list_patch', '{"body": {"bewaartermijn": "P1Y"}}');
SELECT status, body->'invalidParams' AS invalid_params FROM http.aanroep('POST', 'api_update_confidential', NULL,
  'verwerkingsactie_list_patch', '{"verwerkingId": "ongeldig", "body": {"bewaartermijn": "P1Y"}}');
SELECT status, body->'invalidParams' AS invalid_params FROM http.aanroep('POST', 'api_update_confidential', NULL,
  'verwerkingsactie_list_patch', '{"verwerkingId": "11111111-0000-4000-8000-000000000001", "body": null}');
SELECT status, body->>'code' AS code FROM http.aanroep('POST', 'api_delete_confidential', NULL, 'verwerkingsactie_list_patch',
  '{"verwerkingId": "11111111-0000-4000-8000-000000000001", "body": {"bewaartermijn": "P1Y"}}');

-- == DELETE /verwerkingsacties/{actieId} (verwerkingsactie_delete): nginx
-- sends {"actieId": <from the path>}.  204; 404 when the action is
-- unknown or already vervallen (the contract of DELETE has no 400).
SELECT http.onthoud('te verwijderen', ruw->>'actieId') FROM http.aanroep('POST', 'api_create_confidential', NULL,
  'verwerkingsactie_create', $${"actieNaam": "Te verwijderen", "vertrouwelijkheid": "vertrouwelijk",
  "tijdstip": "2024-04-10T10:00:00+02:00",
  "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "980000001"}]}$$);
SELECT status, body->>'code' AS code, body->>'detail' AS detail FROM http.aanroep('POST', 'api_delete_normal', NULL,
  'verwerkingsactie_delete', jsonb_build_object('actieId', (SELECT id FROM http.id WHERE naam = 'te verwijderen')));
SELECT status, headers, body FROM http.aanroep('POST', 'api_delete_confidential', NULL,
  'verwerkingsactie_delete', jsonb_build_object('actieId', (SELECT id FROM http.id WHERE naam = 'te verwijderen')));
SELECT status, headers, jsonb_pretty(body) AS body FROM http.aanroep('POST', 'api_delete_confidential', NULL,
  'verwerkingsactie_delete', jsonb_build_object('actieId', (SELECT id FROM http.id WHERE naam = 'te verwijderen')));
SELECT status, body->>'code' AS code FROM http.aanroep('POST', 'api_delete_confidential', NULL,
  'verwerkingsactie_delete', '{"actieId": "00000000-0000-4000-8000-000000000000"}');
SELECT status, body->>'detail' AS detail FROM http.aanroep('POST', 'api_delete_confidential', NULL,
  'verwerkingsactie_delete', '{"actieId": "42"}');
SELECT status, body->>'code' AS code FROM http.aanroep('POST', 'api_update_confidential', NULL,
  'verwerkingsactie_delete', jsonb_build_object('actieId', (SELECT id FROM http.id WHERE naam = 'normaal')));
SELECT status FROM http.aanroep('POST', 'api_delete_normal', NULL,
  'verwerkingsactie_delete', jsonb_build_object('actieId', (SELECT id FROM http.id WHERE naam = 'normaal')));
-- Gone for every read.
SELECT status FROM http.aanroep('GET', 'api_read_confidential', NULL, 'verwerkingsactie_read',
  jsonb_build_object('actieId', (SELECT id FROM http.id WHERE naam = 'normaal')));

-- == A write sent as GET (PostgREST: read-only) is refused with 405, and
-- claims that cannot be read are a 401.
SELECT status, headers, body->>'code' AS code FROM http.aanroep('GET', 'api_delete_confidential', NULL,
  'verwerkingsactie_delete', jsonb_build_object('actieId', (SELECT id FROM http.id WHERE naam = 'opgeheven')));
BEGIN READ ONLY;
SELECT set_config('role', 'api_read_confidential', true) IS NOT NULL AS rol,
       set_config('request.jwt.claims', '{"role": "api_read_confidential", "scope": 42}', true) IS NOT NULL AS claims;
SELECT verwerkingenlog_api.verwerkingsactie_read()->>'code' AS code,
       current_setting('response.status') AS status;
COMMIT;

-- == The mapping of the remaining SQLSTATEs: a concurrent change is a 409
-- (retry); anything unexpected a 500 whose message stays in the server log.
SELECT verwerkingenlog._http_error('40001', 'verwerkingsactie x was changed by a concurrent transaction', NULL)
       - 'instance' AS conflict, current_setting('response.status') AS status;
SET client_min_messages = error;
SELECT verwerkingenlog._http_error('XX000', 'cache lookup failed', NULL) - 'instance' AS fout,
       current_setting('response.status') AS status, current_setting('response.headers') AS headers;
RESET client_min_messages;

-- == Catalog: one function per operation, text parameters with the
-- OpenAPI's names, all with defaults, SECURITY DEFINER with a pinned
-- search_path, executable only by the scope roles.
SELECT p.proname, pg_get_function_arguments(p.oid) AS arguments, p.prosecdef, p.provolatile, p.proconfig
  FROM pg_proc p WHERE p.pronamespace = 'verwerkingenlog_api'::regnamespace ORDER BY 1;
SELECT p.proname, has_function_privilege('public', p.oid, 'EXECUTE') AS public,
       has_function_privilege('verwerkingenlog_read_normal', p.oid, 'EXECUTE') AS read_normal
  FROM pg_proc p WHERE p.pronamespace = 'verwerkingenlog_api'::regnamespace ORDER BY 1;

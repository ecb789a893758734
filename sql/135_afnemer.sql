-- The consumer's verwerking (B8157): a consumer changes the retention or
-- confidentiality of its processing; the provider reaches its own actions
-- through verwerkingIdAfnemer, with one probe of an index:
-- wijzig_verwerking_afnemer (the PATCH's scopes, rules and atomicity) and
-- verwerkingsacties_afnemer (read scopes as for GET), and their REST
-- functions.
SET TimeZone = 'UTC';
\set SHOW_CONTEXT never
CREATE ROLE a_app;
GRANT verwerkingenlog_create_normal, verwerkingenlog_create_confidential, verwerkingenlog_update_normal,
      verwerkingenlog_delete_normal, verwerkingenlog_read_normal TO a_app;
CREATE ROLE a_vertrouwelijk;
GRANT verwerkingenlog_update_confidential, verwerkingenlog_read_confidential TO a_vertrouwelijk;
CREATE TEMP TABLE t (naam text, id uuid);
GRANT ALL ON t TO a_app;
CREATE FUNCTION pg_temp.log(naam text, niveau text, afnemer text) RETURNS void LANGUAGE sql AS $$
  INSERT INTO t SELECT naam, (verwerkingenlog.log_verwerkingsactie(jsonb_build_object(
      'actieNaam', naam, 'vertrouwelijkheid', niveau, 'tijdstip', '2024-05-01T10:00:00+02:00', 'bewaartermijn', 'P1Y',
      'verwerkingIdAfnemer', afnemer, 'soortAfnemerId', 'OIN', 'afnemerId', '00000001234567890000',
      'verwerkteObjecten', jsonb_build_array(jsonb_build_object(
         'objecttype', 'persoon', 'soortObjectId', 'BSN', 'objectId', '135000001'))))->>'actieId')::uuid
$$;
GRANT EXECUTE ON FUNCTION pg_temp.log(text, text, text) TO a_app;

SET ROLE a_app;
SELECT pg_temp.log('normaal 1', 'normaal', '13500000-0000-4000-8000-00000000000a');
SELECT pg_temp.log('normaal 2', 'normaal', '13500000-0000-4000-8000-00000000000a');
SELECT pg_temp.log('geheim', 'vertrouwelijk', '13500000-0000-4000-8000-00000000000a');
SELECT pg_temp.log('ander', 'normaal', '13500000-0000-4000-8000-00000000000b');
SELECT pg_temp.log('verplaatst', 'normaal', '13500000-0000-4000-8000-00000000000a');
SELECT pg_temp.log('vervallen', 'normaal', '13500000-0000-4000-8000-00000000000a');
-- One was moved to another consumer's verwerking by PUT, one annulled.
SELECT verwerkingenlog.wijzig_verwerkingsactie(id, verwerkingenlog.verwerkingsactie(id)
         || '{"verwerkingIdAfnemer": "13500000-0000-4000-8000-00000000000c"}') IS NOT NULL AS verplaatst
  FROM t WHERE naam = 'verplaatst';
SELECT verwerkingenlog.verwijder_verwerkingsactie(id) FROM t WHERE naam = 'vervallen';

-- The list: read:normal sees the normaal ones, read:confidential all.
SELECT x->>'actieNaam' AS actie, x->>'vertrouwelijkheid' AS niveau, x->>'verwerkingIdAfnemer' AS afnemer
  FROM verwerkingenlog.verwerkingsacties_afnemer('13500000-0000-4000-8000-00000000000A') x ORDER BY 1;
RESET ROLE;
SET ROLE a_vertrouwelijk;
SELECT x->>'actieNaam' AS actie, x->>'vertrouwelijkheid' AS niveau
  FROM verwerkingenlog.verwerkingsacties_afnemer('13500000-0000-4000-8000-00000000000a') x ORDER BY 1;
RESET ROLE;

-- The PATCH: with update:normal refused as a whole, because one of the
-- actions is vertrouwelijk (nothing is changed); with update:confidential
-- every current action of that consumer's verwerking gets a new version.
SET ROLE a_app;
SELECT verwerkingenlog.wijzig_verwerking_afnemer('13500000-0000-4000-8000-00000000000a', '{"bewaartermijn": "P5Y"}');
SELECT verwerkingenlog.wijzig_verwerking_afnemer('13500000-0000-4000-8000-00000000000a', '{"bewaartermijn": null}');
SELECT verwerkingenlog.wijzig_verwerking_afnemer('13500000-0000-4000-8000-00000000000d', '{"bewaartermijn": "P5Y"}');
SELECT verwerkingenlog.wijzig_verwerking_afnemer(NULL, '{"bewaartermijn": "P5Y"}');
-- Only normaal actions: update:normal may change their retention.
SELECT verwerkingenlog.wijzig_verwerking_afnemer('13500000-0000-4000-8000-00000000000b', '{"bewaartermijn": "P3Y"}') AS aantal;
RESET ROLE;
SET ROLE a_vertrouwelijk;
SELECT verwerkingenlog.wijzig_verwerking_afnemer('13500000-0000-4000-8000-00000000000a',
                                                 '{"bewaartermijn": "P5Y", "vertrouwelijkheid": "vertrouwelijk"}') AS aantal;
RESET ROLE;
SELECT t.naam, v.volgnummer, v.vertrouwelijkheid, v.bewaartermijn, v.gemaakt_door_rol
  FROM t JOIN verwerkingenlog.verwerkingsactie_versie v ON v.actie_id = t.id
 WHERE v.volgnummer = (SELECT max(w.volgnummer) FROM verwerkingenlog.verwerkingsactie_versie w WHERE w.actie_id = t.id)
 ORDER BY t.naam;

-- One probe of the index each, in a log of a few thousand actions.
SELECT count(*) AS meer FROM verwerkingenlog.log_verwerkingsacties((SELECT jsonb_agg(jsonb_build_object(
   'vertrouwelijkheid', 'normaal', 'tijdstip', '2024-05-01T10:00:00+02:00', 'verwerkingIdAfnemer', gen_random_uuid(),
   'verwerkteObjecten', '[{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "135000002"}]'::jsonb))
  FROM generate_series(1, 3000)));
ANALYZE verwerkingenlog.verwerkingsactie_versie;
SELECT pg_stat_force_next_flush();
SELECT idx_scan AS voor FROM pg_stat_user_indexes WHERE indexrelname = 'verwerkingsactie_versie_verwerking_afnemer' \gset
SET ROLE a_vertrouwelijk;
SELECT count(*) FROM verwerkingenlog.verwerkingsacties_afnemer('13500000-0000-4000-8000-00000000000a');
SELECT verwerkingenlog.wijzig_verwerking_afnemer('13500000-0000-4000-8000-00000000000a', '{"bewaartermijn": "P6Y"}') AS aantal;
RESET ROLE;
SELECT pg_stat_force_next_flush();
SELECT idx_scan - :voor AS index_probes FROM pg_stat_user_indexes WHERE indexrelname = 'verwerkingsactie_versie_verwerking_afnemer';

-- REST: a list envelope; 204; 400 for a bad id and for one without actions.
SET ROLE a_vertrouwelijk;
SELECT set_config('request.headers', jsonb_build_object('verwerkingenlog-id', '13500000-0000-4000-8000-00000000000a')::text, false) IS NULL AS _;
SELECT b->'count' AS count, jsonb_array_length(b->'results') AS results, current_setting('response.status') AS http
  FROM verwerkingenlog_api.verwerkingsactie_afnemer_list() b;
SELECT set_config('request.headers', jsonb_build_object('verwerkingenlog-id', '13500000-0000-4000-8000-00000000000a')::text, false) IS NULL AS _;
SELECT b, current_setting('response.status') AS http
  FROM verwerkingenlog_api.verwerkingsactie_afnemer_patch('{"bewaartermijn": "P7Y"}') b;
SELECT set_config('request.headers', jsonb_build_object('verwerkingenlog-id', 'geen-uuid')::text, false) IS NULL AS _;
SELECT b->'invalidParams' AS invalid_params, current_setting('response.status') AS http
  FROM verwerkingenlog_api.verwerkingsactie_afnemer_patch('{"bewaartermijn": "P7Y"}') b;
SELECT set_config('request.headers', jsonb_build_object('verwerkingenlog-id', '13500000-0000-4000-8000-00000000000d')::text, false) IS NULL AS _;
SELECT b->'invalidParams' AS invalid_params, current_setting('response.status') AS http
  FROM verwerkingenlog_api.verwerkingsactie_afnemer_patch('{"bewaartermijn": "P7Y"}') b;
SELECT set_config('request.headers', jsonb_build_object('verwerkingenlog-id', '13500000-0000-4000-8000-00000000000a')::text, false) IS NULL AS _;
SELECT b->'invalidParams' AS invalid_params, current_setting('response.status') AS http
  FROM verwerkingenlog_api.verwerkingsactie_afnemer_patch('{"bewaartermijn": null}') b;
SELECT set_config('request.headers', jsonb_build_object('verwerkingenlog-id', 'geen-uuid')::text, false) IS NULL AS _;
SELECT b->>'status' AS status, current_setting('response.status') AS http
  FROM verwerkingenlog_api.verwerkingsactie_afnemer_list() b;
RESET ROLE;
SET ROLE a_app;
SELECT set_config('request.headers', jsonb_build_object('verwerkingenlog-id', '13500000-0000-4000-8000-00000000000a')::text, false) IS NULL AS _;
SELECT b->>'detail' AS detail, current_setting('response.status') AS http
  FROM verwerkingenlog_api.verwerkingsactie_afnemer_patch('{"bewaartermijn": "P8Y"}') b;
RESET ROLE;
DROP TABLE t;
DROP FUNCTION pg_temp.log(text, text, text);
DROP ROLE a_app, a_vertrouwelijk;

-- No identifier that could be a BSN is stored in the clear: every afnemerId
-- that is not an OIN (soortAfnemerId OIN and 20 digits) is encrypted, however
-- its kind is spelt.  An inzage never shows another person's identifier:
-- afnemerId is left out of the restricted form unless it is an OIN.
SET search_path = verwerkingenlog, pg_catalog;
\set SHOW_CONTEXT never
CREATE TEMP TABLE afnemers AS
SELECT soort, id, (log_verwerkingsactie(jsonb_build_object(
         'actieNaam', 'afnemer ' || coalesce(soort, '(geen)'), 'vertrouwelijkheid', 'normaal',
         'tijdstip', '2024-06-01T10:00:00+02:00', 'soortAfnemerId', soort, 'afnemerId', id,
         'verwerkteObjecten', jsonb_build_array(jsonb_build_object('objecttype', 'persoon', 'soortObjectId', 'BSN',
                                                                   'objectId', '111000222'))))->>'actieId')::uuid AS actie
  FROM (VALUES ('BSN', '666777881'), ('BSN ', '666777882'), ('bsn', '666777883'), ('burgerservicenummer', '666777884'),
               (NULL, '666777885'), ('OIN', '666777886'), ('OIN', '00000001234567890000'),
               ('oin', '00000001234567890001')) v(soort, id);
-- What is stored: plain only for the two OINs.
SELECT a.soort, v.afnemer_id IS NOT NULL AS leesbaar_opgeslagen, v.afnemer_versleuteld IS NOT NULL AS versleuteld
  FROM afnemers a JOIN verwerkingsactie_versie v ON v.actie_id = a.actie ORDER BY a.id;
-- The API gives every afnemerId back as it was logged.
SELECT a.soort, verwerkingsactie(a.actie)->>'afnemerId' AS afnemer FROM afnemers a ORDER BY a.id;
-- The inzage for 111000222 shows the OINs only: the others could be another
-- person's BSN (reproduced on main: 666777888 in the inzage for 111000222).
SELECT d->'verwerkingsactie'->>'soortAfnemerId' AS soort, d->'verwerkingsactie'->>'afnemerId' AS afnemer,
       d->'verwerkingsactie' ? 'afnemerId' AS element_aanwezig
  FROM verwerkte_objecten('persoon', 'BSN', '111000222', '2024-06-01', '2024-06-02') d
 ORDER BY d->'verwerkingsactie'->>'actieNaam', d->'verwerkingsactie'->>'afnemerId' NULLS FIRST;
SELECT d->'verwerkingsactie'->>'afnemerId' AS afnemer
  FROM afnemers a, verwerkt_object o, verwerkt_object(o.verwerkt_object_id) d
 WHERE o.actie_id = a.actie AND a.soort = 'BSN';
-- The REST layer's inzage alike.
SELECT set_config('request.headers', '{"verwerkingenlog-query": "objecttype=persoon&soortObjectId=BSN&objectId=111000222&beginDatum=2024-06-01&eindDatum=2024-06-02"}', false) IS NOT NULL AS kop;
SELECT jsonb_path_query_array(verwerkingenlog_api.verwerkte_objecten_list(), '$.results[*].verwerkingsactie.afnemerId') AS rest_afnemers;
SELECT set_config('request.headers', '', false) IS NOT NULL AS kop_weg;
-- Nothing of it in the heap.
CHECKPOINT;
SELECT bool_or(position(convert_to(id, 'UTF8') IN pg_read_binary_file(pg_relation_filepath('verwerkingsactie_versie'))) > 0)
       AS bsn_op_schijf
  FROM afnemers WHERE id LIKE '666%';

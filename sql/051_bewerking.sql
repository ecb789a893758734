-- PUT, DELETE and PATCH through the SQL API: every change a new version,
-- the scope rules of the standard, the never-forget rule, the errors.
SET TimeZone = 'UTC';
CREATE ROLE b_schrijver;      -- logs normal and confidential actions, reads everything
GRANT verwerkingenlog_create_confidential, verwerkingenlog_create_normal, verwerkingenlog_read_confidential TO b_schrijver;
CREATE ROLE b_update_normal;
GRANT verwerkingenlog_update_normal, verwerkingenlog_read_confidential TO b_update_normal;
CREATE ROLE b_update_conf;
GRANT verwerkingenlog_update_confidential, verwerkingenlog_read_confidential TO b_update_conf;
CREATE ROLE b_delete_normal;
GRANT verwerkingenlog_delete_normal TO b_delete_normal;
CREATE ROLE b_delete_conf;
GRANT verwerkingenlog_delete_confidential TO b_delete_conf;

CREATE FUNCTION pg_temp.actie(niveau text, verwerking text DEFAULT '11111111-1111-4111-8111-111111111111',
                              bsn text DEFAULT '100000001') RETURNS uuid
LANGUAGE sql AS $$
  SELECT (verwerkingenlog.log_verwerkingsactie(jsonb_build_object(
      'actieNaam', 'Actie', 'verwerkingId', verwerking, 'vertrouwelijkheid', niveau,
      'tijdstip', '2024-03-01T10:00:00+01:00', 'bewaartermijn', 'P1Y',
      'verwerkteObjecten', jsonb_build_array(jsonb_build_object(
         'objecttype', 'persoon', 'soortObjectId', 'BSN', 'objectId', bsn,
         'verwerkteSoortenGegevens', '[{"soortGegeven": "Naam"}]'::jsonb))))->>'actieId')::uuid
$$;

SET ROLE b_schrijver;
SELECT pg_temp.actie('normaal') AS normaal1, pg_temp.actie('normaal') AS normaal2,
       pg_temp.actie('vertrouwelijk') AS geheim1 \gset
RESET ROLE;

-- PUT needs every writable element; each missing one is listed.
SET ROLE b_update_normal;
SELECT verwerkingenlog.wijzig_verwerkingsactie(:'normaal1',
  '{"vertrouwelijkheid": "normaal", "tijdstip": "2024-03-01T10:00:00+01:00",
    "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "100000001"}]}');
-- A document read from the log is valid PUT input as it stands.
SELECT d->>'actieNaam' AS actie, d->>'vertrouwelijkheid' AS niveau,
       d->'verwerkteObjecten'->0->>'verwerktObjectId' = o.oud AS objecten_behouden
  FROM (SELECT verwerkingenlog.verwerkingsactie(:'normaal1')->'verwerkteObjecten'->0->>'verwerktObjectId' AS oud) o,
       verwerkingenlog.wijzig_verwerkingsactie(:'normaal1',
         verwerkingenlog.verwerkingsactie(:'normaal1') || '{"actieNaam": "Gecorrigeerd"}') d;
-- update:normal cannot make an action confidential, nor touch a confidential one.
SELECT verwerkingenlog.wijzig_verwerkingsactie(:'normaal1',
  verwerkingenlog.verwerkingsactie(:'normaal1') || '{"vertrouwelijkheid": "vertrouwelijk"}');
SELECT verwerkingenlog.wijzig_verwerkingsactie(:'geheim1', verwerkingenlog.verwerkingsactie(:'geheim1'));
-- Unknown actions are P0002.
SELECT verwerkingenlog.wijzig_verwerkingsactie('00000000-0000-4000-8000-000000000000',
  verwerkingenlog.verwerkingsactie(:'normaal1'));
RESET ROLE;

SET ROLE b_update_conf;
-- Changed objects get a new object set with new ids.
SELECT d->'verwerkteObjecten'->0->>'objectId' AS bsn,
       d->'verwerkteObjecten'->0->>'verwerktObjectId' <> o.oud AS nieuwe_object_ids
  FROM (SELECT verwerkingenlog.verwerkingsactie(:'normaal2')->'verwerkteObjecten'->0->>'verwerktObjectId' AS oud) o,
       verwerkingenlog.wijzig_verwerkingsactie(:'normaal2',
         jsonb_set(verwerkingenlog.verwerkingsactie(:'normaal2'), '{verwerkteObjecten,0,objectId}', '"100000002"')) d;
-- Confidential -> normaal is stored as opgeheven: confidentiality never forgets.
SELECT verwerkingenlog.wijzig_verwerkingsactie(:'geheim1',
  verwerkingenlog.verwerkingsactie(:'geheim1') || '{"vertrouwelijkheid": "Normaal"}')->>'vertrouwelijkheid' AS opgeheven;
-- ... and an opgeheven document written back stays opgeheven.
SELECT verwerkingenlog.wijzig_verwerkingsactie(:'geheim1',
  verwerkingenlog.verwerkingsactie(:'geheim1'))->>'vertrouwelijkheid' AS blijft_opgeheven;
-- A never-confidential action cannot be "lifted".
SELECT verwerkingenlog.wijzig_verwerkingsactie(:'normaal1',
  verwerkingenlog.verwerkingsactie(:'normaal1') || '{"vertrouwelijkheid": "opgeheven"}');
RESET ROLE;

-- DELETE: delete:normal only for normaal actions; a vervallen action is gone.
SET ROLE b_delete_normal;
SELECT verwerkingenlog.verwijder_verwerkingsactie(:'geheim1');
SELECT verwerkingenlog.verwijder_verwerkingsactie(:'normaal2');
\set VERBOSITY sqlstate
SELECT verwerkingenlog.verwijder_verwerkingsactie(:'normaal2');
RESET ROLE;
SET ROLE b_update_conf;
SELECT verwerkingenlog.wijzig_verwerkingsactie(:'normaal2', verwerkingenlog.verwerkingsactie(:'normaal1'));
\set VERBOSITY default
RESET ROLE;
SET ROLE b_delete_conf;
SELECT verwerkingenlog.verwijder_verwerkingsactie(:'geheim1');
RESET ROLE;

-- PATCH of a verwerking.
SET ROLE b_schrijver;
SELECT pg_temp.actie('normaal', '22222222-2222-4222-8222-222222222222') AS p1,
       pg_temp.actie('normaal', '22222222-2222-4222-8222-222222222222') AS p2,
       pg_temp.actie('vertrouwelijk', '33333333-3333-4333-8333-333333333333') AS p3,
       pg_temp.actie('normaal', '33333333-3333-4333-8333-333333333333') AS p4 \gset
RESET ROLE;
SET ROLE b_update_normal;
-- The body: at least one of the two elements, nothing else, valid values.
SELECT verwerkingenlog.wijzig_verwerking('22222222-2222-4222-8222-222222222222', '{}');
SELECT verwerkingenlog.wijzig_verwerking('22222222-2222-4222-8222-222222222222', '{"bewaartermijn": "10 jaar", "vertrouwelijkheid": "geheim", "extra": 1}');
SELECT verwerkingenlog.wijzig_verwerking('22222222-2222-4222-8222-222222222222', '[]');
-- update:normal may change only the retention, only of normaal actions.
SELECT verwerkingenlog.wijzig_verwerking('22222222-2222-4222-8222-222222222222', '{"bewaartermijn": "P5Y"}') AS aantal;
SELECT verwerkingenlog.wijzig_verwerking('22222222-2222-4222-8222-222222222222', '{"vertrouwelijkheid": "vertrouwelijk"}');
SELECT verwerkingenlog.wijzig_vertrouwelijkheid_verwerking('22222222-2222-4222-8222-222222222222', 'vertrouwelijk');
SELECT verwerkingenlog.wijzig_bewaartermijn_verwerking('33333333-3333-4333-8333-333333333333', 'P7Y');
SELECT verwerkingenlog.wijzig_verwerking('44444444-4444-4444-8444-444444444444', '{"bewaartermijn": "P5Y"}');
RESET ROLE;
SET ROLE b_update_conf;
SELECT verwerkingenlog.wijzig_verwerking('33333333-3333-4333-8333-333333333333',
  '{"bewaartermijn": "P7Y", "vertrouwelijkheid": "normaal"}') AS aantal;
RESET ROLE;
SET ROLE b_delete_conf;
SELECT verwerkingenlog.verwijder_verwerkingsactie(:'p2');
RESET ROLE;
SET ROLE b_update_conf;
-- Vervallen actions are left alone.
SELECT verwerkingenlog.wijzig_bewaartermijn_verwerking('22222222-2222-4222-8222-222222222222', 'P6Y') AS aantal;
RESET ROLE;

SELECT a.naam, v.volgnummer, v.vertrouwelijkheid, v.bewaartermijn, v.vervallen
  FROM verwerkingenlog.verwerkingsactie_versie v
  JOIN (VALUES (:'p1'::uuid, 'p1'), (:'p2'::uuid, 'p2'), (:'p3'::uuid, 'p3'), (:'p4'::uuid, 'p4')) a(id, naam)
    ON a.id = v.actie_id
 ORDER BY a.naam, v.volgnummer;

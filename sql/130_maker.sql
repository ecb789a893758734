-- Who made each version (B3891): the calling role (not the owner of the
-- SECURITY DEFINER function) and, from request.jwt.claims, sub and azp or
-- client_id.  POST, PUT, DELETE, PATCH and the batch each record their own
-- maker; a DELETE or PATCH does not copy the maker of the version before.
-- Shown in the history (read:confidential) and the export, never in the
-- standard's documents.
SET TimeZone = 'UTC';
CREATE ROLE m_app;
GRANT verwerkingenlog_create_normal, verwerkingenlog_read_confidential TO m_app;
CREATE ROLE m_wijziger;
GRANT verwerkingenlog_update_normal, verwerkingenlog_delete_normal, verwerkingenlog_read_normal TO m_wijziger;
CREATE ROLE m_lezer;
GRANT verwerkingenlog_read_normal TO m_lezer;

CREATE FUNCTION pg_temp.doc(verwerking text) RETURNS jsonb LANGUAGE sql AS $$
  SELECT jsonb_build_object('actieNaam', 'Maker', 'vertrouwelijkheid', 'normaal', 'verwerkingId', verwerking,
      'tijdstip', '2024-05-01T10:00:00+02:00', 'bewaartermijn', 'P1Y', 'systeem', 'app', 'gebruiker', 'jan',
      'verwerkteObjecten', jsonb_build_array(jsonb_build_object(
         'objecttype', 'persoon', 'soortObjectId', 'BSN', 'objectId', '130000001')))
$$;
-- The makers of an action's versions, in order.
CREATE FUNCTION pg_temp.makers(actie uuid) RETURNS TABLE (volgnummer integer, rol text, sub text, client text,
                                                         systeem text, gebruiker text, vervallen boolean)
LANGUAGE sql AS $$
  SELECT v.volgnummer, v.gemaakt_door_rol, v.gemaakt_door_sub, v.gemaakt_door_client, v.systeem, v.gebruiker, v.vervallen
    FROM verwerkingenlog.verwerkingsactie_versie v WHERE v.actie_id = actie ORDER BY v.volgnummer
$$;

-- POST by m_app with a token of user u-1 through client portaal (azp).
SET ROLE m_app;
SET request.jwt.claims = '{"sub": "u-1", "azp": "portaal", "client_id": "niet-deze", "scope": "create:normal read:confidential"}';
SELECT (verwerkingenlog.log_verwerkingsactie(pg_temp.doc('13000000-0000-4000-8000-000000000001'))->>'actieId') AS actie \gset
-- The standard's documents do not show the maker.
SELECT verwerkingenlog.verwerkingsactie(:'actie') ? 'gemaaktDoor' AS in_document;
RESET request.jwt.claims;
RESET ROLE;

-- PUT by m_wijziger with only client_id (no azp) and a numeric sub.
SELECT verwerkingenlog.verwerkingsactie(:'actie') || '{"actieNaam": "Gewijzigd"}' AS putdoc \gset
SET ROLE m_wijziger;
SET request.jwt.claims = '{"sub": 42, "client_id": "backoffice"}';
SELECT verwerkingenlog.wijzig_verwerkingsactie(:'actie', :'putdoc')->>'actieNaam' AS put;
-- PATCH of its verwerking by another user of the same client.
SET request.jwt.claims = '{"sub": "u-2", "client_id": "backoffice"}';
SELECT verwerkingenlog.wijzig_verwerking('13000000-0000-4000-8000-000000000001', '{"bewaartermijn": "P2Y"}') AS patch;
-- DELETE without a token: the role only.
RESET request.jwt.claims;
SELECT verwerkingenlog.verwijder_verwerkingsactie(:'actie');
RESET ROLE;

-- Every version has its own maker; systeem and gebruiker (the standard's
-- elements) are what the client said, copied by PATCH and DELETE.
SELECT * FROM pg_temp.makers(:'actie');

-- The history shows it, for read:confidential.
SET ROLE m_app;
SELECT h->>'volgnummer' IS NULL AS geen_volgnummer_element, h->'gemaaktDoor' AS gemaakt_door, h->>'vervallen' AS vervallen
  FROM verwerkingenlog.verwerkingsactie_historie(:'actie') h;
RESET ROLE;
SET ROLE m_lezer;
SELECT count(*) FROM verwerkingenlog.verwerkingsactie_historie(:'actie');
RESET ROLE;

-- The batch and a superuser session: the session's role.
CREATE TEMP TABLE batch AS
SELECT a.id FROM verwerkingenlog.log_verwerkingsacties(jsonb_build_array(pg_temp.doc(NULL), pg_temp.doc(NULL))) a(id);
SELECT array_agg(v.gemaakt_door_rol) AS batch
  FROM batch a JOIN verwerkingenlog.verwerkingsactie_versie v ON v.actie_id = a.id;
-- SET ROLE inside a SECURITY DEFINER caller is not what counts: the outer
-- role is (the role the session or PostgREST set).
CREATE FUNCTION pg_temp.als_eigenaar() RETURNS text LANGUAGE sql SECURITY DEFINER AS $$
  SELECT verwerkingenlog.log_verwerkingsactie(pg_temp.doc(NULL))->>'actieId'
$$;
GRANT EXECUTE ON FUNCTION pg_temp.als_eigenaar() TO m_app;
SET ROLE m_app;
SELECT pg_temp.als_eigenaar() AS actie2 \gset
RESET ROLE;
SELECT gemaakt_door_rol FROM verwerkingenlog.verwerkingsactie_versie WHERE actie_id = :'actie2';

-- A long claim is cut at 242 characters; unreadable claims are refused
-- (28000) before anything is written.
SELECT set_config('request.jwt.claims', jsonb_build_object('sub', repeat('x', 300), 'azp', '{"a": 1}'::jsonb)::text, false) IS NOT NULL AS gezet;
SELECT verwerkingenlog.log_verwerkingsactie(pg_temp.doc(NULL))->>'actieId' AS actie3 \gset
SELECT length(v.gemaakt_door_sub) AS sub_lengte, v.gemaakt_door_client
  FROM verwerkingenlog.verwerkingsactie_versie v WHERE v.actie_id = :'actie3';
SET request.jwt.claims = '{"sub": ';
SELECT verwerkingenlog.log_verwerkingsactie(pg_temp.doc(NULL));
RESET request.jwt.claims;

DROP FUNCTION pg_temp.als_eigenaar();
DROP ROLE m_app, m_wijziger, m_lezer;

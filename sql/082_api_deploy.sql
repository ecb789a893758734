-- The deployment's roles (test/deploy/roles.sql) through the PostgREST
-- emulation: what authenticator and each client role can do, and one story
-- from a case system's POST to a citizen's inzage and its record.
SET TimeZone = 'Europe/Amsterdam';
SET verwerkingenlog.base_url = 'https://log.example.nl/api/v1';
SET client_min_messages = warning;
\set SHOW_CONTEXT never

\set ECHO none
\getenv abs_srcdir PG_ABS_SRCDIR
\set emulatie :abs_srcdir '/test/deploy/postgrest_emulatie.sql'
\i :emulatie
\set rollen :abs_srcdir '/test/deploy/roles.sql'
\i :rollen
\set ECHO all

-- authenticator logs in, holds nothing itself (NOINHERIT), and may become
-- each client role.
SELECT rolname, rolcanlogin, rolinherit, rolsuper FROM pg_roles WHERE rolname = 'authenticator';
SELECT r AS client, pg_has_role('authenticator', r, 'MEMBER') AS wordt,
       pg_has_role('authenticator', r, 'USAGE') AS erft,
       ARRAY(SELECT b.rolname FROM pg_auth_members m JOIN pg_roles b ON b.oid = m.roleid
              WHERE m.member = r::regrole ORDER BY 1) AS scope_rollen
  FROM unnest(ARRAY['burgerportaal', 'privacyloket', 'zaaksysteem', 'basisregistratie']) r ORDER BY 1;
SET ROLE authenticator;
SELECT verwerkingenlog_api.verwerkingsactie_read();
RESET ROLE;

-- The case system logs a marriage and a confidential action, then lifts
-- the confidentiality of its verwerking (opgeheven).
SELECT status, http.onthoud('d.huwelijk', ruw->>'actieId')
  FROM http.aanroep('POST', 'zaaksysteem', 'create:normal create:confidential', 'verwerkingsactie_create', $${
  "actieNaam": "Registreren huwelijk", "vertrouwelijkheid": "normaal", "systeem": "Zaaksysteem 4",
  "tijdstip": "2024-06-14T11:00:00+02:00",
  "verwerkteObjecten": [
    {"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "960000001", "betrokkenheid": "Partner"},
    {"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "960000002", "betrokkenheid": "Partner"}]}$$);
SELECT status FROM http.aanroep('POST', 'zaaksysteem', NULL, 'verwerkingsactie_create', $${
  "actieNaam": "Onderzoek", "vertrouwelijkheid": "vertrouwelijk", "verwerkingId": "55555555-0000-4000-8000-000000000005",
  "tijdstip": "2024-06-20T11:00:00+02:00",
  "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "960000001"}]}$$);
SELECT status FROM http.aanroep('POST', 'zaaksysteem', NULL, 'verwerkingsactie_list_patch',
  '{"verwerkingId": "55555555-0000-4000-8000-000000000005", "body": {"vertrouwelijkheid": "normaal"}}');
-- The base registry may log, not read; the portal may read, not log.
SELECT status, body->>'code' AS code FROM http.aanroep('GET', 'basisregistratie', NULL, 'verwerkingsactie_list',
  '{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "960000001", "vertrouwelijkheid": "normaal"}');
SELECT status, body->>'code' AS code FROM http.aanroep('POST', 'burgerportaal', NULL, 'verwerkingsactie_create', '{}');

-- The citizen portal's inzage: the marriage only (the lifted action was
-- confidential once); a claim cannot widen the role's scopes.
SELECT status, body->'count' AS count,
       jsonb_path_query_array(body, '$.results[*].verwerkingsactie.actieNaam') AS acties,
       jsonb_path_query_array(body, '$.results[*].objectId') AS objecten
  FROM http.aanroep('POST', 'burgerportaal', 'read:normal read:confidential', 'verwerkte_objecten_list',
       '{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "960000001",
         "beginDatum": "2024-01-01", "eindDatum": "2025-01-01"}',
       '{"oin": "00000001234567890000", "verwerkingid": "4b698de3-ffba-45e7-8697-a283ec863db2"}');
-- The privacy desk sees the lifted one too, and the record of the inzage.
SELECT status, jsonb_path_query_array(body, '$.results[*].verwerkingsactie.vertrouwelijkheid') AS niveaus
  FROM http.aanroep('POST', 'privacyloket', 'read:confidential', 'verwerkte_objecten_list',
       '{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "960000001",
         "beginDatum": "2024-01-01", "eindDatum": "2025-01-01"}');
SELECT r->>'actieNaam' AS actie, r->>'gebruiker' AS gebruiker, r->>'afnemerId' AS afnemer,
       r->>'verwerkingIdAfnemer' AS verwerking_afnemer, r->'verwerkteObjecten'->0->>'objectId' AS over
  FROM http.aanroep('GET', 'privacyloket', NULL, 'verwerkingsactie_list',
       jsonb_build_object('objecttype', 'persoon', 'soortObjectId', 'BSN', 'objectId', '960000001',
                          'beginDatum', to_char(current_date, 'YYYY-MM-DD'))) a,
       jsonb_array_elements(a.ruw->'results') r
 ORDER BY r->>'tijdstipRegistratie';

-- The demo: a walk-through of the log for a municipality's DBA, on a scratch
-- database.  Run with ./test/run.sh demo (it stops at the first real error).
--
-- Each story starts with a heading that says what it shows and why it
-- matters, with the standard's decision code where there is one.  What the
-- log is expected to refuse is run through pg_temp.weigering(), which prints
-- "refused as expected: <SQLSTATE> <message>" and stops the demo when the
-- statement was NOT refused (or refused for another reason).  Generated ids
-- and registration times differ from run to run and are left out or masked.
\set ON_ERROR_STOP 1
\pset pager off
\pset footer off
\pset null '-'
SET client_min_messages = warning;
SET TimeZone = 'Europe/Amsterdam';

\echo
\echo '== 0. Install: the extension, its settings, and the applications of test/deploy/roles.sql'
\echo '   You, the DBA, are the superuser postgres.  Every application gets a role whose memberships'
\echo '   are its scopes of the standard; the settings are kept in the database (pg_dump keeps them).'
CREATE EXTENSION verwerkingenlog;
SELECT s.naam AS setting, verwerkingenlog.instellen(s.naam, s.waarde) AS "set to" FROM (VALUES
    ('verwerkingenlog.base_url', 'https://log.gemeente-voorbeeld.nl/api/v1'),
    ('verwerkingenlog.inzage_uitvoerder', '00000001002564440000'),
    ('verwerkingenlog.inzage_verwerkingsactiviteit_id', 'a1b2c3d4-0000-4000-8000-00000000c367'),
    ('verwerkingenlog.inzage_bewaartermijn', 'P1Y')) AS s(naam, waarde);
\ir deploy/roles.sql
SELECT m.rolname AS applicatie,
       string_agg(replace(replace(replace(s.rolname, 'verwerkingenlog_', ''), '_normal', ':normal'), '_confidential', ':confidential'),
                  ', ' ORDER BY s.rolname) AS scopes
  FROM pg_auth_members a
  JOIN pg_roles m ON m.oid = a.member
  JOIN pg_roles s ON s.oid = a.roleid
 WHERE m.rolname IN ('burgerportaal', 'privacyloket', 'zaaksysteem', 'basisregistratie')
   AND s.rolname LIKE 'verwerkingenlog\_%'
 GROUP BY m.rolname ORDER BY m.rolname;

-- The demo's helpers.  weigering(sqlstate, statement): runs the statement
-- as the current role; it must fail with that SQLSTATE.  gemaskeerd(doc):
-- a stored document with the ids and the registration time the log made
-- replaced by placeholders.  demo_id: the actieIds the demo refers to.
CREATE FUNCTION pg_temp.weigering(verwacht text, opdracht text) RETURNS SETOF text
    LANGUAGE plpgsql AS $$
DECLARE
    code text;
    bericht text;
    detail text;
    uuid7 constant text := '[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}';
BEGIN
    BEGIN
        EXECUTE opdracht;
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS code = RETURNED_SQLSTATE, bericht = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL;
        IF code <> verwacht THEN
            RAISE EXCEPTION 'demo failure: expected refusal % but got % %', verwacht, code, bericht;
        END IF;
        -- The ids the log generated (UUID version 7) differ from run to run.
        RETURN NEXT regexp_replace(format('refused as expected: %s %s', code, bericht), uuid7, '<uuid>', 'g');
        IF detail <> '' THEN
            RETURN QUERY SELECT regexp_replace('    ' || l, uuid7, '<uuid>', 'g') FROM regexp_split_to_table(detail, E'\n') l;
        END IF;
        RETURN;
    END;
    RAISE EXCEPTION 'demo failure: this statement was not refused: %', opdracht;
END
$$;
CREATE FUNCTION pg_temp.gemaskeerd(d jsonb) RETURNS jsonb
    LANGUAGE sql AS $$
    SELECT d || jsonb_build_object(
        'actieId', '<uuid set by the log>',
        'url', regexp_replace(d->>'url', '[0-9a-f-]{36}$', '<actieId>'),
        'tijdstipRegistratie', '<now>',
        'verwerkteObjecten', (SELECT jsonb_agg(o || jsonb_build_object(
                                     'verwerktObjectId', '<uuid set by the log>',
                                     'url', regexp_replace(o->>'url', '[0-9a-f-]{36}$', '<verwerktObjectId>'))
                                     ORDER BY i)
                                FROM jsonb_array_elements(d->'verwerkteObjecten') WITH ORDINALITY AS x(o, i)))
$$;
CREATE TEMP TABLE demo_id (naam text PRIMARY KEY, actie_id uuid NOT NULL);
GRANT ALL ON demo_id TO PUBLIC;

\echo
\echo '== 1. Logging one action (POST /verwerkingsacties): one SQL call per processing of personal data'
\echo '   The case system logs a search for a person.  The log answers the stored document; the'
\echo '   elements it sets itself (actieId, url, tijdstipRegistratie, verwerktObjectId) are masked here.'
SET ROLE zaaksysteem;
SELECT verwerkingenlog.log_verwerkingsactie($${
  "actieNaam": "Zoeken personen",
  "verwerkingNaam": "Aanvraag parkeervergunning",
  "verwerkingId": "7f3c2a10-5b1e-4c8d-9a2f-1e6b3d4c5a01",
  "vertrouwelijkheid": "normaal",
  "tijdstip": "2024-04-05T14:35:42+01:00",
  "verwerkteObjecten": [
    {"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "111222333"}
  ]
}$$) AS doc \gset
INSERT INTO demo_id VALUES ('zoeken', ((:'doc'::jsonb)->>'actieId')::uuid);
SELECT jsonb_pretty(pg_temp.gemaskeerd(:'doc')) AS "the stored verwerkingsactie";

\echo
\echo '== 2. A batch (log_verwerkingsacties): many actions in one call, all or nothing'
\echo '   Three steps of the same case in one call; the answer is their actieIds in input order.'
\echo '   Two of them keep the data one day only (bewaartermijn P1D): story 15 destroys them.'
INSERT INTO demo_id
SELECT naam, id
  FROM unnest(ARRAY['intake', 'controle', 'besluit'],
              ARRAY(SELECT verwerkingenlog.log_verwerkingsacties($$[
  {"actieNaam": "Intake", "verwerkingId": "7f3c2a10-5b1e-4c8d-9a2f-1e6b3d4c5a01", "vertrouwelijkheid": "normaal",
   "bewaartermijn": "P1D", "tijdstip": "2024-04-05T14:40:00+02:00",
   "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "111222333"}]},
  {"actieNaam": "Controle kenteken", "verwerkingId": "7f3c2a10-5b1e-4c8d-9a2f-1e6b3d4c5a01", "vertrouwelijkheid": "normaal",
   "bewaartermijn": "P1D", "tijdstip": "2024-04-05T14:41:00+02:00",
   "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "111222333"}]},
  {"actieNaam": "Besluit", "verwerkingId": "7f3c2a10-5b1e-4c8d-9a2f-1e6b3d4c5a01", "vertrouwelijkheid": "normaal",
   "bewaartermijn": "P5Y", "tijdstip": "2024-04-09T09:00:00+02:00",
   "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "111222333"}]}
]$$))) AS x(naam, id)
RETURNING naam AS "logged in one batch";
\echo '   One bad element refuses the whole batch, every problem named with its index:'
SELECT pg_temp.weigering('22023', $$SELECT verwerkingenlog.log_verwerkingsacties('[
  {"actieNaam": "Goed", "vertrouwelijkheid": "normaal", "tijdstip": "2024-04-05T15:00:00+02:00",
   "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "111222333"}]},
  {"actieNaam": "Fout", "vertrouwelijkheid": "geheim", "tijdstip": "2024-04-05 15:00",
   "verwerkteObjecten": []}]')$$) AS "expected refusal";
\echo '   A single document with mistakes: a typo never drops data silently.'
SELECT pg_temp.weigering('22023', $$SELECT verwerkingenlog.log_verwerkingsactie('{"vertouwelijkheid": "normaal",
  "tijdstip": "2024-04-05T14:35:42+01:00",
  "verwerkteObjecten": [{"objecttype": "auto", "objectId": "1234567890123456789012345678901234567890X"}]}')$$)
  AS "expected refusal";
RESET ROLE;

\echo
\echo '== 3. A provider logs a call from the consumer''s request headers (B9177)'
\echo '   The base registry answers another organisation''s request.  The consumer sent OIN,'
\echo '   VerwerkingsactiviteitId/Url, VerwerkingId, Vertrouwelijkheid and Bewaartermijn headers,'
\echo '   which PostgREST passes in request.headers; the provider logs them as the afnemer''s.'
SET request.headers = '{"oin": "00000001821002193000", "verwerkingsactiviteitid": "c5b9f4e7-8c79-41b9-91e2-6268419cb167", "verwerkingsactiviteiturl": "https://www.gemeente-voorbeeld.nl/var/api/v1/verwerkingsactiviteiten/c5b9f4e7-8c79-41b9-91e2-6268419cb167", "verwerkingid": "4b698de3-ffba-45e7-8697-a283ec863db2", "vertrouwelijkheid": "normaal", "bewaartermijn": "P10Y"}';
SET ROLE basisregistratie;
WITH h AS (SELECT current_setting('request.headers')::jsonb AS h),
     d AS (SELECT verwerkingenlog.log_verwerkingsactie(jsonb_build_object(
  'actieNaam', 'Opvragen persoonsgegevens',
  'handelingNaam', 'Levering',
  'verwerkingNaam', 'Bevragen BRP',
  'verwerkingsactiviteitId', '5f0bef4c-f66f-4311-84a5-19e8bf359eaf',
  'vertrouwelijkheid', h->>'vertrouwelijkheid',
  'bewaartermijn', h->>'bewaartermijn',
  'uitvoerder', '00000001002564440000',
  'systeem', 'BRP-bevraging v3.2',
  'gegevensbron', 'Basisregistratie Personen',
  'soortAfnemerId', 'OIN',
  'afnemerId', h->>'oin',
  'verwerkingsactiviteitIdAfnemer', h->>'verwerkingsactiviteitid',
  'verwerkingsactiviteitUrlAfnemer', h->>'verwerkingsactiviteiturl',
  'verwerkingIdAfnemer', h->>'verwerkingid',
  'tijdstip', '2024-04-05T14:36:10.250+02:00',
  'verwerkteObjecten', jsonb_build_array(jsonb_build_object(
     'objecttype', 'persoon', 'soortObjectId', 'BSN', 'objectId', '111222333',
     'verwerkteSoortenGegevens', '[{"soortGegeven": "Naam"}, {"soortGegeven": "Adres"}]'::jsonb)))) AS d FROM h),
     i AS (INSERT INTO demo_id SELECT 'levering', (d->>'actieId')::uuid FROM d)
SELECT d->>'actieNaam' AS "actieNaam", d->>'tijdstip' AS tijdstip, d->>'soortAfnemerId' AS "soortAfnemerId",
       d->>'afnemerId' AS "afnemerId", d->>'verwerkingsactiviteitIdAfnemer' AS "verwerkingsactiviteitIdAfnemer",
       d->>'verwerkingIdAfnemer' AS "verwerkingIdAfnemer", d->>'vertrouwelijkheid' AS vertrouwelijkheid,
       d->>'bewaartermijn' AS bewaartermijn,
       (SELECT string_agg(g->>'soortGegeven', ', ') FROM jsonb_array_elements(d->'verwerkteObjecten'->0->'verwerkteSoortenGegevens') g)
         AS "soorten gegevens"
  FROM d \gx
RESET ROLE;
RESET request.headers;

\echo
\echo '== 4. A marriage (huwelijk): two partners and two witnesses in one action'
\echo '   One processing, four persons, each with their own betrokkenheid and kinds of data.'
SET ROLE zaaksysteem;
WITH d AS (SELECT verwerkingenlog.log_verwerkingsactie($${
  "actieNaam": "Registreren huwelijk",
  "handelingNaam": "Voltrekking",
  "verwerkingNaam": "Huwelijk",
  "verwerkingId": "48086bf2-11b7-4603-9526-67d7c3bb6587",
  "verwerkingsactiviteitId": "5f0bef4c-f66f-4311-84a5-19e8bf359eaf",
  "vertrouwelijkheid": "normaal",
  "bewaartermijn": "P10Y",
  "uitvoerder": "00000001002564440000",
  "systeem": "Zaaksysteem Burgerzaken v2.1",
  "gebruiker": "ambtenaar-17",
  "gegevensbron": "Basisregistratie Personen",
  "tijdstip": "2024-06-14T11:00:00+02:00",
  "verwerkteObjecten": [
    {"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "111222333", "betrokkenheid": "Partner",
     "verwerkteSoortenGegevens": [{"soortGegeven": "Naam"}, {"soortGegeven": "Burgerlijke staat"}]},
    {"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "444555666", "betrokkenheid": "Partner",
     "verwerkteSoortenGegevens": [{"soortGegeven": "Naam"}, {"soortGegeven": "Burgerlijke staat"}]},
    {"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "777888999", "betrokkenheid": "Getuige",
     "verwerkteSoortenGegevens": [{"soortGegeven": "Naam"}]},
    {"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "123123123", "betrokkenheid": "Getuige",
     "verwerkteSoortenGegevens": [{"soortGegeven": "Naam"}]}
  ]}$$) AS d),
     i AS (INSERT INTO demo_id SELECT 'huwelijk', (d->>'actieId')::uuid FROM d)
SELECT o->>'objectId' AS "objectId", o->>'betrokkenheid' AS betrokkenheid,
       (SELECT string_agg(g->>'soortGegeven', ', ') FROM jsonb_array_elements(o->'verwerkteSoortenGegevens') g) AS "soorten gegevens"
  FROM d, jsonb_array_elements(d->'verwerkteObjecten') o;
RESET ROLE;

\echo
\echo '== 5. The citizen''s inzage (GET /verwerkte-objecten, C3677), and the record it leaves'
\echo '   The citizen portal (read:normal) asks for partner 444555666 in 2024.  The answer shows only'
\echo '   that person, never the other three, and the restricted form: no systeem, gebruiker or'
\echo '   gegevensbron.  Reading the log is processing too: the inzage is logged, and its record is'
\echo '   committed before the rows reach the portal, so it stays even when the portal rolls back.'
BEGIN;
SET LOCAL ROLE burgerportaal;
SET LOCAL request.headers = '{"oin": "00000001234567890000", "verwerkingsactiviteitid": "0e6c3f8e-34a4-4a3e-9a0f-6a1a1c0c9e11"}';
SELECT r->>'objectId' AS "objectId", r->>'betrokkenheid' AS betrokkenheid, r->'verwerkingsactie'->>'actieNaam' AS "actieNaam",
       r->'verwerkingsactie'->>'vertrouwelijkheid' AS vertrouwelijkheid,
       jsonb_array_length(r->'verwerkingsactie'->'verwerkteObjecten') AS "persons shown",
       r->'verwerkingsactie' ?| ARRAY['systeem', 'gebruiker', 'gegevensbron'] AS "systeem, gebruiker or gegevensbron shown"
  FROM verwerkingenlog.verwerkte_objecten('persoon', 'BSN', '444555666', '2024-01-01', '2025-01-01') r;
ROLLBACK;
\echo '   The portal rolled back; the privacy desk still finds the record of that inzage:'
SET ROLE privacyloket;
SELECT actie_naam, verwerking_naam, afnemer_id, verwerkingsactiviteit_id_afnemer, uitvoerder, bewaartermijn, systeem
  FROM verwerkingenlog.actuele_verwerkingsacties WHERE actie_naam = 'Opvragen verwerkte objecten' \gx
RESET ROLE;
\echo '   The portal may not list actions without asking for vertrouwelijkheid=normaal, nor read history:'
SET ROLE burgerportaal;
SELECT pg_temp.weigering('42501', $$SELECT verwerkingenlog.verwerkingsacties('persoon', 'BSN', '111222333', '2024-01-01', '2025-01-01')$$)
  AS "expected refusal"
UNION ALL
SELECT pg_temp.weigering('42501', $$SELECT verwerkingenlog.verwerkingsactie_historie('$$ || (SELECT actie_id FROM demo_id WHERE naam = 'huwelijk') || $$')$$);
RESET ROLE;

\echo
\echo '== 6. PATCH of a verwerking: confidentiality (F2969) and retention (F4415) belong to the verwerking'
\echo '   One call changes every current action of the verwerkingId; it answers how many.  A system'
\echo '   that only logs (basisregistratie) may not.'
SET ROLE basisregistratie;
SELECT pg_temp.weigering('42501', $$SELECT verwerkingenlog.wijzig_verwerking('48086bf2-11b7-4603-9526-67d7c3bb6587', '{"bewaartermijn": "P20Y"}')$$)
  AS "expected refusal";
SET ROLE zaaksysteem;
SELECT verwerkingenlog.wijzig_verwerking('48086bf2-11b7-4603-9526-67d7c3bb6587',
                                         '{"vertrouwelijkheid": "vertrouwelijk", "bewaartermijn": "P20Y"}') AS "huwelijk: vertrouwelijk, P20Y";
\echo '   While it is vertrouwelijk, no inzage shows it, whatever the reader''s scope:'
RESET ROLE;
BEGIN;
SET LOCAL ROLE privacyloket;
SELECT count(*) AS "inzage 444555666, read:confidential"
  FROM verwerkingenlog.verwerkte_objecten('persoon', 'BSN', '444555666', '2024-01-01', '2025-01-01');
COMMIT;
SET ROLE zaaksysteem;
SELECT verwerkingenlog.wijzig_verwerking('48086bf2-11b7-4603-9526-67d7c3bb6587',
                                         '{"vertrouwelijkheid": "normaal"}') AS "huwelijk: back to normaal";
SELECT pg_temp.weigering('22023', $$SELECT verwerkingenlog.wijzig_verwerking('48086bf2-11b7-4603-9526-67d7c3bb6587', '{"bewaartermijn": null}')$$)
  AS "expected refusal (a retention is changed, never removed)";
RESET ROLE;

\echo
\echo '== 7. Confidentiality never forgets: what was vertrouwelijk is stored opgeheven, not normaal'
\echo '   So a stored normaal always means "never confidential".  The citizen portal (read:normal)'
\echo '   no longer sees the marriage; the privacy desk (read:confidential) sees it as opgeheven.'
BEGIN;
SET LOCAL ROLE burgerportaal;
SELECT 'burgerportaal (read:normal)' AS lezer, count(*) AS "marriage shown",
       string_agg(r->'verwerkingsactie'->>'vertrouwelijkheid', ', ') AS vertrouwelijkheid
  FROM verwerkingenlog.verwerkte_objecten('persoon', 'BSN', '444555666', '2024-01-01', '2025-01-01') r;
COMMIT;
BEGIN;
SET LOCAL ROLE privacyloket;
SELECT 'privacyloket (read:confidential)' AS lezer, count(*) AS "marriage shown",
       string_agg(r->'verwerkingsactie'->>'vertrouwelijkheid', ', ') AS vertrouwelijkheid
  FROM verwerkingenlog.verwerkte_objecten('persoon', 'BSN', '444555666', '2024-01-01', '2025-01-01') r;
COMMIT;

\echo
\echo '== 8. PUT and DELETE keep the history, with who made each version (B3891: formal history)'
\echo '   The case system corrects the search of story 1 (PUT: the whole document, here the stored'
\echo '   one with a new actieNaam), then annuls it (DELETE).  Nothing is overwritten: each is a new'
\echo '   version.  The history shows gemaaktDoor: the database role, and the JWT''s sub and client'
\echo '   as PostgREST verified them (set here by hand, as a direct SQL client could).'
SET ROLE zaaksysteem;
SET request.jwt.claims = '{"sub": "medewerker-17", "azp": "zaaksysteem-web"}';
SELECT d->>'actieNaam' AS "after PUT", d->>'vertrouwelijkheid' AS vertrouwelijkheid
  FROM verwerkingenlog.wijzig_verwerkingsactie((SELECT actie_id FROM demo_id WHERE naam = 'zoeken'),
                                               :'doc'::jsonb || '{"actieNaam": "Zoeken personen (BRP)"}') d;
RESET request.jwt.claims;
SELECT 'annulled' AS "after DELETE" FROM verwerkingenlog.verwijder_verwerkingsactie((SELECT actie_id FROM demo_id WHERE naam = 'zoeken'));
SELECT pg_temp.weigering('P0002', $$SELECT verwerkingenlog.verwijder_verwerkingsactie('$$ || (SELECT actie_id FROM demo_id WHERE naam = 'zoeken') || $$')$$)
  AS "expected refusal (already annulled)";
RESET ROLE;
SET ROLE privacyloket;
SELECT verwerkingenlog.verwerkingsactie((SELECT actie_id FROM demo_id WHERE naam = 'zoeken')) IS NULL AS "GET after DELETE: gone";
SELECT versie, h->>'actieNaam' AS "actieNaam", h->>'vertrouwelijkheid' AS vertrouwelijkheid, h->>'vervallen' AS vervallen,
       h->'gemaaktDoor'->>'rol' AS "gemaaktDoor.rol", h->'gemaaktDoor'->>'sub' AS "gemaaktDoor.sub",
       h->'gemaaktDoor'->>'client' AS "gemaaktDoor.client"
  FROM verwerkingenlog.verwerkingsactie_historie((SELECT actie_id FROM demo_id WHERE naam = 'zoeken'))
       WITH ORDINALITY AS x(h, versie);
\echo '   And the marriage of stories 6 and 7: logged, made vertrouwelijk, lifted (opgeheven):'
SELECT versie, h->>'vertrouwelijkheid' AS vertrouwelijkheid, h->>'bewaartermijn' AS bewaartermijn,
       h->'gemaaktDoor'->>'rol' AS "gemaaktDoor.rol"
  FROM verwerkingenlog.verwerkingsactie_historie((SELECT actie_id FROM demo_id WHERE naam = 'huwelijk'))
       WITH ORDINALITY AS x(h, versie);
RESET ROLE;

\echo
\echo '== 9. The consumer changes its own verwerking (B8157): found through verwerkingIdAfnemer'
\echo '   The organisation that called the base registry in story 3 shortens the retention of its'
\echo '   processing 4b698de3-... and tells the provider, which applies it to the actions it logged'
\echo '   for that call.  The base registry itself only logs; the change is applied by you (beheer).'
SELECT verwerkingenlog.wijzig_verwerking_afnemer('4b698de3-ffba-45e7-8697-a283ec863db2', '{"bewaartermijn": "P5Y"}')
       AS "actions changed";
SET ROLE privacyloket;
SELECT d->>'actieNaam' AS "actieNaam", d->>'afnemerId' AS "afnemerId", d->>'verwerkingIdAfnemer' AS "verwerkingIdAfnemer",
       d->>'bewaartermijn' AS bewaartermijn
  FROM verwerkingenlog.verwerkingsacties_afnemer('4b698de3-ffba-45e7-8697-a283ec863db2') d;
RESET ROLE;

\echo
\echo '== 10. One register of processing activities for both standards, with its history'
\echo '   Retention (C1697 criterion 2) and, for LDV, confidentiality per processing activity.'
\echo '   registreer_bewaartermijn registers by verwerkingsactiviteitId (key urn:uuid:<id>),'
\echo '   registreer_verwerkingsactiviteit by LDV''s activity URI; every change is kept.'
SELECT count(*) AS registrations FROM (
    SELECT 1 FROM verwerkingenlog.registreer_bewaartermijn('5f0bef4c-f66f-4311-84a5-19e8bf359eaf', 'P10Y', 'Bevragen BRP')
    UNION ALL
    SELECT 1 FROM verwerkingenlog.registreer_bewaartermijn('5f0bef4c-f66f-4311-84a5-19e8bf359eaf', 'P7Y', 'Bevragen BRP')
    UNION ALL
    SELECT 1 FROM verwerkingenlog.registreer_verwerkingsactiviteit('https://register.gemeente-voorbeeld.nl/va/parkeren',
                                                                   'normaal', 'P2Y', 'Parkeervergunningen')
    UNION ALL
    SELECT 1 FROM verwerkingenlog.registreer_verwerkingsactiviteit('https://register.gemeente-voorbeeld.nl/va/jeugdzorg',
                                                                   'vertrouwelijk', 'P20Y', 'Jeugdzorg')) r;
SELECT verwerkingsactiviteit, vertrouwelijkheid, bewaartermijn, omschrijving, gewijzigd_door
  FROM verwerkingenlog.verwerkingsactiviteit_register ORDER BY verwerkingsactiviteit;
\echo '   The history (bewaartermijn_registratie): how did this retention become P7Y, and who did it?'
SELECT id, verwerkingsactiviteit, vertrouwelijkheid, bewaartermijn, geregistreerd_door_rol
  FROM verwerkingenlog.bewaartermijn_registratie ORDER BY id;
SET ROLE zaaksysteem;
SELECT pg_temp.weigering('42501', $$SELECT verwerkingenlog.registreer_bewaartermijn('5f0bef4c-f66f-4311-84a5-19e8bf359eaf', 'P1D')$$)
  AS "expected refusal (the register is beheer's)";
RESET ROLE;

\echo
\echo '== 11. LDV (Logboek Dataverwerkingen 1.0): the successor standard, in the same log'
\echo '   An application logs LDV records (log_logregels) or OpenTelemetry spans (log_otlp, what an'
\echo '   SDK''s OTLP/HTTP exporter sends).  Confidentiality and retention come from the register.'
SET ROLE basisregistratie;
SELECT count(*) AS "records logged (log_logregels)"
  FROM verwerkingenlog.log_logregels(jsonb_build_array(jsonb_build_object(
    'trace_id', '0af7651916cd43dd8448eb211c80319c', 'span_id', 'b7ad6b7169203331',
    'name', 'Controleren parkeerrecht', 'status', 'Ok',
    'start_time', 1725264900000, 'end_time', 1725264900250,
    'resource', '{"attributes": {"service.name": "parkeren", "service.version": "4.2"}}'::jsonb,
    'attributes', jsonb_build_object(
        'dpl.core.processing_activity_id', 'https://register.gemeente-voorbeeld.nl/va/parkeren',
        'dpl.core.data_subject_id', '111222333', 'dpl.core.data_subject_id_type', 'BSN'))));
SELECT verwerkingenlog.log_otlp($${"resourceSpans": [{
  "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "parkeren"}}]},
  "scopeSpans": [{"scope": {"name": "parkeren"}, "spans": [
    {"traceId": "0af7651916cd43dd8448eb211c80319c", "spanId": "b7ad6b7169203332", "parentSpanId": "b7ad6b7169203331",
     "name": "Verlenen vergunning", "startTimeUnixNano": "1725265200000000000", "endTimeUnixNano": "1725265200400000000",
     "attributes": [{"key": "dpl.core.processing_activity_id", "value": {"stringValue": "https://register.gemeente-voorbeeld.nl/va/parkeren"}},
                    {"key": "dpl.core.data_subject_id", "value": {"stringValue": "111222333"}},
                    {"key": "dpl.core.data_subject_id_type", "value": {"stringValue": "BSN"}}]}]}]}]}$$) AS "log_otlp answers";
\echo '   A record of an activity registered vertrouwelijk needs create:confidential:'
SELECT pg_temp.weigering('42501', $$SELECT verwerkingenlog.log_logregels('[{"trace_id": "1af7651916cd43dd8448eb211c80319c",
  "span_id": "c7ad6b7169203331", "name": "Melding", "status": "Unset", "start_time": 1725264900000, "end_time": 1725264900000,
  "attributes": {"dpl.core.processing_activity_id": "https://register.gemeente-voorbeeld.nl/va/jeugdzorg",
                 "dpl.core.data_subject_id": "444555666", "dpl.core.data_subject_id_type": "BSN"}}]')$$)
  AS "expected refusal";
RESET ROLE;
\echo '   Read back with the LDV read API (logregels, by trace), as the privacy desk:'
SET ROLE privacyloket;
SELECT r->>'name' AS name, r->>'spanId' AS "spanId", r->>'parentSpanId' AS "parentSpanId", r->>'status' AS status,
       to_timestamp((r->>'startTime')::bigint / 1000.0) AS "startTime",
       r->'attributes'->>'dpl.core.data_subject_id' AS subject
  FROM verwerkingenlog.logregels(trace_id => '0af7651916cd43dd8448eb211c80319c') r;
\echo '   In the verwerkingsacties API they are verwerkingsacties with the register''s level and retention:'
SELECT a.actie_naam, a.verwerkingsactiviteit_url, a.vertrouwelijkheid, a.bewaartermijn, a.tijdstip
  FROM verwerkingenlog.actuele_verwerkingsacties a
 WHERE a.verwerkingsactiviteit_url = 'https://register.gemeente-voorbeeld.nl/va/parkeren' ORDER BY a.tijdstip;
\echo '   And any verwerkingsactie reads as LDV records (als_logregels), one per person; the first'
\echo '   person of the marriage, in the field names log_logregels takes:'
SELECT jsonb_pretty(l || '{"span_id": "<from its verwerktObjectId>"}') AS "the marriage as an LDV record"
  FROM verwerkingenlog.als_logregels((SELECT actie_id FROM demo_id WHERE naam = 'huwelijk')) l LIMIT 1;
RESET ROLE;

\echo
\echo '== 12. The guard: nothing logged can be changed, not even by you (the superuser)'
\echo '   UPDATE, DELETE and TRUNCATE are refused for every role, also with session_replication_role'
\echo '   = replica; the extension cannot be dropped while the log holds rows.  What a superuser can'
\echo '   still do (switch the event triggers off first) must be detected instead: story 16.'
SELECT pg_temp.weigering('42501', $$UPDATE verwerkingenlog.verwerkingsactie_versie SET actie_naam = 'weggepoetst'$$) AS "expected refusal"
UNION ALL
SELECT pg_temp.weigering('42501', $$DELETE FROM verwerkingenlog.verwerkt_object$$)
UNION ALL
SELECT pg_temp.weigering('42501', $$TRUNCATE verwerkingenlog.verwerkingsactie_versie CASCADE$$)
UNION ALL
SELECT pg_temp.weigering('42501', $$SET LOCAL session_replication_role = replica; DELETE FROM verwerkingenlog.verwerkingsactie_versie$$)
UNION ALL
SELECT pg_temp.weigering('2BP01', $$DROP EXTENSION verwerkingenlog$$);
SELECT count(*) AS "versions still stored" FROM verwerkingenlog.verwerkingsactie_versie;

\echo
\echo '== 13. Pseudonymisation (B2042): no BSN is stored in the clear'
\echo '   Callers pass plain BSNs; the table holds an HMAC pseudonym (one index probe finds a person)'
\echo '   and an AES-GCM ciphertext (so the log can be migrated).  The marriage''s rows as stored:'
SELECT o.volgorde, o.soort_object_id, octet_length(o.object_pseudoniem) AS "pseudonym bytes",
       octet_length(o.object_versleuteld) AS "ciphertext bytes", o.betrokkenheid,
       o::text ~ '(111222333|444555666|777888999|123123123)' AS "a BSN in the row"
  FROM verwerkingenlog.verwerkt_object o
 WHERE o.actie_id = (SELECT actie_id FROM demo_id WHERE naam = 'huwelijk') AND o.volgnummer = 1
 ORDER BY o.volgorde;
SELECT count(*) FILTER (WHERE v::text ~ '(111222333|444555666|777888999|123123123)') AS "versions with a BSN in the row",
       count(*) AS "versions"
  FROM verwerkingenlog.verwerkingsactie_versie v;

\echo
\echo '== 14. The key file: where it is, how many key versions, which one encrypts (sleutel_info)'
\echo '   Keys are never in a table or a dump: back this file up separately.  A key file that does'
\echo '   not match the check values this database recorded is refused (VL001), never used.'
SELECT regexp_replace(bestand, '^.*/', '<data directory>/') AS bestand, versies, huidige_versie FROM verwerkingenlog.sleutel_info();

\echo
\echo '== 15. The retention purge (C1697) and its journal; the minimum retention keeps young records'
\echo '   The two P1D actions of story 2 expired in April 2024.  But nothing is destroyed sooner than'
\echo '   verwerkingenlog.minimale_bewaartermijn (default P3M: the longest time the GDPR gives to answer'
\echo '   a data subject) after the registration of its current version, which was a moment ago:'
SHOW verwerkingenlog.minimale_bewaartermijn;
SELECT verwerkingenlog.vernietig_verlopen() AS "destroyed now";
\echo '   Judging at a moment three months ahead (to see what would go) is refused: a purge runs now.'
SELECT pg_temp.weigering('22023', $$SELECT verwerkingenlog.vernietig_verlopen(now() + interval '4 months')$$) AS "expected refusal";
\echo '   The demo cannot wait three months, so for this session only (superuser) the minimum is off'
\echo '   (never do this in production), and the purge judges at 2025-01-01, so that it destroys'
\echo '   exactly what had expired by then, whatever day the demo runs:'
SET verwerkingenlog.minimale_bewaartermijn = '';
SELECT verwerkingenlog.vernietig_verlopen('2025-01-01T00:00:00+01:00') AS destroyed;
RESET verwerkingenlog.minimale_bewaartermijn;
\echo '   The journal: what the run destroyed, and on which grounds (no personal data):'
SELECT i.naam AS "action (demo's name)", d.criterium, d.bewaartermijn, d.verlopen_op
  FROM verwerkingenlog.vernietigde_acties((SELECT max(id) FROM verwerkingenlog.vernietiging_run)) d
  JOIN demo_id i USING (actie_id) ORDER BY d.verlopen_op;
SELECT peilmoment, uitgevoerd_door, minimale_bewaartermijn, totaal
  FROM verwerkingenlog.vernietiging_journaal ORDER BY id DESC LIMIT 1;
SET ROLE privacyloket;
SELECT a.actie_naam, a.bewaartermijn, a.tijdstip
  FROM verwerkingenlog.actuele_verwerkingsacties a
 WHERE a.verwerking_id = '7f3c2a10-5b1e-4c8d-9a2f-1e6b3d4c5a01' ORDER BY a.tijdstip;
RESET ROLE;

\echo
\echo '== 16. Tamper evidence: a signed checkpoint that a copy kept elsewhere pins down'
SELECT to_regprocedure('verwerkingenlog.verzegel()') IS NOT NULL AS verzegeling \gset
\if :verzegeling
\echo '   verzegel() appends every row stored since the last checkpoint to a Merkle tree and signs'
\echo '   the new checkpoint (a C2SP signed note: origin, tree size, root hash, signature).  Give the'
\echo '   public key and each checkpoint to a witness; the offline verifier then detects any change'
\echo '   made behind the guard''s back.  The key name, log id and hashes differ per installation.'
\echo '   The first verzegel() creates the signing key, with a WARNING naming the file (back it up).'
SELECT verwerkingenlog.verzegel() AS "tree size after sealing";
\pset format unaligned
\pset tuples_only on
\echo '   -- the public key (publieke_sleutel):'
SELECT verwerkingenlog.publieke_sleutel();
\echo '   -- the latest checkpoint (controlepunt):'
SELECT verwerkingenlog.controlepunt();
\pset tuples_only off
\pset format aligned
\echo '   The marriage''s inclusion proof (bewijs_opname), against that checkpoint:'
SELECT b->>'volgnummer' AS volgnummer, (b->>'boomgrootte')::bigint > 0 AS "in the tree",
       jsonb_array_length(b->'objecten') AS "objects proven", jsonb_array_length(b->'versie'->'pad') AS "path length"
  FROM verwerkingenlog.bewijs_opname((SELECT actie_id FROM demo_id WHERE naam = 'huwelijk'), 1) b;
\else
\echo '   (this build has no verzegel(): tamper evidence, issue 12, is not merged yet)'
\endif

\echo
\echo '== Done.  Every refusal above was expected; the cluster is removed when the demo ends.'

-- The demo: the standard's quickstart stories on a scratch database.
-- Run with ./test/run.sh demo
\set ON_ERROR_STOP 1
\pset pager off
SET client_min_messages = warning;
CREATE EXTENSION verwerkingenlog;
SELECT verwerkingenlog.instellen('verwerkingenlog.base_url', 'https://log.gemeente-voorbeeld.nl/api/v1') IS NOT NULL AS ingesteld \gset instelling_
SET TimeZone = 'Europe/Amsterdam';

-- For the stories where the log must say no: runs the statement and shows
-- the refusal as a row (SQLSTATE and message); if the log accepted it, the
-- demo stops with an error, because that would be a defect.
CREATE FUNCTION pg_temp.geweigerd(sql text, OUT code text, OUT melding text) AS $$
BEGIN
  EXECUTE sql;
  RAISE EXCEPTION 'the log accepted what it must refuse: %', sql;
EXCEPTION WHEN OTHERS THEN
  IF SQLERRM LIKE 'the log accepted what it must refuse:%' THEN RAISE; END IF;
  GET STACKED DIAGNOSTICS code = RETURNED_SQLSTATE, melding = MESSAGE_TEXT;
END $$ LANGUAGE plpgsql;

\echo 'A walk-through for a municipality''s DBA: applications log what they do with personal data,'
\echo 'the privacy officer and the citizen read it back, and nothing logged can be changed.'
\echo 'Expected refusals are shown as rows (refused: SQLSTATE and message), not as errors.'

-- Two applications of the municipality, each with the scopes it needs.
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'burgerzaken') THEN CREATE ROLE burgerzaken; END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'basisregistratie') THEN CREATE ROLE basisregistratie; END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'privacyloket') THEN CREATE ROLE privacyloket; END IF;
END $$;
GRANT verwerkingenlog_create_normal, verwerkingenlog_create_confidential TO burgerzaken;
GRANT verwerkingenlog_create_normal TO basisregistratie;
GRANT verwerkingenlog_read_confidential TO privacyloket;
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'burgerportaal') THEN CREATE ROLE burgerportaal; END IF;
END $$;
-- As in test/deploy/roles.sql: the citizen portal holds read:normal only.
GRANT verwerkingenlog_read_normal TO burgerportaal;
GRANT verwerkingenlog_update_confidential, verwerkingenlog_read_confidential TO burgerzaken;

\echo
\echo '== 1. A consumer logs a minimal verwerkingsactie'
\echo 'One SQL call; the log returns the stored document in the standard''s JSON, with its actieId and url.'
SET ROLE burgerzaken;
SELECT jsonb_pretty(verwerkingenlog.log_verwerkingsactie($${
  "actieNaam": "Zoeken personen",
  "vertrouwelijkheid": "Normaal",
  "tijdstip": "2024-04-05T14:35:42+01:00",
  "verwerkteObjecten": [
    {"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "111222333"}
  ]
}$$)) AS "stored";
RESET ROLE;

\echo
\echo '== 2. A provider logs a call, with the consumer''s details from its request headers'
\echo 'The consumer sends its OIN, its processing activity and its verwerkingId as headers (B9177).'
-- The headers a consumer sends (B9177), as PostgREST would pass them.
SET request.headers = '{"oin": "00000001821002193000", "verwerkingsactiviteitid": "c5b9f4e7-8c79-41b9-91e2-6268419cb167", "verwerkingsactiviteiturl": "https://www.gemeente-voorbeeld.nl/var/api/v1/verwerkingsactiviteiten/c5b9f4e7-8c79-41b9-91e2-6268419cb167", "verwerkingid": "4b698de3-ffba-45e7-8697-a283ec863db2", "vertrouwelijkheid": "normaal", "bewaartermijn": "P10Y"}';
SET ROLE basisregistratie;
SELECT d->>'actieNaam' AS actie, d->>'afnemerId' AS afnemer, d->>'verwerkingIdAfnemer' AS "verwerking van de afnemer",
       d->>'bewaartermijn' AS bewaartermijn, d->'verwerkteObjecten'->0->'verwerkteSoortenGegevens' AS gegevens
  FROM (SELECT verwerkingenlog.log_verwerkingsactie(jsonb_build_object(
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
     'verwerkteSoortenGegevens', '[{"soortGegeven": "Naam"}, {"soortGegeven": "Adres"}]'::jsonb)))) AS d
  FROM (SELECT current_setting('request.headers')::jsonb AS h) headers) logged;
RESET ROLE;
RESET request.headers;

\echo
\echo '== 3. A marriage (huwelijk): two partners and two witnesses in one action'
SET ROLE burgerzaken;
SELECT d->>'actieNaam' AS actie, d->>'verwerkingNaam' AS verwerking,
       (SELECT string_agg(o->>'betrokkenheid', ', ') FROM jsonb_array_elements(d->'verwerkteObjecten') o) AS betrokkenen,
       jsonb_array_length(d->'verwerkteObjecten') AS personen
  FROM verwerkingenlog.log_verwerkingsactie($${
  "actieNaam": "Registreren huwelijk",
  "handelingNaam": "Voltrekking",
  "verwerkingNaam": "Huwelijk",
  "verwerkingId": "48086bf2-11b7-4603-9526-67d7c3bb6587",
  "verwerkingsactiviteitId": "5f0bef4c-f66f-4311-84a5-19e8bf359eaf",
  "vertrouwelijkheid": "normaal",
  "bewaartermijn": "P10Y",
  "uitvoerder": "00000001821002193000",
  "systeem": "FooBarApp v2.1",
  "gebruiker": "ambtenaar-17",
  "gegevensbron": "FooBar Database Publiekszaken",
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
  ]
}$$) d;
RESET ROLE;

\echo
\echo '== 4. A document with mistakes is refused, every problem named'
\echo 'Expected: the log refuses it (SQLSTATE 22023); verwerkingsactie_fouten lists every problem first.'
SET ROLE burgerzaken;
\set fout '{"vertouwelijkheid": "normaal", "tijdstip": "2024-04-05 14:35", "verwerkteObjecten": [{"objecttype": "auto", "objectId": "1234567890123456789012345678901234567890X"}]}'
SELECT * FROM verwerkingenlog.verwerkingsactie_fouten(:'fout', false);
SELECT * FROM pg_temp.geweigerd(format('SELECT verwerkingenlog.log_verwerkingsactie(%L)', :'fout'));
RESET ROLE;

\echo
\echo '== 5. The privacy officer lists what was logged about BSN 111222333 in 2024'
\echo 'The privacy officer (read:confidential) finds a person by BSN; the log holds only its pseudonym.'
SET ROLE privacyloket;
SELECT r->>'tijdstip' AS tijdstip, r->>'actieNaam' AS actie, r->>'vertrouwelijkheid' AS vertrouwelijkheid,
       r->'verwerkteObjecten'->0->>'betrokkenheid' AS betrokkenheid, r->>'afnemerId' AS afnemer
  FROM verwerkingenlog.verwerkingsacties('persoon', 'BSN', '111222333', '2024-01-01', '2025-01-01') r;
SELECT actie_naam, verwerking_naam, vertrouwelijkheid, tijdstip FROM verwerkingenlog.actuele_verwerkingsacties ORDER BY tijdstip;
RESET ROLE;

\echo
\echo '== 6. A correction is a new version; the auditor sees every version'
\echo 'PUT and PATCH never overwrite: the marriage made confidential and lifted again is three versions.'
SET ROLE burgerzaken;
SELECT d->>'actieNaam' AS gecorrigeerd, d->>'vertrouwelijkheid' AS vertrouwelijkheid
  FROM verwerkingenlog.actuele_verwerkingsacties a,
       LATERAL verwerkingenlog.wijzig_verwerkingsactie(a.actie_id,
               verwerkingenlog.verwerkingsactie(a.actie_id) || '{"actieNaam": "Zoeken personen (BRP)"}') d
 WHERE a.actie_naam = 'Zoeken personen';
SELECT verwerkingenlog.wijzig_vertrouwelijkheid_verwerking('48086bf2-11b7-4603-9526-67d7c3bb6587', 'vertrouwelijk')
       AS "huwelijk made confidential";
SELECT verwerkingenlog.wijzig_vertrouwelijkheid_verwerking('48086bf2-11b7-4603-9526-67d7c3bb6587', 'normaal')
       AS "and lifted again";
RESET ROLE;
SET ROLE privacyloket;
SELECT h->>'tijdstipRegistratie' AS geregistreerd, h->>'vertrouwelijkheid' AS vertrouwelijkheid, h->>'vervallen' AS vervallen
  FROM verwerkingenlog.actuele_verwerkingsacties a,
       LATERAL verwerkingenlog.verwerkingsactie_historie(a.actie_id) h
 WHERE a.verwerking_naam = 'Huwelijk';
RESET ROLE;

\echo
\echo '== 7. A citizen looks up what was logged about them (inzage); the inzage itself is logged'
\echo 'The portal holds read:normal: it shows what never was confidential. The marriage was confidential'
\echo 'once, so only the privacy officer sees it (story 5). The inzage is logged as an action of its own.'
-- As PostgREST would run it for the citizen portal, with the portal's headers.
BEGIN;
SET LOCAL ROLE burgerportaal;
SET LOCAL request.headers = '{"oin": "00000001234567890000", "verwerkingsactiviteitid": "0e6c3f8e-34a4-4a3e-9a0f-6a1a1c0c9e11"}';
SELECT r->>'betrokkenheid' AS betrokkenheid, r->'verwerkingsactie'->>'actieNaam' AS actie,
       r->'verwerkingsactie'->>'vertrouwelijkheid' AS vertrouwelijkheid,
       jsonb_array_length(r->'verwerkingsactie'->'verwerkteObjecten') AS personen_getoond,
       r->'verwerkingsactie' ? 'systeem' AS systeem_getoond
  FROM verwerkingenlog.verwerkte_objecten('persoon', 'BSN', '111222333', '2024-01-01', '2025-01-01') r;
COMMIT;
SET ROLE privacyloket;
SELECT actie_naam, afnemer_id, verwerkingsactiviteit_id_afnemer, systeem
  FROM verwerkingenlog.actuele_verwerkingsacties WHERE systeem LIKE 'verwerkingenlog%';
RESET ROLE;

\echo
\echo '== 8. No BSN is stored in plain text: what the table holds for the marriage'
\echo 'A keyed pseudonym to find it by, and an encrypted form to show it; the keys live outside the database.'
SELECT soort_object_id, encode(substr(object_pseudoniem, 1, 8), 'hex') || '...' AS pseudoniem,
       octet_length(object_versleuteld) AS versleuteld_bytes, betrokkenheid
  FROM verwerkingenlog.verwerkt_object o
 WHERE o.actie_id = (SELECT actie_id FROM verwerkingenlog.verwerkingsactie_versie WHERE verwerking_naam = 'Huwelijk' LIMIT 1)
   AND o.volgnummer = 1
 ORDER BY volgorde;

\echo
\echo '== 9. Nothing logged can be changed, not even by the owner'
\echo 'Expected: the superuser''s UPDATE, DELETE and TRUNCATE are all refused.'
SELECT s AS statement, g.* FROM unnest(ARRAY[
    $$UPDATE verwerkingenlog.verwerkingsactie_versie SET actie_naam = 'weggepoetst'$$,
    'DELETE FROM verwerkingenlog.verwerkt_object',
    'TRUNCATE verwerkingenlog.verwerkingsactie_versie CASCADE']) s,
  LATERAL pg_temp.geweigerd(s) g;
SELECT count(*) AS "versions still stored" FROM verwerkingenlog.verwerkingsactie_versie;

-- Inzage (schema verwerkingenlog): verwerkte_objecten and verwerkt_object,
-- the restricted form, the read rules, and the record every inzage leaves.
SET TimeZone = 'Europe/Amsterdam';
SET verwerkingenlog.base_url = 'https://log.example.nl/api/v1';
SET client_min_messages = warning;
\set SHOW_CONTEXT never

-- Callers: a citizen portal (read:normal), a privacy desk
-- (read:confidential), an application that can only log.
DO $$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['inz_portaal', 'inz_privacy', 'inz_logger'] LOOP
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r) THEN
            EXECUTE format('CREATE ROLE %I', r);
        END IF;
    END LOOP;
END
$$;
GRANT verwerkingenlog_read_normal TO inz_portaal;
GRANT verwerkingenlog_read_confidential TO inz_privacy;
GRANT verwerkingenlog_create_normal TO inz_logger;

-- Known ids by name, to print stable output.
CREATE TABLE inz_id (naam text PRIMARY KEY, id uuid NOT NULL UNIQUE);
GRANT SELECT ON inz_id TO PUBLIC;
CREATE FUNCTION inz_masker(j jsonb) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
DECLARE
    t text := j::text;
    r record;
BEGIN
    FOR r IN SELECT naam, id FROM inz_id ORDER BY naam LOOP
        t := replace(t, r.id::text, '<' || r.naam || '>');
    END LOOP;
    t := regexp_replace(t, '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}', '<uuid>', 'g');
    t := regexp_replace(t, '"tijdstipRegistratie": "[^"]*"', '"tijdstipRegistratie": "<registratie>"', 'g');
    RETURN t::jsonb;
END
$$;
-- The records the log wrote about inzagen of this test's persons, oldest
-- first (read as the owner).
CREATE FUNCTION inz_records() RETURNS SETOF verwerkingenlog.verwerkingsactie_versie
    LANGUAGE sql STABLE AS $$
    SELECT v.* FROM verwerkingenlog.verwerkingsactie_versie v
     WHERE v.systeem LIKE 'verwerkingenlog %'
       AND EXISTS (SELECT FROM verwerkingenlog.verwerkt_object o
                    WHERE o.actie_id = v.actie_id AND verwerkingenlog._decrypt_object(o) LIKE '9900000%')
     ORDER BY v.versie_id
$$;

-- A marriage: two partners and two witnesses in one action, with systeem,
-- gebruiker and gegevensbron that a citizen must never see.
INSERT INTO inz_id
SELECT 'huwelijk', (verwerkingenlog.log_verwerkingsactie($${
  "actieNaam": "Registreren huwelijk", "handelingNaam": "Voltrekking", "verwerkingNaam": "Huwelijk",
  "verwerkingId": "48086bf2-11b7-4603-9526-67d7c3bb6587",
  "verwerkingsactiviteitId": "5f0bef4c-f66f-4311-84a5-19e8bf359eaf",
  "verwerkingsactiviteitUrl": "https://var.example.nl/api/v1/verwerkingsactiviteiten/5f0bef4c-f66f-4311-84a5-19e8bf359eaf",
  "vertrouwelijkheid": "normaal", "bewaartermijn": "P10Y", "uitvoerder": "00000001821002193000",
  "systeem": "FooBarApp v2.1", "gebruiker": "ambtenaar-17", "gegevensbron": "FooBar Database Publiekszaken",
  "tijdstip": "2024-06-14T11:00:00+02:00",
  "verwerkteObjecten": [
    {"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "990000011", "betrokkenheid": "Partner",
     "verwerkteSoortenGegevens": [{"soortGegeven": "Naam"}, {"soortGegeven": "Geboortedatum"}]},
    {"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "990000012", "betrokkenheid": "Partner",
     "verwerkteSoortenGegevens": [{"soortGegeven": "Naam"}]},
    {"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "990000013", "betrokkenheid": "Getuige"},
    {"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "990000014", "betrokkenheid": "Getuige"}]
}$$)->>'actieId')::uuid;
INSERT INTO inz_id
SELECT 'huwelijk.partner1', verwerkt_object_id FROM verwerkingenlog.verwerkt_object
 WHERE actie_id = (SELECT id FROM inz_id WHERE naam = 'huwelijk') AND volgorde = 1;
INSERT INTO inz_id
SELECT 'huwelijk.getuige1', verwerkt_object_id FROM verwerkingenlog.verwerkt_object
 WHERE actie_id = (SELECT id FROM inz_id WHERE naam = 'huwelijk') AND volgorde = 3;

-- Five more actions about partner 1, each in a state an inzage must respect.
CREATE FUNCTION inz_log(naam text, niveau text, tijdstip text, verwerking uuid DEFAULT NULL,
                        activiteit uuid DEFAULT NULL) RETURNS void LANGUAGE sql AS $$
    INSERT INTO inz_id
    SELECT naam, (verwerkingenlog.log_verwerkingsactie(jsonb_build_object(
        'actieNaam', naam, 'vertrouwelijkheid', niveau, 'tijdstip', tijdstip,
        'verwerkingId', verwerking, 'verwerkingsactiviteitId', activiteit,
        'systeem', 'Zaaksysteem', 'gebruiker', 'medewerker-3', 'gegevensbron', 'Zaken',
        'verwerkteObjecten', jsonb_build_array(jsonb_build_object(
            'objecttype', 'persoon', 'soortObjectId', 'BSN', 'objectId', '990000011',
            'betrokkenheid', 'Aanvrager'))))->>'actieId')::uuid
$$;
SELECT inz_log('geheim', 'vertrouwelijk', '2024-06-20T09:00:00+02:00');
SELECT inz_log('opgeheven', 'vertrouwelijk', '2024-07-01T09:00:00+02:00', 'aaaaaaaa-0000-4000-8000-000000000001');
SELECT verwerkingenlog.wijzig_vertrouwelijkheid_verwerking('aaaaaaaa-0000-4000-8000-000000000001', 'normaal');
SELECT inz_log('vervallen', 'normaal', '2024-07-05T09:00:00+02:00');
SELECT verwerkingenlog.verwijder_verwerkingsactie(id) FROM inz_id WHERE naam = 'vervallen';
INSERT INTO inz_id
SELECT i.naam || '.o', o.verwerkt_object_id FROM inz_id i JOIN verwerkingenlog.verwerkt_object o ON o.actie_id = i.id
 WHERE i.naam IN ('geheim', 'opgeheven', 'vervallen');
SELECT inz_log('vervangen', 'normaal', '2024-07-10T09:00:00+02:00');
INSERT INTO inz_id
SELECT 'vervangen.oud', verwerkt_object_id FROM verwerkingenlog.verwerkt_object
 WHERE actie_id = (SELECT id FROM inz_id WHERE naam = 'vervangen');
-- The PUT moves the action to another person: the old object is gone.
SELECT verwerkingenlog.wijzig_verwerkingsactie(id, $${
  "actieNaam": "vervangen", "handelingNaam": null, "verwerkingNaam": null, "verwerkingId": null,
  "verwerkingsactiviteitId": null, "verwerkingsactiviteitUrl": null, "vertrouwelijkheid": "normaal",
  "bewaartermijn": null, "uitvoerder": null, "systeem": null, "gebruiker": null, "gegevensbron": null,
  "soortAfnemerId": null, "afnemerId": null, "verwerkingsactiviteitIdAfnemer": null,
  "verwerkingsactiviteitUrlAfnemer": null, "verwerkingIdAfnemer": null,
  "tijdstip": "2024-07-10T09:00:00+02:00",
  "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "990000019",
                         "betrokkenheid": null, "verwerkteSoortenGegevens": []}]
}$$) IS NOT NULL AS vervangen FROM inz_id WHERE naam = 'vervangen';
-- The edges of a period: [begin, eind) in the session's time zone.
SELECT inz_log('begin augustus', 'normaal', '2024-08-01T00:00:00+02:00', NULL, 'bbbbbbbb-0000-4000-8000-000000000002');
SELECT inz_log('eind augustus', 'normaal', '2024-08-31T23:59:59.999999+02:00');
SELECT inz_log('begin september', 'normaal', '2024-09-01T00:00:00+02:00');
SELECT inz_log('augustus, in UTC nog juli', 'normaal', '2024-07-31T22:30:00Z');

-- == The restricted form: only the person asked about, no systeem,
-- gebruiker or gegevensbron.
SET ROLE inz_portaal;
SELECT jsonb_pretty(inz_masker(r))
  FROM verwerkingenlog.verwerkte_objecten('persoon', 'BSN', '990000013', '2024-06-01', '2024-07-01') r;
RESET ROLE;
-- The object's own document and its action's single object agree; no key
-- of the restricted form is outside VerwerkingsactieBeperkt.
SET ROLE inz_portaal;
SELECT r->'verwerkingsactie'->'verwerkteObjecten' = jsonb_build_array(r - 'verwerkingsactie') AS eigen_object,
       ARRAY(SELECT jsonb_object_keys(r->'verwerkingsactie') ORDER BY 1) AS sleutels
  FROM verwerkingenlog.verwerkte_objecten('Persoon', 'BSN', '990000012', '2024-06-01', '2024-07-01') r;
RESET ROLE;

-- == Read rules.  read:normal: normaal only (never confidential);
-- read:confidential: normaal and opgeheven; nobody: vertrouwelijk,
-- vervallen, replaced objects.
SET ROLE inz_portaal;
SELECT r->'verwerkingsactie'->>'actieNaam' AS actie, r->'verwerkingsactie'->>'vertrouwelijkheid' AS niveau
  FROM verwerkingenlog.verwerkte_objecten('persoon', 'BSN', '990000011', '2024-01-01', '2025-01-01') r;
RESET ROLE;
SET ROLE inz_privacy;
SELECT r->'verwerkingsactie'->>'actieNaam' AS actie, r->'verwerkingsactie'->>'vertrouwelijkheid' AS niveau
  FROM verwerkingenlog.verwerkte_objecten('persoon', 'BSN', '990000011', '2024-01-01', '2025-01-01') r;
RESET ROLE;
-- The replaced action is found under its new person only.
SET ROLE inz_privacy;
SELECT r->'verwerkingsactie'->>'actieNaam' AS actie, r->>'objectId' AS object_id
  FROM verwerkingenlog.verwerkte_objecten('persoon', 'BSN', '990000019', '2024-01-01', '2025-01-01') r;
RESET ROLE;
-- Without a read scope: 42501, and nothing is logged.
SELECT count(*) AS records_voor FROM inz_records();
SET ROLE inz_logger;
SELECT * FROM verwerkingenlog.verwerkte_objecten('persoon', 'BSN', '990000011', '2024-01-01', '2025-01-01');
SELECT verwerkingenlog.verwerkt_object(id) FROM inz_id WHERE naam = 'huwelijk.partner1';
RESET ROLE;
SELECT count(*) AS records_na FROM inz_records();

-- == Filters: the period is [begin, eind) on the instant of tijdstip, in
-- the session's time zone; verwerkingsactiviteitId narrows.
SET ROLE inz_portaal;
SELECT r->'verwerkingsactie'->>'actieNaam' AS augustus, r->'verwerkingsactie'->>'tijdstip' AS tijdstip
  FROM verwerkingenlog.verwerkte_objecten('persoon', 'BSN', '990000011', '2024-08-01', '2024-09-01') r;
SELECT r->'verwerkingsactie'->>'actieNaam' AS activiteit
  FROM verwerkingenlog.verwerkte_objecten('persoon', 'BSN', '990000011', '2024-01-01', '2025-01-01',
                                          'bbbbbbbb-0000-4000-8000-000000000002') r;
SELECT count(*) AS ander_soort_id
  FROM verwerkingenlog.verwerkte_objecten('persoon', 'A-nummer', '990000011', '2024-01-01', '2025-01-01');
RESET ROLE;
-- Every filter but verwerkingsactiviteitId is required (class 22), and the
-- object parameters are validated, named as parameters.
\set VERBOSITY default
SET ROLE inz_portaal;
SELECT * FROM verwerkingenlog.verwerkte_objecten('persoon', 'BSN', '990000011', NULL, '2025-01-01');
SELECT * FROM verwerkingenlog.verwerkte_objecten(NULL, NULL, NULL, NULL, NULL);
SELECT * FROM verwerkingenlog.verwerkte_objecten('auto', 'kenteken', repeat('9', 41), '2024-01-01', '2025-01-01');
SELECT verwerkingenlog.verwerkt_object(NULL);
RESET ROLE;

-- == One verwerkt object: the same rules.
SET ROLE inz_portaal;
SELECT jsonb_pretty(inz_masker(verwerkingenlog.verwerkt_object(id))) FROM inz_id WHERE naam = 'huwelijk.getuige1';
SELECT naam, verwerkingenlog.verwerkt_object(id) IS NULL AS niet_zichtbaar
  FROM inz_id WHERE naam IN ('geheim.o', 'opgeheven.o', 'vervallen.o') ORDER BY naam;
SELECT verwerkingenlog.verwerkt_object(id) IS NULL AS vervangen_niet_zichtbaar FROM inz_id WHERE naam = 'vervangen.oud';
SELECT verwerkingenlog.verwerkt_object('00000000-0000-4000-8000-000000000000') IS NULL AS onbekend;
RESET ROLE;
SET ROLE inz_privacy;
SELECT naam, verwerkingenlog.verwerkt_object(id) IS NULL AS niet_zichtbaar
  FROM inz_id WHERE naam IN ('geheim.o', 'opgeheven.o', 'vervallen.o') ORDER BY naam;
RESET ROLE;

-- == The record of an inzage.  Every inzage above that returned was logged:
-- one record per verwerkte_objecten call, one per verwerkt_object that
-- found something.
SELECT count(*) AS records FROM inz_records();
-- With the caller's headers (B9177) as PostgREST passes them.
BEGIN;
SELECT set_config('request.headers', $${"oin": "00000001234567890000",
  "verwerkingsactiviteitid": "C5B9F4E7-8C79-41B9-91E2-6268419CB167",
  "verwerkingsactiviteiturl": "https://portaal.example.nl/var/api/v1/verwerkingsactiviteiten/c5b9f4e7-8c79-41b9-91e2-6268419cb167",
  "verwerkingid": "4b698de3-ffba-45e7-8697-a283ec863db2", "vertrouwelijkheid": "Vertrouwelijk",
  "bewaartermijn": "P2Y", "user-agent": "curl/8.0"}$$, true) IS NOT NULL AS koppen;
SET LOCAL ROLE inz_portaal;
SELECT count(*) AS gevonden
  FROM verwerkingenlog.verwerkte_objecten('persoon', 'BSN', '990000012', '2024-01-01', '2025-01-01');
RESET ROLE;
-- As read:confidential the record is readable (it is vertrouwelijk, as
-- the caller asked); the time is the transaction's.
SET LOCAL ROLE inz_privacy;
SELECT jsonb_pretty(inz_masker(d - 'tijdstip')) AS record, d->>'tijdstip' LIKE '%Z' AS in_utc
  FROM verwerkingenlog.verwerkingsacties('persoon', 'BSN', '990000012') d
 WHERE d->>'actieNaam' = 'Opvragen verwerkte objecten' AND (d->>'tijdstip')::timestamptz = now();
RESET ROLE;
COMMIT;
-- Without headers: the settings' defaults, no afnemer.  The settings name
-- the log's own verwerkingsactiviteit and retention.
SET verwerkingenlog.inzage_verwerkingsactiviteit_id = 'D2C1E7B0-1111-4222-8333-444455556666';
SET verwerkingenlog.inzage_verwerkingsactiviteit_url = 'https://var.example.nl/api/v1/verwerkingsactiviteiten/d2c1e7b0-1111-4222-8333-444455556666';
SET verwerkingenlog.inzage_bewaartermijn = 'P1Y';
SET verwerkingenlog.inzage_uitvoerder = '00000001821002193000';
SET verwerkingenlog.inzage_actie_naam = 'Inzage';
SET ROLE inz_portaal;
SELECT verwerkingenlog.verwerkt_object(id)->>'objectId' AS inzage_van FROM inz_id WHERE naam = 'huwelijk.getuige1';
RESET ROLE;
SELECT jsonb_pretty(inz_masker(verwerkingenlog._document(v, verwerkingenlog._objecten_document(v.actie_id, v.volgnummer))
                               - 'tijdstip')) AS record
  FROM inz_records() v ORDER BY versie_id DESC LIMIT 1;
RESET verwerkingenlog.inzage_verwerkingsactiviteit_id;
RESET verwerkingenlog.inzage_verwerkingsactiviteit_url;
RESET verwerkingenlog.inzage_bewaartermijn;
RESET verwerkingenlog.inzage_uitvoerder;
RESET verwerkingenlog.inzage_actie_naam;

-- Invalid header values are an error, never stored: each named after its
-- header, all at once.
SELECT count(*) AS records_voor FROM inz_records();
BEGIN;
SELECT set_config('request.headers', $${"oin": "1234", "verwerkingsactiviteitid": "geen-uuid",
  "verwerkingsactiviteiturl": "geen url", "verwerkingid": "", "vertrouwelijkheid": "geheim",
  "bewaartermijn": "10 jaar"}$$, true) IS NOT NULL AS koppen;
SET LOCAL ROLE inz_portaal;
SELECT * FROM verwerkingenlog.verwerkte_objecten('persoon', 'BSN', '990000012', '2024-01-01', '2025-01-01');
ROLLBACK;
BEGIN;
SELECT set_config('request.headers', '{"vertrouwelijkheid": "opgeheven", "oin": 12}', true) IS NOT NULL AS koppen;
SET LOCAL ROLE inz_portaal;
-- Also when the object is not found.
SELECT verwerkingenlog.verwerkt_object('00000000-0000-4000-8000-000000000000');
ROLLBACK;
BEGIN;
SELECT set_config('request.headers', 'geen json', true) IS NOT NULL AS koppen;
SET LOCAL ROLE inz_portaal;
SELECT verwerkingenlog.verwerkt_object('00000000-0000-4000-8000-000000000000');
ROLLBACK;
SELECT count(*) AS records_na FROM inz_records();

-- An inzage that cannot be logged is not served: a read-only transaction
-- (a GET under PostgREST) is refused.
BEGIN READ ONLY;
SET LOCAL ROLE inz_portaal;
SELECT * FROM verwerkingenlog.verwerkte_objecten('persoon', 'BSN', '990000012', '2024-01-01', '2025-01-01');
ROLLBACK;
BEGIN READ ONLY;
SET LOCAL ROLE inz_portaal;
SELECT verwerkingenlog.verwerkt_object(id) FROM inz_id WHERE naam = 'huwelijk.getuige1';
ROLLBACK;

-- The settings take only values the log can store.
SET verwerkingenlog.inzage_verwerkingsactiviteit_id = 'geen-uuid';
SET verwerkingenlog.inzage_bewaartermijn = '10 jaar';
SET verwerkingenlog.inzage_vertrouwelijkheid = 'opgeheven';
SET verwerkingenlog.inzage_uitvoerder = '123';
SELECT set_config('verwerkingenlog.inzage_actie_naam', repeat('x', 243), false);
SET verwerkingenlog.inzage_vertrouwelijkheid = 'Vertrouwelijk';
RESET verwerkingenlog.inzage_vertrouwelijkheid;
-- The url is checked for its length only when set; a url the validator
-- refuses stops every inzage (55000, the log is misconfigured, not the
-- request) and nothing is served.
SET verwerkingenlog.inzage_verwerkingsactiviteit_url = 'geen url';
SET ROLE inz_portaal;
SELECT verwerkingenlog.verwerkt_object(id) FROM inz_id WHERE naam = 'huwelijk.getuige1';
RESET ROLE;
RESET verwerkingenlog.inzage_verwerkingsactiviteit_url;
-- Only a superuser sets them.
SET ROLE inz_portaal;
SET verwerkingenlog.inzage_actie_naam = 'Iets anders';
RESET ROLE;

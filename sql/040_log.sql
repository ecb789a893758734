-- Logging one verwerkingsactie and reading it back.
SET TimeZone = 'Europe/Amsterdam';
SET verwerkingenlog.base_url = 'https://log.example/api/v1/';
CREATE ROLE app_create_normal;
CREATE ROLE app_create_confidential;
CREATE ROLE app_read_normal;
CREATE ROLE app_read_confidential;
CREATE ROLE app_zonder_scope;
GRANT verwerkingenlog_create_normal TO app_create_normal;
GRANT verwerkingenlog_create_normal, verwerkingenlog_create_confidential TO app_create_confidential;
GRANT verwerkingenlog_read_normal TO app_read_normal;
GRANT verwerkingenlog_read_confidential TO app_read_confidential;

-- Generated ids and registration times differ per run: show their shape.
CREATE FUNCTION pg_temp.toon(d jsonb) RETURNS jsonb LANGUAGE sql AS $$
  SELECT regexp_replace(regexp_replace(d::text,
           '[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}', '<uuidv7>', 'g'),
           '"tijdstipRegistratie": "[^"]*"', '"tijdstipRegistratie": "<now>"')::jsonb
$$;

-- A full document, as the OpenAPI example has it.
SET ROLE app_create_normal;
SELECT jsonb_pretty(pg_temp.toon(verwerkingenlog.log_verwerkingsactie($${
  "actieNaam": "Zoeken personen",
  "handelingNaam": "Intake",
  "verwerkingNaam": "Huwelijk",
  "verwerkingId": "48086BF2-11B7-4603-9526-67D7C3BB6587",
  "verwerkingsactiviteitId": "5f0bef4c-f66f-4311-84a5-19e8bf359eaf",
  "verwerkingsactiviteitUrl": "https://verwerkingsactiviteiten-api.vng.cloud/api/v1/verwerkingsactiviteiten/5f0bef4c-f66f-4311-84a5-19e8bf359eaf",
  "vertrouwelijkheid": "Normaal",
  "bewaartermijn": "P10Y",
  "uitvoerder": "00000001821002193000",
  "systeem": "FooBarApp v2.1",
  "gebruiker": "123456789",
  "gegevensbron": "FooBar Database Publiekszaken",
  "soortAfnemerId": "OIN",
  "afnemerId": "00000001821002193000",
  "verwerkingsactiviteitIdAfnemer": "c5b9f4e7-8c79-41b9-91e2-6268419cb167",
  "verwerkingsactiviteitUrlAfnemer": "https://www.amsterdam.nl/var/api/v1/verwerkingsactiviteiten/5f0bef4c-f66f-4311-84a5-19e8bf359eaf",
  "verwerkingIdAfnemer": "4b698de3-ffba-45e7-8697-a283ec863db2",
  "tijdstip": "2024-04-05T14:35:42.100+01:00",
  "url": "https://elsewhere.example/ignored",
  "actieId": "00000000-0000-0000-0000-000000000000",
  "tijdstipRegistratie": "1999-01-01T00:00:00Z",
  "verwerkteObjecten": [
    {"objecttype": "Persoon", "soortObjectId": "BSN", "objectId": "1234567", "betrokkenheid": "Getuige",
     "verwerkteSoortenGegevens": [{"soortGegeven": "BSN"}, {"soortGegeven": "Naam"}],
     "verwerktObjectId": "00000000-0000-0000-0000-000000000000", "url": "https://elsewhere.example/x"}
  ]
}$$)));

-- A minimal document: every absent element comes back as null.
SELECT jsonb_pretty(pg_temp.toon(verwerkingenlog.log_verwerkingsactie(
  '{"vertrouwelijkheid": "normaal", "tijdstip": "2024-04-05T14:35:42Z",
    "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "7654321"}]}')));

-- The log sets actieId and tijdstipRegistratie itself.
SELECT (d->>'actieId')::uuid <> '00000000-0000-0000-0000-000000000000' AS eigen_actie_id,
       (d->>'tijdstipRegistratie')::timestamptz BETWEEN now() AND clock_timestamp() AS geregistreerd_nu,
       d->>'url' = 'https://log.example/api/v1/verwerkingsacties/' || (d->>'actieId') AS url
  FROM verwerkingenlog.log_verwerkingsactie(
  '{"vertrouwelijkheid": "normaal", "tijdstip": "2024-04-05T14:35:42Z",
    "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "7654321"}]}') d;

-- Confidential needs create:confidential; opgeheven is never accepted on create.
SELECT verwerkingenlog.log_verwerkingsactie(
  '{"vertrouwelijkheid": "vertrouwelijk", "tijdstip": "2024-04-05T14:35:42Z",
    "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "7654321"}]}');
RESET ROLE;
SET ROLE app_create_confidential;
SELECT d->>'vertrouwelijkheid' FROM verwerkingenlog.log_verwerkingsactie(
  '{"vertrouwelijkheid": "VERTROUWELIJK", "tijdstip": "2024-04-05T14:35:42Z",
    "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "7654321"}]}') d;
SELECT verwerkingenlog.log_verwerkingsactie(
  '{"vertrouwelijkheid": "opgeheven", "tijdstip": "2024-04-05T14:35:42Z",
    "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "7654321"}]}');
RESET ROLE;

-- Without a create scope nothing is logged, not even an invalid document is looked at.
SET ROLE app_read_confidential;
SELECT verwerkingenlog.log_verwerkingsactie('{"nonsense": true}');
RESET ROLE;
SET ROLE app_zonder_scope;
SELECT verwerkingenlog.log_verwerkingsactie('{}');
RESET ROLE;

-- An invalid document is refused with every problem listed.
SET ROLE app_create_normal;
SELECT verwerkingenlog.log_verwerkingsactie(
  '{"vertouwelijkheid": "normaal", "tijdstip": "2024-04-05T14:35:42",
    "verwerkteObjecten": [{"objecttype": "auto", "soortObjectId": "BSN"}]}');
RESET ROLE;

-- Reading one action: the current version; NULL when unknown or not visible.
SELECT (SELECT d->>'actieId' FROM verwerkingenlog.log_verwerkingsactie(
  '{"vertrouwelijkheid": "normaal", "tijdstip": "2024-04-05T14:35:42+02:00", "actieNaam": "Lezen",
    "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "5555"}]}') d) AS normaal_id,
       (SELECT d->>'actieId' FROM verwerkingenlog.log_verwerkingsactie(
  '{"vertrouwelijkheid": "vertrouwelijk", "tijdstip": "2024-04-05T14:35:42+02:00", "actieNaam": "Geheim",
    "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "5555"}]}') d) AS geheim_id
\gset
SET ROLE app_read_normal;
SELECT verwerkingenlog.verwerkingsactie(:'normaal_id')->>'actieNaam' AS normaal_gezien,
       verwerkingenlog.verwerkingsactie(:'geheim_id') IS NULL AS geheim_verborgen,
       verwerkingenlog.verwerkingsactie('00000000-0000-0000-0000-000000000000') IS NULL AS onbekend;
RESET ROLE;
SET ROLE app_read_confidential;
SELECT verwerkingenlog.verwerkingsactie(:'geheim_id')->>'actieNaam' AS geheim_gezien,
       verwerkingenlog.verwerkingsactie(:'geheim_id') = (SELECT verwerkingenlog.verwerkingsactie(:'geheim_id')) AS stabiel;
RESET ROLE;
SET ROLE app_create_normal;
SELECT verwerkingenlog.verwerkingsactie(:'normaal_id');
RESET ROLE;

-- Claims narrow the roles: a reader whose token only says create:normal reads nothing.
BEGIN;
SET LOCAL ROLE app_read_confidential;
SELECT set_config('request.jwt.claims', '{"scope": "create:normal"}', true) IS NOT NULL AS claims;
SELECT verwerkingenlog.verwerkingsactie(:'geheim_id');
ROLLBACK;

-- Clients never touch the tables.
SET ROLE app_read_confidential;
SELECT count(*) FROM verwerkingenlog.verwerkingsactie_versie;
INSERT INTO verwerkingenlog.verwerkt_object DEFAULT VALUES;
RESET ROLE;

-- What is stored: one version per logged action, its objects, soorten gegevens as an array.
SELECT volgnummer, objecten_volgnummer, vertrouwelijkheid, tijdstip, tijdstip::timestamptz AS instant, vervallen
  FROM verwerkingenlog.verwerkingsactie_versie ORDER BY versie_id;
SELECT volgorde, objecttype, soort_object_id, verwerkingenlog._decrypt_object(verwerkt_object) AS object_id,
       length(object_pseudoniem) AS pseudoniem_bytes, betrokkenheid, verwerkte_soorten_gegevens, tijdstip
  FROM verwerkingenlog.verwerkt_object ORDER BY verwerkt_object_id;

-- Many actions in one call: all or nothing, every problem with its index.
SET ROLE app_create_confidential;
-- It returns the actieIds in input order; the stored actions show what it logged.
SELECT array_agg(r.id ORDER BY r.n) AS batch_ids
  FROM verwerkingenlog.log_verwerkingsacties($$[
  {"actieNaam": "eerste", "vertrouwelijkheid": "normaal", "tijdstip": "2024-05-01T10:00:00+02:00",
   "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "301"}]},
  {"actieNaam": "tweede", "vertrouwelijkheid": "vertrouwelijk", "tijdstip": "2024-05-01T10:00:01+02:00",
   "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "302"},
                         {"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "303"}]},
  {"actieNaam": "derde", "vertrouwelijkheid": "normaal", "tijdstip": "2024-05-01T10:00:02+02:00",
   "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "304"}]}
]$$) WITH ORDINALITY AS r(id, n) \gset
RESET ROLE;
SELECT cardinality(:'batch_ids'::uuid[]) AS aantal,
       (SELECT count(DISTINCT i) FROM unnest(:'batch_ids'::uuid[]) i) AS verschillend;
SELECT r.n, d->>'actieId' = r.id::text AS zelfde_id, d->>'actieNaam' AS actie, d->>'vertrouwelijkheid' AS niveau,
       jsonb_path_query_array(d, '$.verwerkteObjecten[*].objectId') AS bsns
  FROM unnest(:'batch_ids'::uuid[]) WITH ORDINALITY AS r(id, n),
       verwerkingenlog.verwerkingsactie(r.id) AS d
 ORDER BY r.n;
SET ROLE app_create_confidential;
SELECT count(*) AS voor FROM verwerkingenlog.log_verwerkingsacties('[]');
SELECT verwerkingenlog.log_verwerkingsacties($$[
  {"actieNaam": "goed", "vertrouwelijkheid": "normaal", "tijdstip": "2024-05-01T10:00:00+02:00",
   "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "305"}]},
  {"vertrouwelijkheid": "normaal", "tijdstip": "gisteren",
   "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "306"}]},
  {"vertrouwelijkheid": "normaal", "tijdstip": "2024-05-01T10:00:00+02:00", "verwerkteObjecten": []}
]$$);
RESET ROLE;
SET ROLE app_create_normal;
SELECT verwerkingenlog.log_verwerkingsacties($$[
  {"vertrouwelijkheid": "vertrouwelijk", "tijdstip": "2024-05-01T10:00:00+02:00",
   "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "307"}]}
]$$);
RESET ROLE;
SELECT count(*) AS niets_van_de_fouten FROM verwerkingenlog.verwerkt_object WHERE verwerkingenlog._decrypt_object(verwerkt_object) IN ('305', '306', '307');

-- The standard's worked example (decision B3891): action 42 about BSN 2308572.
-- t0 logged confidential, activity "BRP Registratie"; t1 activity corrected to
-- "Uitvoering Foobar"; t2 confidentiality lifted; t3 retention set to 4 years;
-- t4 confidential again; t6 annulled.  Six versions, one action, gone from
-- every normal read at the end, the history shows all six.
-- The activity's name is carried in verwerkingNaam.
SET TimeZone = 'UTC';
CREATE ROLE gemeente_app;
GRANT verwerkingenlog_create_confidential, verwerkingenlog_create_normal,
      verwerkingenlog_update_confidential, verwerkingenlog_delete_confidential,
      verwerkingenlog_read_confidential TO gemeente_app;
CREATE ROLE auditor;
GRANT verwerkingenlog_read_confidential TO auditor;
CREATE ROLE lezer_normaal;
GRANT verwerkingenlog_read_normal TO lezer_normaal;

SET ROLE gemeente_app;
-- t0
SELECT d->>'actieId' AS actie_42, d->>'vertrouwelijkheid' AS t0
  FROM verwerkingenlog.log_verwerkingsactie(
  '{"verwerkingNaam": "BRP Registratie", "verwerkingId": "00000000-0000-4000-8000-000000000042",
    "vertrouwelijkheid": "vertrouwelijk", "tijdstip": "2024-01-10T09:00:00+01:00",
    "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "2308572"}]}') d
\gset
-- t1: read, change one element, write back
SELECT d->>'verwerkingNaam' AS t1, d->>'vertrouwelijkheid' AS niveau
  FROM verwerkingenlog.wijzig_verwerkingsactie(:'actie_42',
       verwerkingenlog.verwerkingsactie(:'actie_42') || '{"verwerkingNaam": "Uitvoering Foobar"}') d;
RESET ROLE;
SET ROLE auditor;
SELECT (SELECT count(*) FROM verwerkingenlog.verwerkingsactie_historie(:'actie_42')) AS versies_na_t1;
RESET ROLE;
SET ROLE gemeente_app;
-- t2: lifting confidentiality stores opgeheven, never normaal
SELECT verwerkingenlog.wijzig_vertrouwelijkheid_verwerking('00000000-0000-4000-8000-000000000042', 'normaal') AS t2;
-- t3
SELECT verwerkingenlog.wijzig_bewaartermijn_verwerking('00000000-0000-4000-8000-000000000042', 'P4Y') AS t3;
-- t4
SELECT verwerkingenlog.wijzig_verwerking('00000000-0000-4000-8000-000000000042', '{"vertrouwelijkheid": "vertrouwelijk"}') AS t4;
-- t6
SELECT verwerkingenlog.verwijder_verwerkingsactie(:'actie_42') AS t6;
RESET ROLE;

-- The auditor sees six versions in order of registration.
SET ROLE auditor;
SELECT row_number() OVER () AS versie, h->>'verwerkingNaam' AS verwerking, h->>'vertrouwelijkheid' AS vertrouwelijkheid,
       h->>'bewaartermijn' AS bewaartermijn, h->>'vervallen' AS vervallen,
       h->>'actieId' = :'actie_42' AS zelfde_actie,
       h->'verwerkteObjecten'->0->>'objectId' AS bsn
  FROM verwerkingenlog.verwerkingsactie_historie(:'actie_42') h;
SELECT bool_and((h->>'tijdstipRegistratie')::timestamptz >= coalesce(vorige, '-infinity')) AS registratie_oplopend
  FROM (SELECT h, lag((h->>'tijdstipRegistratie')::timestamptz) OVER () AS vorige
          FROM verwerkingenlog.verwerkingsactie_historie(:'actie_42') h) s;
-- ... and the action is gone from every normal read.
SELECT verwerkingenlog.verwerkingsactie(:'actie_42') IS NULL AS niet_leesbaar,
       (SELECT count(*) FROM verwerkingenlog.verwerkingsacties('persoon', 'BSN', '2308572')) AS in_lijst,
       (SELECT count(*) FROM verwerkingenlog.actuele_verwerkingsacties WHERE actie_id = :'actie_42') AS in_view;
RESET ROLE;
-- Only read:confidential may see the history.
SET ROLE lezer_normaal;
SELECT * FROM verwerkingenlog.verwerkingsactie_historie(:'actie_42');
RESET ROLE;
-- One action, six records, one object set (PATCH and DELETE keep the objects).
SELECT count(*) AS records, count(DISTINCT actie_id) AS acties, count(DISTINCT objecten_volgnummer) AS objectsets
  FROM verwerkingenlog.verwerkingsactie_versie WHERE actie_id = :'actie_42';
SELECT count(*) AS objecten FROM verwerkingenlog.verwerkt_object WHERE actie_id = :'actie_42';

-- Issue 15 (speed) changed how things are done, not what they give.  The
-- documents are built in C (src/document.c): each form against the SQL it
-- replaced, for rows with every element filled, with nulls, with an
-- encrypted afnemerId and with an OIN.  The writer's shortcuts (CHECK
-- constraints prepared once, the oin domain's own check not repeated, the
-- caller's scope roles remembered) still follow every change.
SET search_path = verwerkingenlog, pg_catalog;
\set SHOW_CONTEXT never
SET TimeZone = 'Europe/Amsterdam';

CREATE TEMP TABLE s_acties AS
SELECT naam, (log_verwerkingsactie(d)->>'actieId')::uuid AS actie
  FROM (VALUES
    ('vol', '{"actieNaam": "vol", "handelingNaam": "h", "verwerkingNaam": "v",
              "verwerkingId": "5f0bef4c-f66f-4311-84a5-19e8bf359eaf",
              "verwerkingsactiviteitId": "6f0bef4c-f66f-4311-84a5-19e8bf359eaf",
              "verwerkingsactiviteitUrl": "https://example.org/a", "vertrouwelijkheid": "normaal",
              "bewaartermijn": "P10Y", "uitvoerder": "00000001234567890000", "systeem": "s",
              "gebruiker": "g \"q\" é \\ \t", "gegevensbron": "b", "soortAfnemerId": "BSN", "afnemerId": "666777881",
              "verwerkingsactiviteitIdAfnemer": "7f0bef4c-f66f-4311-84a5-19e8bf359eaf",
              "verwerkingsactiviteitUrlAfnemer": "https://example.org/b?a=1&b=2",
              "verwerkingIdAfnemer": "8f0bef4c-f66f-4311-84a5-19e8bf359eaf",
              "tijdstip": "2024-06-01T10:00:00.123+02:00",
              "verwerkteObjecten": [
                {"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "111222333",
                 "betrokkenheid": "Aanvrager", "verwerkteSoortenGegevens": [{"soortGegeven": "naam"}, {"soortGegeven": "adres"}]},
                {"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "111222345"}]}'::jsonb),
    ('leeg', '{"vertrouwelijkheid": "normaal", "tijdstip": "2024-06-02T10:00:00Z",
               "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "111222333"}]}'),
    ('oin', '{"actieNaam": "oin", "vertrouwelijkheid": "vertrouwelijk", "tijdstip": "2024-06-03T10:00:00+01:00",
              "soortAfnemerId": "OIN", "afnemerId": "00000001234567890001",
              "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "111222333"}]}')
  ) t(naam, d);

-- The SQL the C functions replaced, as it was.
CREATE FUNCTION pg_temp.oud_object(o verwerkingenlog.verwerkt_object) RETURNS jsonb LANGUAGE sql AS $$
    SELECT jsonb_build_object(
        'url', verwerkingenlog.base_url() || '/verwerkte-objecten/' || o.verwerkt_object_id,
        'verwerktObjectId', o.verwerkt_object_id, 'objecttype', o.objecttype,
        'soortObjectId', o.soort_object_id, 'objectId', verwerkingenlog._decrypt_object(o),
        'betrokkenheid', o.betrokkenheid,
        'verwerkteSoortenGegevens', verwerkingenlog._soorten_gegevens(o.verwerkte_soorten_gegevens))
$$;
CREATE FUNCTION pg_temp.oud_document(v verwerkingenlog.verwerkingsactie_versie, objecten jsonb) RETURNS jsonb LANGUAGE sql AS $$
    SELECT jsonb_build_object(
        'url', verwerkingenlog.base_url() || '/verwerkingsacties/' || v.actie_id,
        'actieId', v.actie_id, 'actieNaam', v.actie_naam, 'handelingNaam', v.handeling_naam,
        'verwerkingNaam', v.verwerking_naam, 'verwerkingId', v.verwerking_id,
        'verwerkingsactiviteitId', v.verwerkingsactiviteit_id,
        'verwerkingsactiviteitUrl', v.verwerkingsactiviteit_url,
        'vertrouwelijkheid', v.vertrouwelijkheid, 'bewaartermijn', v.bewaartermijn::text,
        'uitvoerder', v.uitvoerder, 'systeem', v.systeem, 'gebruiker', v.gebruiker,
        'gegevensbron', v.gegevensbron, 'soortAfnemerId', v.soort_afnemer_id,
        'afnemerId', coalesce(v.afnemer_id, verwerkingenlog._decrypt_afnemer(v)),
        'verwerkingsactiviteitIdAfnemer', v.verwerkingsactiviteit_id_afnemer,
        'verwerkingsactiviteitUrlAfnemer', v.verwerkingsactiviteit_url_afnemer,
        'verwerkingIdAfnemer', v.verwerking_id_afnemer, 'tijdstip', v.tijdstip::text,
        'tijdstipRegistratie', v.tijdstip_registratie, 'verwerkteObjecten', objecten)
$$;
CREATE FUNCTION pg_temp.oud_beperkt(v verwerkingenlog.verwerkingsactie_versie, o verwerkingenlog.verwerkt_object) RETURNS jsonb LANGUAGE sql AS $$
    SELECT pg_temp.oud_document(v, jsonb_build_array(pg_temp.oud_object(o)))
           - 'systeem' - 'gebruiker' - 'gegevensbron'
           || CASE WHEN v.afnemer_id IS NULL THEN '{"afnemerId": null}'::jsonb ELSE '{}'::jsonb END
$$;

-- Byte for byte the same text, for every row and every form.
SELECT a.naam,
       _object_document(o)::text = pg_temp.oud_object(o)::text AS object,
       _document(v, _objecten_document(v.actie_id, v.objecten_volgnummer))::text
         = pg_temp.oud_document(v, (SELECT jsonb_agg(pg_temp.oud_object(x) ORDER BY x.volgorde)
                                      FROM verwerkt_object x WHERE x.actie_id = v.actie_id))::text AS document,
       _document(v, NULL)::text = pg_temp.oud_document(v, NULL)::text AS zonder_objecten,
       _document_met_objecten(v, (SELECT array_agg(x ORDER BY x.volgorde) FROM verwerkt_object x
                                   WHERE x.actie_id = v.actie_id))::text
         = _document(v, _objecten_document(v.actie_id, v.objecten_volgnummer))::text AS met_objecten,
       _document_met_objecten(v, NULL)::text = pg_temp.oud_document(v, NULL)::text AS met_geen_objecten,
       _restricted_document(v, o)::text = pg_temp.oud_beperkt(v, o)::text AS beperkt,
       _inzage_document(v, o)::text
         = (pg_temp.oud_object(o) || jsonb_build_object('verwerkingsactie', pg_temp.oud_beperkt(v, o)))::text AS inzage
  FROM s_acties a
  JOIN verwerkingsactie_versie v ON v.actie_id = a.actie
  JOIN verwerkt_object o ON o.actie_id = a.actie
 ORDER BY a.naam, o.volgorde;
-- A NULL row gives the document of nothing, as the SQL did.
SELECT _object_document(NULL)::text = pg_temp.oud_object(NULL)::text AS null_object,
       _document(NULL, NULL)::text = pg_temp.oud_document(NULL, NULL)::text AS null_document;
-- The restricted form shows neither the encrypted afnemerId nor systeem,
-- gebruiker, gegevensbron; the full form decrypts it.
SELECT a.naam, _restricted_document(v, o)->'afnemerId' AS beperkt, _document(v, NULL)->'afnemerId' AS vol,
       _restricted_document(v, o) ?| '{systeem,gebruiker,gegevensbron}' AS beperkt_toont_systeem
  FROM s_acties a JOIN verwerkingsactie_versie v ON v.actie_id = a.actie
  JOIN verwerkt_object o ON o.actie_id = a.actie AND o.volgorde = 1
 ORDER BY a.naam;

-- A CHECK constraint added to the log's table is enforced from the next
-- call on (the writer's prepared constraints follow the table), and one
-- added to the domain oin too (the writer skips the domain's own check only
-- while it is the only one).
\set VERBOSITY terse
BEGIN;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_start DISABLE;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_end DISABLE;
SELECT log_verwerkingsactie('{"actieNaam": "kort", "vertrouwelijkheid": "normaal", "tijdstip": "2024-06-01T10:00:00Z",
    "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "111222333"}]}') ? 'actieId' AS voor;
ALTER TABLE verwerkingsactie_versie ADD CONSTRAINT s_naam_lang CHECK (length(actie_naam) > 4) NOT VALID;
SAVEPOINT s;
SELECT log_verwerkingsactie('{"actieNaam": "kort", "vertrouwelijkheid": "normaal", "tijdstip": "2024-06-01T10:00:00Z",
    "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "111222333"}]}') ? 'actieId' AS na;
ROLLBACK TO s;
SELECT log_verwerkingsactie('{"actieNaam": "uitvoerder", "vertrouwelijkheid": "normaal", "tijdstip": "2024-06-01T10:00:00Z",
    "uitvoerder": "00000001234567890000",
    "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "111222333"}]}') ? 'actieId' AS oin_voor;
ALTER DOMAIN oin ADD CONSTRAINT s_niet_nul CHECK (VALUE OPERATOR(pg_catalog.!~) '^0') NOT VALID;
SELECT log_verwerkingsactie('{"actieNaam": "uitvoerder", "vertrouwelijkheid": "normaal", "tijdstip": "2024-06-01T10:00:00Z",
    "uitvoerder": "00000001234567890000",
    "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "111222333"}]}') ? 'actieId' AS oin_na;
ROLLBACK;
\set VERBOSITY default

-- The caller's scope roles are remembered, and forgotten when a membership
-- changes: a GRANT or REVOKE counts at once, in the same session.
CREATE ROLE s_rol;
GRANT verwerkingenlog_read_normal TO s_rol;
SET ROLE s_rol;
SELECT scopes() AS zonder;
RESET ROLE;
GRANT verwerkingenlog_create_normal TO s_rol;
SET ROLE s_rol;
SELECT scopes() AS met_grant;
RESET ROLE;
REVOKE verwerkingenlog_create_normal FROM s_rol;
SET ROLE s_rol;
SELECT scopes() AS na_revoke;
RESET ROLE;
REVOKE verwerkingenlog_read_normal FROM s_rol;
DROP ROLE s_rol;

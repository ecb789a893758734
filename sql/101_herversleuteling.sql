-- Re-encryption after a key rotation (B2042): herversleutel(batch) moves the
-- stored ciphertexts (object_versleuteld, afnemer_versleuteld) whose first
-- byte names an older key version to the current one.  The tables stay
-- append-only: the UPDATE passes only through a door that C code opens and
-- through which nothing but the ciphertext may change, to another ciphertext
-- of the same identifier.  This test rotates the cluster's own key file.
SET search_path = verwerkingenlog, pg_catalog;
\set SHOW_CONTEXT never

CREATE TEMP TABLE h AS
SELECT (log_verwerkingsactie('{
  "actieNaam": "Herversleutelen", "vertrouwelijkheid": "normaal", "tijdstip": "2024-05-01T10:00:00+02:00",
  "soortAfnemerId": "BSN", "afnemerId": "999990032",
  "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "999990044", "betrokkenheid": "Aanvrager"},
                        {"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "999990056"}]}')->>'actieId')::uuid AS id;

SELECT huidige_versie AS oud FROM sleutel_info() \gset
SELECT count(*) FILTER (WHERE get_byte(object_versleuteld, 0) <> :oud) AS andere_versie
  FROM verwerkt_object;

-- Rotate: new identifiers are encrypted under the new version, the old ones
-- stay readable and findable.
SELECT _rotate_key() = :oud + 1 AS geroteerd;
SELECT huidige_versie AS nieuw, versies - 1 = :oud AS oude_sleutels_bewaard FROM sleutel_info() \gset
SELECT :'oude_sleutels_bewaard' AS oude_sleutels_bewaard;
SELECT count(*) AS oude_objecten FROM verwerkt_object WHERE get_byte(object_versleuteld, 0) < :nieuw \gset
SELECT count(*) AS oude_afnemers FROM verwerkingsactie_versie WHERE get_byte(afnemer_versleuteld, 0) < :nieuw \gset
SELECT :oude_objecten > 0 AS oude_objecten, :oude_afnemers > 0 AS oude_afnemers;
CREATE TEMP TABLE voor AS
SELECT verwerkt_object_id, object_pseudoniem, object_versleuteld, _decrypt_object(o) AS object_id,
       to_jsonb(o) - 'object_versleuteld' AS rest
  FROM verwerkt_object o;
CREATE TEMP TABLE voor_afnemer AS
SELECT actie_id, volgnummer, afnemer_versleuteld, _decrypt_afnemer(v) AS afnemer_id,
       to_jsonb(v) - 'afnemer_versleuteld' AS rest
  FROM verwerkingsactie_versie v WHERE afnemer_versleuteld IS NOT NULL;

-- Outside the function the door is closed: re-encrypting with a plain
-- UPDATE is refused, superuser or not.
UPDATE verwerkt_object o SET object_versleuteld = _reencrypt_object(o)
 WHERE verwerkt_object_id = (SELECT verwerkt_object_id FROM voor ORDER BY 1 LIMIT 1);

-- Inside it, the trigger still checks every row.  Simulate a tampered
-- helper (a superuser disables the DDL guard and replaces _reencrypt, inside a transaction that is
-- rolled back): another identifier, another column, a delete, a NULL are all
-- refused while the door is open.
BEGIN;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_start DISABLE;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_end DISABLE;
CREATE OR REPLACE FUNCTION verwerkingenlog._reencrypt_object(o verwerkingenlog.verwerkt_object) RETURNS bytea
    LANGUAGE sql AS $$ SELECT verwerkingenlog._encrypt('000000000', o.soort_object_id, o.object_pseudoniem) $$;
SELECT herversleutel(10);
ROLLBACK;
BEGIN;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_start DISABLE;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_end DISABLE;
CREATE OR REPLACE FUNCTION verwerkingenlog._reencrypt_object(o verwerkingenlog.verwerkt_object) RETURNS bytea
    LANGUAGE plpgsql AS $$
BEGIN
    UPDATE verwerkingenlog.verwerkt_object SET betrokkenheid = 'Getuige' WHERE betrokkenheid = 'Aanvrager';
    RETURN o.object_versleuteld;
END $$;
SELECT herversleutel(10);
ROLLBACK;
BEGIN;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_start DISABLE;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_end DISABLE;
CREATE OR REPLACE FUNCTION verwerkingenlog._reencrypt_object(o verwerkingenlog.verwerkt_object) RETURNS bytea
    LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM verwerkingenlog.verwerkt_object WHERE betrokkenheid = 'Aanvrager';
    RETURN o.object_versleuteld;
END $$;
SELECT herversleutel(10);
ROLLBACK;
BEGIN;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_start DISABLE;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_end DISABLE;
CREATE OR REPLACE FUNCTION verwerkingenlog._reencrypt_object(o verwerkingenlog.verwerkt_object) RETURNS bytea
    LANGUAGE sql AS $$ SELECT NULL::bytea $$;
SELECT herversleutel(10);
ROLLBACK;
SELECT count(*) = :oude_objecten AS niets_gewijzigd FROM verwerkt_object WHERE get_byte(object_versleuteld, 0) < :nieuw;

-- Only scope beheer.
CREATE ROLE regress_vwl_client;
GRANT verwerkingenlog_read_confidential, verwerkingenlog_update_confidential TO regress_vwl_client;
CREATE ROLE regress_vwl_beheerder;
GRANT verwerkingenlog_beheer TO regress_vwl_beheerder;
SET ROLE regress_vwl_client;
SELECT herversleutel();
SELECT _reencrypt_rows(10);
SELECT huidige_versie FROM sleutel_info();
RESET ROLE;
SELECT herversleutel(0);
SELECT herversleutel(NULL);

-- The real thing, as beheer, in batches: at most batch per call, 0 when done.
SET ROLE regress_vwl_beheerder;
SELECT huidige_versie = :nieuw AS huidige_versie FROM sleutel_info();
SELECT herversleutel(3) AS eerste_batch;
SELECT herversleutel(1000000) = :oude_objecten + :oude_afnemers - 3 AS de_rest;
SELECT herversleutel() AS nog;
RESET ROLE;

-- Every ciphertext now names the current version and decrypts to what it
-- held before; every one is new; pseudonyms and everything else unchanged.
SELECT count(*) FILTER (WHERE get_byte(object_versleuteld, 0) <> :nieuw) AS objecten_oud,
       count(*) AS objecten
  FROM verwerkt_object \gset
SELECT :objecten_oud AS objecten_oud, :objecten = (SELECT count(*) FROM voor) AS alle_objecten;
SELECT count(*) FILTER (WHERE get_byte(afnemer_versleuteld, 0) <> :nieuw) AS afnemers_oud
  FROM verwerkingsactie_versie WHERE afnemer_versleuteld IS NOT NULL;
SELECT count(*) = (SELECT count(*) FROM voor) AS alle_vergeleken,
       bool_and(_decrypt_object(o) = v.object_id) AS zelfde_id,
       bool_and(o.object_pseudoniem = v.object_pseudoniem) AS zelfde_pseudoniem,
       bool_and(o.object_versleuteld <> v.object_versleuteld) AS nieuwe_ciphertext,
       bool_and(to_jsonb(o) - 'object_versleuteld' = v.rest) AS rest_gelijk
  FROM voor v JOIN verwerkt_object o USING (verwerkt_object_id);
SELECT count(*) = (SELECT count(*) FROM voor_afnemer) AS alle_vergeleken,
       bool_and(_decrypt_afnemer(a) = v.afnemer_id) AS zelfde_afnemer,
       bool_and(a.afnemer_versleuteld <> v.afnemer_versleuteld) AS nieuwe_ciphertext,
       bool_and(to_jsonb(a) - 'afnemer_versleuteld' = v.rest) AS rest_gelijk
  FROM voor_afnemer v JOIN verwerkingsactie_versie a USING (actie_id, volgnummer);

-- Readable and findable by the plain BSN, through the API.
SELECT d->>'afnemerId' AS afnemer, jsonb_path_query_array(d, '$.verwerkteObjecten[*].objectId') AS objecten
  FROM h, verwerkingsactie(h.id) d;
SELECT a->>'actieNaam' AS gevonden FROM verwerkingsacties('persoon', 'BSN', '999990044', '2024-05-01', '2024-05-02') a;
-- New identifiers are written under the new version.
SELECT log_verwerkingsactie('{"vertrouwelijkheid": "normaal", "tijdstip": "2024-05-02T10:00:00Z",
          "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "999990068"}]}')->>'actieId' AS nieuw_id \gset
SELECT get_byte(object_versleuteld, 0) = :nieuw AS nieuwe_versie FROM verwerkt_object WHERE actie_id = :'nieuw_id';

DROP ROLE regress_vwl_client, regress_vwl_beheerder;

-- The database records check values of its keys (sleutelcontrole) when it
-- first stores identifiers under them, and refuses a key file that does not
-- match, is missing, or belongs to another database: VL001, for reads and
-- writes alike, instead of lookups that find nothing.  Ciphertexts are bound
-- to their place; no client role can decrypt.
SET search_path = verwerkingenlog, pg_catalog;
\set SHOW_CONTEXT never
-- A database of its own with a key file of its own, which CREATE EXTENSION
-- creates (so nothing here depends on the cluster's key file).
COPY (SELECT 1 WHERE false) TO PROGRAM 'cat >/dev/null; rm -rf vwl_controle vwl_controle_db && mkdir -m 700 vwl_controle vwl_controle_db';
CREATE DATABASE vwl_controle;
ALTER DATABASE vwl_controle SET verwerkingenlog.sleutelbestand = 'vwl_controle_db/sleutels';
\c vwl_controle
SET search_path = verwerkingenlog, pg_catalog;
\set SHOW_CONTEXT never
\set VERBOSITY terse
CREATE EXTENSION verwerkingenlog;
\set VERBOSITY default
SELECT count(*) AS nog_geen_controlewaarden FROM sleutelcontrole;
-- Reads before the first write record nothing.
SELECT count(*) AS niets FROM verwerkingsacties('persoon', 'BSN', '111000222');
SELECT count(*) AS nog_geen_controlewaarden FROM sleutelcontrole;
SELECT (log_verwerkingsactie('{"actieNaam": "Controle", "vertrouwelijkheid": "normaal",
  "tijdstip": "2024-04-05T14:35:42+01:00", "soortAfnemerId": "BSN", "afnemerId": "666777888",
  "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "111000222"},
                        {"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "111000333"}]}')->>'actieId')::uuid AS id \gset
SELECT versie, octet_length(controle) AS bytes FROM sleutelcontrole ORDER BY versie;
SELECT count(*) AS gevonden FROM verwerkingsacties('persoon', 'BSN', '111000222');

-- Wrong key files: the cluster's file with one hex digit of the HMAC key
-- changed, with one of the AES key changed, a fresh file (another
-- database's keys), a missing file.
COPY (SELECT 1 WHERE false) TO PROGRAM 'cat >/dev/null; cd vwl_controle && grep "^[0-9]" ../vwl_controle_db/sleutels > goed && awk ''{ h=$2; c=substr(h,1,1); c=(c=="0"?"1":"0"); print $1, c substr(h,2), $3 }'' goed > hmac && awk ''{ a=$3; c=substr(a,64,1); c=(c=="0"?"1":"0"); print $1, $2, substr(a,1,63) c }'' goed > aes && chmod 600 goed hmac aes';
\set VERBOSITY terse
SELECT sleutelbestand_aanmaken('vwl_controle/ander') IS NOT NULL AS ander_gemaakt;
\set VERBOSITY default
SET verwerkingenlog.sleutelbestand = 'vwl_controle/hmac';
SELECT count(*) FROM verwerkingsacties('persoon', 'BSN', '111000222');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM verwerkte_objecten('persoon', 'BSN', '111000222', '2024-01-01', '2025-01-01');
\echo :LAST_ERROR_SQLSTATE
SELECT log_verwerkingsactie('{"vertrouwelijkheid": "normaal", "tijdstip": "2024-04-05T14:35:42+01:00",
  "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "111000222"}]}') IS NOT NULL;
\echo :LAST_ERROR_SQLSTATE
SELECT verwerkingsactie(:'id') IS NOT NULL;
\echo :LAST_ERROR_SQLSTATE
SET verwerkingenlog.sleutelbestand = 'vwl_controle/aes';
SELECT verwerkingsactie(:'id') IS NOT NULL;
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM exporteer_verwerkingsacties();
\echo :LAST_ERROR_SQLSTATE
SET verwerkingenlog.sleutelbestand = 'vwl_controle/ander';
\set VERBOSITY terse
SELECT count(*) FROM verwerkingsacties('persoon', 'BSN', '111000222');
SELECT * FROM sleutel_info();
SET verwerkingenlog.sleutelbestand = 'vwl_controle/weg';
SELECT count(*) FROM verwerkingsacties('persoon', 'BSN', '111000222');
\echo :LAST_ERROR_SQLSTATE
\set VERBOSITY default
-- Nothing was written in the wrong state, no inzage was recorded as served;
-- with the right file (a copy of it) everything is found again.
SET verwerkingenlog.sleutelbestand = 'vwl_controle/goed';
SELECT count(*) AS versies FROM verwerkingsactie_versie;
SELECT count(*) AS gevonden FROM verwerkingsacties('persoon', 'BSN', '111000222');
SELECT versie, octet_length(controle) AS bytes FROM sleutelcontrole ORDER BY versie;
-- The check also holds in a new session, whose first use is a read.
\c
SET verwerkingenlog.sleutelbestand = 'vwl_controle/hmac';
SELECT count(*) FROM verwerkingenlog.verwerkingsacties('persoon', 'BSN', '111000222');
\echo :LAST_ERROR_SQLSTATE
RESET verwerkingenlog.sleutelbestand;
SET search_path = verwerkingenlog, pg_catalog;
\set SHOW_CONTEXT never

-- A rotated key version is recorded when the log first stores under it;
-- a key file whose new version differs is refused from then on.
SELECT _rotate_key() AS nieuw \gset
SELECT count(*) AS nog_niet_geregistreerd FROM sleutelcontrole WHERE versie = :nieuw;
SELECT log_verwerkingsactie('{"vertrouwelijkheid": "normaal", "tijdstip": "2024-04-06T10:00:00Z",
  "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "111000444"}]}') IS NOT NULL AS gelogd;
SELECT count(*) AS geregistreerd FROM sleutelcontrole WHERE versie = :nieuw;
-- A rollback takes the recording back; the next write records it again.
SELECT _rotate_key() AS nieuwer \gset
BEGIN;
SELECT log_verwerkingsactie('{"vertrouwelijkheid": "normaal", "tijdstip": "2024-04-06T10:00:00Z",
  "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "111000555"}]}') IS NOT NULL AS gelogd;
ROLLBACK;
SELECT count(*) AS teruggedraaid FROM sleutelcontrole WHERE versie = :nieuwer;
SELECT log_verwerkingsactie('{"vertrouwelijkheid": "normaal", "tijdstip": "2024-04-06T10:00:00Z",
  "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "111000555"}]}') IS NOT NULL AS gelogd;
SELECT count(*) AS geregistreerd FROM sleutelcontrole WHERE versie = :nieuwer;

-- Bound to its place: a ciphertext moved to another object, another kind or
-- another action does not authenticate.
SELECT _decrypt_object(o) AS eigen_plek FROM verwerkt_object o WHERE o.actie_id = :'id' AND o.volgorde = 1;
SELECT _decrypt_object(jsonb_populate_record(o2, jsonb_build_object('object_versleuteld', o1.object_versleuteld)))
  FROM verwerkt_object o1, verwerkt_object o2
 WHERE o1.actie_id = :'id' AND o1.volgorde = 1 AND o2.actie_id = :'id' AND o2.volgorde = 2;
SELECT _decrypt(o.object_versleuteld, 'RSIN', o.object_pseudoniem) FROM verwerkt_object o
 WHERE o.actie_id = :'id' AND o.volgorde = 1;
SELECT _decrypt(o.object_versleuteld) FROM verwerkt_object o WHERE o.actie_id = :'id' AND o.volgorde = 1;
SELECT _decrypt_afnemer(v) AS eigen_actie FROM verwerkingsactie_versie v WHERE v.actie_id = :'id';
SELECT _decrypt_afnemer(jsonb_populate_record(w, jsonb_build_object('afnemer_versleuteld', v.afnemer_versleuteld)))
  FROM verwerkingsactie_versie v, verwerkingsactie_versie w
 WHERE v.actie_id = :'id' AND w.actie_id <> :'id' AND w.volgnummer = 1
 LIMIT 1;

-- No client role can execute any function that reads the keys; the views
-- still decrypt for them, through functions that decrypt only what the
-- caller may see.
SELECT p.oid::regprocedure AS functie, r.rolname
  FROM pg_proc p CROSS JOIN pg_roles r
 WHERE p.pronamespace = 'verwerkingenlog'::regnamespace AND p.prolang = (SELECT oid FROM pg_language WHERE lanname = 'c')
   AND p.prosrc IN ('vwl_pseudoniem', 'vwl_encrypt', 'vwl_decrypt', 'vwl_decrypt_object', 'vwl_decrypt_afnemer',
                    'vwl_reencrypt', 'vwl_reencrypt_object', 'vwl_reencrypt_afnemer', 'vwl_rotate_key',
                    'vwl_sleutelbestand_aanmaken', 'vwl_install_keyfile')
   AND r.rolname LIKE 'verwerkingenlog\_%' AND has_function_privilege(r.oid, p.oid, 'EXECUTE')
 ORDER BY 1, 2;
SELECT count(*) AS sleutelfuncties, count(*) FILTER (WHERE proparallel = 's') AS parallel_safe
  FROM pg_proc WHERE pronamespace = 'verwerkingenlog'::regnamespace
   AND (prosrc LIKE ANY (ARRAY['vwl\_%crypt%', 'vwl\_%key%', 'vwl\_%sleutel%']) OR prosrc = 'vwl_pseudoniem');
CREATE ROLE regress_vwl_lezer;
GRANT verwerkingenlog_read_confidential TO regress_vwl_lezer;
SET ROLE regress_vwl_lezer;
SELECT verwerkingenlog._decrypt(o.object_versleuteld) FROM (SELECT '\x01'::bytea AS object_versleuteld) o;
SELECT object_id FROM verwerkingenlog.actuele_verwerkte_objecten ORDER BY object_id;
SELECT afnemer_id FROM verwerkingenlog.actuele_verwerkingsacties WHERE afnemer_id IS NOT NULL;
RESET ROLE;
DROP ROLE regress_vwl_lezer;
COPY (SELECT 1 WHERE false) TO PROGRAM 'cat >/dev/null; rm -rf vwl_controle vwl_controle_db';
\c contrib_regression
DROP DATABASE vwl_controle;

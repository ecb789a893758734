-- B2042: no object identifier in plain text on disk.  A BSN (and an afnemer
-- that is a person) is logged, everything is written to disk, and every
-- relation file of the log -- heap, indexes, TOAST -- is searched for the
-- digits.  A control string in the same action is found, so the search works.
SET verwerkingenlog.base_url = 'https://log.example/api/v1';
SELECT pg_walfile_name(pg_current_wal_lsn()) AS wal_begin \gset
SELECT d->'verwerkteObjecten'->0->>'objectId' AS object_id, d->>'afnemerId' AS afnemer_id
  FROM verwerkingenlog.log_verwerkingsactie($${
  "actieNaam": "controle-tekst-op-schijf", "vertrouwelijkheid": "normaal",
  "tijdstip": "2024-04-05T14:35:42+01:00", "soortAfnemerId": "BSN", "afnemerId": "123456782",
  "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "987654329"},
                        {"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "987654329",
                         "betrokkenheid": "Getuige"}]}$$) d;
CHECKPOINT;

CREATE TEMP TABLE bestanden AS
SELECT c.oid::regclass::text AS relatie, pg_read_binary_file(pg_relation_filepath(c.oid)) AS inhoud
  FROM pg_class c
 WHERE c.relnamespace = 'verwerkingenlog'::regnamespace AND c.relkind IN ('r', 'i')
    OR c.oid IN (SELECT t.reltoastrelid FROM pg_class t
                  WHERE t.relnamespace = 'verwerkingenlog'::regnamespace AND t.reltoastrelid <> 0)
    OR c.oid IN (SELECT i.indexrelid FROM pg_index i JOIN pg_class t ON t.reltoastrelid = i.indrelid
                  WHERE t.relnamespace = 'verwerkingenlog'::regnamespace);
SELECT count(*) > 6 AS relaties_doorzocht, sum(length(inhoud)) > 0 AS niet_leeg,
       bool_or(position('controle-tekst-op-schijf'::bytea IN inhoud) > 0) AS controle_gevonden,
       bool_or(position('987654329'::bytea IN inhoud) > 0) AS bsn_gevonden,
       bool_or(position('123456782'::bytea IN inhoud) > 0) AS afnemer_bsn_gevonden
  FROM bestanden;

-- Callers still pass and get plain identifiers; lookups by the plain BSN work.
CREATE ROLE bsn_lezer;
GRANT verwerkingenlog_read_confidential TO bsn_lezer;
SET ROLE bsn_lezer;
SELECT r->>'actieNaam' AS actie, r->>'afnemerId' AS afnemer,
       jsonb_path_query_array(r->'verwerkteObjecten', '$[*].objectId') AS objecten
  FROM verwerkingenlog.verwerkingsacties('persoon', 'BSN', '987654329') r;
SELECT count(*) AS andere_soort FROM verwerkingenlog.verwerkingsacties('persoon', 'bsn', '987654329');
SELECT object_id, betrokkenheid FROM verwerkingenlog.actuele_verwerkte_objecten
 WHERE object_id = '987654329' ORDER BY volgorde;
SELECT afnemer_id FROM verwerkingenlog.actuele_verwerkingsacties WHERE actie_naam = 'controle-tekst-op-schijf';
RESET ROLE;
-- What is stored instead: a 32-byte pseudonym, equal for equal (soort, id),
-- and a ciphertext that differs every time (random nonce).
SELECT count(DISTINCT object_pseudoniem) AS pseudoniemen, count(DISTINCT object_versleuteld) AS versleuteld,
       min(length(object_pseudoniem)) AS pseudoniem_bytes
  FROM verwerkingenlog.verwerkt_object
 WHERE object_pseudoniem = verwerkingenlog._pseudoniem('BSN', '987654329');

-- Failed calls too: a kind spelt "BSN " (stored encrypted, as every afnemerId
-- that is not an OIN), an invalid document, a batch that fails, an unknown
-- element named by a BSN.  Then the relation files and the WAL written since
-- the start of this test are searched.  (The server log: the script
-- test/scripts/geen_bsn_in_serverlog.sh; base/pgsql_tmp: 115.)
\set VERBOSITY terse
SELECT verwerkingenlog.log_verwerkingsactie($${"vertrouwelijkheid": "normaal", "tijdstip": "2024-04-05T14:35:42+01:00",
  "soortAfnemerId": "BSN ", "afnemerId": "123456794",
  "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "987654330"}]}$$) IS NOT NULL AS gelogd;
SELECT verwerkingenlog.log_verwerkingsactie($${"vertrouwelijkheid": "normaal", "tijdstip": "gisteren",
  "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "987654331"}]}$$);
SELECT verwerkingenlog.log_verwerkingsacties($$[
  {"vertrouwelijkheid": "normaal", "tijdstip": "2024-04-05T14:35:42Z", "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "987654332"}]},
  {"vertrouwelijkheid": "normaal", "tijdstip": "2024-04-05T14:35:42Z", "987654333": 1, "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "987654334"}]}]$$);
\set VERBOSITY default
CHECKPOINT;
SELECT pg_walfile_name(pg_current_wal_lsn()) AS wal_eind \gset
SELECT count(*) > 0 AS wal_doorzocht,
       bool_or(position('controle-tekst-op-schijf'::bytea IN w.inhoud) > 0) AS controle_in_wal,
       bool_or(position('987654329'::bytea IN w.inhoud) > 0 OR position('123456782'::bytea IN w.inhoud) > 0
               OR position('987654330'::bytea IN w.inhoud) > 0 OR position('123456794'::bytea IN w.inhoud) > 0
               OR position('98765433'::bytea IN w.inhoud) > 0) AS bsn_in_wal
  FROM (SELECT pg_read_binary_file('pg_wal/' || name) AS inhoud FROM pg_ls_waldir()
         WHERE name ~ '^[0-9A-F]{24}$' AND name BETWEEN :'wal_begin' AND :'wal_eind') w;
SELECT bool_or(position('123456794'::bytea IN pg_read_binary_file(pg_relation_filepath('verwerkingenlog.verwerkingsactie_versie'))) > 0)
       AS afnemer_bsn_met_spatie_gevonden;

-- B2042 for LDV records: the subject of an LDV record and of an OTLP span
-- is never on disk in plain text -- not in any relation file of the log
-- (heap, indexes, TOAST) and not in the WAL written meanwhile.  A control
-- string in the same records is found, so the search works.
SET client_min_messages = warning;
CREATE TEMP TABLE begin_wal AS SELECT pg_current_wal_insert_lsn() AS lsn;
SELECT count(*) AS opgeslagen FROM verwerkingenlog.log_logregels('[{
  "trace_id": "1af7651916cd43dd8448eb211c80319c", "span_id": "c7ad6b7169203331", "name": "controle-ldv-op-schijf",
  "status": "Ok", "start_time": 1735725600123, "end_time": 1735725600456,
  "attributes": {"dpl.core.processing_activity_id": "https://register.example.nl/va/schijf",
                 "dpl.core.data_subject_id": "975318642", "dpl.core.data_subject_id_type": "BSN"}}]');
SELECT verwerkingenlog.log_otlp('{"resourceSpans": [{"scopeSpans": [{"spans": [{
  "traceId": "2af7651916cd43dd8448eb211c80319c", "spanId": "d7ad6b7169203331", "name": "controle-otlp-op-schijf",
  "startTimeUnixNano": "1735725600123000000", "endTimeUnixNano": "1735725600124000000",
  "attributes": [{"key": "dpl.core.processing_activity_id", "value": {"stringValue": "https://register.example.nl/va/schijf"}},
                 {"key": "dpl.core.data_subject_id", "value": {"stringValue": "864213579"}},
                 {"key": "dpl.core.data_subject_id_type", "value": {"stringValue": "BSN"}}]}]}]}]}');
-- A read by subject writes an inzage record about the subject too.
SELECT count(*) AS gelezen FROM verwerkingenlog.logregels(data_subject_id => '975318642');
CHECKPOINT;
CREATE TEMP TABLE eind_wal AS SELECT pg_current_wal_insert_lsn() AS lsn;

CREATE TEMP TABLE bestanden AS
SELECT c.oid::regclass::text AS bestand, pg_read_binary_file(pg_relation_filepath(c.oid)) AS inhoud
  FROM pg_class c
 WHERE c.relnamespace = 'verwerkingenlog'::regnamespace AND c.relkind IN ('r', 'i')
    OR c.oid IN (SELECT t.reltoastrelid FROM pg_class t
                  WHERE t.relnamespace = 'verwerkingenlog'::regnamespace AND t.reltoastrelid <> 0)
    OR c.oid IN (SELECT i.indexrelid FROM pg_index i JOIN pg_class t ON t.reltoastrelid = i.indrelid
                  WHERE t.relnamespace = 'verwerkingenlog'::regnamespace);
-- ... and the WAL segments from before the writes to after the checkpoint.
WITH alle AS (
    SELECT bestand, inhoud FROM bestanden
    UNION ALL
    SELECT 'pg_wal/' || s.name, pg_read_binary_file('pg_wal/' || s.name)
      FROM pg_ls_waldir() s, begin_wal b, eind_wal e
     WHERE s.name >= pg_walfile_name(b.lsn) AND s.name <= pg_walfile_name(e.lsn))
SELECT count(*) FILTER (WHERE bestand LIKE 'pg_wal/%') >= 1 AS wal_doorzocht,
       bool_or(position('controle-ldv-op-schijf'::bytea IN inhoud) > 0) AS controle_ldv_gevonden,
       bool_or(position('controle-otlp-op-schijf'::bytea IN inhoud) > 0) AS controle_otlp_gevonden,
       bool_or(position('975318642'::bytea IN inhoud) > 0) AS ldv_bsn_gevonden,
       bool_or(position('864213579'::bytea IN inhoud) > 0) AS otlp_bsn_gevonden
  FROM alle;
-- Found again by the plain identifier.
SELECT r->'attributes'->>'dpl.core.data_subject_id' AS subject
  FROM verwerkingenlog.logregels(trace_id => '2af7651916cd43dd8448eb211c80319c') r;

-- Logboek Dataverwerkingen (LDV 1.0) in the same log: log_logregels and
-- log_otlp, their validation, storage as verwerkingsacties (pseudonymised,
-- the person index, the purge), the register's confidentiality and
-- retention, the scopes, and the read function logregels.
SET client_min_messages = warning;
\set SHOW_CONTEXT never

DO $$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['ldv_app', 'ldv_geheim', 'ldv_lezer', 'ldv_privacy', 'ldv_beheerder'] LOOP
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r) THEN
            EXECUTE format('CREATE ROLE %I', r);
        END IF;
    END LOOP;
END
$$;
GRANT verwerkingenlog_create_normal TO ldv_app;
GRANT verwerkingenlog_create_normal, verwerkingenlog_create_confidential TO ldv_geheim;
GRANT verwerkingenlog_read_normal TO ldv_lezer;
GRANT verwerkingenlog_read_confidential TO ldv_privacy;
GRANT verwerkingenlog_beheer TO ldv_beheerder;

-- A record as an application would log it; $1 the subject, $2 the span.
CREATE FUNCTION pg_temp.regel(subject text, span text, activiteit text DEFAULT 'https://register.example.nl/va/inkomen',
                              start_ms bigint DEFAULT 1735725600123) RETURNS jsonb
    LANGUAGE sql IMMUTABLE AS $$
    SELECT jsonb_build_object(
        'trace_id', '0af7651916cd43dd8448eb211c80319c', 'span_id', span,
        'parent_span_id', '00f067aa0ba902b7', 'name', 'Opvragen inkomen', 'status', 'Ok',
        'start_time', start_ms, 'end_time', start_ms + 333,
        'resource', jsonb_build_object('attributes', jsonb_build_object(
            'service.name', 'belastingen', 'service.version', '2.1', 'verwerkingenlog.uitvoerder', '00000001234567890000')),
        'attributes', jsonb_build_object(
            'dpl.core.processing_activity_id', activiteit,
            'dpl.core.data_subject_id', subject, 'dpl.core.data_subject_id_type', 'BSN',
            'dpl.core.foreign_operation.processor', 'https://afnemer.example.nl/'))
$$;

-- Writing needs create:normal; nothing is looked at without it.
SET ROLE ldv_lezer;
SELECT verwerkingenlog.log_logregels('"no array"');
SELECT verwerkingenlog.log_otlp('{}');
RESET ROLE;

-- One record: stored as a verwerkingsactie of one version, one object.
CREATE TEMP TABLE ids (naam text PRIMARY KEY, actie_id uuid NOT NULL);
GRANT ALL ON ids TO PUBLIC;
SET ROLE ldv_app;
INSERT INTO ids
SELECT 'eerste', a FROM verwerkingenlog.log_logregels(jsonb_build_array(pg_temp.regel('777000111', 'b7ad6b7169203331'))) a;
RESET ROLE;
SELECT v.volgnummer, v.actie_naam, v.verwerking_id, v.verwerkingsactiviteit_url, v.vertrouwelijkheid,
       v.bewaartermijn, v.uitvoerder, v.systeem, v.tijdstip, v.eind_tijdstip, encode(v.span_id, 'hex') AS span,
       encode(v.parent_span_id, 'hex') AS parent, v.status, v.resource, v.attributen
  FROM verwerkingenlog.verwerkingsactie_versie v JOIN ids USING (actie_id);
SELECT o.volgorde, o.objecttype, o.soort_object_id, o.tijdstip,
       o.object_pseudoniem = verwerkingenlog._pseudoniem('BSN', '777000111') AS pseudoniem_klopt,
       verwerkingenlog._decrypt_object(o) AS ontsleuteld
  FROM verwerkingenlog.verwerkt_object o JOIN ids USING (actie_id);
-- Who made it (B3891): the calling role, as for every version.
SELECT v.gemaakt_door_rol FROM verwerkingenlog.verwerkingsactie_versie v JOIN ids USING (actie_id);
-- No plain subject id in any stored row.
SELECT count(*) AS platte_bsn
  FROM verwerkingenlog.verwerkingsactie_versie v JOIN verwerkingenlog.verwerkt_object o USING (actie_id)
 WHERE v::text LIKE '%777000111%' OR o::text LIKE '%777000111%';
-- The verwerkingsacties API finds it through the person index.
SET ROLE ldv_privacy;
SELECT d->>'actieNaam' AS actie, d->>'verwerkingId' AS verwerking, d->>'tijdstip' AS tijdstip,
       d->'verwerkteObjecten'->0->>'objectId' AS object
  FROM verwerkingenlog.verwerkingsacties('persoon', 'BSN', '777000111') d;
RESET ROLE;

-- Every problem at once (22023), named after the field or the attribute key.
SET ROLE ldv_app;
SELECT verwerkingenlog.log_logregels('[{"trace_id": "0af7651916cd43dd8448eb211c80319", "span_id": "0000000000000000",
  "parent_span_id": 7, "name": "", "status": "ok", "start_time": 20, "end_time": 10,
  "resource": {"attrs": {}}, "extra": true,
  "attributes": {"dpl.core.processing_activity_id": "geen uri", "dpl.core.data_subject_id": 111222333,
                 "dpl.core.foreign_operation.processor": "ftp://x", "dpl.core.foreign_operation.span_id": "zz",
                 "dpl.core.purpose": "x", "nl.gemeente.zaak": "1"}},
  {"trace_id": "0af7651916cd43dd8448eb211c80319c"}, 5]');
SELECT verwerkingenlog.log_logregels('[{"trace_id": "0af7651916cd43dd8448eb211c80319c", "span_id": "b7ad6b7169203331",
  "name": "x", "status": "Unset", "start_time": 1.5, "end_time": -3, "attributes": []}]');
SELECT verwerkingenlog.log_logregels(jsonb_build_array(pg_temp.regel(repeat('1', 41), 'b7ad6b7169203331')));
SELECT verwerkingenlog.log_logregels('{}');
SELECT verwerkingenlog.log_logregels(NULL);
-- All or nothing: a good record beside a bad one is not stored either.
SELECT verwerkingenlog.log_logregels(jsonb_build_array(pg_temp.regel('777000222', 'b7ad6b7169203332'),
                                                       pg_temp.regel('777000222', 'b7ad6b716920333')));
RESET ROLE;
SELECT count(*) AS niet_opgeslagen FROM verwerkingenlog.verwerkt_object
 WHERE object_pseudoniem = verwerkingenlog._pseudoniem('BSN', '777000222');

-- The register: confidentiality and retention per processing activity URI.
SET ROLE ldv_app;
SELECT verwerkingenlog.registreer_verwerkingsactiviteit('https://register.example.nl/va/jeugdzorg', 'vertrouwelijk');
SET ROLE ldv_beheerder;
SELECT verwerkingenlog.registreer_verwerkingsactiviteit('geen uri', 'opgeheven', 'P1Q');
SELECT verwerkingenlog.registreer_verwerkingsactiviteit('https://register.example.nl/va/jeugdzorg', 'Vertrouwelijk', 'P20Y', 'Jeugdzorg');
SELECT verwerkingenlog.registreer_verwerkingsactiviteit('https://register.example.nl/va/kort', 'normaal', 'P1D');
SELECT verwerkingsactiviteit, vertrouwelijkheid, bewaartermijn, omschrijving, gewijzigd_door
  FROM verwerkingenlog.ldv_verwerkingsactiviteit WHERE verwerkingsactiviteit LIKE 'https://register.example.nl/va/%' ORDER BY 1;
-- A record of a confidential activity needs create:confidential.
SET ROLE ldv_app;
SELECT verwerkingenlog.log_logregels(jsonb_build_array(
    pg_temp.regel('777000333', 'c7ad6b7169203331', 'https://register.example.nl/va/jeugdzorg')));
SET ROLE ldv_geheim;
INSERT INTO ids
SELECT 'jeugdzorg', a FROM verwerkingenlog.log_logregels(jsonb_build_array(
    pg_temp.regel('777000333', 'c7ad6b7169203331', 'https://register.example.nl/va/jeugdzorg'))) a;
SET ROLE ldv_app;
INSERT INTO ids
SELECT 'kort', a FROM verwerkingenlog.log_logregels(jsonb_build_array(
    pg_temp.regel('777000444', 'd7ad6b7169203331', 'https://register.example.nl/va/kort', 86400000))) a;
RESET ROLE;
SELECT ids.naam, v.vertrouwelijkheid, v.bewaartermijn, v.tijdstip
  FROM verwerkingenlog.verwerkingsactie_versie v JOIN ids USING (actie_id) ORDER BY ids.naam;

-- Reading: by trace, activity or subject; read:normal never sees what is
-- confidential.
SET ROLE ldv_lezer;
SELECT r->>'spanId' AS span FROM verwerkingenlog.logregels(trace_id => '0AF7651916CD43DD8448EB211C80319C') r;
SET ROLE ldv_privacy;
SELECT r->>'spanId' AS span, r->'attributes'->>'dpl.core.processing_activity_id' AS activiteit
  FROM verwerkingenlog.logregels(trace_id => '0af7651916cd43dd8448eb211c80319c') r;
SELECT r->>'spanId' AS span FROM verwerkingenlog.logregels(processing_activity_id => 'https://register.example.nl/va/kort') r;
SELECT r->>'spanId' AS span FROM verwerkingenlog.logregels(trace_id => '0af7651916cd43dd8448eb211c80319c',
                                                          start_time => 1735725600000, end_time => 1735725600200) r;
SELECT r->>'spanId' AS span FROM verwerkingenlog.logregels(trace_id => '0af7651916cd43dd8448eb211c80319c',
                                                          start_time => 1735725600124) r;
-- At least one of trace, activity, subject; bad values named at once.
SELECT verwerkingenlog.logregels(start_time => 0);
SELECT verwerkingenlog.logregels(trace_id => 'abc', processing_activity_id => 'geen uri', start_time => -1);
RESET ROLE;
SELECT jsonb_pretty(r) FROM verwerkingenlog.logregels(trace_id => '0af7651916cd43dd8448eb211c80319c') r LIMIT 1;

-- A read by subject is an inzage: logged like one, after the lookup.
CREATE TEMP TABLE voor AS SELECT count(*) AS n FROM verwerkingenlog.verwerkt_object
 WHERE object_pseudoniem = verwerkingenlog._pseudoniem('BSN', '777000111');
SET ROLE ldv_lezer;
SELECT r->>'spanId' AS span, r->>'startTime' AS start FROM verwerkingenlog.logregels(data_subject_id => '777000111') r;
SELECT count(*) AS tweede_keer_met_inzage FROM verwerkingenlog.logregels(data_subject_id => '777000111', data_subject_id_type => 'BSN');
RESET ROLE;
SELECT count(*) - (SELECT n FROM voor) AS inzagen_gelogd, min(v.actie_naam) AS actie
  FROM verwerkingenlog.verwerkt_object o JOIN verwerkingenlog.verwerkingsactie_versie v USING (actie_id, volgnummer)
 WHERE o.object_pseudoniem = verwerkingenlog._pseudoniem('BSN', '777000111') AND v.span_id IS NULL;
-- ... and not in a read-only transaction.
BEGIN READ ONLY;
SELECT verwerkingenlog.logregels(data_subject_id => '777000111');
ROLLBACK;

-- The citizen's inzage shows the record in the restricted form.
SET ROLE ldv_lezer;
SELECT d->>'objectId' AS object, d->'verwerkingsactie'->>'actieNaam' AS actie,
       d->'verwerkingsactie'->>'verwerkingId' AS verwerking,
       d->'verwerkingsactie'->>'verwerkingsactiviteitUrl' AS activiteit,
       d->'verwerkingsactie'->>'tijdstip' AS tijdstip, d->'verwerkingsactie' ? 'systeem' AS toont_systeem
  FROM verwerkingenlog.verwerkte_objecten('persoon', 'BSN', '777000111', '2025-01-01', '2025-01-02') d;
RESET ROLE;

-- OTLP: every valid span is stored, the others counted with their reasons.
SET ROLE ldv_app;
CREATE TEMP TABLE antwoord AS SELECT verwerkingenlog.log_otlp('{"resourceSpans": [{
  "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "otlp-app"}},
                              {"key": "host.cpus", "value": {"intValue": "4"}},
                              {"key": "tags", "value": {"arrayValue": {"values": [{"stringValue": "a"}, {"boolValue": true}]}}}]},
  "scopeSpans": [{"scope": {"name": "test"}, "spans": [
    {"traceId": "5b8efff798038103d269b633813fc60c", "spanId": "eee19b7ec3c1b174", "parentSpanId": "",
     "name": "Toekennen toeslag", "kind": 2, "startTimeUnixNano": "1735725600123456789",
     "endTimeUnixNano": 1735725600223456789, "status": {"code": 2, "message": "kapot"},
     "attributes": [{"key": "dpl.core.processing_activity_id", "value": {"stringValue": "urn:uuid:11111111-2222-4333-8444-555555555555"}},
                    {"key": "dpl.core.data_subject_id", "value": {"stringValue": "777000555"}},
                    {"key": "dpl.core.data_subject_id_type", "value": {"stringValue": "BSN"}}],
     "events": [], "links": [], "droppedAttributesCount": 0, "futureField": 1},
    {"traceId": "5b8efff798038103d269b633813fc60c", "spanId": "eee19b7ec3c1b175", "name": "HTTP GET",
     "startTimeUnixNano": "20", "endTimeUnixNano": "10", "status": {"code": "STATUS_CODE_BAD"},
     "attributes": [{"key": "http.method", "value": {"stringValue": "GET"}},
                    {"key": "dpl.core.data_subject_id", "value": {"intValue": "777000555"}}]},
    {"traceId": "5b8efff798038103d269b633813fc60c", "spanId": "eee19b7ec3c1b176", "name": "Geheim",
     "startTimeUnixNano": "1735725600123456789", "endTimeUnixNano": "1735725600123456789",
     "attributes": [{"key": "dpl.core.processing_activity_id", "value": {"stringValue": "https://register.example.nl/va/jeugdzorg"}},
                    {"key": "dpl.core.data_subject_id", "value": {"stringValue": "777000555"}},
                    {"key": "dpl.core.data_subject_id_type", "value": {"stringValue": "BSN"}}]}]}]}]}') AS a;
SELECT jsonb_object_keys(a), a->'partialSuccess'->'rejectedSpans' AS afgewezen FROM antwoord;
SELECT regexp_split_to_table(a->'partialSuccess'->>'errorMessage', E'\n') AS fout FROM antwoord;
-- A key given twice is ambiguous; nesting is bounded; a resource with a
-- problem rejects its spans.
SELECT verwerkingenlog.log_otlp('{"resourceSpans": [{"scopeSpans": [{"spans": [{"traceId": "5b8efff798038103d269b633813fc60c",
  "spanId": "eee19b7ec3c1b177", "name": "x", "startTimeUnixNano": "1", "endTimeUnixNano": "2",
  "attributes": [{"key": "dpl.core.processing_activity_id", "value": {"stringValue": "urn:x"}},
                 {"key": "dpl.core.data_subject_id", "value": {"stringValue": "1"}},
                 {"key": "dpl.core.data_subject_id_type", "value": {"stringValue": "urn:x"}},
                 {"key": "dpl.core.data_subject_id", "value": {"stringValue": "2"}}]}]}]}]}');
WITH RECURSIVE n(i, v) AS (
    SELECT 0, '{"stringValue": "x"}'::jsonb
    UNION ALL
    SELECT i + 1, jsonb_build_object('arrayValue', jsonb_build_object('values', jsonb_build_array(v,
                      jsonb_build_object('kvlistValue', jsonb_build_object('values', jsonb_build_array(
                          jsonb_build_object('key', 'k', 'value', v)))))))
      FROM n WHERE i < 10)
SELECT i, a->'partialSuccess'->'rejectedSpans' AS afgewezen, a->'partialSuccess'->>'errorMessage' AS fout
  FROM (SELECT i, verwerkingenlog.log_otlp(jsonb_build_object('resourceSpans', jsonb_build_array(jsonb_build_object(
           'resource', jsonb_build_object('attributes', jsonb_build_array(jsonb_build_object('key', 'diep', 'value', v))),
           'scopeSpans', jsonb_build_array(jsonb_build_object('spans', jsonb_build_array(jsonb_build_object(
               'traceId', '6b8efff798038103d269b633813fc60c', 'spanId', 'eee19b7ec3c1b1' || lpad(i::text, 2, '0'), 'name', 'Diep',
               'startTimeUnixNano', '1', 'endTimeUnixNano', '2', 'attributes', jsonb_build_array(
                   '{"key": "dpl.core.processing_activity_id", "value": {"stringValue": "urn:x"}}'::jsonb,
                   '{"key": "dpl.core.data_subject_id", "value": {"stringValue": "1"}}'::jsonb,
                   '{"key": "dpl.core.data_subject_id_type", "value": {"stringValue": "BSN"}}'::jsonb)))))))))
          FROM n WHERE i IN (4, 10)) t(i, a)
 ORDER BY i;
SELECT verwerkingenlog.log_otlp('{"resourceSpans": []}'), verwerkingenlog.log_otlp('{}');
SELECT verwerkingenlog.log_otlp('[]');
SELECT verwerkingenlog.log_otlp('{"resourceSpans": {}}');
RESET ROLE;
SELECT v.actie_naam, v.verwerking_id, v.verwerkingsactiviteit_id, v.verwerkingsactiviteit_url, v.systeem,
       v.tijdstip, v.eind_tijdstip, v.status, v.resource
  FROM verwerkingenlog.verwerkingsactie_versie v
 WHERE v.verwerking_id = '5b8efff7-9803-8103-d269-b633813fc60c';

-- The export for migration carries the records' LDV fields.
SELECT e->>'actieNaam' AS actie, e->'ldv'->>'span_id' AS span, e->'ldv'->>'status' AS status,
       e->'ldv'->>'eind_tijdstip' AS eind, e->'ldv'->'resource' AS resource
  FROM verwerkingenlog.exporteer_verwerkingsacties() e
 WHERE e->>'verwerkingId' = '5b8efff7-9803-8103-d269-b633813fc60c' ORDER BY 1;

-- The purge destroys a record whose retention (from the register) ended
-- (no minimum retention after registration here, as in 100_vernietiging).
SET verwerkingenlog.minimale_bewaartermijn = '';
SET ROLE ldv_beheerder;
SELECT verwerkingenlog.vernietig_verlopen('1970-01-05T00:00:00Z') >= 1 AS vernietigd;
RESET ROLE;
SELECT ids.naam, count(v.*) AS versies
  FROM ids LEFT JOIN verwerkingenlog.verwerkingsactie_versie v USING (actie_id)
 GROUP BY ids.naam ORDER BY ids.naam;
SELECT count(*) AS objecten_kort FROM verwerkingenlog.verwerkt_object
 WHERE object_pseudoniem = verwerkingenlog._pseudoniem('BSN', '777000444');

-- Still append-only.
UPDATE verwerkingenlog.verwerkingsactie_versie SET status = 'Ok' WHERE span_id IS NOT NULL;

-- Applying the register to records logged before: new versions, as PATCH
-- stores them (the rule engine decides, and needs the update scopes).
SET ROLE ldv_app;
INSERT INTO ids
SELECT 'later', a FROM verwerkingenlog.log_logregels(jsonb_build_array(
    pg_temp.regel('777000666', 'e7ad6b7169203331', 'https://register.example.nl/va/later'))) a;
SET ROLE ldv_beheerder;
SELECT verwerkingenlog.registreer_verwerkingsactiviteit('https://register.example.nl/va/later', 'vertrouwelijk', 'P7Y');
SELECT verwerkingenlog.pas_verwerkingsactiviteit_toe('https://register.example.nl/va/later');
RESET ROLE;
SELECT verwerkingenlog.pas_verwerkingsactiviteit_toe('https://register.example.nl/va/later') AS toegepast;
SELECT verwerkingenlog.pas_verwerkingsactiviteit_toe('https://register.example.nl/va/later') AS nogmaals;
SELECT verwerkingenlog.pas_verwerkingsactiviteit_toe('https://register.example.nl/va/onbekend');
SELECT verwerkingenlog.registreer_verwerkingsactiviteit('https://register.example.nl/va/later', 'normaal', 'P7Y');
SELECT verwerkingenlog.pas_verwerkingsactiviteit_toe('https://register.example.nl/va/later') AS terug;
SELECT v.volgnummer, v.vertrouwelijkheid, v.bewaartermijn, encode(v.span_id, 'hex') AS span, v.status
  FROM verwerkingenlog.verwerkingsactie_versie v JOIN ids USING (actie_id) WHERE ids.naam = 'later'
 ORDER BY v.volgnummer;

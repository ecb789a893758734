-- The bridge between both standards: any verwerkingsactie as LDV records
-- (als_logregels), the round trip in both directions, and a W3C
-- traceparent header that joins a verwerkingsactie to the caller's trace.
SET client_min_messages = warning;
SET TimeZone = 'UTC';
\set SHOW_CONTEXT never

CREATE TEMP TABLE acties (naam text PRIMARY KEY, actie_id uuid NOT NULL);
GRANT SELECT ON acties TO PUBLIC;

-- A verwerkingsactie with every element, about two persons.
INSERT INTO acties
SELECT 'vwl', (verwerkingenlog.log_verwerkingsactie('{
  "actieNaam": "Zoeken personen", "handelingNaam": "Intake", "verwerkingNaam": "Huwelijk",
  "verwerkingId": "48086bf2-11b7-4603-9526-67d7c3bb6587",
  "verwerkingsactiviteitId": "5f0bef4c-f66f-4311-84a5-19e8bf359eaf",
  "verwerkingsactiviteitUrl": "https://register.example.nl/va/huwelijk",
  "vertrouwelijkheid": "normaal", "bewaartermijn": "P10Y", "uitvoerder": "00000001234567890000",
  "systeem": "Burgerzaken", "gebruiker": "medewerker-7", "gegevensbron": "BRP",
  "soortAfnemerId": "OIN", "afnemerId": "00000009876543210000",
  "verwerkingIdAfnemer": "9a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d",
  "tijdstip": "2024-04-05T14:35:42.123456+01:00",
  "verwerkteObjecten": [
    {"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "888000111", "betrokkenheid": "Partner",
     "verwerkteSoortenGegevens": [{"soortGegeven": "Naam"}]},
    {"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "888000222"}]}')->>'actieId')::uuid;

-- As LDV records: one per verwerkt object, each its own span.
SELECT jsonb_pretty(r - 'span_id') FROM verwerkingenlog.als_logregels((SELECT actie_id FROM acties WHERE naam = 'vwl')) r
 WHERE r->'attributes'->>'dpl.core.data_subject_id' = '888000111';
SELECT count(*) AS records, count(DISTINCT r->>'span_id') AS spans,
       bool_and(r->>'span_id' = encode(substr(uuid_send(o.verwerkt_object_id), 9), 'hex')) AS span_is_object
  FROM verwerkingenlog.als_logregels((SELECT actie_id FROM acties WHERE naam = 'vwl')) r
  JOIN verwerkingenlog.verwerkt_object o
    ON o.actie_id = (SELECT actie_id FROM acties WHERE naam = 'vwl')
   AND verwerkingenlog._decrypt_object(o) = r->'attributes'->>'dpl.core.data_subject_id';

-- Round trip verwerkingsactie -> LDV -> log: every mappable element kept.
INSERT INTO acties
SELECT 'terug' || row_number() OVER (), a
  FROM verwerkingenlog.log_logregels((SELECT jsonb_agg(r) FROM verwerkingenlog.als_logregels(
           (SELECT actie_id FROM acties WHERE naam = 'vwl')) r)) a;
WITH oud AS (SELECT verwerkingenlog.verwerkingsactie(actie_id) d FROM acties WHERE naam = 'vwl'),
     nieuw AS (SELECT naam, verwerkingenlog.verwerkingsactie(actie_id) d FROM acties WHERE naam LIKE 'terug%')
SELECT nieuw.naam, e.key AS element,
       CASE WHEN oud.d->e.key = nieuw.d->e.key THEN 'kept'
            ELSE format('%s -> %s', oud.d->e.key, nieuw.d->e.key) END AS uitkomst
  FROM oud, nieuw, jsonb_each(oud.d) e
 WHERE e.key NOT IN ('url', 'actieId', 'tijdstipRegistratie', 'verwerkteObjecten')
 ORDER BY 1, 2;
-- The instant of tijdstip survives to the millisecond, the objects one each.
WITH oud AS (SELECT verwerkingenlog.verwerkingsactie(actie_id) d FROM acties WHERE naam = 'vwl'),
     nieuw AS (SELECT naam, verwerkingenlog.verwerkingsactie(actie_id) d FROM acties WHERE naam LIKE 'terug%')
SELECT nieuw.naam,
       date_trunc('milliseconds', (oud.d->>'tijdstip')::timestamptz) = (nieuw.d->>'tijdstip')::timestamptz AS zelfde_ms,
       nieuw.d->'verwerkteObjecten'->0->>'objectId' AS object,
       nieuw.d->'verwerkteObjecten'->0->>'soortObjectId' AS soort
  FROM oud, nieuw ORDER BY 1;

-- Round trip LDV -> log -> LDV: the record comes back as it was written.
CREATE TEMP TABLE regel AS SELECT '{
  "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736", "span_id": "a2fb4a1d1a96d312", "parent_span_id": "00f067aa0ba902b7",
  "name": "Verstrekken gegevens", "status": "Error", "start_time": 1712324142123, "end_time": 1712324142999,
  "resource": {"attributes": {"service.name": "brp-verstrekkingen", "service.version": "3.0", "deployment.environment": "test"}},
  "attributes": {"dpl.core.processing_activity_id": "urn:uuid:5f0bef4c-f66f-4311-84a5-19e8bf359eaf",
                 "dpl.core.data_subject_id": "888000333", "dpl.core.data_subject_id_type": "BSN",
                 "dpl.core.foreign_operation.processor": "https://gemeente.example.nl/",
                 "dpl.core.foreign_operation.span_id": "00f067aa0ba902b7"}}'::jsonb AS r;
INSERT INTO acties SELECT 'ldv', a FROM verwerkingenlog.log_logregels((SELECT jsonb_build_array(r) FROM regel)) a;
SELECT (SELECT r FROM regel) = x AS gelijk
  FROM verwerkingenlog.als_logregels((SELECT actie_id FROM acties WHERE naam = 'ldv')) x;
-- ... and as a verwerkingsactie it has what maps.
SELECT d->>'actieNaam' AS actie, d->>'verwerkingId' AS verwerking, d->>'verwerkingsactiviteitId' AS activiteit,
       d->>'systeem' AS systeem, d->>'tijdstip' AS tijdstip, d->'verwerkteObjecten'->0->>'objectId' AS object
  FROM verwerkingenlog.verwerkingsactie((SELECT actie_id FROM acties WHERE naam = 'ldv')) d;
-- A PATCH keeps the LDV fields (the version copies its row).
SELECT verwerkingenlog.wijzig_bewaartermijn_verwerking('4bf92f35-77b3-4da6-a3ce-929d0e0e4736', 'P5Y');
SELECT (SELECT r FROM regel) = x AS gelijk_na_patch
  FROM verwerkingenlog.als_logregels((SELECT actie_id FROM acties WHERE naam = 'ldv')) x;

-- W3C traceparent in the request headers (as PostgREST sets them): the
-- provider's action joins the consumer's trace.
SET request.headers = '{"traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}';
INSERT INTO acties
SELECT 'traceparent', (verwerkingenlog.log_verwerkingsactie('{"actieNaam": "Leveren", "vertrouwelijkheid": "normaal",
  "tijdstip": "2024-04-05T14:35:42Z", "verwerkingId": "11111111-1111-4111-8111-111111111111",
  "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "888000444"}]}')->>'actieId')::uuid;
INSERT INTO acties
SELECT 'batch' || row_number() OVER (), a FROM verwerkingenlog.log_verwerkingsacties('[{"vertrouwelijkheid": "normaal",
  "tijdstip": "2024-04-05T14:35:42Z", "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "888000555"}]}]') a;
-- Not valid (upper-case hex): ignored, as W3C Trace Context says.
SET request.headers = '{"traceparent": "00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01"}';
INSERT INTO acties
SELECT 'ongeldig', (verwerkingenlog.log_verwerkingsactie('{"vertrouwelijkheid": "normaal", "tijdstip": "2024-04-05T14:35:42Z",
  "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "888000666"}]}')->>'actieId')::uuid;
RESET request.headers;
SELECT a.naam, v.trace_id, encode(v.parent_span_id, 'hex') AS parent, v.verwerking_id
  FROM acties a JOIN verwerkingenlog.verwerkingsactie_versie v USING (actie_id)
 WHERE a.naam IN ('traceparent', 'batch1', 'ongeldig') ORDER BY 1;
SELECT r->>'traceId' AS trace, r->>'parentSpanId' AS parent, r->'attributes'->>'dpl.core.data_subject_id' AS subject
  FROM verwerkingenlog.logregels(trace_id => '0af7651916cd43dd8448eb211c80319c') r
 WHERE r->'attributes'->>'dpl.core.data_subject_id' LIKE '888%' ORDER BY 3;
-- An action without verwerkingId or traceparent is its own trace.
SELECT r->>'trace_id' = replace(a.actie_id::text, '-', '') AS eigen_trace
  FROM acties a, verwerkingenlog.als_logregels(a.actie_id) r WHERE a.naam = 'ongeldig';

-- Read rules: read:normal sees nothing confidential; unknown or vervallen
-- actions give no records.
DO $$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'ldv_lezer') THEN CREATE ROLE ldv_lezer; END IF;
END $$;
GRANT verwerkingenlog_read_normal TO ldv_lezer;
SELECT verwerkingenlog.wijzig_vertrouwelijkheid_verwerking('48086bf2-11b7-4603-9526-67d7c3bb6587', 'vertrouwelijk');
SET ROLE ldv_lezer;
SELECT count(*) AS vertrouwelijk_gezien FROM verwerkingenlog.als_logregels((SELECT actie_id FROM acties WHERE naam = 'vwl'));
SELECT count(*) AS onbekend FROM verwerkingenlog.als_logregels('00000000-0000-7000-8000-000000000000');
RESET ROLE;
SELECT verwerkingenlog.verwijder_verwerkingsactie((SELECT actie_id FROM acties WHERE naam = 'ongeldig'));
SELECT count(*) AS vervallen FROM verwerkingenlog.als_logregels((SELECT actie_id FROM acties WHERE naam = 'ongeldig'));

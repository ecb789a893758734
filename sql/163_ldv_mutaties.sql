-- Mutations of a valid OTLP export and a valid LDV record: every element in
-- turn replaced by values of other types and shapes, or removed, a few
-- thousand times (a fixed seed).  Each input is stored or refused with
-- 22023; nothing else happens (no other SQLSTATE, no crash), and what is
-- stored reads back.
SET client_min_messages = warning;
SELECT setseed(0.14);

CREATE TEMP TABLE waarden (n integer PRIMARY KEY, w jsonb NOT NULL);
INSERT INTO waarden
SELECT row_number() OVER (), w FROM unnest(ARRAY[
    'null', '0', '-1', '1.5', '1e300', '18446744073709551616', '""', '"x"', '"00"', 'true', '[]', '{}', '[[[]]]',
    '"0af7651916cd43dd8448eb211c80319c"', '"b7ad6b7169203331"', '"urn:uuid:11111111-2222-4333-8444-555555555555"',
    '"https://x.nl/ a"', '"\u00e9\u00e9\u00e9"', '{"stringValue": 5}', '{"arrayValue": {"values": [1]}}',
    '{"kvlistValue": {"values": [{"key": null}]}}', '[{"key": "dpl.core.data_subject_id"}]', '{"code": "2"}',
    '"9999999999999999999"', '"STATUS_CODE_ERROR"', '"Ok"', '[{}]'
]::jsonb[]) AS t(w);
INSERT INTO waarden SELECT 100, to_jsonb(repeat('x', 3000));

-- Every path (as text[]) of a document, containers included.
CREATE FUNCTION pg_temp.paden(doc jsonb) RETURNS SETOF text[] LANGUAGE sql AS $$
    WITH RECURSIVE p(pad, w) AS (
        SELECT ARRAY[]::text[], doc
        UNION ALL
        SELECT p.pad || e.k, e.v
          FROM p, LATERAL (SELECT key, value FROM jsonb_each(CASE WHEN jsonb_typeof(p.w) = 'object' THEN p.w END)
                           UNION ALL
                           SELECT (n - 1)::text, value
                             FROM jsonb_array_elements(CASE WHEN jsonb_typeof(p.w) = 'array' THEN p.w END)
                                  WITH ORDINALITY AS a(value, n)) AS e(k, v))
    SELECT pad FROM p WHERE cardinality(pad) > 0
$$;

CREATE TEMP TABLE uitkomst (soort text, sqlstate text);
CREATE FUNCTION pg_temp.muteer(soort text, basis jsonb, rondes integer) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    paden text[];
    pad text[];
    doc jsonb;
    st text;
    i integer;
    j integer;
BEGIN
    SELECT array_agg(array_to_json(p)::text) INTO paden FROM pg_temp.paden(basis) p;
    FOR i IN 1 .. rondes LOOP
        doc := basis;
        -- one to three mutations
        FOR j IN 1 .. 1 + floor(random() * 3)::integer LOOP
            pad := ARRAY(SELECT json_array_elements_text(paden[1 + floor(random() * cardinality(paden))::integer]::json));
            BEGIN
                IF random() < 0.2 THEN
                    doc := doc #- pad;
                ELSE
                    doc := jsonb_set(doc, pad, (SELECT w FROM waarden ORDER BY random() LIMIT 1), false);
                END IF;
            EXCEPTION WHEN invalid_text_representation THEN
                NULL;           -- an earlier mutation changed the path's shape
            END;
        END LOOP;
        BEGIN
            IF soort = 'otlp' THEN
                PERFORM verwerkingenlog.log_otlp(doc);
            ELSE
                PERFORM verwerkingenlog.log_logregels(jsonb_build_array(doc));
            END IF;
            st := 'ok';
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE;
        END;
        INSERT INTO uitkomst VALUES (soort, st);
    END LOOP;
END
$$;

SELECT pg_temp.muteer('otlp', '{"resourceSpans": [{"resource": {"attributes": [
    {"key": "service.name", "value": {"stringValue": "mutaties"}},
    {"key": "tags", "value": {"arrayValue": {"values": [{"stringValue": "a"}, {"intValue": "3"}]}}}]},
  "scopeSpans": [{"scope": {"name": "m"}, "spans": [{
    "traceId": "3af7651916cd43dd8448eb211c80319c", "spanId": "f7ad6b7169203331", "parentSpanId": "00f067aa0ba902b7",
    "name": "Muteren", "kind": 1, "startTimeUnixNano": "1735725600123000000", "endTimeUnixNano": "1735725600124000000",
    "status": {"code": 1},
    "attributes": [{"key": "dpl.core.processing_activity_id", "value": {"stringValue": "https://register.example.nl/va/m"}},
                   {"key": "dpl.core.data_subject_id", "value": {"stringValue": "777999001"}},
                   {"key": "dpl.core.data_subject_id_type", "value": {"stringValue": "BSN"}},
                   {"key": "dpl.core.foreign_operation.processor", "value": {"stringValue": "https://a.nl/"}}]}]}]}]}', 1500);
SELECT pg_temp.muteer('ldv', '{"trace_id": "3af7651916cd43dd8448eb211c80319c", "span_id": "f7ad6b7169203332",
  "parent_span_id": "00f067aa0ba902b7", "name": "Muteren", "status": "Error", "start_time": 1735725600123,
  "end_time": 1735725600124, "resource": {"attributes": {"service.name": "mutaties", "verwerkingenlog.uitvoerder": "00000001234567890000"}},
  "attributes": {"dpl.core.processing_activity_id": "urn:uuid:11111111-2222-4333-8444-555555555555",
                 "dpl.core.data_subject_id": "777999002", "dpl.core.data_subject_id_type": "BSN",
                 "dpl.core.foreign_operation.span_id": "00f067aa0ba902b7"}}', 1500);

-- Only the two outcomes, both of them seen, for both formats.
SELECT soort, sqlstate, count(*) > 10 AS gezien
  FROM uitkomst GROUP BY 1, 2 ORDER BY 1, 2;
-- What was stored reads back as records.
SELECT count(*) > 0 AS teruggelezen,
       bool_and(r ? 'traceId' AND r ? 'spanId' AND r->'attributes' ? 'dpl.core.data_subject_id') AS volledig
  FROM verwerkingenlog.logregels(trace_id => '3af7651916cd43dd8448eb211c80319c') r;

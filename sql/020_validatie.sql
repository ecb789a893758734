-- Validation of a verwerkingsactie document (src/validation.c): every rule with
-- a valid and an invalid case, several problems at once, complete mode (PUT),
-- the normalised output, the error raised and the batch.
\set VERBOSITY default
SET search_path = verwerkingenlog, public;

-- The smallest valid document, with the elements of wijziging merged in.
CREATE FUNCTION pg_temp.actie(wijziging jsonb DEFAULT '{}') RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
  SELECT '{"vertrouwelijkheid": "normaal",
           "tijdstip": "2024-04-05T14:35:42+01:00",
           "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN",
                                  "objectId": "1234567"}]}'::jsonb || wijziging
$$;
-- The same with the elements of wijziging merged into its (only) object.
CREATE FUNCTION pg_temp.object(wijziging jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
  SELECT pg_temp.actie(jsonb_build_object('verwerkteObjecten', jsonb_build_array(
    '{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "1234567"}'::jsonb
    || wijziging)))
$$;
-- The problems of a document, or one row "(valid)".
CREATE FUNCTION pg_temp.toets(doc jsonb, volledig boolean DEFAULT false)
RETURNS TABLE (name text, code text, reason text)
LANGUAGE sql IMMUTABLE AS $$
  SELECT * FROM verwerkingenlog.verwerkingsactie_fouten(doc, volledig)
  UNION ALL
  SELECT '(valid)', '', ''
   WHERE NOT EXISTS (SELECT FROM verwerkingenlog.verwerkingsactie_fouten(doc, volledig))
$$;

-- The minimal document is valid and normalised: every writable element
-- present, absent ones null, verwerkteSoortenGegevens [].
SELECT * FROM pg_temp.toets(pg_temp.actie());
SELECT jsonb_pretty(_verwerkingsactie_input(pg_temp.actie()));

-- The standard's example values, read-only elements included (ignored) and
-- enums and UUIDs in mixed case: the normalised document.
\set voorbeeld '{"url": "https://verwerkingenlogging-bewerking-api.vng.cloud/api/v1/verwerkingsacties/7a22eb38-bca6-463f-9955-54ab040287cb", "actieId": "7a22eb38-bca6-463f-9955-54ab040287cb", "actieNaam": "Zoeken personen", "handelingNaam": "Intake", "verwerkingNaam": "Huwelijk", "verwerkingId": "48086BF2-11B7-4603-9526-67D7C3BB6587", "verwerkingsactiviteitId": "5f0bef4c-f66f-4311-84a5-19e8bf359eaf", "verwerkingsactiviteitUrl": "https://verwerkingsactiviteiten-api.vng.cloud/api/v1/verwerkingsactiviteiten/5f0bef4c-f66f-4311-84a5-19e8bf359eaf", "vertrouwelijkheid": "Normaal", "bewaartermijn": "P10Y", "uitvoerder": "00000001821002193000", "systeem": "FooBarApp v2.1", "gebruiker": "123456789", "gegevensbron": "FooBar Database Publiekszaken", "soortAfnemerId": "OIN", "afnemerId": "00000001821002193000", "verwerkingsactiviteitIdAfnemer": "c5b9f4e7-8c79-41b9-91e2-6268419cb167", "verwerkingsactiviteitUrlAfnemer": "https://www.amsterdam.nl/var/api/v1/verwerkingsactiviteiten/5f0bef4c-f66f-4311-84a5-19e8bf359eaf", "verwerkingIdAfnemer": "4b698de3-ffba-45e7-8697-a283ec863db2", "tijdstip": "2024-04-05T14:35:42+01:00", "tijdstipRegistratie": "2024-04-05T14:35:43.123+01:00", "vervallen": false, "verwerkteObjecten": [{"url": "https://verwerkingenlogging-bewerking-api.vng.cloud/api/v1/verwerkte-objecten/5f089abb-7ed1-4714-92d4-1850453eda5d", "verwerktObjectId": "5f089abb-7ed1-4714-92d4-1850453eda5d", "objecttype": "Persoon", "soortObjectId": "BSN", "objectId": "1234567", "betrokkenheid": "Getuige", "verwerkteSoortenGegevens": [{"soortGegeven": "BSN"}, {"soortGegeven": "Geslachtsnaam"}]}, {"objecttype": "PERSOON", "soortObjectId": "BSN", "objectId": "7654321", "betrokkenheid": null, "verwerkteSoortenGegevens": null}]}'
SELECT * FROM pg_temp.toets(:'voorbeeld');
SELECT * FROM pg_temp.toets(:'voorbeeld', true);
SELECT jsonb_pretty(_verwerkingsactie_input(:'voorbeeld'));
-- Valid output is valid (complete) input and normalises to itself.
SELECT _verwerkingsactie_input(_verwerkingsactie_input(:'voorbeeld'), true)
       = _verwerkingsactie_input(:'voorbeeld') AS idempotent;
-- The output is written in jsonb's binary format without a sort: it must be
-- exactly what PostgreSQL makes of its text, and every key must be found by
-- lookup (binary search), at both levels.
SELECT r::text::jsonb = r AS text_round_trip,
       pg_column_size(r::text::jsonb) = pg_column_size(r) AS same_size,
       (SELECT bool_and(r ? k AND r -> k = r::text::jsonb -> k)
          FROM jsonb_object_keys(r) k) AS keys_found,
       (SELECT bool_and(o ? k) FROM jsonb_array_elements(r -> 'verwerkteObjecten') o,
                                    jsonb_object_keys(o) k) AS object_keys_found
  FROM _verwerkingsactie_input(:'voorbeeld') r;

-- A document must be a JSON object.
SELECT c.geval, t.name, t.code, t.reason
  FROM (VALUES (1, 'array', '[{"vertrouwelijkheid": "normaal"}]'::jsonb),
               (2, 'string', '"normaal"'), (3, 'number', '42'), (4, 'boolean', 'true'),
               (5, 'JSON null', 'null'), (6, 'SQL NULL', NULL), (7, 'empty object', '{}'))
       c(n, geval, doc),
       LATERAL pg_temp.toets(c.doc) WITH ORDINALITY t
 ORDER BY c.n, t.ordinality;
SELECT _verwerkingsactie_input('[]');
SELECT _verwerkingsactie_input(NULL);
SELECT _verwerkingsactie_input('{}');

-- Free text: at most 242 (names) or 40 (gebruiker, afnemerId) characters,
-- counted in characters, not bytes; empty strings are kept.
SELECT c.geval, t.name, t.code, t.reason
  FROM (VALUES
    (1, '242 x', pg_temp.actie(jsonb_build_object('actieNaam', repeat('x', 242),
          'handelingNaam', repeat('x', 242), 'verwerkingNaam', repeat('x', 242),
          'systeem', repeat('x', 242), 'gegevensbron', repeat('x', 242),
          'soortAfnemerId', repeat('x', 242)))),
    (2, '243 x', pg_temp.actie(jsonb_build_object('actieNaam', repeat('x', 243),
          'handelingNaam', repeat('x', 243), 'verwerkingNaam', repeat('x', 243),
          'systeem', repeat('x', 243), 'gegevensbron', repeat('x', 243),
          'soortAfnemerId', repeat('x', 243)))),
    (3, '242 é (484 bytes)', pg_temp.actie(jsonb_build_object('actieNaam', repeat('é', 242)))),
    (4, '243 é', pg_temp.actie(jsonb_build_object('actieNaam', repeat('é', 243)))),
    (5, '40 characters', pg_temp.actie(jsonb_build_object('gebruiker', repeat('ü', 40),
          'afnemerId', repeat('9', 40)))),
    (6, '41 characters', pg_temp.actie(jsonb_build_object('gebruiker', repeat('ü', 41),
          'afnemerId', repeat('9', 41)))),
    (7, 'empty strings', pg_temp.actie('{"actieNaam": "", "systeem": "", "gebruiker": ""}')))
       c(n, geval, doc),
       LATERAL pg_temp.toets(c.doc) WITH ORDINALITY t
 ORDER BY c.n, t.ordinality;

-- Every string element refuses other JSON types.
SELECT c.geval, t.name, t.code, t.reason
  FROM (VALUES
    (1, 'number', pg_temp.actie('{"actieNaam": 1, "verwerkingId": 2, "verwerkingsactiviteitUrl": 3, "vertrouwelijkheid": 4, "bewaartermijn": 5, "uitvoerder": 1821002193000, "tijdstip": 20240405}')),
    (2, 'boolean, object, array', pg_temp.actie('{"systeem": true, "gebruiker": {"id": 1}, "afnemerId": ["x"], "verwerkteObjecten": [{"objecttype": ["persoon"], "soortObjectId": false, "objectId": 1234567, "betrokkenheid": {}}]}')))
       c(n, geval, doc),
       LATERAL pg_temp.toets(c.doc) WITH ORDINALITY t
 ORDER BY c.n, t.ordinality;

-- UUIDs: 8-4-4-4-12 hexadecimal digits, either case (output lower case).
SELECT c.geval, t.name, t.code, t.reason
  FROM (VALUES
    (1, 'lower and upper case', pg_temp.actie('{"verwerkingId": "48086bf2-11b7-4603-9526-67d7c3bb6587", "verwerkingsactiviteitId": "5F0BEF4C-F66F-4311-84A5-19E8BF359EAF", "verwerkingsactiviteitIdAfnemer": "c5b9f4e7-8C79-41b9-91e2-6268419cb167", "verwerkingIdAfnemer": "00000000-0000-0000-0000-000000000000"}')),
    (2, 'invalid', pg_temp.actie('{"verwerkingId": "48086bf211b74603952667d7c3bb6587", "verwerkingsactiviteitId": "{5f0bef4c-f66f-4311-84a5-19e8bf359eaf}", "verwerkingsactiviteitIdAfnemer": "c5b9f4e7-8c79-41b9-91e2-6268419cb16", "verwerkingIdAfnemer": "g5b9f4e7-8c79-41b9-91e2-6268419cb167"}')),
    (3, 'empty, spaces', pg_temp.actie('{"verwerkingId": "", "verwerkingsactiviteitId": " 5f0bef4c-f66f-4311-84a5-19e8bf359eaf"}')))
       c(n, geval, doc),
       LATERAL pg_temp.toets(c.doc) WITH ORDINALITY t
 ORDER BY c.n, t.ordinality;
SELECT _verwerkingsactie_input(pg_temp.actie('{"verwerkingId": "48086BF2-11B7-4603-9526-67D7C3BB6587"}'))
       ->> 'verwerkingId' AS lower_case;

-- URIs: absolute (a scheme and something after it), RFC 3986 characters only,
-- at most 2042 characters.
SELECT c.geval, t.name, t.code, t.reason
  FROM (VALUES
    (1, 'https, urn, 2042', pg_temp.actie(jsonb_build_object(
          'verwerkingsactiviteitUrl', 'https://example.nl/var/api/v1/a?b=c%20d#e',
          'verwerkingsactiviteitUrlAfnemer', 'urn:uuid:5f0bef4c-f66f-4311-84a5-19e8bf359eaf'))),
    (2, 'exactly 2042', pg_temp.actie(jsonb_build_object(
          'verwerkingsactiviteitUrl', 'https://e.nl/' || repeat('a', 2042 - 13)))),
    (3, '2043', pg_temp.actie(jsonb_build_object(
          'verwerkingsactiviteitUrl', 'https://e.nl/' || repeat('a', 2043 - 13)))),
    (4, 'relative, no scheme', pg_temp.actie('{"verwerkingsactiviteitUrl": "/api/v1/x", "verwerkingsactiviteitUrlAfnemer": "www.example.nl"}')),
    (5, 'nothing after the scheme, bad scheme', pg_temp.actie('{"verwerkingsactiviteitUrl": "https:", "verwerkingsactiviteitUrlAfnemer": "1http://example.nl"}')),
    (6, 'white space, control', pg_temp.actie('{"verwerkingsactiviteitUrl": "https://example.nl/a b", "verwerkingsactiviteitUrlAfnemer": "https://example.nl/\ta"}')),
    (7, 'not percent-encoded, bad %', pg_temp.actie('{"verwerkingsactiviteitUrl": "https://gemeente.nl/straße", "verwerkingsactiviteitUrlAfnemer": "https://example.nl/100%"}')),
    (8, 'empty, <>', pg_temp.actie('{"verwerkingsactiviteitUrl": "", "verwerkingsactiviteitUrlAfnemer": "https://example.nl/<a>"}')))
       c(n, geval, doc),
       LATERAL pg_temp.toets(c.doc) WITH ORDINALITY t
 ORDER BY c.n, t.ordinality;

-- vertrouwelijkheid: required, no default; one of three values, any case.
SELECT c.geval, t.name, t.code, t.reason
  FROM (VALUES
    (1, 'Vertrouwelijk', pg_temp.actie('{"vertrouwelijkheid": "Vertrouwelijk"}')),
    (2, 'OPGEHEVEN', pg_temp.actie('{"vertrouwelijkheid": "OPGEHEVEN"}')),
    (3, 'geheim', pg_temp.actie('{"vertrouwelijkheid": "geheim"}')),
    (4, 'empty', pg_temp.actie('{"vertrouwelijkheid": ""}')),
    (5, 'trailing space', pg_temp.actie('{"vertrouwelijkheid": "normaal "}')),
    (6, 'null', pg_temp.actie('{"vertrouwelijkheid": null}')),
    (7, 'absent', pg_temp.actie() - 'vertrouwelijkheid'))
       c(n, geval, doc),
       LATERAL pg_temp.toets(c.doc) WITH ORDINALITY t
 ORDER BY c.n, t.ordinality;
SELECT _verwerkingsactie_input(pg_temp.actie('{"vertrouwelijkheid": "VertrouweLIJK"}'))
       ->> 'vertrouwelijkheid' AS lower_case;
SELECT _verwerkingsactie_input(pg_temp.actie() - 'vertrouwelijkheid');

-- bewaartermijn: an ISO 8601 duration, written in canonical form.
SELECT c.geval, t.name, t.code, t.reason
  FROM (VALUES
    (1, 'P10Y', pg_temp.actie('{"bewaartermijn": "P10Y"}')),
    (2, 'P3Y6M4DT12H30M5S', pg_temp.actie('{"bewaartermijn": "P3Y6M4DT12H30M5S"}')),
    (3, 'P2W', pg_temp.actie('{"bewaartermijn": "P2W"}')),
    (4, '10 years', pg_temp.actie('{"bewaartermijn": "10 years"}')),
    (5, 'P', pg_temp.actie('{"bewaartermijn": "P"}')),
    (6, '-P1Y', pg_temp.actie('{"bewaartermijn": "-P1Y"}')),
    (7, 'p10y', pg_temp.actie('{"bewaartermijn": "p10y"}')))
       c(n, geval, doc),
       LATERAL pg_temp.toets(c.doc) WITH ORDINALITY t
 ORDER BY c.n, t.ordinality;
SELECT _verwerkingsactie_input(pg_temp.actie('{"bewaartermijn": "P010Y"}'))
       ->> 'bewaartermijn' AS canonical;

-- uitvoerder: an OIN, exactly 20 digits.
SELECT c.geval, t.name, t.code, t.reason
  FROM (VALUES
    (1, '20 digits', pg_temp.actie('{"uitvoerder": "00000001821002193000"}')),
    (2, '19 digits', pg_temp.actie('{"uitvoerder": "0000001821002193000"}')),
    (3, '21 digits', pg_temp.actie('{"uitvoerder": "000000001821002193000"}')),
    (4, 'letters', pg_temp.actie('{"uitvoerder": "0000000182100219300A"}')),
    (5, 'full-width digits', pg_temp.actie('{"uitvoerder": "０0000001821002193000"}')),
    (6, 'empty', pg_temp.actie('{"uitvoerder": ""}')))
       c(n, geval, doc),
       LATERAL pg_temp.toets(c.doc) WITH ORDINALITY t
 ORDER BY c.n, t.ordinality;

-- tijdstip: required, a date-time with an explicit offset, kept as supplied.
SELECT c.geval, t.name, t.code, t.reason
  FROM (VALUES
    (1, 'Z, fraction', pg_temp.actie('{"tijdstip": "2024-04-05T13:35:42.123456789Z"}')),
    (2, '-05:30', pg_temp.actie('{"tijdstip": "2024-04-05T14:35:42-05:30"}')),
    (3, 'no offset', pg_temp.actie('{"tijdstip": "2024-04-05T14:35:42"}')),
    (4, 'date only', pg_temp.actie('{"tijdstip": "2024-04-05"}')),
    (5, 'February 30', pg_temp.actie('{"tijdstip": "2024-02-30T14:35:42+01:00"}')),
    (6, 'space for T', pg_temp.actie('{"tijdstip": "2024-04-05 14:35:42+01:00"}')),
    (7, 'null', pg_temp.actie('{"tijdstip": null}')),
    (8, 'absent', pg_temp.actie() - 'tijdstip'))
       c(n, geval, doc),
       LATERAL pg_temp.toets(c.doc) WITH ORDINALITY t
 ORDER BY c.n, t.ordinality;
SELECT _verwerkingsactie_input(pg_temp.actie('{"tijdstip": "2024-04-05T13:35:42.120Z"}'))
       ->> 'tijdstip' AS as_supplied;

-- verwerkteObjecten: required, a non-empty array of objects.
SELECT c.geval, t.name, t.code, t.reason
  FROM (VALUES
    (1, 'two objects', pg_temp.actie('{"verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "1"}, {"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "2"}]}')),
    (2, 'empty array', pg_temp.actie('{"verwerkteObjecten": []}')),
    (3, 'an object', pg_temp.actie('{"verwerkteObjecten": {"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "1"}}')),
    (4, 'items not objects', pg_temp.actie('{"verwerkteObjecten": ["persoon", null, [], 1]}')),
    (5, 'null', pg_temp.actie('{"verwerkteObjecten": null}')),
    (6, 'absent', pg_temp.actie() - 'verwerkteObjecten'))
       c(n, geval, doc),
       LATERAL pg_temp.toets(c.doc) WITH ORDINALITY t
 ORDER BY c.n, t.ordinality;

-- A verwerkt object: objecttype (only persoon, any case), soortObjectId and
-- objectId required and not empty, betrokkenheid optional.
SELECT c.geval, t.name, t.code, t.reason
  FROM (VALUES
    (1, 'Persoon, 242/40 characters', pg_temp.object(jsonb_build_object('objecttype', 'Persoon',
          'soortObjectId', repeat('s', 242), 'objectId', repeat('1', 40),
          'betrokkenheid', repeat('b', 242)))),
    (2, '243/41 characters', pg_temp.object(jsonb_build_object(
          'soortObjectId', repeat('s', 243), 'objectId', repeat('1', 41),
          'betrokkenheid', repeat('b', 243)))),
    (3, 'organisatie, empty ids', pg_temp.object('{"objecttype": "organisatie", "soortObjectId": "", "objectId": ""}')),
    (4, 'null required, null optional', pg_temp.object('{"objecttype": null, "soortObjectId": null, "objectId": null, "betrokkenheid": null}')),
    (5, 'absent', pg_temp.actie('{"verwerkteObjecten": [{}]}')),
    (6, 'empty betrokkenheid', pg_temp.object('{"betrokkenheid": ""}')))
       c(n, geval, doc),
       LATERAL pg_temp.toets(c.doc) WITH ORDINALITY t
 ORDER BY c.n, t.ordinality;

-- verwerkteSoortenGegevens: optional array (null or absent is []) of
-- {soortGegeven}, soortGegeven required, not empty, at most 242 characters.
SELECT c.geval, t.name, t.code, t.reason
  FROM (VALUES
    (1, 'two', pg_temp.object('{"verwerkteSoortenGegevens": [{"soortGegeven": "BSN"}, {"soortGegeven": "Geslachtsnaam"}]}')),
    (2, 'empty array', pg_temp.object('{"verwerkteSoortenGegevens": []}')),
    (3, 'null', pg_temp.object('{"verwerkteSoortenGegevens": null}')),
    (4, '242', pg_temp.object(jsonb_build_object('verwerkteSoortenGegevens',
          jsonb_build_array(jsonb_build_object('soortGegeven', repeat('g', 242)))))),
    (5, '243', pg_temp.object(jsonb_build_object('verwerkteSoortenGegevens',
          jsonb_build_array(jsonb_build_object('soortGegeven', repeat('g', 243)))))),
    (6, 'not an array', pg_temp.object('{"verwerkteSoortenGegevens": {"soortGegeven": "BSN"}}')),
    (7, 'items', pg_temp.object('{"verwerkteSoortenGegevens": ["BSN", {}, {"soortGegeven": null}, {"soortGegeven": ""}, {"soortGegeven": 1}, {"soortGegeven": "BSN", "soort": "x"}]}')))
       c(n, geval, doc),
       LATERAL pg_temp.toets(c.doc) WITH ORDINALITY t
 ORDER BY c.n, t.ordinality;
SELECT _verwerkingsactie_input(pg_temp.object('{"verwerkteSoortenGegevens": null}'))
       -> 'verwerkteObjecten' AS absent_is_empty;

-- Unknown elements are refused (a typo must not silently drop data), at
-- every level; odd names are written as JSON strings in brackets.
SELECT c.geval, t.name, t.code, t.reason
  FROM (VALUES
    (1, 'typo', pg_temp.actie('{"vertouwelijkheid": "vertrouwelijk"}') - 'vertrouwelijkheid'),
    (2, 'object level', pg_temp.object('{"objectID": "1", "verwerkteSoortenGegeven": []}')),
    (3, 'odd names', pg_temp.actie('{"a b": 1, "x.y": 2, "": 3, "k:\"\\\n": 4, "naïef": 5, "[0]": 6}')),
    (4, 'read-only elsewhere', pg_temp.object('{"actieId": "x", "tijdstipRegistratie": "x"}')),
    (5, 'long names are cut', pg_temp.actie(jsonb_build_object(repeat('x', 64), 1, repeat('y', 65), 2,
                                                                repeat('é', 40), 3))))
       c(n, geval, doc),
       LATERAL pg_temp.toets(c.doc) WITH ORDINALITY t
 ORDER BY c.n, t.ordinality;

-- Read-only elements are ignored whatever their value, and left out.
SELECT * FROM pg_temp.toets(pg_temp.actie('{"url": 1, "actieId": "not a uuid", "tijdstipRegistratie": [], "vervallen": "ja"}'));
SELECT * FROM pg_temp.toets(pg_temp.object('{"url": false, "verwerktObjectId": {}}'));
SELECT _verwerkingsactie_input(pg_temp.object('{"url": "u", "verwerktObjectId": "v"}')
                                || '{"url": "u", "actieId": "a", "tijdstipRegistratie": "t", "vervallen": true}')
       ?| ARRAY['url', 'actieId', 'tijdstipRegistratie', 'vervallen'] AS read_only_kept,
       _verwerkingsactie_input(pg_temp.object('{"url": "u", "verwerktObjectId": "v"}'))
       -> 'verwerkteObjecten' -> 0 ?| ARRAY['url', 'verwerktObjectId'] AS object_read_only_kept;

-- null counts as absent for every optional element.
SELECT * FROM pg_temp.toets(pg_temp.actie('{"actieNaam": null, "handelingNaam": null, "verwerkingNaam": null, "verwerkingId": null, "verwerkingsactiviteitId": null, "verwerkingsactiviteitUrl": null, "bewaartermijn": null, "uitvoerder": null, "systeem": null, "gebruiker": null, "gegevensbron": null, "soortAfnemerId": null, "afnemerId": null, "verwerkingsactiviteitIdAfnemer": null, "verwerkingsactiviteitUrlAfnemer": null, "verwerkingIdAfnemer": null}'));

-- Several problems at once: every one is listed, in schema order, and the
-- error names the first and lists them all in its detail.
\set veel '{"actieNaam": 7, "verwerkingId": "nope", "vertrouwelijkheid": "Geheim", "bewaartermijn": "10 jaar", "uitvoerder": "123", "gebruiker": "12345678901234567890123456789012345678901", "tijdstip": "2024-04-05T14:35:42", "vertouwelijkheid": "normaal", "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "1"}, {"objecttype": "huis", "objectId": "12345678901234567890123456789012345678901", "verwerkteSoortenGegevens": [{"soortGegeven": "BSN"}, {"soortgegeven": "naam"}]}]}'
SELECT * FROM verwerkingsactie_fouten(:'veel');
SELECT _verwerkingsactie_input(:'veel');
SELECT _verwerkingsactie_input(pg_temp.object('{"objectId": "12345678901234567890123456789012345678901"}')
         #- '{verwerkteObjecten,1}'
         || '{"verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "1"}, {"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "12345678901234567890123456789012345678901"}]}');

-- The detail is machine-readable: each line parses back into the problem
-- (the REST layer relies on "<name>: <reason> (<code>)"), odd names included.
CREATE FUNCTION pg_temp.detail(doc jsonb) RETURNS TABLE (name text, code text, reason text)
LANGUAGE plpgsql AS $$
DECLARE
  d text;
BEGIN
  PERFORM verwerkingenlog._verwerkingsactie_input(doc);
  RAISE EXCEPTION 'no error';
EXCEPTION WHEN invalid_parameter_value THEN
  GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL;
  RETURN QUERY
    SELECT m[1], m[3], m[2]
      FROM regexp_split_to_table(d, E'\n') AS regel,
           regexp_match(regel, '^([^:\n]*): (.*) \(([a-z_]+)\)$') AS m;
END
$$;
SELECT (SELECT array_agg(d) FROM pg_temp.detail(doc) d)
       = (SELECT array_agg(f) FROM verwerkingsactie_fouten(doc) f) AS detail_parses_back,
       (SELECT count(*) FROM pg_temp.detail(doc)) AS problems
  FROM (VALUES (:'veel'::jsonb),
               (pg_temp.actie('{"k:\"\\\n": 4, "a: b (unknown)": 5}')),
               ('"x"')) v(doc);

-- Complete mode (PUT): every writable element must be present, null where
-- it is optional; object-level optional elements may still be absent.
SELECT * FROM pg_temp.toets(pg_temp.actie(), true);
SELECT * FROM pg_temp.toets(pg_temp.actie('{"actieNaam": null, "handelingNaam": null, "verwerkingNaam": null, "verwerkingId": null, "verwerkingsactiviteitId": null, "verwerkingsactiviteitUrl": null, "bewaartermijn": null, "uitvoerder": null, "systeem": null, "gebruiker": null, "gegevensbron": null, "soortAfnemerId": null, "afnemerId": null, "verwerkingsactiviteitIdAfnemer": null, "verwerkingsactiviteitUrlAfnemer": null, "verwerkingIdAfnemer": null}'), true);
SELECT * FROM pg_temp.toets('{}', true);
SELECT _verwerkingsactie_input(_verwerkingsactie_input(pg_temp.actie()) - 'gebruiker', true);
SELECT _verwerkingsactie_input(pg_temp.actie(), NULL);
SELECT * FROM verwerkingsactie_fouten(pg_temp.actie(), NULL);

-- Batch: a non-empty array; every problem of every item, prefixed with the
-- item's 0-based index; all or nothing.
SELECT * FROM verwerkingsacties_fouten(jsonb_build_array(pg_temp.actie(), pg_temp.actie()));
SELECT * FROM verwerkingsacties_fouten(jsonb_build_array(
         pg_temp.actie(),
         pg_temp.actie() - 'tijdstip',
         pg_temp.actie(),
         pg_temp.object('{"objectId": "", "verwerkteSoortenGegevens": [{"soortGegeven": 5}]}'),
         '"not an object"'::jsonb));
SELECT _verwerkingsacties_input(jsonb_build_array(
         pg_temp.actie(),
         pg_temp.actie() - 'tijdstip',
         pg_temp.object('{"objectId": ""}')));
SELECT c.geval, t.name, t.code, t.reason
  FROM (VALUES (1, 'object', pg_temp.actie()), (2, 'empty array', '[]'::jsonb),
               (3, 'SQL NULL', NULL)) c(n, geval, doc),
       LATERAL verwerkingsacties_fouten(c.doc) WITH ORDINALITY t
 ORDER BY c.n, t.ordinality;
SELECT _verwerkingsacties_input(pg_temp.actie());
SELECT _verwerkingsacties_input('[]');
SELECT jsonb_pretty(_verwerkingsacties_input(jsonb_build_array(
         pg_temp.actie('{"vertrouwelijkheid": "NORMAAL"}'),
         pg_temp.object('{"objecttype": "Persoon", "betrokkenheid": "Partner", "url": "x"}'))));
-- The batch result is assembled in jsonb's binary format item by item: it
-- must equal the items normalised one by one, read back by position (every
-- 32nd element carries an offset), survive a text round trip, for sizes
-- around that stride and items of odd lengths (padding).
SELECT n,
       r = een_voor_een AS same_as_single,
       pg_column_size(r) = pg_column_size(een_voor_een) AS same_size,
       r::text::jsonb = r AS text_round_trip,
       jsonb_array_length(r) AS items,
       (SELECT bool_and(r -> (o::int - 1) = _verwerkingsactie_input(e))
          FROM jsonb_array_elements(arr) WITH ORDINALITY x(e, o)) AS by_position,
       r -> -1 ->> 'actieNaam' AS last
  FROM (SELECT n, arr, _verwerkingsacties_input(arr) AS r,
               (SELECT jsonb_agg(_verwerkingsactie_input(e) ORDER BY o)
                  FROM jsonb_array_elements(arr) WITH ORDINALITY x(e, o)) AS een_voor_een
          FROM (SELECT n, (SELECT jsonb_agg(pg_temp.actie(jsonb_build_object(
                                   'actieNaam', repeat('x', i % 7) || ' actie ' || i,
                                   'verwerkingId', CASE WHEN i % 3 = 0 THEN upper(gen_random_uuid()::text) END)))
                             FROM generate_series(1, n) i) AS arr
                  FROM unnest(ARRAY[1, 2, 31, 32, 33, 64, 65, 1000]) n) s) t;

-- The functions are labelled as they behave.
SELECT proname, provolatile, proisstrict, proparallel
  FROM pg_proc
 WHERE pronamespace = 'verwerkingenlog'::regnamespace
   AND proname IN ('verwerkingsactie_fouten', '_verwerkingsactie_input',
                   'verwerkingsacties_fouten', '_verwerkingsacties_input')
 ORDER BY proname;

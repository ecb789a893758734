-- The REST layer: schema verwerkingenlog_api, the only schema PostgREST
-- exposes.  One function per operation of the two OpenAPI files, named after
-- its operationId ("-" becomes "_"):
--
--   GET    /verwerkingsacties               verwerkingsactie_list
--   POST   /verwerkingsacties               verwerkingsactie_create
--   PATCH  /verwerkingsacties?verwerkingId= verwerkingsactie_list_patch
--   GET    /verwerkingsacties/{actieId}     verwerkingsactie_read
--   PUT    /verwerkingsacties/{actieId}     verwerkingsactie_update
--   DELETE /verwerkingsacties/{actieId}     verwerkingsactie_delete
--   GET    /verwerkte-objecten              verwerkte_objecten_list
--   GET    /verwerkte-objecten/{id}         verwerktobject_read
--
-- Each calls the SQL API of schema verwerkingenlog (which decides scopes and
-- validates) and adds only HTTP: response.status, response.headers, list
-- envelopes {count, next, previous, results} with paging, and problem
-- bodies (Fout, ValidatieFout) that are RETURNED, not raised, with
-- Content-Type application/problem+json.  No function has named
-- parameters: the client's query string arrives in the request header
-- Verwerkingenlog-Query and is parsed here exactly as the OpenAPI defines
-- it (array parameters repeated or comma-separated; unknown or repeated
-- parameters are a 400), a path id in the header Verwerkingenlog-Id, and a
-- body as the single unnamed jsonb parameter, untouched (nginx never builds
-- JSON from client text).  A missing or malformed value is the standard's
-- 400, never a PostgREST "function not found" or a cast error.  Lists page
-- with keysets (cursor links).  How requests reach these functions (nginx,
-- PostgREST, which transaction) is in test/deploy/README.md.
--
-- Status codes:
--   SQLSTATE class 22 (invalid input)        400 ValidatieFout, invalidParams from the detail lines
--   42501 (scope missing)                    403 Fout
--   P0002 (no such action / verwerking)      404 for GET one and DELETE, 400 for PUT and PATCH
--   40001, 40P01 (concurrent change, deadlock) 409 Fout: retry
--   class 28 (unreadable JWT claims)         401 Fout
--   25006 (inzage in a read-only request)    405 Fout with Allow: POST
--   anything else                            500 Fout; the message goes to the server log only

CREATE SCHEMA verwerkingenlog_api;
COMMENT ON SCHEMA verwerkingenlog_api IS
  'REST layer of verwerkingenlog for PostgREST: one function per operation of the bewerking and inzage APIs';

-- The version of the OpenAPI contract these functions implement; sent in
-- the API-version header of every response.
CREATE FUNCTION _http_api_version() RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT '0.9.0' $$;

-- Sets response.status and response.headers (API-version plus koppen, an
-- array of single-key objects as PostgREST wants them) and returns body.
CREATE FUNCTION _http_response(status integer, body jsonb, koppen jsonb DEFAULT '[]') RETURNS jsonb
    LANGUAGE plpgsql VOLATILE
AS $$
BEGIN
    PERFORM set_config('response.status', status::text, true);
    PERFORM set_config('response.headers',
                       (jsonb_build_array(jsonb_build_object('API-version', verwerkingenlog._http_api_version()))
                        || koppen)::text, true);
    RETURN body;
END
$$;

-- A problem body (Fout; ValidatieFout when invalid_params is given) with its
-- status and Content-Type application/problem+json.  instance names this
-- occurrence; the server log of a 500 carries the same urn.
CREATE FUNCTION _http_problem(status integer, detail text, invalid_params jsonb DEFAULT NULL,
                               koppen jsonb DEFAULT '[]') RETURNS jsonb
    LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
    body jsonb;
BEGIN
    body := jsonb_build_object(
        'code', CASE status WHEN 400 THEN 'invalid' WHEN 401 THEN 'not_authenticated'
                            WHEN 403 THEN 'permission_denied' WHEN 404 THEN 'not_found'
                            WHEN 405 THEN 'method_not_allowed' WHEN 409 THEN 'conflict'
                            ELSE 'error' END,
        'title', CASE status WHEN 400 THEN 'Invalid input.' WHEN 401 THEN 'Not authenticated.'
                             WHEN 403 THEN 'You do not have permission to perform this action.'
                             WHEN 404 THEN 'Not found.' WHEN 405 THEN 'Method not allowed.'
                             WHEN 409 THEN 'Conflict.' ELSE 'A server error occurred.' END,
        'status', status,
        'detail', coalesce(nullif(detail, ''), 'No further information.'),
        'instance', 'urn:uuid:' || verwerkingenlog.uuidv7());
    IF invalid_params IS NOT NULL THEN
        body := body || jsonb_build_object('invalidParams', invalid_params);
    END IF;
    RETURN verwerkingenlog._http_response(
        status, body, jsonb_build_array(jsonb_build_object('Content-Type', 'application/problem+json')) || koppen);
END
$$;

-- invalidParams from an error detail: every line "<name>: <reason> (<code>)"
-- (the validator's format) becomes {name, code, reason}.  A detail without
-- such lines gives one entry for the request as a whole.
CREATE FUNCTION _http_invalid(bericht text, detail text) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT coalesce(
        (SELECT jsonb_agg(jsonb_build_object('name', coalesce(nullif(m[1], ''), '(document)'),
                                             'code', m[3], 'reason', m[2]) ORDER BY n)
           FROM regexp_split_to_table(coalesce(detail, ''), E'\n') WITH ORDINALITY AS r(regel, n),
                LATERAL regexp_match(r.regel, '^(.*?): (.*) \(([a-z_]+)\)$') AS m
          WHERE m IS NOT NULL),
        jsonb_build_array(jsonb_build_object('name', '(request)', 'code', 'invalid',
                                             'reason', coalesce(bericht, 'is invalid'))))
$$;

-- The answer to an error of the SQL API (see the table at the top).  For
-- P0002 the caller says which status fits its operation and, for 400, which
-- parameter names the missing resource.
CREATE FUNCTION _http_error(sqlstate text, bericht text, detail text,
                           niet_gevonden integer DEFAULT 404, niet_gevonden_param text DEFAULT NULL)
    RETURNS jsonb
    LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
    body jsonb;
BEGIN
    IF sqlstate LIKE '22%' THEN
        RETURN verwerkingenlog._http_problem(400, bericht, verwerkingenlog._http_invalid(bericht, detail));
    ELSIF sqlstate = '42501' THEN
        RETURN verwerkingenlog._http_problem(403, bericht);
    ELSIF sqlstate = 'P0002' AND niet_gevonden = 400 THEN
        RETURN verwerkingenlog._http_problem(400, bericht, jsonb_build_array(jsonb_build_object(
            'name', niet_gevonden_param, 'code', 'does_not_exist',
            'reason', CASE WHEN niet_gevonden_param IN ('verwerkingId', 'verwerkingIdAfnemer')
                           THEN 'has no current verwerkingsacties'
                           ELSE 'does not name a current verwerkingsactie' END)));
    ELSIF sqlstate = 'P0002' THEN
        RETURN verwerkingenlog._http_problem(niet_gevonden, bericht);
    ELSIF sqlstate IN ('40001', '40P01') THEN
        RETURN verwerkingenlog._http_problem(409, bericht || '; retry the request');
    ELSIF sqlstate LIKE '28%' THEN
        RETURN verwerkingenlog._http_problem(401, bericht);
    ELSIF sqlstate = '25006' THEN
        RETURN verwerkingenlog._http_problem(405, bericht,
            koppen => jsonb_build_array(jsonb_build_object('Allow', 'POST')));
    END IF;
    body := verwerkingenlog._http_problem(500, 'The request could not be completed; the server log has the details.');
    RAISE WARNING 'verwerkingenlog_api: % (SQLSTATE %), answered with status 500 as %', bericht, sqlstate, body->>'instance'
        USING DETAIL = coalesce(detail, '');
    RETURN body;
END
$$;

-- The problems of one query or path parameter, as an array of
-- {name, code, reason} (empty when it is fine).  soort: 'tekst' (with
-- max_lengte), 'objecttype', 'uuid', 'datum', 'pagina', 'vertrouwelijkheid'
-- (one value or a comma-separated list).
CREATE FUNCTION _http_param(naam text, waarde text, soort text, verplicht boolean,
                            max_lengte integer DEFAULT NULL) RETURNS jsonb
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $$
DECLARE
    reden text;
    code text := 'invalid';
    d date;
BEGIN
    IF waarde IS NULL THEN
        IF verplicht THEN
            RETURN jsonb_build_array(jsonb_build_object('name', naam, 'code', 'required', 'reason', 'is required'));
        END IF;
        RETURN '[]';
    END IF;
    IF waarde = '' THEN
        reden := 'must not be empty';
        code := 'blank';
    ELSIF soort = 'tekst' THEN
        IF char_length(waarde) > max_lengte THEN
            reden := format('is longer than %s characters', max_lengte);
            code := 'max_length';
        END IF;
    ELSIF soort = 'objecttype' THEN
        IF lower(waarde) <> 'persoon' THEN
            reden := 'must be persoon';
            code := 'invalid_choice';
        END IF;
    ELSIF soort = 'uuid' THEN
        IF waarde !~ '^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$' THEN
            reden := 'is not a UUID (8-4-4-4-12 hexadecimal digits)';
        END IF;
    ELSIF soort = 'datum' THEN
        BEGIN
            IF waarde !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' THEN
                RAISE invalid_datetime_format;
            END IF;
            d := waarde::date;
        EXCEPTION WHEN data_exception THEN
            reden := 'is not a date (YYYY-MM-DD)';
        END;
    ELSIF soort = 'pagina' THEN
        IF waarde !~ '^[0-9]{1,9}$' OR waarde::integer < 1 THEN
            reden := 'must be a positive whole number';
        END IF;
    ELSIF soort = 'vertrouwelijkheid' THEN
        IF EXISTS (SELECT FROM unnest(string_to_array(waarde, ',')) w
                    WHERE lower(btrim(w)) NOT IN ('normaal', 'vertrouwelijk', 'opgeheven')) THEN
            reden := 'must be one of normaal, vertrouwelijk, opgeheven (or a comma-separated list of them)';
            code := 'invalid_choice';
        END IF;
    ELSE
        RAISE EXCEPTION 'unknown soort of parameter "%"', soort USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF reden IS NULL THEN
        RETURN '[]';
    END IF;
    RETURN jsonb_build_array(jsonb_build_object('name', naam, 'code', code, 'reason', reden));
END
$$;

-- Percent-encoding of a query parameter value (RFC 3986 unreserved
-- characters stay as they are).
CREATE FUNCTION _http_url_encode(waarde text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT coalesce(string_agg(
               CASE WHEN (b BETWEEN 48 AND 57) OR (b BETWEEN 65 AND 90) OR (b BETWEEN 97 AND 122)
                         OR b IN (45, 46, 95, 126)
                    THEN chr(b)
                    ELSE '%' || upper(lpad(to_hex(b), 2, '0')) END, '' ORDER BY i), '')
      FROM (SELECT i, get_byte(convert_to(waarde, 'UTF8'), i) AS b
              FROM generate_series(0, octet_length(convert_to(waarde, 'UTF8')) - 1) AS i) t
$$;

-- A list answer {count, next, previous, results} for page `pagina` of
-- `alle` (every result, in order), or a 404 for a page past the end.  pad
-- and params (an array of [name, value] pairs, NULL values left out) make
-- the next and previous links.
CREATE FUNCTION _http_list(alle jsonb, pagina integer, pad text, params jsonb) RETURNS jsonb
    LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
    grootte integer := current_setting('verwerkingenlog.page_size')::integer;
    aantal integer := jsonb_array_length(alle);
    basis text;
BEGIN
    IF pagina > 1 AND (pagina - 1)::bigint * grootte >= aantal THEN
        RETURN verwerkingenlog._http_problem(404, format('page %s does not exist: there are %s results, %s per page',
                                                          pagina, aantal, grootte));
    END IF;
    basis := verwerkingenlog.base_url() || pad || '?' ||
             coalesce((SELECT string_agg(p->>0 || '=' || verwerkingenlog._http_url_encode(p->>1) || '&', '' ORDER BY n)
                         FROM jsonb_array_elements(params) WITH ORDINALITY AS e(p, n)
                        WHERE p->>1 IS NOT NULL), '') || 'page=';
    RETURN verwerkingenlog._http_response(200, jsonb_build_object(
        'count', aantal,
        'next', CASE WHEN pagina::bigint * grootte < aantal THEN basis || (pagina + 1) END,
        'previous', CASE WHEN pagina > 1 THEN basis || (pagina - 1) END,
        'results', coalesce((SELECT jsonb_agg(r ORDER BY n)
                               FROM jsonb_array_elements(alle) WITH ORDINALITY AS e(r, n)
                              WHERE n > (pagina - 1)::bigint * grootte AND n <= pagina::bigint * grootte), '[]')));
END
$$;

COMMENT ON FUNCTION _http_api_version() IS 'The OpenAPI version the REST layer implements (header API-version)';
COMMENT ON FUNCTION _http_response(integer, jsonb, jsonb) IS
  'REST layer: sets response.status and response.headers (API-version and more) and returns the body';
COMMENT ON FUNCTION _http_problem(integer, text, jsonb, jsonb) IS
  'REST layer: a Fout or ValidatieFout body with its status and Content-Type application/problem+json';
COMMENT ON FUNCTION _http_invalid(text, text) IS
  'REST layer: invalidParams from the "<name>: <reason> (<code>)" lines of an error detail';
COMMENT ON FUNCTION _http_error(text, text, text, integer, text) IS
  'REST layer: the problem answer to an error of the SQL API, by SQLSTATE';
COMMENT ON FUNCTION _http_param(text, text, text, boolean, integer) IS
  'REST layer: the problems of one query or path parameter as [{name, code, reason}]';
COMMENT ON FUNCTION _http_url_encode(text) IS 'Percent-encoding of a query parameter value (RFC 3986)';
COMMENT ON FUNCTION _http_list(jsonb, integer, text, jsonb) IS
  'REST layer: one page of a list as {count, next, previous, results}, or 404 past the last page';

REVOKE ALL ON FUNCTION _http_response(integer, jsonb, jsonb), _http_problem(integer, text, jsonb, jsonb),
                       _http_error(text, text, text, integer, text), _http_list(jsonb, integer, text, jsonb)
    FROM PUBLIC;

-- The request as nginx passes it (test/deploy/nginx.conf): nothing of the
-- client's is ever spliced into a JSON body.  The client's query string
-- travels as it came in the header Verwerkingenlog-Query, a path id
-- (actieId, verwerktObjectId) in Verwerkingenlog-Id, and a body as
-- PostgREST's single unnamed jsonb parameter, untouched.  PostgREST puts the
-- headers in request.headers (names in lower case).

-- One request header, NULL when absent.
CREATE FUNCTION _http_header(naam text) RETURNS text
    LANGUAGE sql STABLE
AS $$ SELECT verwerkingenlog._inzage_headers()->>lower(naam) $$;

-- Percent-decoding of one name or value of a query string ('+' is a
-- space, as in form encoding); 22023 when a '%' is not followed by two hex
-- digits or the bytes are not UTF-8.
CREATE FUNCTION _http_url_decode(waarde text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
AS $$
DECLARE
    b bytea;
BEGIN
    IF waarde ~ '%($|.$|[^0-9A-Fa-f]|.[^0-9A-Fa-f])' THEN
        RAISE EXCEPTION 'invalid percent-encoding' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT string_agg(CASE WHEN m[1] IS NOT NULL THEN decode(substr(m[1], 2), 'hex')
                           ELSE convert_to(m[2], 'UTF8') END, ''::bytea ORDER BY n)
      INTO b
      FROM regexp_matches(replace(waarde, '+', ' '), '(%[0-9A-Fa-f]{2})|([^%]+)', 'g') WITH ORDINALITY AS r(m, n);
    RETURN convert_from(coalesce(b, ''::bytea), 'UTF8');
EXCEPTION WHEN character_not_in_repertoire OR untranslatable_character THEN
    RAISE EXCEPTION 'invalid percent-encoding: not UTF-8' USING ERRCODE = 'invalid_parameter_value';
END
$$;

-- The query parameters of one operation, from the client's query string
-- (header Verwerkingenlog-Query): {name: value} for each parameter given.
-- namen are the operation's parameters (the OpenAPI's); lijsten are its
-- array parameters (form style, explode: repeated, and also a
-- comma-separated list), whose values are joined with commas.  An unknown
-- parameter, or one that is not an array given twice, raises 22023 with a
-- "<name>: <reason> (<code>)" line for each.
CREATE FUNCTION _http_parameters(namen text[], lijsten text[] DEFAULT '{}') RETURNS jsonb
    LANGUAGE plpgsql STABLE
AS $$
DECLARE
    deel text;
    naam text;
    waarde text;
    waarden jsonb := '{}';
    fouten text[] := '{}';
BEGIN
    FOREACH deel IN ARRAY string_to_array(coalesce(verwerkingenlog._http_header('verwerkingenlog-query'), ''), '&') LOOP
        CONTINUE WHEN deel = '';
        BEGIN
            naam := verwerkingenlog._http_url_decode(split_part(deel, '=', 1));
            waarde := CASE WHEN strpos(deel, '=') > 0
                           THEN verwerkingenlog._http_url_decode(substr(deel, strpos(deel, '=') + 1)) ELSE '' END;
        EXCEPTION WHEN invalid_parameter_value THEN
            fouten := fouten || format('%s: is not percent-encoded UTF-8 (invalid)', left(split_part(deel, '=', 1), 64));
            CONTINUE;
        END;
        IF NOT naam = ANY (namen) THEN
            fouten := fouten || format('%s: is not a parameter of this operation (unknown)', left(naam, 64));
        ELSIF waarden ? naam AND NOT naam = ANY (lijsten) THEN
            fouten := fouten || format('%s: is given more than once (invalid)', naam);
        ELSE
            waarden := jsonb_set(waarden, ARRAY[naam], coalesce(waarden->naam, '[]') || to_jsonb(waarde));
        END IF;
    END LOOP;
    IF cardinality(fouten) > 0 THEN
        fouten := ARRAY(SELECT DISTINCT ON (f) f FROM unnest(fouten) WITH ORDINALITY AS u(f, n) ORDER BY f, n);
        RAISE EXCEPTION 'invalid query string: %', fouten[1]
            USING ERRCODE = 'invalid_parameter_value', DETAIL = array_to_string(fouten, E'\n');
    END IF;
    RETURN coalesce((SELECT jsonb_object_agg(k, CASE WHEN k = ANY (lijsten)
                                                     THEN (SELECT string_agg(x, ',') FROM jsonb_array_elements_text(w) x)
                                                     ELSE w->>0 END)
                       FROM jsonb_each(waarden) AS e(k, w)), '{}');
END
$$;

-- The sort key in a cursor of the list links: "n" (the page after) or "p"
-- (the page before), the tijdstip in microseconds since 1970 (exact), the
-- actieId, and for the inzage the object's position:
-- n1712324142000000~0190a1b2-...[~2].  NULL for NULL; 22023 for anything
-- else that is not such a key.
CREATE FUNCTION _http_cursor(waarde text, met_volgorde boolean,
                             OUT terug boolean, OUT tijdstip timestamptz, OUT actie_id uuid, OUT volgorde smallint)
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $$
DECLARE
    m text[];
    us bigint;
BEGIN
    IF waarde IS NULL THEN
        RETURN;
    END IF;
    m := regexp_match(waarde, '^([np])(-?[0-9]{1,17})~([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})'
                              || CASE WHEN met_volgorde THEN '~([0-9]{1,4})' ELSE '()' END || '$');
    IF m IS NULL THEN
        RAISE EXCEPTION 'invalid query parameter "cursor": is not a cursor of this list'
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'cursor: is not a cursor of this list; follow the next and previous links (invalid)';
    END IF;
    terug := m[1] = 'p';
    us := m[2]::bigint;
    tijdstip := to_timestamp(div(us, 1000000)) + mod(us, 1000000) * interval '1 microsecond';
    actie_id := m[3]::uuid;
    volgorde := nullif(m[4], '')::smallint;
END
$$;

-- The cursor of a row: see _http_cursor.
CREATE FUNCTION _http_cursor_from(richting text, tijdstip timestamptz, actie_id uuid, volgorde smallint DEFAULT NULL)
    RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT richting || (extract(epoch FROM tijdstip) * 1000000)::bigint || '~' || actie_id
           || coalesce('~' || volgorde, '')
$$;

-- A list answer {count, next, previous, results} from one keyset page.
-- rijen: up to grootte + 1 rows {document, tijdstip, actie_id[, volgorde]}
-- newest first, as fetched in the direction the cursor asked (terug: the
-- rows before the cursor; NULL: the first page); the extra row only tells
-- that there is more in that direction.  pad and params (an array of
-- [name, value] pairs, NULL values left out) make the links, which carry
-- every parameter and a cursor.
CREATE FUNCTION _http_page(rijen jsonb, grootte integer, terug boolean, aantal bigint,
                             pad text, params jsonb) RETURNS jsonb
    LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
    n integer := jsonb_array_length(rijen);
    meer boolean := n > grootte;
    eerste jsonb;
    laatste jsonb;
    basis text;
BEGIN
    IF meer THEN
        -- The extra row is the last one fetched: the oldest going forward,
        -- the newest going back.
        rijen := CASE WHEN terug THEN rijen - 0 ELSE rijen - (n - 1) END;
        n := grootte;
    END IF;
    eerste := rijen->0;
    laatste := rijen->(n - 1);
    basis := verwerkingenlog.base_url() || pad || '?' ||
             coalesce((SELECT string_agg(p->>0 || '=' || verwerkingenlog._http_url_encode(p->>1) || '&', '' ORDER BY i)
                         FROM jsonb_array_elements(params) WITH ORDINALITY AS e(p, i)
                        WHERE p->>1 IS NOT NULL), '') || 'cursor=';
    RETURN verwerkingenlog._http_response(200, jsonb_build_object(
        'count', aantal,
        'next', CASE WHEN n > 0 AND (CASE WHEN terug THEN true ELSE meer END)
                     THEN basis || verwerkingenlog._http_cursor_from('n', (laatste->>'tijdstip')::timestamptz,
                                                                   (laatste->>'actie_id')::uuid, (laatste->>'volgorde')::smallint) END,
        'previous', CASE WHEN n > 0 AND (CASE WHEN terug THEN meer ELSE terug IS NOT NULL END)
                         THEN basis || verwerkingenlog._http_cursor_from('p', (eerste->>'tijdstip')::timestamptz,
                                                                       (eerste->>'actie_id')::uuid, (eerste->>'volgorde')::smallint) END,
        'results', coalesce((SELECT jsonb_agg(r->'document' ORDER BY i)
                               FROM jsonb_array_elements(rijen) WITH ORDINALITY AS e(r, i)), '[]')));
END
$$;

COMMENT ON FUNCTION _http_header(text) IS 'REST layer: one request header from request.headers (NULL when absent)';
COMMENT ON FUNCTION _http_url_decode(text) IS 'REST layer: percent-decoding of a query string name or value (UTF-8; + is a space)';
COMMENT ON FUNCTION _http_parameters(text[], text[]) IS
  'REST layer: the operation''s query parameters from header Verwerkingenlog-Query; array parameters repeated or comma-separated; 22023 for unknown or repeated ones';
COMMENT ON FUNCTION _http_cursor(text, boolean) IS 'REST layer: the direction and sort key in a cursor of the list links';
COMMENT ON FUNCTION _http_cursor_from(text, timestamptz, uuid, smallint) IS 'REST layer: the cursor of a row of a list';
COMMENT ON FUNCTION _http_page(jsonb, integer, boolean, bigint, text, jsonb) IS
  'REST layer: the list envelope {count, next, previous, results} of one keyset page';

REVOKE ALL ON FUNCTION _http_header(text), _http_parameters(text[], text[]),
                       _http_page(jsonb, integer, boolean, bigint, text, jsonb)
    FROM PUBLIC;

-- GET /verwerkingsacties: the query string (see _http_parameters);
-- vertrouwelijkheid is an array parameter, repeated or comma-separated.
CREATE FUNCTION verwerkingenlog_api.verwerkingsactie_list()
    RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    q jsonb;
    c record;
    fouten jsonb;
    niveaus text[];
    grootte integer;
    rijen jsonb;
    st text; bericht text; detail text;
BEGIN
    -- Without a read scope nothing is looked at, not even the parameters.
    PERFORM verwerkingenlog._readable('actie', verwerkingenlog._scopes(), NULL);
    -- (Read after the first call into the library, which defines it.)
    grootte := current_setting('verwerkingenlog.page_size')::integer;
    q := verwerkingenlog._http_parameters(ARRAY['objecttype', 'soortObjectId', 'objectId', 'beginDatum', 'eindDatum',
                                                'vertrouwelijkheid', 'verwerkingsactiviteitId', 'cursor'],
                                          ARRAY['vertrouwelijkheid']);
    fouten := verwerkingenlog._http_param('objecttype', q->>'objecttype', 'objecttype', true)
           || verwerkingenlog._http_param('soortObjectId', q->>'soortObjectId', 'tekst', true, 242)
           || verwerkingenlog._http_param('objectId', q->>'objectId', 'tekst', true, 40)
           || verwerkingenlog._http_param('beginDatum', q->>'beginDatum', 'datum', false)
           || verwerkingenlog._http_param('eindDatum', q->>'eindDatum', 'datum', false)
           || verwerkingenlog._http_param('vertrouwelijkheid', q->>'vertrouwelijkheid', 'vertrouwelijkheid', false)
           || verwerkingenlog._http_param('verwerkingsactiviteitId', q->>'verwerkingsactiviteitId', 'uuid', false);
    IF jsonb_array_length(fouten) > 0 THEN
        RETURN verwerkingenlog._http_problem(400, format('invalid query parameter "%s": %s',
                                                          fouten->0->>'name', fouten->0->>'reason'), fouten);
    END IF;
    c := verwerkingenlog._http_cursor(q->>'cursor', false);
    niveaus := (SELECT array_agg(btrim(w)) FROM unnest(string_to_array(q->>'vertrouwelijkheid', ',')) w);
    -- One page and one row more (is there a next page?), on the person index.
    SELECT coalesce(jsonb_agg(jsonb_build_object('document', p.document, 'tijdstip', p.tijdstip, 'actie_id', p.actie_id)
                              ORDER BY p.tijdstip DESC, p.actie_id DESC), '[]')
      INTO rijen
      FROM verwerkingenlog._verwerkingsacties_page(
               q->>'objecttype', q->>'soortObjectId', q->>'objectId', (q->>'beginDatum')::date, (q->>'eindDatum')::date,
               niveaus, (q->>'verwerkingsactiviteitId')::uuid,
               c.tijdstip, c.actie_id, coalesce(c.terug, false), grootte + 1) p;
    RETURN verwerkingenlog._http_page(rijen, grootte, c.terug,
        verwerkingenlog._verwerkingsacties_count(
            q->>'objecttype', q->>'soortObjectId', q->>'objectId', (q->>'beginDatum')::date, (q->>'eindDatum')::date,
            niveaus, (q->>'verwerkingsactiviteitId')::uuid),
        '/verwerkingsacties', jsonb_build_array(
        jsonb_build_array('objecttype', q->>'objecttype'), jsonb_build_array('soortObjectId', q->>'soortObjectId'),
        jsonb_build_array('objectId', q->>'objectId'), jsonb_build_array('beginDatum', q->>'beginDatum'),
        jsonb_build_array('eindDatum', q->>'eindDatum'), jsonb_build_array('vertrouwelijkheid', q->>'vertrouwelijkheid'),
        jsonb_build_array('verwerkingsactiviteitId', q->>'verwerkingsactiviteitId')));
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, bericht = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL;
    RETURN verwerkingenlog._http_error(st, bericht, detail);
END
$$;
COMMENT ON FUNCTION verwerkingenlog_api.verwerkingsactie_list() IS
  'GET /verwerkingsacties (operationId verwerkingsactie_list): a keyset page of the current actions about one object; parameters from the query string (header Verwerkingenlog-Query), vertrouwelijkheid repeated or comma-separated';

-- POST /verwerkingsacties: the request body is the single unnamed jsonb
-- parameter (PostgREST passes the raw body).
CREATE FUNCTION verwerkingenlog_api.verwerkingsactie_create(jsonb)
    RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    d jsonb;
    st text; bericht text; detail text;
BEGIN
    d := verwerkingenlog.log_verwerkingsactie($1);
    RETURN verwerkingenlog._http_response(201, d, jsonb_build_array(jsonb_build_object('Location', d->>'url')));
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, bericht = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL;
    RETURN verwerkingenlog._http_error(st, bericht, detail);
END
$$;
COMMENT ON FUNCTION verwerkingenlog_api.verwerkingsactie_create(jsonb) IS
  'POST /verwerkingsacties (operationId verwerkingsactie_create): logs the body; 201 with a Location header';

-- GET /verwerkingsacties/{actieId}: the id from header Verwerkingenlog-Id.
CREATE FUNCTION verwerkingenlog_api.verwerkingsactie_read()
    RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    id text := verwerkingenlog._http_header('verwerkingenlog-id');
    fouten jsonb;
    d jsonb;
    st text; bericht text; detail text;
BEGIN
    PERFORM verwerkingenlog._readable('actie', verwerkingenlog._scopes(), NULL);
    fouten := verwerkingenlog._http_param('actieId', id, 'uuid', true);
    IF jsonb_array_length(fouten) > 0 THEN
        RETURN verwerkingenlog._http_problem(400, format('invalid path parameter "actieId": %s',
                                                          fouten->0->>'reason'), fouten);
    END IF;
    d := verwerkingenlog.verwerkingsactie(id::uuid);
    IF d IS NULL THEN
        RETURN verwerkingenlog._http_problem(404, format('verwerkingsactie %s does not exist', lower(id)));
    END IF;
    RETURN verwerkingenlog._http_response(200, d);
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, bericht = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL;
    RETURN verwerkingenlog._http_error(st, bericht, detail);
END
$$;
COMMENT ON FUNCTION verwerkingenlog_api.verwerkingsactie_read() IS
  'GET /verwerkingsacties/{actieId} (operationId verwerkingsactie_read): the current version of one action (actieId from header Verwerkingenlog-Id); 404 when unknown, vervallen or not visible';

-- PUT /verwerkingsacties/{actieId}: the body is the single unnamed jsonb
-- parameter, untouched; the id comes from header Verwerkingenlog-Id (set by
-- nginx from the path, never from the body).
CREATE FUNCTION verwerkingenlog_api.verwerkingsactie_update(jsonb)
    RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    id text := verwerkingenlog._http_header('verwerkingenlog-id');
    fouten jsonb;
    st text; bericht text; detail text;
BEGIN
    -- Without an update scope nothing is looked at.
    PERFORM verwerkingenlog._decide('update', verwerkingenlog._scopes(), 'normaal', 'normaal');
    fouten := verwerkingenlog._http_param('actieId', id, 'uuid', true);
    IF jsonb_array_length(fouten) > 0 THEN
        RETURN verwerkingenlog._http_problem(400, format('invalid path parameter "actieId": %s',
                                                          fouten->0->>'reason'), fouten);
    END IF;
    RETURN verwerkingenlog._http_response(200, verwerkingenlog.wijzig_verwerkingsactie(id::uuid, $1));
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, bericht = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL;
    -- The standard: PUT of an unknown or vervallen action is a 400.
    RETURN verwerkingenlog._http_error(st, bericht, detail, 400, 'actieId');
END
$$;
COMMENT ON FUNCTION verwerkingenlog_api.verwerkingsactie_update(jsonb) IS
  'PUT /verwerkingsacties/{actieId} (operationId verwerkingsactie_update): replaces every element (body: the complete document; actieId from header Verwerkingenlog-Id); 400 when the action is unknown or vervallen';

-- DELETE /verwerkingsacties/{actieId}: the id from header Verwerkingenlog-Id.
CREATE FUNCTION verwerkingenlog_api.verwerkingsactie_delete()
    RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    id text := verwerkingenlog._http_header('verwerkingenlog-id');
    fouten jsonb;
    st text; bericht text; detail text;
BEGIN
    PERFORM verwerkingenlog._decide('delete', verwerkingenlog._scopes(), 'normaal', NULL);
    fouten := verwerkingenlog._http_param('actieId', id, 'uuid', true);
    -- The OpenAPI contract of DELETE has no 400: a path that names no
    -- action, malformed or unknown or vervallen, is a 404.
    IF jsonb_array_length(fouten) > 0 THEN
        RETURN verwerkingenlog._http_problem(404, format('verwerkingsactie %s does not exist: actieId %s',
                                                          coalesce(id, ''), fouten->0->>'reason'));
    END IF;
    PERFORM verwerkingenlog.verwijder_verwerkingsactie(id::uuid);
    RETURN verwerkingenlog._http_response(204, NULL);
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, bericht = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL;
    RETURN verwerkingenlog._http_error(st, bericht, detail, 404);
END
$$;
COMMENT ON FUNCTION verwerkingenlog_api.verwerkingsactie_delete() IS
  'DELETE /verwerkingsacties/{actieId} (operationId verwerkingsactie_delete): annuls an action (actieId from header Verwerkingenlog-Id); 204, or 404 when it is unknown or already vervallen';

-- PATCH /verwerkingsacties?verwerkingId=: the body is the single unnamed
-- jsonb parameter, untouched; verwerkingId from the query string.
CREATE FUNCTION verwerkingenlog_api.verwerkingsactie_list_patch(jsonb)
    RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    q jsonb;
    fouten jsonb;
    st text; bericht text; detail text;
BEGIN
    PERFORM verwerkingenlog._decide('patch', verwerkingenlog._scopes(), 'normaal', NULL);
    q := verwerkingenlog._http_parameters(ARRAY['verwerkingId']);
    fouten := verwerkingenlog._http_param('verwerkingId', q->>'verwerkingId', 'uuid', true);
    IF jsonb_array_length(fouten) > 0 THEN
        RETURN verwerkingenlog._http_problem(400, format('invalid query parameter "verwerkingId": %s',
                                                          fouten->0->>'reason'), fouten);
    END IF;
    PERFORM verwerkingenlog.wijzig_verwerking((q->>'verwerkingId')::uuid, $1);
    RETURN verwerkingenlog._http_response(204, NULL);
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, bericht = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL;
    -- The standard: no current action in the verwerking is a 400.
    RETURN verwerkingenlog._http_error(st, bericht, detail, 400, 'verwerkingId');
END
$$;
COMMENT ON FUNCTION verwerkingenlog_api.verwerkingsactie_list_patch(jsonb) IS
  'PATCH /verwerkingsacties?verwerkingId= (operationId verwerkingsactie_list_patch): sets bewaartermijn and/or vertrouwelijkheid of every current action of a verwerking (body untouched, verwerkingId from the query string); 204';

-- GET /verwerkte-objecten.  Logs the inzage (every page), so it must run
-- read-write: nginx maps the GET onto POST /rpc/verwerkte_objecten_list
-- (body {}), the client's query string in header Verwerkingenlog-Query.
CREATE FUNCTION verwerkingenlog_api.verwerkte_objecten_list()
    RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    q jsonb;
    c record;
    fouten jsonb;
    grootte integer;
    rijen jsonb;
    st text; bericht text; detail text;
BEGIN
    -- Without a read scope nothing is looked at, not even the parameters.
    PERFORM verwerkingenlog._readable('inzage', verwerkingenlog._scopes(), NULL);
    -- (Read after the first call into the library, which defines it.)
    grootte := current_setting('verwerkingenlog.page_size')::integer;
    q := verwerkingenlog._http_parameters(ARRAY['objecttype', 'soortObjectId', 'objectId', 'beginDatum', 'eindDatum',
                                                'verwerkingsactiviteitId', 'cursor']);
    fouten := verwerkingenlog._http_param('objecttype', q->>'objecttype', 'objecttype', true)
           || verwerkingenlog._http_param('soortObjectId', q->>'soortObjectId', 'tekst', true, 242)
           || verwerkingenlog._http_param('objectId', q->>'objectId', 'tekst', true, 40)
           || verwerkingenlog._http_param('beginDatum', q->>'beginDatum', 'datum', true)
           || verwerkingenlog._http_param('eindDatum', q->>'eindDatum', 'datum', true)
           || verwerkingenlog._http_param('verwerkingsactiviteitId', q->>'verwerkingsactiviteitId', 'uuid', false);
    IF jsonb_array_length(fouten) > 0 THEN
        RETURN verwerkingenlog._http_problem(400, format('invalid query parameter "%s": %s',
                                                          fouten->0->>'name', fouten->0->>'reason'), fouten);
    END IF;
    c := verwerkingenlog._http_cursor(q->>'cursor', true);
    -- One page and one row more, on the person index; the page is logged
    -- as an inzage.
    SELECT coalesce(jsonb_agg(jsonb_build_object('document', p.document, 'tijdstip', p.tijdstip,
                                                 'actie_id', p.actie_id, 'volgorde', p.volgorde)
                              ORDER BY p.tijdstip DESC, p.actie_id DESC, p.volgorde DESC), '[]')
      INTO rijen
      FROM verwerkingenlog._verwerkte_objecten_page(
               q->>'objecttype', q->>'soortObjectId', q->>'objectId', (q->>'beginDatum')::date, (q->>'eindDatum')::date,
               (q->>'verwerkingsactiviteitId')::uuid,
               c.tijdstip, c.actie_id, c.volgorde, coalesce(c.terug, false), grootte + 1) p;
    RETURN verwerkingenlog._http_page(rijen, grootte, c.terug,
        verwerkingenlog._verwerkte_objecten_count(
            q->>'objecttype', q->>'soortObjectId', q->>'objectId', (q->>'beginDatum')::date, (q->>'eindDatum')::date,
            (q->>'verwerkingsactiviteitId')::uuid),
        '/verwerkte-objecten', jsonb_build_array(
        jsonb_build_array('objecttype', q->>'objecttype'), jsonb_build_array('soortObjectId', q->>'soortObjectId'),
        jsonb_build_array('objectId', q->>'objectId'), jsonb_build_array('beginDatum', q->>'beginDatum'),
        jsonb_build_array('eindDatum', q->>'eindDatum'),
        jsonb_build_array('verwerkingsactiviteitId', q->>'verwerkingsactiviteitId')));
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, bericht = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL;
    RETURN verwerkingenlog._http_error(st, bericht, detail);
END
$$;
COMMENT ON FUNCTION verwerkingenlog_api.verwerkte_objecten_list() IS
  'GET /verwerkte-objecten (operationId verwerkte-objecten_list): a keyset page of the verwerkte objecten about one person in the restricted form; logs every page as an inzage (call with POST: it writes)';

-- GET /verwerkte-objecten/{verwerktObjectId}; logs the inzage, so nginx
-- maps it onto POST like the list; the id from header Verwerkingenlog-Id.
CREATE FUNCTION verwerkingenlog_api.verwerktobject_read()
    RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    id text := verwerkingenlog._http_header('verwerkingenlog-id');
    fouten jsonb;
    d jsonb;
    st text; bericht text; detail text;
BEGIN
    PERFORM verwerkingenlog._readable('inzage', verwerkingenlog._scopes(), NULL);
    fouten := verwerkingenlog._http_param('verwerktObjectId', id, 'uuid', true);
    IF jsonb_array_length(fouten) > 0 THEN
        RETURN verwerkingenlog._http_problem(400, format('invalid path parameter "verwerktObjectId": %s',
                                                          fouten->0->>'reason'), fouten);
    END IF;
    d := verwerkingenlog.verwerkt_object(id::uuid);
    IF d IS NULL THEN
        RETURN verwerkingenlog._http_problem(404, format('verwerkt object %s does not exist', lower(id)));
    END IF;
    RETURN verwerkingenlog._http_response(200, d);
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, bericht = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL;
    RETURN verwerkingenlog._http_error(st, bericht, detail);
END
$$;
COMMENT ON FUNCTION verwerkingenlog_api.verwerktobject_read() IS
  'GET /verwerkte-objecten/{verwerktObjectId} (operationId verwerktobject_read): one verwerkt object in the restricted form (id from header Verwerkingenlog-Id); logs the inzage (call with POST: it writes)';

-- Privileges: the REST functions run as the extension's owner (the SQL API
-- still decides scopes by the caller's role, GetOuterUserId), so a client
-- needs only usage on this schema and execute on these functions.  Every
-- scope role gets them: a client that lacks the scope of an operation gets
-- the standard's 403 body from the function, not a PostgREST error.
REVOKE ALL ON SCHEMA verwerkingenlog_api FROM PUBLIC;
DO $$
DECLARE
    f regprocedure;
    rol text;
BEGIN
    FOR f IN SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p
              WHERE p.pronamespace = 'verwerkingenlog_api'::regnamespace
    LOOP
        EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f);
    END LOOP;
    FOREACH rol IN ARRAY ARRAY['verwerkingenlog_create_normal', 'verwerkingenlog_create_confidential',
                               'verwerkingenlog_read_normal', 'verwerkingenlog_read_confidential',
                               'verwerkingenlog_update_normal', 'verwerkingenlog_update_confidential',
                               'verwerkingenlog_delete_normal', 'verwerkingenlog_delete_confidential',
                               'verwerkingenlog_beheer']
    LOOP
        EXECUTE format('GRANT USAGE ON SCHEMA verwerkingenlog_api TO %I', rol);
        FOR f IN SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p
                  WHERE p.pronamespace = 'verwerkingenlog_api'::regnamespace
        LOOP
            EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %I', f, rol);
        END LOOP;
    END LOOP;
END
$$;

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
-- Content-Type application/problem+json.  Query and path parameters are
-- named parameters with the OpenAPI's camelCase names, typed text, every one
-- with a default: a missing or malformed value is the standard's 400, never a
-- PostgREST "function not found" or a cast error.  How requests reach these
-- functions (nginx, PostgREST, which transaction) is in test/deploy/README.md.
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
CREATE FUNCTION _http_api_versie() RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT '0.9.0' $$;

-- Sets response.status and response.headers (API-version plus koppen, an
-- array of single-key objects as PostgREST wants them) and returns body.
CREATE FUNCTION _http_antwoord(status integer, body jsonb, koppen jsonb DEFAULT '[]') RETURNS jsonb
    LANGUAGE plpgsql VOLATILE
AS $$
BEGIN
    PERFORM set_config('response.status', status::text, true);
    PERFORM set_config('response.headers',
                       (jsonb_build_array(jsonb_build_object('API-version', verwerkingenlog._http_api_versie()))
                        || koppen)::text, true);
    RETURN body;
END
$$;

-- A problem body (Fout; ValidatieFout when invalid_params is given) with its
-- status and Content-Type application/problem+json.  instance names this
-- occurrence; the server log of a 500 carries the same urn.
CREATE FUNCTION _http_probleem(status integer, detail text, invalid_params jsonb DEFAULT NULL,
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
    RETURN verwerkingenlog._http_antwoord(
        status, body, jsonb_build_array(jsonb_build_object('Content-Type', 'application/problem+json')) || koppen);
END
$$;

-- invalidParams from an error detail: every line "<name>: <reason> (<code>)"
-- (the validator's format) becomes {name, code, reason}.  A detail without
-- such lines gives one entry for the request as a whole.
CREATE FUNCTION _http_ongeldig(bericht text, detail text) RETURNS jsonb
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
CREATE FUNCTION _http_fout(sqlstate text, bericht text, detail text,
                           niet_gevonden integer DEFAULT 404, niet_gevonden_param text DEFAULT NULL)
    RETURNS jsonb
    LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
    body jsonb;
BEGIN
    IF sqlstate LIKE '22%' THEN
        RETURN verwerkingenlog._http_probleem(400, bericht, verwerkingenlog._http_ongeldig(bericht, detail));
    ELSIF sqlstate = '42501' THEN
        RETURN verwerkingenlog._http_probleem(403, bericht);
    ELSIF sqlstate = 'P0002' AND niet_gevonden = 400 THEN
        RETURN verwerkingenlog._http_probleem(400, bericht, jsonb_build_array(jsonb_build_object(
            'name', niet_gevonden_param, 'code', 'does_not_exist',
            'reason', CASE WHEN niet_gevonden_param = 'verwerkingId'
                           THEN 'has no current verwerkingsacties'
                           ELSE 'does not name a current verwerkingsactie' END)));
    ELSIF sqlstate = 'P0002' THEN
        RETURN verwerkingenlog._http_probleem(niet_gevonden, bericht);
    ELSIF sqlstate IN ('40001', '40P01') THEN
        RETURN verwerkingenlog._http_probleem(409, bericht || '; retry the request');
    ELSIF sqlstate LIKE '28%' THEN
        RETURN verwerkingenlog._http_probleem(401, bericht);
    ELSIF sqlstate = '25006' THEN
        RETURN verwerkingenlog._http_probleem(405, bericht,
            koppen => jsonb_build_array(jsonb_build_object('Allow', 'POST')));
    END IF;
    body := verwerkingenlog._http_probleem(500, 'The request could not be completed; the server log has the details.');
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
CREATE FUNCTION _http_url_codeer(waarde text) RETURNS text
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
CREATE FUNCTION _http_lijst(alle jsonb, pagina integer, pad text, params jsonb) RETURNS jsonb
    LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
    grootte integer := current_setting('verwerkingenlog.page_size')::integer;
    aantal integer := jsonb_array_length(alle);
    basis text;
BEGIN
    IF pagina > 1 AND (pagina - 1)::bigint * grootte >= aantal THEN
        RETURN verwerkingenlog._http_probleem(404, format('page %s does not exist: there are %s results, %s per page',
                                                          pagina, aantal, grootte));
    END IF;
    basis := verwerkingenlog.base_url() || pad || '?' ||
             coalesce((SELECT string_agg(p->>0 || '=' || verwerkingenlog._http_url_codeer(p->>1) || '&', '' ORDER BY n)
                         FROM jsonb_array_elements(params) WITH ORDINALITY AS e(p, n)
                        WHERE p->>1 IS NOT NULL), '') || 'page=';
    RETURN verwerkingenlog._http_antwoord(200, jsonb_build_object(
        'count', aantal,
        'next', CASE WHEN pagina::bigint * grootte < aantal THEN basis || (pagina + 1) END,
        'previous', CASE WHEN pagina > 1 THEN basis || (pagina - 1) END,
        'results', coalesce((SELECT jsonb_agg(r ORDER BY n)
                               FROM jsonb_array_elements(alle) WITH ORDINALITY AS e(r, n)
                              WHERE n > (pagina - 1)::bigint * grootte AND n <= pagina::bigint * grootte), '[]')));
END
$$;

COMMENT ON FUNCTION _http_api_versie() IS 'The OpenAPI version the REST layer implements (header API-version)';
COMMENT ON FUNCTION _http_antwoord(integer, jsonb, jsonb) IS
  'REST layer: sets response.status and response.headers (API-version and more) and returns the body';
COMMENT ON FUNCTION _http_probleem(integer, text, jsonb, jsonb) IS
  'REST layer: a Fout or ValidatieFout body with its status and Content-Type application/problem+json';
COMMENT ON FUNCTION _http_ongeldig(text, text) IS
  'REST layer: invalidParams from the "<name>: <reason> (<code>)" lines of an error detail';
COMMENT ON FUNCTION _http_fout(text, text, text, integer, text) IS
  'REST layer: the problem answer to an error of the SQL API, by SQLSTATE';
COMMENT ON FUNCTION _http_param(text, text, text, boolean, integer) IS
  'REST layer: the problems of one query or path parameter as [{name, code, reason}]';
COMMENT ON FUNCTION _http_url_codeer(text) IS 'Percent-encoding of a query parameter value (RFC 3986)';
COMMENT ON FUNCTION _http_lijst(jsonb, integer, text, jsonb) IS
  'REST layer: one page of a list as {count, next, previous, results}, or 404 past the last page';

REVOKE ALL ON FUNCTION _http_antwoord(integer, jsonb, jsonb), _http_probleem(integer, text, jsonb, jsonb),
                       _http_fout(text, text, text, integer, text), _http_lijst(jsonb, integer, text, jsonb)
    FROM PUBLIC;

-- GET /verwerkingsacties
CREATE FUNCTION verwerkingenlog_api.verwerkingsactie_list(
        objecttype text DEFAULT NULL, "soortObjectId" text DEFAULT NULL, "objectId" text DEFAULT NULL,
        "beginDatum" text DEFAULT NULL, "eindDatum" text DEFAULT NULL,
        vertrouwelijkheid text DEFAULT NULL, "verwerkingsactiviteitId" text DEFAULT NULL,
        page text DEFAULT NULL)
    RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    fouten jsonb;
    alle jsonb;
    st text; bericht text; detail text;
BEGIN
    -- Without a read scope nothing is looked at, not even the parameters.
    PERFORM verwerkingenlog._leesbaar('actie', verwerkingenlog._scopes(), NULL);
    fouten := verwerkingenlog._http_param('objecttype', objecttype, 'objecttype', true)
           || verwerkingenlog._http_param('soortObjectId', "soortObjectId", 'tekst', true, 242)
           || verwerkingenlog._http_param('objectId', "objectId", 'tekst', true, 40)
           || verwerkingenlog._http_param('beginDatum', "beginDatum", 'datum', false)
           || verwerkingenlog._http_param('eindDatum', "eindDatum", 'datum', false)
           || verwerkingenlog._http_param('vertrouwelijkheid', vertrouwelijkheid, 'vertrouwelijkheid', false)
           || verwerkingenlog._http_param('verwerkingsactiviteitId', "verwerkingsactiviteitId", 'uuid', false)
           || verwerkingenlog._http_param('page', page, 'pagina', false);
    IF jsonb_array_length(fouten) > 0 THEN
        RETURN verwerkingenlog._http_probleem(400, format('invalid query parameter "%s": %s',
                                                          fouten->0->>'name', fouten->0->>'reason'), fouten);
    END IF;
    SELECT coalesce(jsonb_agg(r ORDER BY n), '[]') INTO alle
      FROM verwerkingenlog.verwerkingsacties(
               objecttype, "soortObjectId", "objectId", "beginDatum"::date, "eindDatum"::date,
               (SELECT array_agg(btrim(w)) FROM unnest(string_to_array(vertrouwelijkheid, ',')) w),
               "verwerkingsactiviteitId"::uuid) WITH ORDINALITY AS t(r, n);
    RETURN verwerkingenlog._http_lijst(alle, coalesce(page::integer, 1), '/verwerkingsacties', jsonb_build_array(
        jsonb_build_array('objecttype', objecttype), jsonb_build_array('soortObjectId', "soortObjectId"),
        jsonb_build_array('objectId', "objectId"), jsonb_build_array('beginDatum', "beginDatum"),
        jsonb_build_array('eindDatum', "eindDatum"), jsonb_build_array('vertrouwelijkheid', vertrouwelijkheid),
        jsonb_build_array('verwerkingsactiviteitId', "verwerkingsactiviteitId")));
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, bericht = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL;
    RETURN verwerkingenlog._http_fout(st, bericht, detail);
END
$$;
COMMENT ON FUNCTION verwerkingenlog_api.verwerkingsactie_list(text, text, text, text, text, text, text, text) IS
  'GET /verwerkingsacties (operationId verwerkingsactie_list): a page of the current actions about one object; vertrouwelijkheid is one value or a comma-separated list';

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
    RETURN verwerkingenlog._http_antwoord(201, d, jsonb_build_array(jsonb_build_object('Location', d->>'url')));
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, bericht = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL;
    RETURN verwerkingenlog._http_fout(st, bericht, detail);
END
$$;
COMMENT ON FUNCTION verwerkingenlog_api.verwerkingsactie_create(jsonb) IS
  'POST /verwerkingsacties (operationId verwerkingsactie_create): logs the body; 201 with a Location header';

-- GET /verwerkingsacties/{actieId}
CREATE FUNCTION verwerkingenlog_api.verwerkingsactie_read("actieId" text DEFAULT NULL)
    RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    fouten jsonb;
    d jsonb;
    st text; bericht text; detail text;
BEGIN
    PERFORM verwerkingenlog._leesbaar('actie', verwerkingenlog._scopes(), NULL);
    fouten := verwerkingenlog._http_param('actieId', "actieId", 'uuid', true);
    IF jsonb_array_length(fouten) > 0 THEN
        RETURN verwerkingenlog._http_probleem(400, format('invalid path parameter "actieId": %s',
                                                          fouten->0->>'reason'), fouten);
    END IF;
    d := verwerkingenlog.verwerkingsactie("actieId"::uuid);
    IF d IS NULL THEN
        RETURN verwerkingenlog._http_probleem(404, format('verwerkingsactie %s does not exist', lower("actieId")));
    END IF;
    RETURN verwerkingenlog._http_antwoord(200, d);
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, bericht = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL;
    RETURN verwerkingenlog._http_fout(st, bericht, detail);
END
$$;
COMMENT ON FUNCTION verwerkingenlog_api.verwerkingsactie_read(text) IS
  'GET /verwerkingsacties/{actieId} (operationId verwerkingsactie_read): the current version of one action; 404 when unknown, vervallen or not visible';

-- PUT /verwerkingsacties/{actieId}: nginx sends {"actieId": ..., "body": <the request body>}.
CREATE FUNCTION verwerkingenlog_api.verwerkingsactie_update("actieId" text DEFAULT NULL, body jsonb DEFAULT NULL)
    RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    fouten jsonb;
    st text; bericht text; detail text;
BEGIN
    -- Without an update scope nothing is looked at.
    PERFORM verwerkingenlog._beslis('update', verwerkingenlog._scopes(), 'normaal', 'normaal');
    fouten := verwerkingenlog._http_param('actieId', "actieId", 'uuid', true);
    IF jsonb_array_length(fouten) > 0 THEN
        RETURN verwerkingenlog._http_probleem(400, format('invalid path parameter "actieId": %s',
                                                          fouten->0->>'reason'), fouten);
    END IF;
    RETURN verwerkingenlog._http_antwoord(200, verwerkingenlog.wijzig_verwerkingsactie("actieId"::uuid, body));
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, bericht = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL;
    -- The standard: PUT of an unknown or vervallen action is a 400.
    RETURN verwerkingenlog._http_fout(st, bericht, detail, 400, 'actieId');
END
$$;
COMMENT ON FUNCTION verwerkingenlog_api.verwerkingsactie_update(text, jsonb) IS
  'PUT /verwerkingsacties/{actieId} (operationId verwerkingsactie_update): replaces every element (body: the complete document); 400 when the action is unknown or vervallen';

-- DELETE /verwerkingsacties/{actieId}
CREATE FUNCTION verwerkingenlog_api.verwerkingsactie_delete("actieId" text DEFAULT NULL)
    RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    fouten jsonb;
    st text; bericht text; detail text;
BEGIN
    PERFORM verwerkingenlog._beslis('delete', verwerkingenlog._scopes(), 'normaal', NULL);
    fouten := verwerkingenlog._http_param('actieId', "actieId", 'uuid', true);
    -- The OpenAPI contract of DELETE has no 400: a path that names no
    -- action, malformed or unknown or vervallen, is a 404.
    IF jsonb_array_length(fouten) > 0 THEN
        RETURN verwerkingenlog._http_probleem(404, format('verwerkingsactie %s does not exist: actieId %s',
                                                          coalesce("actieId", ''), fouten->0->>'reason'));
    END IF;
    PERFORM verwerkingenlog.verwijder_verwerkingsactie("actieId"::uuid);
    RETURN verwerkingenlog._http_antwoord(204, NULL);
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, bericht = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL;
    RETURN verwerkingenlog._http_fout(st, bericht, detail, 404);
END
$$;
COMMENT ON FUNCTION verwerkingenlog_api.verwerkingsactie_delete(text) IS
  'DELETE /verwerkingsacties/{actieId} (operationId verwerkingsactie_delete): annuls an action; 204, or 404 when it is unknown or already vervallen';

-- PATCH /verwerkingsacties?verwerkingId=: nginx sends {"verwerkingId": ..., "body": <the request body>}.
CREATE FUNCTION verwerkingenlog_api.verwerkingsactie_list_patch("verwerkingId" text DEFAULT NULL, body jsonb DEFAULT NULL)
    RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    fouten jsonb;
    st text; bericht text; detail text;
BEGIN
    PERFORM verwerkingenlog._beslis('patch', verwerkingenlog._scopes(), 'normaal', NULL);
    fouten := verwerkingenlog._http_param('verwerkingId', "verwerkingId", 'uuid', true);
    IF jsonb_array_length(fouten) > 0 THEN
        RETURN verwerkingenlog._http_probleem(400, format('invalid query parameter "verwerkingId": %s',
                                                          fouten->0->>'reason'), fouten);
    END IF;
    PERFORM verwerkingenlog.wijzig_verwerking("verwerkingId"::uuid, body);
    RETURN verwerkingenlog._http_antwoord(204, NULL);
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, bericht = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL;
    -- The standard: no current action in the verwerking is a 400.
    RETURN verwerkingenlog._http_fout(st, bericht, detail, 400, 'verwerkingId');
END
$$;
COMMENT ON FUNCTION verwerkingenlog_api.verwerkingsactie_list_patch(text, jsonb) IS
  'PATCH /verwerkingsacties?verwerkingId= (operationId verwerkingsactie_list_patch): sets bewaartermijn and/or vertrouwelijkheid of every current action of a verwerking; 204';

-- GET /verwerkte-objecten.  Logs the inzage, so it must run read-write:
-- nginx maps the GET onto POST /rpc/verwerkte_objecten_list with the query
-- string as an application/x-www-form-urlencoded body.
CREATE FUNCTION verwerkingenlog_api.verwerkte_objecten_list(
        objecttype text DEFAULT NULL, "soortObjectId" text DEFAULT NULL, "objectId" text DEFAULT NULL,
        "beginDatum" text DEFAULT NULL, "eindDatum" text DEFAULT NULL,
        "verwerkingsactiviteitId" text DEFAULT NULL, page text DEFAULT NULL)
    RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    fouten jsonb;
    alle jsonb;
    st text; bericht text; detail text;
BEGIN
    -- Without a read scope nothing is looked at, not even the parameters.
    PERFORM verwerkingenlog._leesbaar('inzage', verwerkingenlog._scopes(), NULL);
    fouten := verwerkingenlog._http_param('objecttype', objecttype, 'objecttype', true)
           || verwerkingenlog._http_param('soortObjectId', "soortObjectId", 'tekst', true, 242)
           || verwerkingenlog._http_param('objectId', "objectId", 'tekst', true, 40)
           || verwerkingenlog._http_param('beginDatum', "beginDatum", 'datum', true)
           || verwerkingenlog._http_param('eindDatum', "eindDatum", 'datum', true)
           || verwerkingenlog._http_param('verwerkingsactiviteitId', "verwerkingsactiviteitId", 'uuid', false)
           || verwerkingenlog._http_param('page', page, 'pagina', false);
    IF jsonb_array_length(fouten) > 0 THEN
        RETURN verwerkingenlog._http_probleem(400, format('invalid query parameter "%s": %s',
                                                          fouten->0->>'name', fouten->0->>'reason'), fouten);
    END IF;
    SELECT coalesce(jsonb_agg(r ORDER BY n), '[]') INTO alle
      FROM verwerkingenlog.verwerkte_objecten(
               objecttype, "soortObjectId", "objectId", "beginDatum"::date, "eindDatum"::date,
               "verwerkingsactiviteitId"::uuid) WITH ORDINALITY AS t(r, n);
    RETURN verwerkingenlog._http_lijst(alle, coalesce(page::integer, 1), '/verwerkte-objecten', jsonb_build_array(
        jsonb_build_array('objecttype', objecttype), jsonb_build_array('soortObjectId', "soortObjectId"),
        jsonb_build_array('objectId', "objectId"), jsonb_build_array('beginDatum', "beginDatum"),
        jsonb_build_array('eindDatum', "eindDatum"),
        jsonb_build_array('verwerkingsactiviteitId', "verwerkingsactiviteitId")));
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, bericht = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL;
    RETURN verwerkingenlog._http_fout(st, bericht, detail);
END
$$;
COMMENT ON FUNCTION verwerkingenlog_api.verwerkte_objecten_list(text, text, text, text, text, text, text) IS
  'GET /verwerkte-objecten (operationId verwerkte-objecten_list): a page of the verwerkte objecten about one person in the restricted form; logs the inzage (call with POST: it writes)';

-- GET /verwerkte-objecten/{verwerktObjectId}; logs the inzage, so nginx
-- maps it onto POST like the list.
CREATE FUNCTION verwerkingenlog_api.verwerktobject_read("verwerktObjectId" text DEFAULT NULL)
    RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    fouten jsonb;
    d jsonb;
    st text; bericht text; detail text;
BEGIN
    PERFORM verwerkingenlog._leesbaar('inzage', verwerkingenlog._scopes(), NULL);
    fouten := verwerkingenlog._http_param('verwerktObjectId', "verwerktObjectId", 'uuid', true);
    IF jsonb_array_length(fouten) > 0 THEN
        RETURN verwerkingenlog._http_probleem(400, format('invalid path parameter "verwerktObjectId": %s',
                                                          fouten->0->>'reason'), fouten);
    END IF;
    d := verwerkingenlog.verwerkt_object("verwerktObjectId"::uuid);
    IF d IS NULL THEN
        RETURN verwerkingenlog._http_probleem(404, format('verwerkt object %s does not exist', lower("verwerktObjectId")));
    END IF;
    RETURN verwerkingenlog._http_antwoord(200, d);
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, bericht = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL;
    RETURN verwerkingenlog._http_fout(st, bericht, detail);
END
$$;
COMMENT ON FUNCTION verwerkingenlog_api.verwerktobject_read(text) IS
  'GET /verwerkte-objecten/{verwerktObjectId} (operationId verwerktobject_read): one verwerkt object in the restricted form; logs the inzage (call with POST: it writes)';

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

-- The tests' emulation of PostgREST (sql/080_api_*.sql include it): what
-- PostgREST 12 does per request, in one transaction:
--   BEGIN (READ ONLY for GET; READ WRITE for POST to a VOLATILE function)
--   set_config('role', <role from the JWT>, true), set_config of
--   request.jwt.claims, request.headers (names in lower case),
--   request.method, request.path, request.cookies
--   SELECT pgrst_call.pgrst_scalar FROM json_to_record($1) AS pgrst_body(<args>),
--     LATERAL (SELECT verwerkingenlog_api.f("a" := pgrst_body."a", ...) pgrst_scalar) pgrst_call
--     (a single unnamed jsonb parameter gets the raw body: f($1::jsonb))
--   read response.status and response.headers; COMMIT.
-- http.aanroep does all of it in one statement (autocommit: one
-- transaction per request) and returns status, headers and the body with
-- generated ids and times masked (ruw: as returned).
--
-- For the REST functions without named parameters it also plays what
-- nginx does in front (test/deploy/nginx.conf), from args as the client
-- request's parts: the client's query string goes in the header
-- verwerkingenlog-query, a path id in verwerkingenlog-id, a body as the
-- single unnamed jsonb parameter.  args is then
--   * for verwerkingsactie_create: the body;
--   * for *_read, *_update, *_delete: {"actieId" or "verwerktObjectId": the
--     path id, "body": the body};
--   * otherwise: {"body": the body, every other key a query parameter (a
--     string, or an array of strings: the parameter repeated)}, or a JSON
--     string: the raw query string as the client sent it.
SET client_min_messages = warning;
CREATE SCHEMA IF NOT EXISTS http;
GRANT USAGE ON SCHEMA http TO PUBLIC;
CREATE TABLE IF NOT EXISTS http.id (naam text PRIMARY KEY, id uuid NOT NULL UNIQUE);
GRANT SELECT, INSERT ON http.id TO PUBLIC;
CREATE OR REPLACE FUNCTION http.masker(j jsonb) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
DECLARE
    t text := j::text;
    r record;
BEGIN
    IF j IS NULL THEN RETURN NULL; END IF;
    FOR r IN SELECT naam, id FROM http.id ORDER BY naam LOOP
        t := replace(t, r.id::text, '<' || r.naam || '>');
    END LOOP;
    t := regexp_replace(t, '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}', '<uuid>', 'g');
    t := regexp_replace(t, '"tijdstipRegistratie": "[^"]*"', '"tijdstipRegistratie": "<registratie>"', 'g');
    RETURN t::jsonb;
END
$$;
CREATE OR REPLACE FUNCTION http.aanroep(methode text, rol text, scope text, functie text,
                                        args jsonb DEFAULT '{}', koppen jsonb DEFAULT '{}')
    RETURNS TABLE (status integer, headers jsonb, body jsonb, ruw jsonb)
    LANGUAGE plpgsql AS $$
DECLARE
    f regprocedure;
    kolommen text;
    aanroep text;
    antwoord jsonb;
    lichaam jsonb;
BEGIN
    SELECT p.oid INTO f FROM pg_proc p
     WHERE p.pronamespace = 'verwerkingenlog_api'::regnamespace AND p.proname = functie;
    -- nginx's part for the functions without named parameters.
    IF (SELECT proargnames IS NULL FROM pg_proc WHERE oid = f) THEN
        IF functie = 'verwerkingsactie_create' THEN
            lichaam := args;
        ELSIF jsonb_typeof(args) = 'string' THEN
            koppen := koppen || jsonb_build_object('verwerkingenlog-query', args #>> '{}');
        ELSE
            lichaam := args->'body';
            IF functie ~ '_(read|update|delete)$' THEN
                IF args ?| ARRAY['actieId', 'verwerktObjectId'] THEN
                    koppen := koppen || jsonb_build_object('verwerkingenlog-id',
                                                           coalesce(args->>'actieId', args->>'verwerktObjectId'));
                END IF;
            ELSE
                koppen := koppen || jsonb_build_object('verwerkingenlog-query', coalesce((
                    SELECT string_agg(verwerkingenlog._http_url_encode(k) || '=' || verwerkingenlog._http_url_encode(w), '&' ORDER BY k, n)
                      FROM jsonb_each(args - 'body') AS e(k, v),
                           LATERAL jsonb_array_elements_text(CASE jsonb_typeof(v) WHEN 'array' THEN v
                                                                   ELSE jsonb_build_array(v) END) WITH ORDINALITY AS x(w, n)), ''));
            END IF;
        END IF;
    END IF;
    IF methode = 'GET' THEN
        PERFORM set_config('transaction_read_only', 'on', true);
    END IF;
    PERFORM set_config('role', rol, true);
    PERFORM set_config('request.jwt.claims', (jsonb_build_object('role', rol)
        || CASE WHEN scope IS NULL THEN '{}' ELSE jsonb_build_object('scope', scope) END)::text, true);
    PERFORM set_config('request.headers', koppen::text, true);
    PERFORM set_config('request.cookies', '{}', true);
    PERFORM set_config('request.method', methode, true);
    PERFORM set_config('request.path', '/rpc/' || functie, true);
    IF (SELECT pronargs = 0 FROM pg_proc WHERE oid = f) THEN
        EXECUTE format('SELECT verwerkingenlog_api.%I()', functie) INTO antwoord;
    ELSIF (SELECT proargnames IS NULL FROM pg_proc WHERE oid = f) THEN
        -- A single unnamed jsonb parameter: the raw body.
        EXECUTE format('SELECT verwerkingenlog_api.%I($1::jsonb)', functie) INTO antwoord USING lichaam;
    ELSE
        SELECT string_agg(format('%I %s', a.n, format_type(a.t, NULL)), ', ' ORDER BY a.i),
               string_agg(format('%1$I := pgrst_body.%1$I', a.n), ', ' ORDER BY a.i)
          INTO kolommen, aanroep
          FROM pg_proc p, unnest(p.proargnames, p.proargtypes::oid[]) WITH ORDINALITY AS a(n, t, i)
         WHERE p.oid = f AND args ? a.n;
        IF (SELECT count(*) FROM jsonb_object_keys(args)) <> (SELECT count(*) FROM pg_proc p, unnest(p.proargnames) n
                                                               WHERE p.oid = f AND args ? n) THEN
            RAISE EXCEPTION 'PostgREST would answer 404: % has no parameter for every key of %', functie, args;
        END IF;
        EXECUTE format('SELECT pgrst_call.pgrst_scalar FROM json_to_record($1) AS pgrst_body(%s), '
                       'LATERAL (SELECT verwerkingenlog_api.%I(%s) pgrst_scalar) pgrst_call',
                       coalesce(kolommen, 'pgrst_geen text'), functie, coalesce(aanroep, ''))
            INTO antwoord USING args::json;
    END IF;
    status := nullif(current_setting('response.status', true), '')::integer;
    headers := http.masker(nullif(current_setting('response.headers', true), '')::jsonb);
    body := http.masker(antwoord);
    ruw := antwoord;
    RETURN NEXT;
END
$$;
-- The record a test registers under a name, for masking.
CREATE OR REPLACE FUNCTION http.onthoud(naam text, id text) RETURNS text LANGUAGE sql AS $$
    INSERT INTO http.id VALUES (naam, id::uuid) RETURNING naam
$$;

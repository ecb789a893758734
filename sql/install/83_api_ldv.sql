-- The REST layer of LDV and OpenTelemetry (schema verwerkingenlog_api of
-- 80_api; test/deploy/nginx.conf routes the paths here):
--
--   POST /v1/traces               otlp_traces                 OTLP/HTTP JSON, the body untouched
--   GET  /processing-activities   processing_activities_list  the query string in Verwerkingenlog-Query (as
--                                                             80_api); a POST, since a read by subject is logged
--
-- OTLP answers as a collector does: 200 with {} or {"partialSuccess": ...};
-- 400, 401, 403 and 500 with a google.rpc.Status body {"code", "message"}
-- (the OTLP/HTTP specification's failure body), Content-Type
-- application/json.  The LDV read API answers the 1.0 shape (an array) or,
-- with the query parameter apiVersion=1.1, the 1.1 shape
-- {"processingActivities": [...]}; errors are application/problem+json with
-- the LDV body {"errors": {"in": ..., "detail": ...}}; every answer carries
-- the API-Version header.

-- Sets response.status and response.headers and returns body.
CREATE FUNCTION _ldv_response(status integer, body jsonb, koppen jsonb) RETURNS jsonb
    LANGUAGE plpgsql VOLATILE
AS $$
BEGIN
    PERFORM set_config('response.status', status::text, true);
    PERFORM set_config('response.headers', koppen::text, true);
    RETURN body;
END
$$;
COMMENT ON FUNCTION _ldv_response(integer, jsonb, jsonb) IS
  'Internal: sets response.status and response.headers (an array of single-key objects) for PostgREST and returns the body';

CREATE FUNCTION verwerkingenlog_api.otlp_traces(jsonb)
    RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    koppen jsonb := '[{"Content-Type": "application/json"}]';
    st text; bericht text; detail text;
BEGIN
    RETURN verwerkingenlog._ldv_response(200, verwerkingenlog.log_otlp($1), koppen);
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, bericht = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL;
    -- google.rpc.Status codes: 3 INVALID_ARGUMENT, 7 PERMISSION_DENIED,
    -- 16 UNAUTHENTICATED, 13 INTERNAL.
    IF st LIKE '22%' THEN
        RETURN verwerkingenlog._ldv_response(400, jsonb_build_object('code', 3, 'message',
            bericht || CASE WHEN detail IS NULL THEN '' ELSE E'\n' || detail END), koppen);
    ELSIF st = '42501' THEN
        RETURN verwerkingenlog._ldv_response(403, jsonb_build_object('code', 7, 'message', bericht), koppen);
    ELSIF st LIKE '28%' THEN
        RETURN verwerkingenlog._ldv_response(401, jsonb_build_object('code', 16, 'message', bericht), koppen);
    END IF;
    RAISE WARNING 'verwerkingenlog_api.otlp_traces: % (SQLSTATE %), answered with status 500', bericht, st;
    RETURN verwerkingenlog._ldv_response(500, jsonb_build_object('code', 13, 'message',
        'The spans could not be stored; the server log has the details.'), koppen);
END
$$;
COMMENT ON FUNCTION verwerkingenlog_api.otlp_traces(jsonb) IS
  'POST /v1/traces (OTLP/HTTP, JSON encoding): log_otlp over the body; 200 with {} or partialSuccess, else a google.rpc.Status body';

CREATE FUNCTION verwerkingenlog_api.processing_activities_list()
    RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    params jsonb := '{}';
    fouten text[] := '{}';
    naam text;
    versie text := '1.0';
    regels jsonb;
    koppen jsonb;
    st text; bericht text; detail text;
BEGIN
    -- The client's query string (header Verwerkingenlog-Query), decoded and
    -- checked by the REST layer's own parser: unknown or repeated
    -- parameters are 400.
    BEGIN
        params := verwerkingenlog._http_parameters(ARRAY[
            'traceId', 'dpl.core.processingActivityId', 'dpl.core.data_subject_id',
            'dpl.core.data_subject_id_type', 'startTime', 'endTime', 'apiVersion']);
    EXCEPTION WHEN invalid_parameter_value THEN
        GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
        fouten := fouten || string_to_array(detail, E'\n');
    END;
    versie := coalesce(params->>'apiVersion', '1.0');
    IF versie NOT IN ('1.0', '1.1') THEN
        fouten := fouten || 'apiVersion: must be 1.0 or 1.1 (invalid_choice)'::text;
        versie := '1.0';
    END IF;
    koppen := jsonb_build_array(jsonb_build_object('API-Version', versie || '.0'));
    IF NOT (params ? 'traceId' OR params ? 'dpl.core.processingActivityId' OR params ? 'dpl.core.data_subject_id')
       AND cardinality(fouten) = 0 THEN
        fouten := fouten || 'traceId: at least one of traceId, dpl.core.processingActivityId and dpl.core.data_subject_id is required (required)'::text;
    END IF;
    FOREACH naam IN ARRAY ARRAY['startTime', 'endTime'] LOOP
        IF params ? naam AND params->>naam !~ '^[0-9]{1,15}$' THEN
            fouten := fouten || format('%s: must be milliseconds since 1970, digits only (invalid)', naam);
        END IF;
    END LOOP;
    IF cardinality(fouten) = 0 THEN
        BEGIN
            SELECT coalesce(jsonb_agg(r ORDER BY n), '[]') INTO regels
              FROM verwerkingenlog.logregels(params->>'traceId', params->>'dpl.core.processingActivityId',
                                             params->>'dpl.core.data_subject_id',
                                             params->>'dpl.core.data_subject_id_type',
                                             (params->>'startTime')::bigint, (params->>'endTime')::bigint)
                   WITH ORDINALITY AS t(r, n);
        EXCEPTION WHEN invalid_parameter_value OR null_value_not_allowed THEN
            GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
            fouten := fouten || string_to_array(detail, E'\n');
        END;
    END IF;
    IF cardinality(fouten) > 0 THEN
        RETURN verwerkingenlog._ldv_response(400, jsonb_build_object(
                   'status', 400, 'title', 'Bad Request',
                   'errors', jsonb_build_object('in', 'query', 'detail', array_to_string(fouten, '; '))),
               koppen || '[{"Content-Type": "application/problem+json"}]'::jsonb);
    END IF;
    RETURN verwerkingenlog._ldv_response(200,
               CASE versie WHEN '1.1' THEN jsonb_build_object('processingActivities', regels) ELSE regels END,
               koppen || '[{"Content-Type": "application/json"}]'::jsonb);
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, bericht = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL;
    koppen := coalesce(koppen, '[{"API-Version": "1.0.0"}]') || '[{"Content-Type": "application/problem+json"}]'::jsonb;
    IF st = '42501' THEN
        RETURN verwerkingenlog._ldv_response(403, jsonb_build_object('status', 403, 'title', 'Forbidden',
                   'errors', jsonb_build_object('in', 'header', 'detail', bericht)), koppen);
    ELSIF st LIKE '28%' THEN
        RETURN verwerkingenlog._ldv_response(401, jsonb_build_object('status', 401, 'title', 'Unauthorized',
                   'errors', jsonb_build_object('in', 'header', 'detail', bericht)), koppen);
    ELSIF st = '25006' THEN
        RETURN verwerkingenlog._ldv_response(405, jsonb_build_object('status', 405, 'title', 'Method Not Allowed',
                   'errors', jsonb_build_object('in', 'query', 'detail', bericht)),
               koppen || '[{"Allow": "POST"}]'::jsonb);
    END IF;
    RAISE WARNING 'verwerkingenlog_api.processing_activities_list: % (SQLSTATE %), answered with status 500', bericht, st;
    RETURN verwerkingenlog._ldv_response(500, jsonb_build_object('status', 500, 'title', 'Internal Server Error',
               'errors', jsonb_build_object('in', 'query', 'detail', 'the server log has the details')), koppen);
END
$$;
COMMENT ON FUNCTION verwerkingenlog_api.processing_activities_list() IS
  'GET /processing-activities (LDV read API 1.0; apiVersion=1.1 for the 1.1 shape): the query string from the header Verwerkingenlog-Query; a read by subject is an inzage and is logged (call with POST)';

REVOKE ALL ON FUNCTION _ldv_response(integer, jsonb, jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION verwerkingenlog_api.otlp_traces(jsonb),
                       verwerkingenlog_api.processing_activities_list() FROM PUBLIC;
-- As for the other REST functions (80_api): every scope role may call them;
-- the functions decide by scope.
DO $$
DECLARE
    rol text;
BEGIN
    FOREACH rol IN ARRAY ARRAY['verwerkingenlog_create_normal', 'verwerkingenlog_create_confidential',
                               'verwerkingenlog_read_normal', 'verwerkingenlog_read_confidential',
                               'verwerkingenlog_update_normal', 'verwerkingenlog_update_confidential',
                               'verwerkingenlog_delete_normal', 'verwerkingenlog_delete_confidential',
                               'verwerkingenlog_beheer']
    LOOP
        EXECUTE format('GRANT EXECUTE ON FUNCTION verwerkingenlog_api.otlp_traces(jsonb), '
                       'verwerkingenlog_api.processing_activities_list() TO %I', rol);
    END LOOP;
END
$$;

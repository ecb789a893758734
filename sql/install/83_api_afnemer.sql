-- REST for the consumer's verwerking (B8157), beside the standard's
-- operations (the OpenAPI has none for it; test/deploy/nginx.conf maps):
--   GET   /verwerkingsacties/afnemer/{verwerkingIdAfnemer}  verwerkingsactie_afnemer_list
--   PATCH /verwerkingsacties/afnemer/{verwerkingIdAfnemer}  verwerkingsactie_afnemer_patch
-- with the status codes, problem bodies and paging of 80_api.sql.

-- GET /verwerkingsacties/afnemer/{verwerkingIdAfnemer}: the id from header
-- Verwerkingenlog-Id, the page number from the query string (header
-- Verwerkingenlog-Query), as nginx passes them.
CREATE FUNCTION verwerkingenlog_api.verwerkingsactie_afnemer_list()
    RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    id text := verwerkingenlog._http_header('verwerkingenlog-id');
    q jsonb;
    fouten jsonb;
    alle jsonb;
    st text; bericht text; detail text;
BEGIN
    PERFORM verwerkingenlog._readable('actie', verwerkingenlog._scopes(), NULL);
    q := verwerkingenlog._http_parameters(ARRAY['page']);
    fouten := verwerkingenlog._http_param('verwerkingIdAfnemer', id, 'uuid', true)
           || verwerkingenlog._http_param('page', q->>'page', 'pagina', false);
    IF jsonb_array_length(fouten) > 0 THEN
        RETURN verwerkingenlog._http_problem(400, format('invalid parameter "%s": %s',
                                                          fouten->0->>'name', fouten->0->>'reason'), fouten);
    END IF;
    SELECT coalesce(jsonb_agg(r ORDER BY n), '[]') INTO alle
      FROM verwerkingenlog.verwerkingsacties_afnemer(id::uuid) WITH ORDINALITY AS t(r, n);
    RETURN verwerkingenlog._http_list(alle, coalesce((q->>'page')::integer, 1),
                                       '/verwerkingsacties/afnemer/' || lower(id), '[]');
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, bericht = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL;
    RETURN verwerkingenlog._http_error(st, bericht, detail);
END
$$;
COMMENT ON FUNCTION verwerkingenlog_api.verwerkingsactie_afnemer_list() IS
  'GET /verwerkingsacties/afnemer/{verwerkingIdAfnemer} (B8157): a page of the current actions logged with a consumer''s verwerkingId (id from header Verwerkingenlog-Id, page from the query string)';

-- PATCH /verwerkingsacties/afnemer/{verwerkingIdAfnemer}: the body is the
-- single unnamed jsonb parameter, untouched; the id from header
-- Verwerkingenlog-Id (set by nginx from the path, never from the body).
CREATE FUNCTION verwerkingenlog_api.verwerkingsactie_afnemer_patch(jsonb)
    RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    id text := verwerkingenlog._http_header('verwerkingenlog-id');
    fouten jsonb;
    st text; bericht text; detail text;
BEGIN
    PERFORM verwerkingenlog._decide('patch', verwerkingenlog._scopes(), 'normaal', NULL);
    fouten := verwerkingenlog._http_param('verwerkingIdAfnemer', id, 'uuid', true);
    IF jsonb_array_length(fouten) > 0 THEN
        RETURN verwerkingenlog._http_problem(400, format('invalid parameter "verwerkingIdAfnemer": %s',
                                                          fouten->0->>'reason'), fouten);
    END IF;
    PERFORM verwerkingenlog.wijzig_verwerking_afnemer(id::uuid, $1);
    RETURN verwerkingenlog._http_response(204, NULL);
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, bericht = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL;
    -- As PATCH by verwerkingId: no current action is a 400.
    RETURN verwerkingenlog._http_error(st, bericht, detail, 400, 'verwerkingIdAfnemer');
END
$$;
COMMENT ON FUNCTION verwerkingenlog_api.verwerkingsactie_afnemer_patch(jsonb) IS
  'PATCH /verwerkingsacties/afnemer/{verwerkingIdAfnemer} (B8157): sets bewaartermijn and/or vertrouwelijkheid of every current action logged with a consumer''s verwerkingId (body untouched, id from header Verwerkingenlog-Id); 204';

REVOKE ALL ON FUNCTION verwerkingenlog_api.verwerkingsactie_afnemer_list(),
                       verwerkingenlog_api.verwerkingsactie_afnemer_patch(jsonb) FROM PUBLIC;
-- Every scope role, as for the other REST functions (80_api.sql).
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
        EXECUTE format('GRANT EXECUTE ON FUNCTION verwerkingenlog_api.verwerkingsactie_afnemer_list(),
                        verwerkingenlog_api.verwerkingsactie_afnemer_patch(jsonb) TO %I', rol);
    END LOOP;
END
$$;

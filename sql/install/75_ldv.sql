-- Logboek Dataverwerkingen (LDV 1.0) and OpenTelemetry in the same log.
--
-- An LDV record (one span about one data subject) is stored as a
-- verwerkingsactie of one version with one verwerkt object, in the tables
-- of 20_opslag, with the columns below for what a verwerkingsactie has no
-- element for.  So a record is append-only, its subject pseudonymised and
-- encrypted like every objectId (B2042), found by the person index, shown
-- by the inzage and destroyed by the purge like any action; and every
-- verwerkingsactie can be read as LDV records (als_logregels, logregels).
-- The mapping (README, "Logboek Dataverwerkingen"):
--   trace_id          verwerking_id (bijective; trace_id below when a
--                     traceparent joined a verwerkingsactie to another trace)
--   span_id           span_id (NULL for a verwerkingsactie: then the last 8
--                     bytes of the verwerktObjectId, one span per subject)
--   name              actie_naam
--   start_time        tijdstip (a moment in Z), end_time eind_tijdstip
--   processing_activity_id  verwerkingsactiviteit_id for urn:uuid:<uuid>,
--                     else verwerkingsactiviteit_url
--   data subject      the verwerkt object (objecttype persoon)
--   resource          resource; service.name also as systeem,
--                     verwerkingenlog.uitvoerder and .gegevensbron as
--                     uitvoerder and gegevensbron

ALTER TABLE verwerkingsactie_versie
    ADD COLUMN trace_id       uuid,
    ADD COLUMN span_id        bytea,
    ADD COLUMN parent_span_id bytea,
    ADD COLUMN status         text,
    ADD COLUMN eind_tijdstip  moment,
    ADD COLUMN resource       jsonb,
    ADD COLUMN attributen     jsonb,
    ADD CONSTRAINT ldv_span_id_lengte CHECK (pg_catalog.length(span_id) = 8),
    ADD CONSTRAINT ldv_parent_span_id_lengte CHECK (pg_catalog.length(parent_span_id) = 8),
    ADD CONSTRAINT ldv_status CHECK (status IN ('Unset', 'Ok', 'Error')),
    ADD CONSTRAINT ldv_eind_na_begin CHECK (eind_tijdstip >= tijdstip);

COMMENT ON COLUMN verwerkingsactie_versie.trace_id IS
  'LDV trace_id when it is not the verwerkingId: the trace of a W3C traceparent header the action was logged with';
COMMENT ON COLUMN verwerkingsactie_versie.span_id IS 'LDV span_id (8 bytes) of an action logged as an LDV record or OTLP span';
COMMENT ON COLUMN verwerkingsactie_versie.parent_span_id IS 'LDV parent_span_id (8 bytes): the calling span, from the record or a traceparent header';
COMMENT ON COLUMN verwerkingsactie_versie.status IS 'LDV status (Unset, Ok, Error); NULL for a verwerkingsactie (read as Unset)';
COMMENT ON COLUMN verwerkingsactie_versie.eind_tijdstip IS 'LDV end_time; NULL for a verwerkingsactie (read as its tijdstip)';
COMMENT ON COLUMN verwerkingsactie_versie.resource IS 'LDV resource ({"attributes": {...}}) as logged';
COMMENT ON COLUMN verwerkingsactie_versie.attributen IS 'The optional dpl.core attributes of an LDV record (foreign_operation.*) as logged';

-- A trace is found through verwerking_id (its index in 20_opslag), this
-- index, or the primary key (an action without either is its own trace).
CREATE INDEX verwerkingsactie_versie_trace
    ON verwerkingsactie_versie (trace_id) WHERE trace_id IS NOT NULL;

-- The register of processing activities as LDV keys them: confidentiality
-- and retention per dpl.core.processing_activity_id (LDV keeps both in the
-- register, not in records).  It is the one register of 85_vernietiging
-- (bewaartermijn_registratie, its history; ldv_verwerkingsactiviteit, the
-- entries in force as LDV uses them).  Applied when a record is logged: a
-- record of a confidential activity is stored vertrouwelijk (and needs scope
-- create:confidential), with the activity's bewaartermijn as its own, so
-- the read rules and the purge treat it like any action.

CREATE FUNCTION _uri_error(uri text) RETURNS text
    AS 'MODULE_PATHNAME', 'vwl_uri_error_fn'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION _uri_error(text) IS
  'Internal: NULL when uri is an absolute URI by the validator''s rules, else the reason';

CREATE FUNCTION registreer_verwerkingsactiviteit(verwerkingsactiviteit text, vertrouwelijkheid text,
                                                 bewaartermijn text DEFAULT NULL,
                                                 omschrijving text DEFAULT NULL)
    RETURNS void
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    fouten text[] := '{}';
    reden text;
    niveau verwerkingenlog.vertrouwelijkheid;
    termijn verwerkingenlog.bewaartermijn;
BEGIN
    PERFORM verwerkingenlog._require_beheer('register a processing activity');
    IF verwerkingsactiviteit IS NULL THEN
        fouten := fouten || 'verwerkingsactiviteit: is required (required)'::text;
    ELSIF char_length(verwerkingsactiviteit) > 2042 THEN
        fouten := fouten || 'verwerkingsactiviteit: is longer than 2042 characters (max_length)'::text;
    ELSE
        reden := verwerkingenlog._uri_error(verwerkingsactiviteit);
        IF reden IS NOT NULL THEN
            fouten := fouten || format('verwerkingsactiviteit: %s (invalid)', reden);
        END IF;
    END IF;
    IF lower(vertrouwelijkheid) IN ('normaal', 'vertrouwelijk') THEN
        niveau := lower(vertrouwelijkheid)::verwerkingenlog.vertrouwelijkheid;
    ELSE
        fouten := fouten || 'vertrouwelijkheid: must be one of normaal, vertrouwelijk (invalid_choice)'::text;
    END IF;
    IF bewaartermijn IS NOT NULL THEN
        BEGIN
            termijn := bewaartermijn::verwerkingenlog.bewaartermijn;
        EXCEPTION WHEN invalid_datetime_format OR datetime_field_overflow OR invalid_text_representation THEN
            fouten := fouten || 'bewaartermijn: is not an ISO 8601 duration (invalid)'::text;
        END;
    END IF;
    IF char_length(omschrijving) > 242 THEN
        fouten := fouten || 'omschrijving: is longer than 242 characters (max_length)'::text;
    END IF;
    IF cardinality(fouten) > 0 THEN
        RAISE EXCEPTION 'invalid processing activity: %', fouten[1]
            USING ERRCODE = 'invalid_parameter_value', DETAIL = array_to_string(fouten, E'\n');
    END IF;
    PERFORM verwerkingenlog._register(verwerkingsactiviteit, niveau, termijn, omschrijving, false);
END
$$;
COMMENT ON FUNCTION registreer_verwerkingsactiviteit(text, text, text, text) IS
  'Registers (or replaces) the confidentiality (normaal, vertrouwelijk) and retention of a processing activity by its URI (appends a row to bewaartermijn_registratie); applies to LDV records and OTLP spans logged from then on, and the retention as criterion 2 of the purge to verwerkingsacties of a urn:uuid activity (scope beheer)';

CREATE FUNCTION verwijder_verwerkingsactiviteit(verwerkingsactiviteit text) RETURNS boolean
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM verwerkingenlog._require_beheer('remove a processing activity from the register');
    PERFORM pg_advisory_xact_lock(1447511881, hashtext(verwerkingsactiviteit));
    IF NOT EXISTS (SELECT FROM verwerkingenlog.verwerkingsactiviteit_register r
                    WHERE r.verwerkingsactiviteit = verwijder_verwerkingsactiviteit.verwerkingsactiviteit) THEN
        RETURN false;
    END IF;
    PERFORM verwerkingenlog._register(verwerkingsactiviteit, NULL, NULL, NULL, false);
    RETURN true;
END
$$;
COMMENT ON FUNCTION verwijder_verwerkingsactiviteit(text) IS
  'Removes a processing activity from the register, its confidentiality and its retention (appends a removal to bewaartermijn_registratie); true when it was registered; records already logged keep their level and retention (scope beheer)';

-- Applies the register to records already logged: every current LDV record
-- of the activity gets a new version with the registered level and
-- retention, as a PATCH would store it (the rule engine decides: a record
-- that was vertrouwelijk and is registered normaal becomes opgeheven, and
-- it needs the update scopes a PATCH needs).  Verwerkingsacties of the same
-- activity keep the level their application gave them.
CREATE FUNCTION pas_verwerkingsactiviteit_toe(verwerkingsactiviteit text) RETURNS integer
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    scopes integer := verwerkingenlog._scopes();
    r verwerkingenlog.ldv_verwerkingsactiviteit;
    acties uuid[];
    aantal integer;
BEGIN
    PERFORM verwerkingenlog._require_beheer('apply the register to logged records');
    SELECT * INTO r FROM verwerkingenlog.ldv_verwerkingsactiviteit x
     WHERE x.verwerkingsactiviteit = pas_verwerkingsactiviteit_toe.verwerkingsactiviteit;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'processing activity is not registered'
            USING ERRCODE = 'no_data_found',
                  DETAIL = 'verwerkingsactiviteit: is not in the register (does_not_exist)';
    END IF;
    -- Lock the actions in a fixed order, then read them again (as PATCH).
    SELECT array_agg(a.actie_id ORDER BY a.actie_id) INTO acties
      FROM (SELECT DISTINCT v.actie_id FROM verwerkingenlog.verwerkingsactie_versie v
             WHERE v.span_id IS NOT NULL
               AND verwerkingenlog._activiteit_uri(v) = r.verwerkingsactiviteit) a;
    PERFORM verwerkingenlog._lock(a) FROM unnest(acties) a ORDER BY a;
    WITH huidig AS MATERIALIZED (
        SELECT h FROM unnest(acties) a
         CROSS JOIN LATERAL verwerkingenlog._current(a) h
         WHERE NOT h.vervallen AND verwerkingenlog._activiteit_uri(h) = r.verwerkingsactiviteit
           AND (h.vertrouwelijkheid IS DISTINCT FROM r.vertrouwelijkheid
                AND NOT (h.vertrouwelijkheid = 'opgeheven' AND r.vertrouwelijkheid = 'normaal')
                OR h.bewaartermijn::text IS DISTINCT FROM r.bewaartermijn::text))
    SELECT count(verwerkingenlog._copy_version(
               huidig.h,
               verwerkingenlog._decide('patch', scopes, (huidig.h).vertrouwelijkheid, r.vertrouwelijkheid),
               r.bewaartermijn, false))
      INTO aantal FROM huidig;
    RETURN aantal;
EXCEPTION WHEN unique_violation THEN
    RAISE EXCEPTION 'could not serialize access due to a concurrent change of a verwerkingsactie'
        USING ERRCODE = 'serialization_failure', HINT = 'Retry the transaction.';
END
$$;
COMMENT ON FUNCTION pas_verwerkingsactiviteit_toe(text) IS
  'Applies the register''s confidentiality and retention of a processing activity to its LDV records already logged (new versions, as PATCH stores them); returns how many changed (scope beheer and the update scopes of a PATCH)';

-- Writing (src/ldv.c).
CREATE FUNCTION log_logregels(logregels jsonb) RETURNS SETOF uuid
    AS 'MODULE_PATHNAME', 'vwl_log_logregels'
    LANGUAGE C VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION log_logregels(jsonb) IS
  'Logs a JSON array of LDV 1.0 records (trace_id, span_id, parent_span_id, name, status, start_time, end_time, resource, attributes), all or nothing; returns the actieId of each in input order';

CREATE FUNCTION log_otlp(export jsonb) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'vwl_log_otlp'
    LANGUAGE C VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION log_otlp(jsonb) IS
  'POST /v1/traces: stores every valid span of an OTLP/HTTP JSON ExportTraceServiceRequest as an LDV record; answers {} or {"partialSuccess": {"rejectedSpans": n, "errorMessage": ...}}';

-- Reading.

-- Milliseconds since the epoch of a moment.
CREATE FUNCTION _ms(m moment) RETURNS bigint
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT pg_catalog.floor(pg_catalog.date_part('epoch', verwerkingenlog.moment_to_timestamptz(m))::numeric * 1000)::bigint
$$;
COMMENT ON FUNCTION _ms(moment) IS 'Internal: the instant of a moment in milliseconds since the epoch (LDV start_time, end_time)';

-- The dpl.core.processing_activity_id of a version.
CREATE FUNCTION _activiteit_uri(v verwerkingsactie_versie) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT coalesce(v.verwerkingsactiviteit_url, 'urn:uuid:' || v.verwerkingsactiviteit_id::text)
$$;
COMMENT ON FUNCTION _activiteit_uri(verwerkingsactie_versie) IS
  'Internal: the processing activity of a version as an LDV URI: verwerkingsactiviteitUrl, else urn:uuid:<verwerkingsactiviteitId>';

-- One object of a version as an LDV record, in the standard's field names.
CREATE FUNCTION _logregel(v verwerkingsactie_versie, o verwerkt_object) RETURNS jsonb
    LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT pg_catalog.jsonb_build_object(
        'trace_id', pg_catalog.replace(coalesce(v.trace_id, v.verwerking_id, v.actie_id)::text, '-', ''),
        'span_id', pg_catalog.encode(coalesce(v.span_id,
                                              pg_catalog.substr(pg_catalog.uuid_send(o.verwerkt_object_id), 9)), 'hex'),
        'name', coalesce(v.actie_naam, v.handeling_naam, v.verwerking_naam, 'verwerkingsactie'),
        'status', coalesce(v.status, 'Unset'),
        'start_time', verwerkingenlog._ms(v.tijdstip),
        'end_time', verwerkingenlog._ms(coalesce(v.eind_tijdstip, v.tijdstip)),
        'resource', coalesce(v.resource, pg_catalog.jsonb_build_object('attributes', pg_catalog.jsonb_strip_nulls(
                        pg_catalog.jsonb_build_object('service.name', v.systeem,
                                                      'verwerkingenlog.uitvoerder', v.uitvoerder,
                                                      'verwerkingenlog.gegevensbron', v.gegevensbron)))),
        'attributes', pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
                          'dpl.core.processing_activity_id', verwerkingenlog._activiteit_uri(v),
                          'dpl.core.data_subject_id', verwerkingenlog._decrypt_object(o),
                          'dpl.core.data_subject_id_type', o.soort_object_id))
                      OPERATOR(pg_catalog.||) coalesce(v.attributen, '{}'))
    OPERATOR(pg_catalog.||) CASE WHEN v.parent_span_id IS NULL THEN '{}'::jsonb
           ELSE pg_catalog.jsonb_build_object('parent_span_id', pg_catalog.encode(v.parent_span_id, 'hex')) END
$$;
COMMENT ON FUNCTION _logregel(verwerkingsactie_versie, verwerkt_object) IS
  'Internal: one verwerkt object of a version as an LDV record (trace_id, span_id, parent_span_id, name, status, start_time, end_time, resource, attributes)';

-- An LDV record in the camelCase of the LDV read API.
CREATE FUNCTION _read_logregel(r jsonb) RETURNS jsonb
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT pg_catalog.jsonb_build_object(
        'traceId', r->'trace_id', 'spanId', r->'span_id', 'name', r->'name', 'status', r->'status',
        'startTime', r->'start_time', 'endTime', r->'end_time', 'resource', r->'resource',
        'attributes', r->'attributes')
    OPERATOR(pg_catalog.||) CASE WHEN r ? 'parent_span_id'
                                 THEN pg_catalog.jsonb_build_object('parentSpanId', r->'parent_span_id')
                                 ELSE '{}'::jsonb END
$$;
COMMENT ON FUNCTION _read_logregel(jsonb) IS
  'Internal: an LDV record in the field names of the LDV read API (traceId, spanId, parentSpanId, startTime, endTime, ...)';

CREATE FUNCTION logregels(trace_id text DEFAULT NULL, processing_activity_id text DEFAULT NULL,
                          data_subject_id text DEFAULT NULL, data_subject_id_type text DEFAULT NULL,
                          start_time bigint DEFAULT NULL, end_time bigint DEFAULT NULL)
    RETURNS SETOF jsonb
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    zichtbaar verwerkingenlog.vertrouwelijkheid[] := verwerkingenlog._readable('actie', verwerkingenlog._scopes(), NULL);
    soort text := coalesce(data_subject_id_type, 'BSN');
    trace uuid;
    activiteit_id uuid;
    van timestamptz;
    tot timestamptz;
    fouten text[] := '{}';
    d jsonb;
BEGIN
    IF trace_id IS NULL AND processing_activity_id IS NULL AND data_subject_id IS NULL THEN
        RAISE EXCEPTION 'traceId, dpl.core.processingActivityId or dpl.core.data_subject_id is required'
            USING ERRCODE = 'null_value_not_allowed',
                  DETAIL = 'traceId: at least one of traceId, dpl.core.processingActivityId and dpl.core.data_subject_id is required (required)';
    END IF;
    IF trace_id !~ '^[0-9A-Fa-f]{32}$' THEN
        fouten := fouten || 'traceId: must be 32 hexadecimal digits (16 bytes) (invalid)'::text;
    ELSE
        trace := trace_id::uuid;
    END IF;
    IF verwerkingenlog._uri_error(processing_activity_id) IS NOT NULL THEN
        fouten := fouten || format('dpl.core.processingActivityId: %s (invalid)',
                                   verwerkingenlog._uri_error(processing_activity_id));
    ELSIF processing_activity_id ~* '^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN
        activiteit_id := substr(processing_activity_id, 10)::uuid;
    END IF;
    IF data_subject_id = '' THEN
        fouten := fouten || 'dpl.core.data_subject_id: must not be empty (blank)'::text;
    END IF;
    IF start_time < 0 OR start_time > 253402300799999 THEN
        fouten := fouten || 'startTime: must be milliseconds since 1970 before the year 10000 (invalid)'::text;
    END IF;
    IF end_time < 0 OR end_time > 253402300799999 THEN
        fouten := fouten || 'endTime: must be milliseconds since 1970 before the year 10000 (invalid)'::text;
    END IF;
    IF cardinality(fouten) > 0 THEN
        RAISE EXCEPTION 'invalid query: %', fouten[1]
            USING ERRCODE = 'invalid_parameter_value', DETAIL = array_to_string(fouten, E'\n');
    END IF;
    van := to_timestamp(start_time / 1000.0);
    tot := to_timestamp(end_time / 1000.0);

    IF data_subject_id IS NOT NULL THEN
        -- A read by subject is an inzage (C3677): logged like one, after
        -- the lookup, by the inzage's own record function.
        PERFORM verwerkingenlog._inzage_writable();
        d := verwerkingenlog._inzage_input('persoon', soort, data_subject_id);
        RETURN QUERY
        SELECT verwerkingenlog._read_logregel(verwerkingenlog._logregel(v, o))
          FROM verwerkingenlog.verwerkt_object o
         CROSS JOIN LATERAL verwerkingenlog._current(o.actie_id) v
         WHERE o.soort_object_id = soort
           AND o.object_pseudoniem = verwerkingenlog._pseudoniem(soort, data_subject_id)
           AND (van IS NULL OR o.tijdstip >= van)
           AND (tot IS NULL OR o.tijdstip <= tot)
           AND v.objecten_volgnummer = o.volgnummer
           AND NOT v.vervallen
           AND v.vertrouwelijkheid = ANY (zichtbaar)
           AND (trace IS NULL OR coalesce(v.trace_id, v.verwerking_id, v.actie_id) = trace)
           AND (processing_activity_id IS NULL OR verwerkingenlog._activiteit_uri(v) = processing_activity_id)
         ORDER BY o.tijdstip, o.actie_id, o.volgorde;
        PERFORM verwerkingenlog._log_inzage(d);
        RETURN;
    END IF;

    RETURN QUERY
    SELECT verwerkingenlog._read_logregel(verwerkingenlog._logregel(v, o))
      FROM (SELECT DISTINCT w.actie_id FROM verwerkingenlog.verwerkingsactie_versie w
             WHERE CASE WHEN trace IS NOT NULL
                        THEN w.verwerking_id = trace OR w.trace_id = trace OR w.actie_id = trace
                        ELSE w.verwerkingsactiviteit_url = processing_activity_id
                             OR w.verwerkingsactiviteit_id = activiteit_id END) a
     CROSS JOIN LATERAL verwerkingenlog._current(a.actie_id) v
      JOIN verwerkingenlog.verwerkt_object o ON o.actie_id = v.actie_id AND o.volgnummer = v.objecten_volgnummer
     WHERE NOT v.vervallen
       AND v.vertrouwelijkheid = ANY (zichtbaar)
       AND (trace IS NULL OR coalesce(v.trace_id, v.verwerking_id, v.actie_id) = trace)
       AND (processing_activity_id IS NULL OR verwerkingenlog._activiteit_uri(v) = processing_activity_id)
       AND (van IS NULL OR o.tijdstip >= van)
       AND (tot IS NULL OR o.tijdstip <= tot)
     ORDER BY o.tijdstip, o.actie_id, o.volgorde;
END
$$;
COMMENT ON FUNCTION logregels(text, text, text, text, bigint, bigint) IS
  'LDV read API 1.0 (GET /processing-activities): the records of a trace, a processing activity or a data subject (type default BSN), start_time in [start_time, end_time] (ms), oldest first, in the read API''s camelCase; a read by subject is an inzage and is logged';

CREATE FUNCTION als_logregels(actie_id uuid) RETURNS SETOF jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    zichtbaar verwerkingenlog.vertrouwelijkheid[] := verwerkingenlog._readable('actie', verwerkingenlog._scopes(), NULL);
BEGIN
    RETURN QUERY
    SELECT verwerkingenlog._logregel(v, o)
      FROM verwerkingenlog._current(als_logregels.actie_id) v
      JOIN verwerkingenlog.verwerkt_object o ON o.actie_id = v.actie_id AND o.volgnummer = v.objecten_volgnummer
     WHERE NOT v.vervallen AND v.vertrouwelijkheid = ANY (zichtbaar)
     ORDER BY o.volgorde;
END
$$;
COMMENT ON FUNCTION als_logregels(uuid) IS
  'The current version of a verwerkingsactie as LDV records, one per verwerkt object, in the field names log_logregels takes; no rows when unknown, vervallen or not visible';

REVOKE ALL ON FUNCTION _uri_error(text), _ms(moment), _activiteit_uri(verwerkingsactie_versie),
                       _logregel(verwerkingsactie_versie, verwerkt_object), _read_logregel(jsonb)
    FROM PUBLIC;

-- W3C Trace Context (B9177, logging from headers): a verwerkingsactie logged
-- in a request with a traceparent header joins the caller's trace, so a
-- provider's actions are found under the consumer's traceId.
CREATE FUNCTION _traceparent() RETURNS trigger
    AS 'MODULE_PATHNAME', 'vwl_traceparent'
    LANGUAGE C;
COMMENT ON FUNCTION _traceparent() IS
  'Trigger: the first version of an action logged with a valid traceparent in request.headers gets its trace-id as trace_id and its parent-id as parent_span_id';
CREATE TRIGGER verwerkingsactie_versie_traceparent
    BEFORE INSERT ON verwerkingsactie_versie
    FOR EACH ROW EXECUTE FUNCTION _traceparent();
REVOKE ALL ON FUNCTION _traceparent() FROM PUBLIC;

-- For the export (87_export): the LDV fields of a version whose LDV columns
-- are set, so a migration keeps what a verwerkingsactie document cannot
-- say ({} for a plain verwerkingsactie).  The subject is the document's
-- verwerkt object; nothing here needs decrypting.
CREATE FUNCTION _ldv_export(v verwerkingsactie_versie) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE WHEN v.span_id IS NULL AND v.trace_id IS NULL AND v.parent_span_id IS NULL THEN '{}'::jsonb
           ELSE pg_catalog.jsonb_build_object('ldv', pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
                    'trace_id', pg_catalog.replace(coalesce(v.trace_id, v.verwerking_id, v.actie_id)::text, '-', ''),
                    'span_id', pg_catalog.encode(v.span_id, 'hex'),
                    'parent_span_id', pg_catalog.encode(v.parent_span_id, 'hex'),
                    'status', v.status,
                    'end_time', verwerkingenlog._ms(v.eind_tijdstip),
                    'eind_tijdstip', v.eind_tijdstip::text,
                    'resource', v.resource,
                    'attributes', v.attributen))) END
$$;
COMMENT ON FUNCTION _ldv_export(verwerkingsactie_versie) IS
  'Internal: {"ldv": {trace_id, span_id, parent_span_id, status, end_time, eind_tijdstip, resource, attributes}} for a version with LDV columns (for the export), else {}';
REVOKE ALL ON FUNCTION _ldv_export(verwerkingsactie_versie) FROM PUBLIC;

-- verwerkingenlog 1.0.1 -> 1.1.
-- Each part below belongs to one line of work; keep changes inside its part.
\echo Use "ALTER EXTENSION verwerkingenlog UPDATE TO '1.1'" to load this file. \quit

-- ---------------------------------------------------------------------------
-- Part 1: the Merkle tree's storage, bulk sealing and proofs (issue 12).
-- ---------------------------------------------------------------------------


-- ---------------------------------------------------------------------------
-- Part 2: interoperability of checkpoints and proofs; purge beside
-- re-encryption (issue 12).
-- ---------------------------------------------------------------------------


-- ---------------------------------------------------------------------------
-- Part 3: the write path's speed (issue 15).
-- ---------------------------------------------------------------------------


-- ---------------------------------------------------------------------------
-- Part 4: the read path's speed: inzage and lists (issue 15).
-- ---------------------------------------------------------------------------

-- The record of an inzage in C (src/inzage.c): the same checks, names and
-- messages, the validator run once.
CREATE OR REPLACE FUNCTION _inzage_input(objecttype text, soort_object_id text, object_id text) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'vwl_inzage_input'
    LANGUAGE C STABLE COST 100;

-- The inzage's page and verwerkte_objecten in C (src/inzage.c): a cursor
-- over _matches that selects plain columns, the documents built from them,
-- and the record sent to the record writer once the cursor's snapshot is
-- taken, so that the worker commits it while the documents are built (no
-- row is returned before it has).  Signatures, results and errors as before.
CREATE OR REPLACE FUNCTION _verwerkte_objecten_page(objecttype text, soort_object_id text, object_id text,
                                           begin_datum date, eind_datum date,
                                           verwerkingsactiviteit_id uuid,
                                           na_tijdstip timestamptz, na_actie_id uuid, na_volgorde smallint,
                                           terug boolean, aantal integer)
    RETURNS TABLE (document jsonb, tijdstip timestamptz, actie_id uuid, volgorde smallint)
    AS 'MODULE_PATHNAME', 'vwl_verwerkte_objecten_page'
    LANGUAGE C VOLATILE COST 100;

CREATE OR REPLACE FUNCTION verwerkte_objecten(objecttype text, soort_object_id text, object_id text,
                                   begin_datum date, eind_datum date,
                                   verwerkingsactiviteit_id uuid DEFAULT NULL)
    RETURNS SETOF jsonb
    AS 'MODULE_PATHNAME', 'vwl_verwerkte_objecten'
    LANGUAGE C VOLATILE SECURITY DEFINER COST 100
    SET search_path = pg_catalog, pg_temp;
-- (CREATE OR REPLACE sets the function's settings anew: those of 92_no_leaks
-- again, in its order.)
ALTER FUNCTION verwerkte_objecten(text, text, text, date, date, uuid) SET log_min_error_statement = panic;
ALTER FUNCTION verwerkte_objecten(text, text, text, date, date, uuid) SET work_mem = '256MB';
ALTER FUNCTION verwerkte_objecten(text, text, text, date, date, uuid) SET temp_file_limit = 0;

-- The rows of a list page in C (src/list.c): one cursor, each row of
-- _matches joined with the objects of its action about that object, the
-- documents built from plain columns; _verwerkingsacties_page calls it after
-- its checks (its lines, which its errors name, unchanged).
CREATE FUNCTION _verwerkingsacties_rows(soort_object_id text, pseudoniem bytea, objecttype text,
                                         van timestamptz, tot timestamptz,
                                         zichtbaar vertrouwelijkheid[], activiteit uuid,
                                         na_tijdstip timestamptz, na_actie_id uuid, terug boolean,
                                         aantal integer)
    RETURNS TABLE (document jsonb, tijdstip timestamptz, actie_id uuid)
    AS 'MODULE_PATHNAME', 'vwl_verwerkingsacties_rows'
    LANGUAGE C STABLE COST 100;
COMMENT ON FUNCTION _verwerkingsacties_rows(text, bytea, text, timestamptz, timestamptz, vertrouwelijkheid[], uuid, timestamptz, uuid, boolean, integer) IS
  'The rows of one keyset page of GET /verwerkingsacties (documents with the objects about that object, and their sort keys), for _verwerkingsacties_page after its checks';
REVOKE ALL ON FUNCTION _verwerkingsacties_rows(text, bytea, text, timestamptz, timestamptz, vertrouwelijkheid[], uuid, timestamptz, uuid, boolean, integer) FROM PUBLIC;

CREATE OR REPLACE FUNCTION _verwerkingsacties_page(objecttype text, soort_object_id text, object_id text,
                                          begin_datum date, eind_datum date,
                                          vertrouwelijkheid text[], verwerkingsactiviteit_id uuid,
                                          na_tijdstip timestamptz, na_actie_id uuid, terug boolean,
                                          aantal integer)
    RETURNS TABLE (document jsonb, tijdstip timestamptz, actie_id uuid)
    LANGUAGE plpgsql STABLE
AS $$
DECLARE
    gevraagd verwerkingenlog.vertrouwelijkheid[];
    zichtbaar verwerkingenlog.vertrouwelijkheid[];
    pseudoniem bytea;
    van timestamptz := verwerkingenlog._date_instant(begin_datum);
    tot timestamptz := verwerkingenlog._date_instant(eind_datum);
    rijen refcursor;
    r record;
    vorige uuid;
    gezien integer := 0;
BEGIN
    IF objecttype IS NULL OR soort_object_id IS NULL OR object_id IS NULL THEN
        RAISE EXCEPTION 'objecttype, soortObjectId and objectId are required'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    BEGIN
        gevraagd := (SELECT array_agg(lower(n)::verwerkingenlog.vertrouwelijkheid) FROM unnest(vertrouwelijkheid) n);
    EXCEPTION WHEN invalid_text_representation THEN
        RAISE EXCEPTION 'invalid vertrouwelijkheid: %', regexp_replace(array_to_string(vertrouwelijkheid, ','), '[0-9]', '#', 'g')
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'vertrouwelijkheid: must be one of normaal, vertrouwelijk, opgeheven (invalid_choice)';
    END;
    zichtbaar := verwerkingenlog._readable('lijst', verwerkingenlog._scopes(), gevraagd);
    pseudoniem := verwerkingenlog._pseudoniem(soort_object_id, object_id);

    -- The person index row by row in the list's order (backward from the
    -- key, or forward for the page before it), one probe of the current
    -- version per row, until the page is full: in C (src/list.c), one
    -- cursor with a fast-start plan, each row of _matches joined with the
    -- objects of its action about that object, the documents built from
    -- the plain columns.  (rijen, r, vorige and gezien above are unused
    -- since; they stay, so that the lines of this function, which its
    -- errors name, stay where they were.)
    RETURN QUERY
    SELECT * FROM verwerkingenlog._verwerkingsacties_rows(soort_object_id, pseudoniem, lower(objecttype), van, tot,
                                                          zichtbaar, verwerkingsactiviteit_id, na_tijdstip, na_actie_id,
                                                          terug, aantal);
END
$$;

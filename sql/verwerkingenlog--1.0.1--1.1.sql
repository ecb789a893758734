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


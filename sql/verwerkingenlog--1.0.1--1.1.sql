-- verwerkingenlog 1.0.1 -> 1.1.
-- Each part below belongs to one line of work; keep changes inside its part.
\echo Use "ALTER EXTENSION verwerkingenlog UPDATE TO '1.1'" to load this file. \quit

-- ---------------------------------------------------------------------------
-- Part 1: the Merkle tree's storage, bulk sealing and proofs (issue 12).
-- ---------------------------------------------------------------------------

-- verzegel()'s bulk path in C (src/seal_append.c): the leaves of each table
-- are encoded, hashed and written by _seal_append, the inner nodes by
-- _seal_nodes; the proofs read the stored tree with index range scans
-- (src/merkle.c, no SQL), and a leaf's part of bewijs_opname is C.  The stored tree (seal_leaf, seal_node) keeps its
-- form: nothing to migrate.
CREATE FUNCTION _seal_append(tabel smallint, selectie text, eerste bigint) RETURNS bigint
    AS 'MODULE_PATHNAME', 'vwl_seal_append'
    LANGUAGE C VOLATILE STRICT;
COMMENT ON FUNCTION _seal_append(smallint, text, bigint) IS
  'Internal (verzegel()): runs the selection of new leaves of table code tabel (columns u, n, vorige, rij, in tree order), writes each row''s leaf from tree index eerste on (its canonical encoding hashed, src/seal_append.c) and marks the leaves they supersede; returns how many';

CREATE FUNCTION _seal_nodes(oud bigint, nieuw bigint) RETURNS void
    AS 'MODULE_PATHNAME', 'vwl_seal_nodes'
    LANGUAGE C VOLATILE STRICT;
COMMENT ON FUNCTION _seal_nodes(bigint, bigint) IS
  'Internal (verzegel()): after the tree grew from oud to nieuw leaves, stores every inner node of levels 4, 8, 12, ... whose subtree became complete (src/seal_append.c)';

REVOKE ALL ON FUNCTION _seal_append(smallint, text, bigint), _seal_nodes(bigint, bigint) FROM PUBLIC;

CREATE OR REPLACE FUNCTION verzegel() RETURNS bigint
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    SET work_mem = '64MB'
    SET TimeZone = 'UTC'
    SET DateStyle = 'ISO, YMD'
    SET IntervalStyle = 'postgres'
    SET extra_float_digits = 3
AS $$
DECLARE
    oud bigint;
    nieuw bigint;
    t verwerkingenlog.seal_table;
    aantal bigint;
    wortel bytea;
BEGIN
    PERFORM verwerkingenlog._require_beheer('seal the log');
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'the log can only be sealed at isolation level READ COMMITTED'
            USING ERRCODE = 'invalid_transaction_state',
                  DETAIL = 'verzegel() reads the tree after it has waited for the previous run, which needs a new snapshot.';
    END IF;
    -- One run at a time, and none while a purge destroys rows (its trigger
    -- holds ROW EXCLUSIVE); readers of the checkpoints are not blocked.
    -- Logging never takes this lock.
    LOCK TABLE verwerkingenlog.verzegel_controlepunt IN EXCLUSIVE MODE;
    SELECT coalesce(max(blad) + 1, 0) INTO oud FROM verwerkingenlog.seal_leaf;
    nieuw := oud;

    FOR t IN SELECT * FROM verwerkingenlog.seal_table ORDER BY code LOOP
        -- Take this table's committed queue entries; one entry per key (a
        -- row inserted and re-encrypted before it was sealed is sealed
        -- once, as inserted).  A new row (I) gets its first leaf, a
        -- re-encrypted one (U) a leaf that supersedes its current one;
        -- a key that does not fit (I of a row already sealed, U of one that
        -- never was, a row already destroyed) gets nothing, so the verifier
        -- judges it.  _seal_append numbers the rows from nieuw on in the
        -- order of the selection, writes their leaves and marks the leaves
        -- they supersede.
        aantal := verwerkingenlog._seal_append(t.code, format(
           'WITH w AS (DELETE FROM verwerkingenlog.seal_queue q WHERE q.tabel = %1$s
                       RETURNING q.soort, q.u, q.n),
                 k AS (SELECT DISTINCT ON (u, n) soort, u, n FROM w ORDER BY u, n, soort),
                 r AS (SELECT k.u, k.n, v.blad AS vorige, rij
                         FROM k
                         JOIN %2$s rij ON %3$s
                         LEFT JOIN LATERAL (SELECT x.blad, x.vervangen_door, x.vernietigd_in
                                              FROM verwerkingenlog.seal_leaf x
                                             WHERE x.tabel = %1$s AND x.u = k.u AND x.n = k.n
                                             ORDER BY x.blad DESC LIMIT 1) v ON true
                        WHERE (k.soort = ''I'' AND v.blad IS NULL)
                           OR (k.soort = ''U'' AND v.vervangen_door IS NULL AND v.vernietigd_in IS NULL
                               AND v.blad IS NOT NULL))
            SELECT r.u, r.n, r.vorige, r.rij FROM r ORDER BY r.u, r.n',
           t.code, t.tabel, verwerkingenlog._seal_join(t, 'rij', 'k')), nieuw);
        nieuw := nieuw + aantal;
    END LOOP;

    IF nieuw = oud AND EXISTS (SELECT FROM verwerkingenlog.verzegel_controlepunt) THEN
        RETURN nieuw;
    END IF;

    -- The inner nodes that are complete now: level 4 from the leaves, each
    -- higher level (+4) from the one below.
    PERFORM verwerkingenlog._seal_nodes(oud, nieuw);

    wortel := verwerkingenlog._tree_root(nieuw);
    INSERT INTO verwerkingenlog.seal_log (id)
    SELECT pg_catalog.gen_random_uuid() WHERE NOT EXISTS (SELECT FROM verwerkingenlog.seal_log);
    INSERT INTO verwerkingenlog.verzegel_controlepunt (grootte, wortel, gemaakt, tekst)
    VALUES (nieuw, wortel, clock_timestamp(),
            verwerkingenlog._sign(nieuw, wortel, (SELECT id FROM verwerkingenlog.seal_log)));
    RETURN nieuw;
END
$$;
-- as every SECURITY DEFINER function (92_no_leaks.sql); CREATE OR REPLACE reset it
ALTER FUNCTION verzegel() SET log_min_error_statement = panic;

CREATE OR REPLACE FUNCTION _seal_leaf_proof(b seal_leaf, grootte bigint) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'vwl_seal_leaf_proof'
    LANGUAGE C STABLE STRICT;
COMMENT ON FUNCTION _seal_leaf_proof(seal_leaf, bigint) IS
  'Internal: one leaf''s part of bewijs_opname: table, tree index, leaf hash and its inclusion proof in the tree of size grootte (C, src/merkle.c)';



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

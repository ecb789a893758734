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


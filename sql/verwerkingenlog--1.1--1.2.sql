-- verwerkingenlog 1.1 -> 1.2.
-- Each part below belongs to one line of work; keep changes inside its part.
\echo Use "ALTER EXTENSION verwerkingenlog UPDATE TO '1.2'" to load this file. \quit

-- ---------------------------------------------------------------------------
-- Part 1: the tree's leaves packed in blocks (issue 12).
-- ---------------------------------------------------------------------------

-- The leaves, packed (1.2, src/seal_blok.c): one row per block of up to
-- 128 consecutive leaves of one table, in tree order.  A leaf's hash is not
-- stored while its row is there: it is the hash of the row's canonical
-- encoding, and the block keeps its first 4 bytes (vinger) to check it.  A
-- block is cut when the table changes, at 128 leaves, when the key is not
-- larger than the previous one, and when its sort value jumps (by more
-- than 2^16 * 10000 for a uuid key, about 10 s of uuidv7 time; by more than
-- 1000 for a number key), so that the blocks' ranges of sort values stay
-- narrow and the range index finds the block of a key among a few.
CREATE TABLE seal_blok (
    eerste    bigint NOT NULL,
    aantal    integer NOT NULL,
    tabel     smallint NOT NULL,
    laag      bigint NOT NULL,
    hoog      bigint NOT NULL,
    sleutels  bytea NOT NULL,
    vingers   bytea NOT NULL,
    vorige    bytea,
    CONSTRAINT seal_blok_pkey PRIMARY KEY (eerste)
);
-- a block fits a page: no TOAST, no compression attempt
ALTER TABLE seal_blok ALTER sleutels SET STORAGE PLAIN, ALTER vingers SET STORAGE PLAIN,
    ALTER vorige SET STORAGE PLAIN;
CREATE INDEX seal_blok_bereik ON seal_blok USING gist (int8range(laag, hoog, '[]'));
COMMENT ON TABLE seal_blok IS
  'The leaves of the Merkle tree, in tree order, packed: one row per block of up to 128 consecutive leaves of one table, with their keys and the first 4 bytes of their leaf hashes (README "Tamper evidence")';
COMMENT ON COLUMN seal_blok.eerste IS 'Tree index of the block''s first leaf; its leaves are eerste .. eerste + aantal - 1';
COMMENT ON COLUMN seal_blok.aantal IS 'How many leaves the block holds (1 to 128)';
COMMENT ON COLUMN seal_blok.tabel IS 'The table of every leaf of the block (seal_table.code)';
COMMENT ON COLUMN seal_blok.laag IS 'Sort value of the block''s first key: for a table with a uuid key the uuid''s first 8 bytes big-endian minus 2^63, else the number';
COMMENT ON COLUMN seal_blok.hoog IS 'Sort value of the block''s last key';
COMMENT ON COLUMN seal_blok.sleutels IS 'The keys (u, n) of the leaves, strictly increasing: per leaf, for a uuid key a byte p (leading bytes equal to the previous leaf''s uuid) and the 16 - p other bytes, for a number key an unsigned LEB128 varint';
COMMENT ON COLUMN seal_blok.vingers IS 'Per leaf the first 4 bytes of its leaf hash';
COMMENT ON COLUMN seal_blok.vorige IS 'NULL when no leaf of the block supersedes another; else per leaf 8 bytes, big-endian signed: the leaf it supersedes (re-encryption), -1 for none';

-- The full hash of every leaf whose row no longer has those bytes: destroyed
-- by the purge, or superseded by re-encryption.  Captured from the old row
-- (transition table) before it goes.
CREATE TABLE seal_leaf_hash (
    blad             bigint NOT NULL,
    hash             bytea NOT NULL,
    vervangen_door   bigint,
    vernietigd_in    xid8,
    vernietigd_door  bigint,
    CONSTRAINT seal_leaf_hash_pkey PRIMARY KEY (blad),
    CONSTRAINT hash_lengte CHECK (pg_catalog.length(hash) = 32)
);
CREATE INDEX seal_leaf_hash_vernietiging ON seal_leaf_hash (vernietigd_in)
    WHERE vernietigd_in IS NOT NULL AND vernietigd_door IS NULL;
COMMENT ON TABLE seal_leaf_hash IS
  'The leaf hash SHA-256(0x00 || canonical encoding) of every leaf whose row no longer has those bytes (destroyed by the purge, or superseded by a re-encryption), captured from the old row';
COMMENT ON COLUMN seal_leaf_hash.blad IS 'Tree index of the leaf';
COMMENT ON COLUMN seal_leaf_hash.hash IS 'Its leaf hash, 32 bytes';
COMMENT ON COLUMN seal_leaf_hash.vervangen_door IS 'The leaf that supersedes this one (the row was re-encrypted), else NULL';
COMMENT ON COLUMN seal_leaf_hash.vernietigd_in IS 'The transaction that destroyed the row (retention purge)';
COMMENT ON COLUMN seal_leaf_hash.vernietigd_door IS 'The purge run (vernietiging_run.id, vernietiging_journaal.run) that destroyed the row';

REVOKE ALL ON seal_blok, seal_leaf_hash FROM PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('seal_blok', '');
SELECT pg_catalog.pg_extension_config_dump('seal_leaf_hash', '');

-- The leaves move from seal_leaf into seal_blok (Part 3 migrates the rows
-- and drops seal_leaf): sealing, lookups and proofs over the blocks.
COMMENT ON COLUMN seal_table.code IS 'The table''s number in seal_queue and seal_blok; also the order of tables within a checkpoint';

COMMENT ON FUNCTION _seal_append(smallint, text, bigint) IS
  'Internal (verzegel()): runs the selection of queued rows of table code tabel (columns soort, u, n, rij, sorted by u, n) and appends a leaf from tree index eerste on for each row inserted whose key has none and each row re-encrypted whose last leaf is present (superseding it), packed in seal_blok, with the level-4 nodes that became complete (src/seal_append.c); returns how many';

COMMENT ON FUNCTION _seal_nodes(bigint, bigint) IS
  'Internal (verzegel()): after the tree grew from oud to nieuw leaves, stores every inner node of levels 8, 12, ... whose subtree became complete, each from the level below (level 4 _seal_append wrote; src/seal_append.c)';

CREATE FUNCTION _seal_leaves(tabel smallint)
    RETURNS TABLE (blad bigint, u uuid, n bigint, vorige bigint, vinger bytea)
    AS 'MODULE_PATHNAME', 'vwl_seal_leaves'
    LANGUAGE C STABLE STRICT;
COMMENT ON FUNCTION _seal_leaves(smallint) IS
  'Internal: every leaf of the table with code tabel in tree order, decoded from the blocks: tree index, key (u zero, n 0 for a part the key lacks), the leaf it supersedes (NULL: none) and the first 4 bytes of its leaf hash (src/seal_blok.c)';

CREATE FUNCTION _seal_leaf_of(tabel smallint, u uuid, n bigint, OUT blad bigint, OUT vorige bigint)
    AS 'MODULE_PATHNAME', 'vwl_seal_leaf_of'
    LANGUAGE C STABLE STRICT;
COMMENT ON FUNCTION _seal_leaf_of(smallint, uuid, bigint) IS
  'Internal: the last leaf of the key (u, n) of the table with code tabel and the leaf it supersedes, unless it is superseded itself; NULL, NULL when there is none (src/seal_blok.c)';

-- verzegel(): the tree's end from the last block, the queued rows with their
-- keys (the dedupe is _seal_append's, over the blocks).
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
    -- the end of the last block
    oud := coalesce((SELECT b.eerste + b.aantal FROM verwerkingenlog.seal_blok b
                      ORDER BY b.eerste DESC LIMIT 1), 0);
    nieuw := oud;

    FOR t IN SELECT * FROM verwerkingenlog.seal_table ORDER BY code LOOP
        -- Take this table's committed queue entries; one entry per key (a
        -- row inserted and re-encrypted before it was sealed is sealed
        -- once, as inserted), with its row, in key order.  _seal_append
        -- looks up the keys' last leaves: a new row (I) gets its first
        -- leaf, a re-encrypted one (U) a leaf that supersedes its current
        -- one; a key that does not fit (I of a row already sealed, U of one
        -- that never was, a row already destroyed) gets nothing, so the
        -- verifier judges it.  It numbers the leaves from nieuw on, writes
        -- them and marks the leaves they supersede.
        aantal := verwerkingenlog._seal_append(t.code, format(
           'WITH w AS (DELETE FROM verwerkingenlog.seal_queue q WHERE q.tabel = %1$s
                       RETURNING q.soort, q.u, q.n),
                 k AS (SELECT DISTINCT ON (u, n) soort, u, n FROM w ORDER BY u, n, soort)
            SELECT k.soort, k.u, k.n, rij FROM k JOIN %2$s rij ON %3$s ORDER BY k.u, k.n',
           t.code, t.tabel, verwerkingenlog._seal_join(t, 'rij', 'k')), nieuw);
        nieuw := nieuw + aantal;
    END LOOP;

    IF nieuw = oud AND EXISTS (SELECT FROM verwerkingenlog.verzegel_controlepunt) THEN
        RETURN nieuw;
    END IF;

    -- The inner nodes that are complete now: level 4 _seal_append wrote,
    -- each higher level (+4) from the one below.
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
COMMENT ON FUNCTION verzegel() IS
  'Appends every row committed since the last checkpoint to the Merkle tree (in the order table, key) and stores a signed checkpoint; returns the tree size.  Rows of transactions still in progress go into a later checkpoint.  Scope beheer; schedule it with pg_cron';

-- (as 92_no_leaks.sql does for every SECURITY DEFINER function)
ALTER FUNCTION verzegel() SET log_min_error_statement = panic;

DROP FUNCTION _seal_leaf_proof(seal_leaf, bigint);
CREATE FUNCTION _seal_leaf_proof(blad bigint, grootte bigint) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'vwl_seal_leaf_proof'
    LANGUAGE C STABLE STRICT;
COMMENT ON FUNCTION _seal_leaf_proof(bigint, bigint) IS
  'Internal: one leaf''s part of bewijs_opname: table, tree index, leaf hash (stored, or recomputed from the row and checked against its block) and its inclusion proof in the tree of size grootte (C, src/merkle.c)';

REVOKE ALL ON FUNCTION _seal_leaves(smallint), _seal_leaf_of(smallint, uuid, bigint),
    _seal_leaf_proof(bigint, bigint) FROM PUBLIC;

-- ---------------------------------------------------------------------------
-- Part 2: export, verifier and proofs over the packed leaves (issue 12).
-- ---------------------------------------------------------------------------

-- The export, bewijs_opname and opname_verwijzing read the leaves from the
-- blocks (_seal_leaves, _seal_leaf_of, _seal_leaf_proof(blad, grootte) of
-- Part 1): the same functions as in the install script (88_sealing.sql),
-- in full, with their SET clauses.  The export's hash column of a present
-- leaf is its vinger (export format version 2, README "Tamper evidence").
CREATE OR REPLACE FUNCTION verificatie_export()
    RETURNS TABLE (soort text, positie bigint, tabel text, sleutel text, status text,
                   inhoud text, hash text, verwijzing bigint)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    SET TimeZone = 'UTC'
    SET DateStyle = 'ISO, YMD'
    SET IntervalStyle = 'postgres'
    SET extra_float_digits = 3
AS $$
DECLARE
    t verwerkingenlog.seal_table;
    delen text[] := '{}';
    los text[] := '{}';
BEGIN
    PERFORM verwerkingenlog._require_beheer('export the log for verification');
    FOR t IN SELECT * FROM verwerkingenlog.seal_table ORDER BY code LOOP
        -- The leaves decoded from the blocks; a present one (not superseded
        -- nor destroyed) has its vinger as hash, the others their stored
        -- full hash (seal_leaf_hash).
        delen := delen || format(
           'SELECT ''blad''::text, b.blad, %1$L::text, verwerkingenlog._seal_key_text(%2$L, b.u, b.n),
                   CASE WHEN h.vervangen_door IS NOT NULL THEN ''vervangen''
                        WHEN NOT (rij IS NULL) THEN ''aanwezig''
                        WHEN h.vernietigd_in IS NOT NULL THEN ''vernietigd''
                        ELSE ''ontbreekt'' END,
                   CASE WHEN h.vervangen_door IS NULL AND NOT (rij IS NULL)
                        THEN pg_catalog.encode(verwerkingenlog._canonical(rij, b.blad, b.vorige), ''hex'') END,
                   pg_catalog.encode(CASE WHEN h.vervangen_door IS NULL AND h.vernietigd_in IS NULL
                                          THEN b.vinger ELSE h.hash END, ''hex''),
                   CASE WHEN h.vervangen_door IS NOT NULL THEN h.vervangen_door
                        WHEN rij IS NULL THEN h.vernietigd_door END
              FROM verwerkingenlog._seal_leaves(%5$s::smallint) b
              LEFT JOIN verwerkingenlog.seal_leaf_hash h ON h.blad = b.blad
              LEFT JOIN %3$s rij ON %4$s',
           (SELECT c.relname FROM pg_catalog.pg_class c WHERE c.oid = t.tabel), t, t.tabel,
           verwerkingenlog._seal_join(t, 'rij', 'b'),
           t.code);
        los := los || format(
           'SELECT ''ongezegeld''::text, NULL::bigint, %1$L::text,
                   verwerkingenlog._seal_key_text(%2$L, k.u, k.n),
                   CASE WHEN EXISTS (SELECT FROM verwerkingenlog.seal_queue q
                                      WHERE q.tabel = %5$s AND q.u = k.u AND q.n = k.n)
                        THEN ''wachtrij'' ELSE ''onbekend'' END,
                   pg_catalog.encode(verwerkingenlog._canonical(rij, NULL, NULL), ''hex''), NULL::text, NULL::bigint
              FROM %3$s rij CROSS JOIN LATERAL (SELECT %4$s) k(u, n)
             WHERE NOT EXISTS (SELECT FROM verwerkingenlog._seal_leaves(%5$s::smallint) x
                                WHERE x.u = k.u AND x.n = k.n)',
           (SELECT c.relname FROM pg_catalog.pg_class c WHERE c.oid = t.tabel), t, t.tabel,
           verwerkingenlog._seal_key(t, 'rij'), t.code);
    END LOOP;
    RETURN QUERY EXECUTE
        'SELECT * FROM (' || array_to_string(delen, ' UNION ALL ') || ') x ORDER BY 2';
    RETURN QUERY
        SELECT 'controlepunt'::text, c.grootte, NULL::text, NULL::text, NULL::text,
               pg_catalog.encode(pg_catalog.convert_to(c.tekst, 'UTF8'), 'hex'),
               pg_catalog.encode(c.wortel, 'hex'), NULL::bigint
          FROM verwerkingenlog.verzegel_controlepunt c
         ORDER BY c.grootte;
    RETURN QUERY EXECUTE
        'SELECT * FROM (' || array_to_string(los, ' UNION ALL ') || ') x ORDER BY 3, 4';
END
$$;
COMMENT ON FUNCTION verificatie_export() IS
  'Everything the offline verifier verwerkingenlog-verifieer needs, for COPY ... TO: one line per leaf in tree order (the canonical encoding of its row and its vinger, or its stored hash and why the row is gone), then every checkpoint, then the rows that no leaf covers (README "Tamper evidence", export format version 2).  Scope beheer';

CREATE OR REPLACE FUNCTION bewijs_opname(actie_id uuid, volgnummer integer) RETURNS jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    SET TimeZone = 'UTC'
    SET DateStyle = 'ISO, YMD'
    SET IntervalStyle = 'postgres'
    SET extra_float_digits = 3
AS $$
DECLARE
    c verwerkingenlog.verzegel_controlepunt;
    v record;
    rij verwerkingenlog.verwerkingsactie_versie;
    objecten jsonb;
BEGIN
    PERFORM verwerkingenlog._require_beheer('read inclusion proofs');
    IF actie_id IS NULL OR volgnummer IS NULL THEN
        RAISE EXCEPTION 'actie_id and volgnummer must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    SELECT * INTO c FROM verwerkingenlog.verzegel_controlepunt ORDER BY grootte DESC LIMIT 1;
    SELECT * INTO v FROM verwerkingenlog._seal_leaf_of(1::smallint, bewijs_opname.actie_id, bewijs_opname.volgnummer::bigint);
    IF c.grootte IS NULL OR v.blad IS NULL OR v.blad >= c.grootte THEN
        RETURN NULL;
    END IF;
    SELECT * INTO rij FROM verwerkingenlog.verwerkingsactie_versie x
     WHERE x.actie_id = bewijs_opname.actie_id AND x.volgnummer = bewijs_opname.volgnummer;
    SELECT coalesce(jsonb_agg(verwerkingenlog._seal_leaf_proof(ob.blad, c.grootte)
                              || jsonb_build_object('verwerktObjectId', o.verwerkt_object_id,
                                                    'inhoud', pg_catalog.encode(verwerkingenlog._canonical(o, ob.blad, ob.vorige), 'hex'))
                              ORDER BY o.volgorde), '[]')
      INTO objecten
      FROM verwerkingenlog.verwerkt_object o
     CROSS JOIN LATERAL verwerkingenlog._seal_leaf_of(2::smallint, o.verwerkt_object_id, 0::bigint) ob
     WHERE o.actie_id = bewijs_opname.actie_id AND o.volgnummer = rij.objecten_volgnummer
       AND ob.blad < c.grootte;
    RETURN jsonb_build_object(
        'actieId', actie_id,
        'volgnummer', volgnummer,
        'controlepunt', c.tekst,
        'boomgrootte', c.grootte,
        'wortel', pg_catalog.encode(c.wortel, 'base64'),
        'versie', verwerkingenlog._seal_leaf_proof(v.blad, c.grootte)
                  || jsonb_build_object('inhoud', CASE WHEN rij.actie_id IS NOT NULL
                                                       THEN pg_catalog.encode(verwerkingenlog._canonical(rij, v.blad, v.vorige), 'hex') END),
        'objecten', objecten);
END
$$;
COMMENT ON FUNCTION bewijs_opname(uuid, integer) IS
  'The inclusion proof (RFC 9162) of a version and of its verwerkte objecten against the latest checkpoint, as JSON (README "Tamper evidence"); NULL when the version is not in a checkpoint yet.  Scope beheer';

CREATE OR REPLACE FUNCTION opname_verwijzing(verwerkt_object_id uuid) RETURNS jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    b record;
    c verwerkingenlog.verzegel_controlepunt;
    p jsonb;
BEGIN
    SELECT * INTO b FROM verwerkingenlog._seal_leaf_of(2::smallint, opname_verwijzing.verwerkt_object_id, 0::bigint);
    SELECT * INTO c FROM verwerkingenlog.verzegel_controlepunt ORDER BY grootte DESC LIMIT 1;
    IF b.blad IS NULL OR c.grootte IS NULL OR b.blad >= c.grootte THEN
        RETURN NULL;
    END IF;
    -- the leaf hash (stored, or recomputed from the row and checked against
    -- its vinger) and the path
    p := verwerkingenlog._seal_leaf_proof(b.blad, c.grootte);
    RETURN jsonb_build_object(
        'verwerktObjectId', verwerkt_object_id,
        'blad', b.blad,
        'hash', p->'hash',
        'boomgrootte', c.grootte,
        'controlepunt', c.tekst,
        'pad', p->'pad',
        'bewijs', 'verwerkingenlog.bewijs_opname(actie_id, volgnummer), scope beheer, gives the leaf''s bytes too');
END
$$;
COMMENT ON FUNCTION opname_verwijzing(uuid) IS
  'For a result of an inzage: the tree index of the verwerkt object''s leaf, its hash, the latest checkpoint and the inclusion proof (hashes only, README "Tamper evidence"); NULL when not in a checkpoint yet.  For every scope role';
-- CREATE OR REPLACE set the SET clauses anew: the one 92_no_leaks.sql gives
-- every SECURITY DEFINER function again.
ALTER FUNCTION verificatie_export() SET log_min_error_statement = panic;
ALTER FUNCTION bewijs_opname(uuid, integer) SET log_min_error_statement = panic;
ALTER FUNCTION opname_verwijzing(uuid) SET log_min_error_statement = panic;

-- ---------------------------------------------------------------------------
-- Part 3: the captures of the purge and of re-encryption, and the migration
-- of the 1.1 tree into blocks (issue 12).
-- ---------------------------------------------------------------------------

-- The purge's capture in C (src/seal_capture.c): the full hash of a
-- destroyed row's leaf, from the old row, into seal_leaf_hash.
CREATE OR REPLACE FUNCTION _seal_vernietigd() RETURNS trigger
    AS 'MODULE_PATHNAME', 'vwl_seal_vernietigd'
    LANGUAGE C SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION _seal_vernietigd() IS
  'Trigger (AFTER DELETE FOR EACH STATEMENT, REFERENCING OLD TABLE AS oud; argument code): after the tree''s lock, stores the full leaf hash of every destroyed row''s leaf in seal_leaf_hash with the destroying transaction; a row that differs from its leaf is refused (data_corrupted)';

CREATE OR REPLACE FUNCTION _seal_journaal() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    UPDATE verwerkingenlog.seal_leaf_hash SET vernietigd_door = NEW.run
     WHERE vernietigd_in = pg_current_xact_id() AND vernietigd_door IS NULL;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION _seal_journaal() IS
  'Trigger (AFTER INSERT ON vernietiging_batch, written in the transaction of the batch''s DELETEs): records which purge run destroyed the rows whose leaf hashes this transaction kept';

-- The leaves of the 1.1 tree (seal_leaf, one row per leaf), packed into
-- blocks in tree order by the block writer of verzegel() (so the migrated
-- tree is stored as one sealed fresh); the superseded and destroyed
-- leaves keep their full hash in seal_leaf_hash.  Then seal_leaf goes.
CREATE FUNCTION _seal_migrate() RETURNS bigint
    AS 'MODULE_PATHNAME', 'vwl_seal_migrate'
    LANGUAGE C VOLATILE STRICT;
SELECT _seal_migrate();
DROP FUNCTION _seal_migrate();
-- (out of the extension first: DROP TABLE alone would leave its OID in
-- pg_extension.extconfig, where pg_extension_config_dump put it)
ALTER EXTENSION verwerkingenlog DROP TABLE seal_leaf;
DROP TABLE seal_leaf;

-- Last, as 92_no_leaks.sql is last in the install script: every SECURITY
-- DEFINER function runs with log_min_error_statement = panic, the ones this
-- update created or replaced (CREATE OR REPLACE resets a function's SET
-- clauses) too; the same statement as there (ALTER FUNCTION ... SET of a
-- setting a function has already changes nothing).
DO $$
DECLARE
    f regprocedure;
BEGIN
    FOR f IN SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p
              WHERE p.pronamespace IN ('verwerkingenlog'::regnamespace, 'verwerkingenlog_api'::regnamespace)
                AND p.prosecdef AND p.prokind = 'f'
    LOOP
        EXECUTE pg_catalog.format('ALTER FUNCTION %s SET log_min_error_statement = panic', f);
    END LOOP;
END
$$;

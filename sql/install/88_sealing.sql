-- Tamper evidence: one Merkle tree (RFC 9162) over everything the log
-- stores, signed checkpoints (C2SP signed-note / tlog-checkpoint, Ed25519),
-- proofs, and an export for the offline verifier verwerkingenlog-verifieer
-- (src/verifieer/).  C parts: src/merkle.c (hashing, canonical encoding,
-- proofs), src/seal.c (signing key, checkpoint note, queue trigger).
--
-- How a row gets into the tree:
--   1. an AFTER ... FOR EACH STATEMENT trigger on every sealed table
--      (_seal_register, C) puts the key of every new row into
--      seal_queue, in the inserting transaction (the log's writer does
--      that work itself for its own rows: src/seal_queue.c);
--   2. verzegel() takes, with one DELETE ... RETURNING, every queue entry
--      that is committed (visible to its snapshot); entries of transactions
--      still in progress are invisible to it and stay for a later run, so no
--      row is ever skipped, and a crash rolls the whole run back;
--   3. it appends the rows as leaves in a deterministic order (table, then
--      key), stores the new inner nodes and a signed checkpoint.
-- The tables that are sealed are listed in seal_table (one row per
-- table: another part that adds a table to the log adds a row there and
-- the three triggers, see _seal_add_table).

-- The sealed tables.  Not dumped: the install script fills it.
CREATE TABLE seal_table (
    code          smallint NOT NULL,
    tabel         regclass NOT NULL,
    uuid_kolom    name,
    nummer_kolom  name,
    CONSTRAINT seal_table_pkey PRIMARY KEY (code),
    CONSTRAINT seal_table_unique UNIQUE (tabel),
    CONSTRAINT seal_table_key CHECK (uuid_kolom IS NOT NULL OR nummer_kolom IS NOT NULL)
);
COMMENT ON TABLE seal_table IS
  'The tables whose rows the Merkle tree covers, each with its record key: a uuid column, a number column, or both';
COMMENT ON COLUMN seal_table.code IS 'The table''s number in seal_queue and seal_blok; also the order of tables within a checkpoint';
COMMENT ON COLUMN seal_table.uuid_kolom IS 'The uuid part of the record key, NULL when the key has none';
COMMENT ON COLUMN seal_table.nummer_kolom IS 'The integer part of the record key, NULL when the key has none';

-- Rows waiting for the next checkpoint.  No indexes: the C trigger inserts
-- into the heap directly.  verzegel() scans it and deletes what it took, so
-- autovacuum keeps it small by count, not by the default fraction.
CREATE TABLE seal_queue (
    tabel  smallint NOT NULL,
    soort  "char" NOT NULL,
    u      uuid NOT NULL,
    n      bigint NOT NULL
) WITH (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 20000);
COMMENT ON TABLE seal_queue IS
  'Keys of rows written since the last checkpoint (soort I: inserted, U: re-encrypted), filled by the trigger _seal_register in the writer''s transaction and emptied by verzegel(); no indexes';

-- The leaves, packed (1.2, src/seal_blok.c): one row per block of up to
-- 128 consecutive leaves of one table, in tree order, for ever (the
-- retention purge destroys the row of the log but not its leaf, so that
-- the proofs of other rows and the consistency of old checkpoints still
-- hold).  A leaf's hash is not
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

-- Inner nodes: the hash of every complete subtree of 16^k leaves (levels
-- 4, 8, 12, ...).
CREATE TABLE seal_node (
    niveau   smallint NOT NULL,
    positie  bigint NOT NULL,
    hash     bytea NOT NULL,
    CONSTRAINT seal_node_pkey PRIMARY KEY (niveau, positie)
);
COMMENT ON TABLE seal_node IS
  'Stored inner nodes of the Merkle tree: the hash of the complete subtree of leaves [positie * 2^niveau, (positie + 1) * 2^niveau), for niveau 4, 8, 12, ...';

CREATE TABLE verzegel_controlepunt (
    grootte  bigint NOT NULL,
    wortel   bytea NOT NULL,
    gemaakt  timestamptz NOT NULL,
    tekst    text NOT NULL,
    CONSTRAINT verzegel_controlepunt_pkey PRIMARY KEY (grootte)
);
COMMENT ON TABLE verzegel_controlepunt IS
  'Every checkpoint: tree size, root hash, when, and the signed note (C2SP tlog-checkpoint)';

-- The log's own id, part of every checkpoint's origin: made by the first
-- verzegel(), dumped, so a restored log keeps it.
CREATE TABLE seal_log (
    id    uuid NOT NULL,
    CONSTRAINT seal_log_pkey PRIMARY KEY (id)
);
COMMENT ON TABLE seal_log IS
  'The id of this log (one row, made by the first verzegel()): the origin of its checkpoints is <key name>/<id>, so two databases that share a signing key are still two logs';

REVOKE ALL ON seal_table, seal_queue, seal_blok, seal_leaf_hash, seal_node,
    verzegel_controlepunt, seal_log FROM PUBLIC;
GRANT SELECT ON verzegel_controlepunt TO verwerkingenlog_beheer;

SELECT pg_catalog.pg_extension_config_dump('seal_queue', '');
SELECT pg_catalog.pg_extension_config_dump('seal_node', '');
SELECT pg_catalog.pg_extension_config_dump('verzegel_controlepunt', '');
SELECT pg_catalog.pg_extension_config_dump('seal_log', '');
SELECT pg_catalog.pg_extension_config_dump('seal_blok', '');
SELECT pg_catalog.pg_extension_config_dump('seal_leaf_hash', '');

-- C helpers.
CREATE FUNCTION _canonical(rij record, blad bigint, vorige bigint) RETURNS bytea
    AS 'MODULE_PATHNAME', 'vwl_canonical'
    LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION _canonical(record, bigint, bigint) IS
  'Internal: the canonical encoding (version 1, README "Tamper evidence") of a stored row at tree index blad (NULL: not in the tree), superseding leaf vorige (NULL: none); stable: run it with TimeZone UTC and DateStyle ISO';

CREATE FUNCTION _mth(hashes bytea[]) RETURNS bytea
    AS 'MODULE_PATHNAME', 'vwl_mth'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION _mth(bytea[]) IS
  'Internal: the RFC 9162 Merkle tree hash over the given leaf or subtree hashes';

CREATE FUNCTION _tree_root(grootte bigint) RETURNS bytea
    AS 'MODULE_PATHNAME', 'vwl_tree_root'
    LANGUAGE C STABLE STRICT;
COMMENT ON FUNCTION _tree_root(bigint) IS
  'Internal: the root hash of the first grootte leaves of the stored tree';

CREATE FUNCTION _tree_path(soort text, m bigint, n bigint) RETURNS bytea[]
    AS 'MODULE_PATHNAME', 'vwl_tree_path'
    LANGUAGE C STABLE STRICT;
COMMENT ON FUNCTION _tree_path(text, bigint, bigint) IS
  'Internal: RFC 9162 proof from the stored tree: soort opname, the inclusion proof of leaf m in the tree of size n; soort consistentie, the consistency proof from size m to n';

CREATE FUNCTION _sign(grootte bigint, wortel bytea, log uuid) RETURNS text
    AS 'MODULE_PATHNAME', 'vwl_sign'
    LANGUAGE C VOLATILE STRICT;
COMMENT ON FUNCTION _sign(bigint, bytea, uuid) IS
  'Internal: the checkpoint of a tree size and root of the log with this id, signed with the signing key (Ed25519), as a C2SP signed note';

CREATE FUNCTION _seal_append(tabel smallint, selectie text, eerste bigint) RETURNS bigint
    AS 'MODULE_PATHNAME', 'vwl_seal_append'
    LANGUAGE C VOLATILE STRICT;
COMMENT ON FUNCTION _seal_append(smallint, text, bigint) IS
  'Internal (verzegel()): runs the selection of queued rows of table code tabel (columns soort, u, n, rij, sorted by u, n) and appends a leaf from tree index eerste on for each row inserted whose key has none and each row re-encrypted whose last leaf is present (superseding it), packed in seal_blok, with the level-4 nodes that became complete (src/seal_append.c); returns how many';

CREATE FUNCTION _seal_nodes(oud bigint, nieuw bigint) RETURNS void
    AS 'MODULE_PATHNAME', 'vwl_seal_nodes'
    LANGUAGE C VOLATILE STRICT;
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

CREATE FUNCTION _seal_register() RETURNS trigger
    AS 'MODULE_PATHNAME', 'vwl_seal_register'
    LANGUAGE C;
COMMENT ON FUNCTION _seal_register() IS
  'Trigger (AFTER INSERT or UPDATE FOR EACH STATEMENT with transition tables; arguments code, uuid key column, number key column): queues every new or re-encrypted row for the next checkpoint';

CREATE FUNCTION publieke_sleutel() RETURNS text
    AS 'MODULE_PATHNAME', 'vwl_publieke_sleutel'
    LANGUAGE C STABLE;
COMMENT ON FUNCTION publieke_sleutel() IS
  'The verification key of the log''s checkpoints, in the signed-note verifier key format <name>+<key ID>+<base64 key>; public (it never creates the key: verzegel() does)';

-- A destroyed row keeps its leaf: before the row goes, the full hash of its
-- leaf is captured from the old row (seal_capture.c) into seal_leaf_hash,
-- with the destroying transaction (the purge's deletes), and then with the
-- journal entry that the same transaction writes.
CREATE FUNCTION _seal_vernietigd() RETURNS trigger
    AS 'MODULE_PATHNAME', 'vwl_seal_vernietigd'
    LANGUAGE C SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION _seal_vernietigd() IS
  'Trigger (AFTER DELETE FOR EACH STATEMENT, REFERENCING OLD TABLE AS oud; argument code): after the tree''s lock, stores the full leaf hash of every destroyed row''s leaf in seal_leaf_hash with the destroying transaction; a row that differs from its leaf is refused (data_corrupted)';

CREATE FUNCTION _seal_journaal() RETURNS trigger
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

-- Add a table to the tree: the registry row and the three triggers.  For the
-- install script of this and later parts (i11's and i14's tables).
CREATE FUNCTION _seal_add_table(code smallint, tabel regclass, uuid_kolom name, nummer_kolom name)
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    naam text := (SELECT c.relname FROM pg_catalog.pg_class c WHERE c.oid = tabel);
BEGIN
    INSERT INTO verwerkingenlog.seal_table VALUES (code, tabel, uuid_kolom, nummer_kolom);
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %s REFERENCING NEW TABLE AS nieuw'
                   ' FOR EACH STATEMENT EXECUTE FUNCTION verwerkingenlog._seal_register(%L, %L, %L)',
                   naam || '_seal_insert', tabel, code, coalesce(uuid_kolom, ''), coalesce(nummer_kolom, ''));
    EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %s REFERENCING OLD TABLE AS oud NEW TABLE AS nieuw'
                   ' FOR EACH STATEMENT EXECUTE FUNCTION verwerkingenlog._seal_register(%L, %L, %L)',
                   naam || '_seal_update', tabel, code, coalesce(uuid_kolom, ''), coalesce(nummer_kolom, ''));
    EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %s REFERENCING OLD TABLE AS oud'
                   ' FOR EACH STATEMENT EXECUTE FUNCTION verwerkingenlog._seal_vernietigd(%L)',
                   naam || '_seal_vernietigd', tabel, code);
    -- like the guard: session_replication_role = replica does not skip them
    EXECUTE format('ALTER TABLE %s ENABLE ALWAYS TRIGGER %I', tabel, naam || '_seal_insert');
    EXECUTE format('ALTER TABLE %s ENABLE ALWAYS TRIGGER %I', tabel, naam || '_seal_update');
    EXECUTE format('ALTER TABLE %s ENABLE ALWAYS TRIGGER %I', tabel, naam || '_seal_vernietigd');
END
$$;
COMMENT ON FUNCTION _seal_add_table(smallint, regclass, name, name) IS
  'Install script only: puts a table of the log under the Merkle tree (registry row and queue, re-encryption and destruction triggers)';

SELECT _seal_add_table(1::smallint, 'verwerkingsactie_versie', 'actie_id', 'volgnummer');
SELECT _seal_add_table(2::smallint, 'verwerkt_object', 'verwerkt_object_id', NULL);
SELECT _seal_add_table(3::smallint, 'vernietiging_journaal', NULL, 'id');
-- The rest of the purge's journal and the retention register's history
-- (85_vernietiging.sql): append-only tables with a bigint identity.
SELECT _seal_add_table(4::smallint, 'vernietiging_run', NULL, 'id');
SELECT _seal_add_table(5::smallint, 'vernietiging_batch', NULL, 'id');
SELECT _seal_add_table(6::smallint, 'vernietigde_actie', NULL, 'id');
SELECT _seal_add_table(7::smallint, 'bewaartermijn_registratie', NULL, 'id');

-- Every batch of a purge run (vernietig_verlopen and the per-batch
-- procedure alike) records itself in the transaction of its DELETEs, so
-- the leaves it destroyed are linked to its run, whether the run commits
-- once or per batch.  The verifier explains them by the run's journal row
-- (vernietiging_journaal.run), written when the run finishes.
CREATE TRIGGER vernietiging_batch_seal_run
    AFTER INSERT ON vernietiging_batch
    FOR EACH ROW EXECUTE FUNCTION _seal_journaal();
ALTER TABLE vernietiging_batch ENABLE ALWAYS TRIGGER vernietiging_batch_seal_run;

-- The SQL that reads the rows of one sealed table for a list of keys k(u, n).
CREATE FUNCTION _seal_join(t seal_table, rij text, k text) RETURNS text
    LANGUAGE sql IMMUTABLE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT concat_ws(' AND ',
                     CASE WHEN t.uuid_kolom IS NOT NULL THEN format('%I.%I = %I.u', rij, t.uuid_kolom, k) END,
                     CASE WHEN t.nummer_kolom IS NOT NULL THEN format('%I.%I = %I.n', rij, t.nummer_kolom, k) END)
$$;
COMMENT ON FUNCTION _seal_join(seal_table, text, text) IS
  'Internal: the join condition between rows of a sealed table (alias rij) and keys (alias k, columns u and n)';

CREATE FUNCTION _seal_key(t seal_table, rij text) RETURNS text
    LANGUAGE sql IMMUTABLE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT format('%s, %s',
                  CASE WHEN t.uuid_kolom IS NULL THEN '''00000000-0000-0000-0000-000000000000''::uuid'
                       ELSE format('%I.%I', rij, t.uuid_kolom) END,
                  CASE WHEN t.nummer_kolom IS NULL THEN '0::bigint'
                       ELSE format('%I.%I::bigint', rij, t.nummer_kolom) END)
$$;
COMMENT ON FUNCTION _seal_key(seal_table, text) IS
  'Internal: the record key (u, n) of a row of a sealed table (alias rij), as two SQL expressions';

CREATE FUNCTION verzegel() RETURNS bigint
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

-- Re-encryption (herversleutel) seals the rows it changed in its own
-- transaction, called by the queue trigger after the UPDATE.  First it
-- waits for a verzegel() that is running: that run may have taken the
-- queue entries of these very rows and sealed their old ciphertexts.  Only
-- then does it look whether there is a checkpoint (there is none while the
-- log's first verzegel() runs, and then the new leaves must supersede that
-- run's); with none, nothing is sealed yet and the rows' own queue entries
-- seal their new ciphertexts later.
CREATE FUNCTION _seal_reencrypted() RETURNS void
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    LOCK TABLE verwerkingenlog.verzegel_controlepunt IN EXCLUSIVE MODE;
    IF EXISTS (SELECT FROM verwerkingenlog.verzegel_controlepunt) THEN
        PERFORM verwerkingenlog.verzegel();
    END IF;
END
$$;
COMMENT ON FUNCTION _seal_reencrypted() IS
  'Internal (queue trigger, after a re-encryption): seals the re-encrypted rows in the same transaction, after a verzegel() that is running has committed';

CREATE FUNCTION controlepunt() RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT c.tekst FROM verwerkingenlog.verzegel_controlepunt c ORDER BY c.grootte DESC LIMIT 1
$$;
COMMENT ON FUNCTION controlepunt() IS
  'The latest checkpoint as text (C2SP tlog-checkpoint signed note), NULL before the first verzegel(); for every scope role: it reveals only the tree size and root';

-- The record key as text, for people: "uuid", "number" or "uuid/number".
CREATE FUNCTION _seal_key_text(t seal_table, u uuid, n bigint) RETURNS text
    LANGUAGE sql IMMUTABLE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT concat_ws('/', CASE WHEN t.uuid_kolom IS NOT NULL THEN u::text END,
                          CASE WHEN t.nummer_kolom IS NOT NULL THEN n::text END)
$$;
COMMENT ON FUNCTION _seal_key_text(seal_table, uuid, bigint) IS
  'Internal: a record key as people read it, uuid/number';

CREATE FUNCTION verificatie_export()
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

-- Proofs.
CREATE FUNCTION _seal_leaf_proof(blad bigint, grootte bigint) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'vwl_seal_leaf_proof'
    LANGUAGE C STABLE STRICT;
COMMENT ON FUNCTION _seal_leaf_proof(bigint, bigint) IS
  'Internal: one leaf''s part of bewijs_opname: table, tree index, leaf hash (stored, or recomputed from the row and checked against its block) and its inclusion proof in the tree of size grootte (C, src/merkle.c)';

CREATE FUNCTION bewijs_opname(actie_id uuid, volgnummer integer) RETURNS jsonb
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

CREATE FUNCTION bewijs_consistentie(oud bigint, nieuw bigint) RETURNS jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    a verwerkingenlog.verzegel_controlepunt;
    b verwerkingenlog.verzegel_controlepunt;
BEGIN
    IF oud IS NULL OR nieuw IS NULL THEN
        RAISE EXCEPTION 'oud and nieuw must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF oud > nieuw THEN
        RAISE EXCEPTION 'oud must not be larger than nieuw' USING ERRCODE = 'invalid_parameter_value',
              DETAIL = format('oud is %s, nieuw %s.', oud, nieuw);
    END IF;
    SELECT * INTO a FROM verwerkingenlog.verzegel_controlepunt c WHERE c.grootte = oud;
    SELECT * INTO b FROM verwerkingenlog.verzegel_controlepunt c WHERE c.grootte = nieuw;
    IF a.grootte IS NULL OR b.grootte IS NULL THEN
        RAISE EXCEPTION 'no checkpoint of tree size %', CASE WHEN a.grootte IS NULL THEN oud ELSE nieuw END
            USING ERRCODE = 'no_data_found',
                  HINT = 'verwerkingenlog.verzegel_controlepunt lists the checkpoints.';
    END IF;
    RETURN jsonb_build_object(
        'oud', jsonb_build_object('boomgrootte', a.grootte, 'wortel', pg_catalog.encode(a.wortel, 'base64'), 'controlepunt', a.tekst),
        'nieuw', jsonb_build_object('boomgrootte', b.grootte, 'wortel', pg_catalog.encode(b.wortel, 'base64'), 'controlepunt', b.tekst),
        'pad', (SELECT coalesce(jsonb_agg(pg_catalog.encode(h, 'base64') ORDER BY i), '[]')
                  FROM unnest(verwerkingenlog._tree_path('consistentie', oud, nieuw)) WITH ORDINALITY p(h, i)));
END
$$;
COMMENT ON FUNCTION bewijs_consistentie(bigint, bigint) IS
  'The consistency proof (RFC 9162) between the checkpoints of tree sizes oud and nieuw, as JSON with both checkpoints (README "Tamper evidence"); for every scope role: it reveals only hashes';

-- The inzage's hook (issue 12, item 7): for one result of an inzage (a
-- verwerkt object), where it is in the tree and the proof by hashes only,
-- so that the person can check it against a checkpoint held elsewhere
-- without the log revealing the stored row.
CREATE FUNCTION opname_verwijzing(verwerkt_object_id uuid) RETURNS jsonb
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

-- (EXECUTE on a trigger function is what CREATE TRIGGER needs: nobody else
-- can attach the queue trigger, which writes the queue directly, to a table.)
REVOKE ALL ON FUNCTION _seal_add_table(smallint, regclass, name, name), _seal_register(),
    _seal_append(smallint, text, bigint), _seal_nodes(bigint, bigint),
    _seal_reencrypted(), _seal_vernietigd(), _seal_journaal(), _sign(bigint, bytea, uuid),
    _tree_root(bigint), _tree_path(text, bigint, bigint), _seal_leaves(smallint),
    _seal_leaf_of(smallint, uuid, bigint), _seal_leaf_proof(bigint, bigint) FROM PUBLIC;

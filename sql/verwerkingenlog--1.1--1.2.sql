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

-- ---------------------------------------------------------------------------
-- Part 2: export, verifier and proofs over the packed leaves (issue 12).
-- ---------------------------------------------------------------------------

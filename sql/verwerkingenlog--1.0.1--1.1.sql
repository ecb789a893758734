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


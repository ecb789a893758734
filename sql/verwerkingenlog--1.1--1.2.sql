-- verwerkingenlog 1.1 -> 1.2.
-- Each part below belongs to one line of work; keep changes inside its part.
\echo Use "ALTER EXTENSION verwerkingenlog UPDATE TO '1.2'" to load this file. \quit

-- ---------------------------------------------------------------------------
-- Part 1: the tree's leaves packed in blocks (issue 12).
-- ---------------------------------------------------------------------------

-- ---------------------------------------------------------------------------
-- Part 2: export, verifier and proofs over the packed leaves (issue 12).
-- ---------------------------------------------------------------------------

-- Pseudonyms and encryption of object identifiers (B2042), src/pseudoniem.c.
-- The keys are in a file outside the database (setting
-- verwerkingenlog.sleutelbestand; by default verwerkingenlog.sleutels in the
-- data directory, created on first use).  Every function here reads that
-- file, so none is for PUBLIC: a pseudonym oracle would let a caller try all
-- possible BSNs.  The API functions call them as the extension's owner;
-- sleutel_info is granted to verwerkingenlog_beheer elsewhere.

CREATE FUNCTION _pseudoniem(soort text, id text) RETURNS bytea
    AS 'MODULE_PATHNAME', 'vwl_pseudoniem'
    LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION _pseudoniem(text, text) IS
  'Pseudonym of an identifier of a kind: HMAC-SHA-256 under the key file''s HMAC key, which never rotates, over the length-prefixed pair (soort, id); 32 bytes, deterministic, what lookups use';

CREATE FUNCTION _versleutel(id text) RETURNS bytea
    AS 'MODULE_PATHNAME', 'vwl_versleutel'
    LANGUAGE C VOLATILE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION _versleutel(text) IS
  'An identifier encrypted with AES-256-GCM under the current key version: version (1 byte) || nonce (12) || ciphertext || tag (16)';

CREATE FUNCTION _ontsleutel(versleuteld bytea) RETURNS text
    AS 'MODULE_PATHNAME', 'vwl_ontsleutel'
    LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION _ontsleutel(bytea) IS
  'The identifier back from _versleutel, with the key version named in its first byte; an error (XX001) if the authentication tag does not match';

CREATE FUNCTION _herversleutel(versleuteld bytea) RETURNS bytea
    AS 'MODULE_PATHNAME', 'vwl_herversleutel'
    LANGUAGE C VOLATILE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION _herversleutel(bytea) IS
  'Decrypts and encrypts again under the current key version (after _sleutel_roteren)';

CREATE FUNCTION _sleutel_roteren() RETURNS integer
    AS 'MODULE_PATHNAME', 'vwl_sleutel_roteren'
    LANGUAGE C VOLATILE;
COMMENT ON FUNCTION _sleutel_roteren() IS
  'Appends a key version with a new AES key (the HMAC key stays) to the key file, atomically, and returns its number; not undone by a rollback; back the key file up afterwards';

CREATE FUNCTION sleutel_info() RETURNS TABLE(bestand text, versies integer, huidige_versie integer)
    AS 'MODULE_PATHNAME', 'vwl_sleutel_info'
    LANGUAGE C STABLE STRICT PARALLEL SAFE ROWS 1;
COMMENT ON FUNCTION sleutel_info() IS
  'The key file in use (absolute path), its number of key versions and the current version; never the keys';

REVOKE ALL ON FUNCTION _pseudoniem(text, text), _versleutel(text), _ontsleutel(bytea),
    _herversleutel(bytea), _sleutel_roteren(), sleutel_info() FROM PUBLIC;

-- Re-encryption after a key rotation (B2042), src/herversleuteling.c.  The
-- only code that updates the log: it opens the append-only trigger's second
-- door, through which an UPDATE passes only when nothing but the ciphertext
-- of an identifier changes, to another ciphertext of the same identifier.

CREATE FUNCTION _herversleutel_rijen(batch integer) RETURNS bigint
    AS 'MODULE_PATHNAME', 'vwl_herversleutel_rijen'
    LANGUAGE C VOLATILE;
COMMENT ON FUNCTION _herversleutel_rijen(integer) IS
  'Internal: re-encrypts at most batch stored ciphertexts older than the current key version; the only code that updates the log';

CREATE FUNCTION herversleutel(batch integer DEFAULT 10000) RETURNS bigint
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM verwerkingenlog._vereis_beheer('re-encrypt identifiers');
    RETURN verwerkingenlog._herversleutel_rijen(batch);
END
$$;
COMMENT ON FUNCTION herversleutel(integer) IS
  'After _sleutel_roteren: re-encrypts at most batch stored identifiers (object_versleuteld, afnemer_versleuteld) whose key version is older than the current one, under the current one, and returns how many; repeat until it returns 0.  Pseudonyms and lookups are unaffected.  Scope beheer';

-- The key file's state, for whoever re-encrypts.
GRANT EXECUTE ON FUNCTION sleutel_info() TO verwerkingenlog_beheer;

REVOKE ALL ON FUNCTION _herversleutel_rijen(integer) FROM PUBLIC;

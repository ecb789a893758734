-- Re-encryption after a key rotation (B2042), src/reencrypt.c.  The
-- only code that updates the log: it opens the append-only trigger's second
-- door, through which an UPDATE passes only when nothing but the ciphertext
-- of an identifier changes, to another ciphertext of the same identifier.

CREATE FUNCTION _reencrypt_rows(batch integer) RETURNS bigint
    AS 'MODULE_PATHNAME', 'vwl_reencrypt_rows'
    LANGUAGE C VOLATILE;
COMMENT ON FUNCTION _reencrypt_rows(integer) IS
  'Internal: re-encrypts at most batch stored ciphertexts older than the current key version; the only code that updates the log';

CREATE FUNCTION herversleutel(batch integer DEFAULT 10000) RETURNS bigint
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM verwerkingenlog._require_beheer('re-encrypt identifiers');
    RETURN verwerkingenlog._reencrypt_rows(batch);
END
$$;
COMMENT ON FUNCTION herversleutel(integer) IS
  'After _rotate_key: re-encrypts at most batch stored identifiers (object_versleuteld, afnemer_versleuteld) whose key version is older than the current one, under the current one, and returns how many; repeat until it returns 0.  Pseudonyms and lookups are unaffected.  Scope beheer';

-- The key file's state, for whoever re-encrypts.
GRANT EXECUTE ON FUNCTION sleutel_info() TO verwerkingenlog_beheer;

REVOKE ALL ON FUNCTION _reencrypt_rows(integer) FROM PUBLIC;

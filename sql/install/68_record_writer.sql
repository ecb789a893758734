-- The door that commits a record in a transaction of its own before the
-- caller goes on (src/record_writer.c): the session's record writer, a
-- background worker, calls functie(invoer) as the extension's owner and
-- commits, while the caller waits.  Every inzage's
-- record goes through it (C3677, 70_inzage); any other record that must
-- stay whatever the caller's transaction does may use it too.  functie
-- must be a function of the extension with one jsonb argument.
CREATE FUNCTION _record(functie regprocedure, invoer jsonb) RETURNS text
    LANGUAGE c VOLATILE STRICT
    AS 'MODULE_PATHNAME', 'vwl_record_fn';
COMMENT ON FUNCTION _record(regprocedure, jsonb) IS
  'Calls functie(invoer), a record writer of the extension, in a transaction of its own (the session''s record writer, a background worker) that is committed before this returns; returns its result';
REVOKE ALL ON FUNCTION _record(regprocedure, jsonb) FROM PUBLIC;

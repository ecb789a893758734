
-- Scopes of the caller and the confidentiality rule engine (src/scopes.c).
-- Scope names: create:normal, create:confidential, read:normal,
-- read:confidential, update:normal, update:confidential, delete:normal,
-- delete:confidential and beheer.  Bits (for _scopes, _decide, _readable):
-- 1, 2, 4, 8, 16, 32, 64, 128 and 256, in that order.

CREATE FUNCTION verwerkingenlog.scopes() RETURNS text[]
  LANGUAGE c STABLE PARALLEL SAFE
  AS 'MODULE_PATHNAME', 'vwl_scopes_namen';
COMMENT ON FUNCTION verwerkingenlog.scopes() IS
  'The scopes the caller holds, by name, sorted: the scope roles of the session role (SET ROLE), narrowed by the "scope" claim of request.jwt.claims';

CREATE FUNCTION verwerkingenlog._scopes() RETURNS integer
  LANGUAGE c STABLE PARALLEL SAFE
  AS 'MODULE_PATHNAME', 'vwl__scopes';
COMMENT ON FUNCTION verwerkingenlog._scopes() IS
  'Internal: the scopes the caller holds as bits (create:normal 1, create:confidential 2, read:normal 4, read:confidential 8, update:normal 16, update:confidential 32, delete:normal 64, delete:confidential 128, beheer 256)';
REVOKE ALL ON FUNCTION verwerkingenlog._scopes() FROM PUBLIC;

CREATE FUNCTION verwerkingenlog._decide(
    operatie text,
    scopes integer,
    huidig verwerkingenlog.vertrouwelijkheid,
    gevraagd verwerkingenlog.vertrouwelijkheid)
  RETURNS verwerkingenlog.vertrouwelijkheid
  LANGUAGE c IMMUTABLE PARALLEL SAFE
  AS 'MODULE_PATHNAME', 'vwl__decide';
COMMENT ON FUNCTION verwerkingenlog._decide(text, integer, verwerkingenlog.vertrouwelijkheid, verwerkingenlog.vertrouwelijkheid) IS
  'Internal: the rule engine for writes.  operatie create, update, patch or delete; scopes as bits; huidig the current level (NULL on create); gevraagd the requested level (NULL: unchanged).  Returns the level to store or raises 42501 naming the missing scope';
REVOKE ALL ON FUNCTION verwerkingenlog._decide(text, integer, verwerkingenlog.vertrouwelijkheid, verwerkingenlog.vertrouwelijkheid) FROM PUBLIC;

CREATE FUNCTION verwerkingenlog.beslis(
    operatie text,
    huidig verwerkingenlog.vertrouwelijkheid,
    gevraagd verwerkingenlog.vertrouwelijkheid)
  RETURNS verwerkingenlog.vertrouwelijkheid
  LANGUAGE c STABLE PARALLEL SAFE
  AS 'MODULE_PATHNAME', 'vwl_beslis';
COMMENT ON FUNCTION verwerkingenlog.beslis(text, verwerkingenlog.vertrouwelijkheid, verwerkingenlog.vertrouwelijkheid) IS
  'The rule engine for writes, for the caller''s scopes: the level that would be stored, or 42501 naming the missing scope';

CREATE FUNCTION verwerkingenlog._readable(
    soort text,
    scopes integer,
    gevraagd verwerkingenlog.vertrouwelijkheid[])
  RETURNS verwerkingenlog.vertrouwelijkheid[]
  LANGUAGE c IMMUTABLE PARALLEL SAFE
  AS 'MODULE_PATHNAME', 'vwl__readable';
COMMENT ON FUNCTION verwerkingenlog._readable(text, integer, verwerkingenlog.vertrouwelijkheid[]) IS
  'Internal: the rule engine for reads.  soort lijst, actie, inzage or historie; scopes as bits; gevraagd the levels asked for (NULL or empty: all).  Returns the current levels the read may return, or raises 42501';
REVOKE ALL ON FUNCTION verwerkingenlog._readable(text, integer, verwerkingenlog.vertrouwelijkheid[]) FROM PUBLIC;

CREATE FUNCTION verwerkingenlog.leesbaar(
    soort text,
    gevraagd verwerkingenlog.vertrouwelijkheid[] DEFAULT NULL)
  RETURNS verwerkingenlog.vertrouwelijkheid[]
  LANGUAGE c STABLE PARALLEL SAFE
  AS 'MODULE_PATHNAME', 'vwl_leesbaar';
COMMENT ON FUNCTION verwerkingenlog.leesbaar(text, verwerkingenlog.vertrouwelijkheid[]) IS
  'The rule engine for reads, for the caller''s scopes: the current levels a read of this soort may return, or 42501';

-- Who made each version (B3891): the calling role and, from
-- request.jwt.claims, the token's sub and azp/client_id (src/maker.c).  The
-- C writer fills the columns gemaakt_door_* itself; the copy that DELETE
-- and PATCH make (_copy_version) asks _maker().  Shown in the history and
-- the export, never in the standard's bewerking or inzage documents.

CREATE FUNCTION _maker(OUT rol text, OUT sub text, OUT client text)
    AS 'MODULE_PATHNAME', 'vwl_maker_fn'
    LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION _maker() IS
  'Internal: the maker of a version written now: the outer role, the claims'' sub and azp (else client_id); 28000 when the claims are unreadable';

-- The maker of a stored version as the history and the export show it.
CREATE FUNCTION _maker_document(v verwerkingsactie_versie) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT jsonb_build_object('rol', v.gemaakt_door_rol, 'sub', v.gemaakt_door_sub,
                              'client', v.gemaakt_door_client)
$$;
COMMENT ON FUNCTION _maker_document(verwerkingsactie_versie) IS
  'Internal: {"rol", "sub", "client"}: who made a stored version (gemaaktDoor of the history and the export)';

REVOKE ALL ON FUNCTION _maker() FROM PUBLIC;

CREATE FUNCTION uuidv7() RETURNS uuid
    AS 'MODULE_PATHNAME', 'vwl_uuidv7'
    LANGUAGE C VOLATILE PARALLEL SAFE;
COMMENT ON FUNCTION uuidv7() IS
  'A time-ordered UUID (RFC 9562 version 7), used for actieId and verwerktObjectId';

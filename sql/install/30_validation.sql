-- Validation of a verwerkingsactie document (src/validation.c).
--
-- Problems are (name, code, reason): name is the element's path with 0-based
-- array indexes (verwerkteObjecten[1].objectId; "[3]." before it for item 3 of
-- a batch; "(document)" for the document itself), code one of required,
-- invalid_type, blank, max_length, invalid, invalid_choice, unknown, empty,
-- reason a predicate that reads after the name ("is longer than 40
-- characters").  The _invoer functions raise SQLSTATE 22023 with the first
-- problem in the message and every problem in the detail, one per line, as
-- "<name>: <reason> (<code>)".
--
-- The functions read nothing but their arguments and reveal nothing: they are
-- IMMUTABLE, PARALLEL SAFE and open to everyone.  They are not STRICT: a NULL
-- document is a problem ("(document): is required"), not a valid document.

CREATE FUNCTION verwerkingenlog.verwerkingsactie_fouten(
    actie jsonb, volledig boolean DEFAULT false)
  RETURNS TABLE (name text, code text, reason text)
  AS 'MODULE_PATHNAME', 'vwl_verwerkingsactie_fouten'
  LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 1;

COMMENT ON FUNCTION verwerkingenlog.verwerkingsactie_fouten(jsonb, boolean) IS
  'Every problem of a verwerkingsactie document as (name, code, reason), in schema order; no rows when it is valid. volledig: a complete document (PUT) in which every writable element must be present (null where optional).';

CREATE FUNCTION verwerkingenlog._verwerkingsactie_input(
    actie jsonb, volledig boolean DEFAULT false)
  RETURNS jsonb
  AS 'MODULE_PATHNAME', 'vwl_verwerkingsactie_input'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION verwerkingenlog._verwerkingsactie_input(jsonb, boolean) IS
  'The normalised verwerkingsactie document (every writable element present, absent ones null, enums and UUIDs in lower case, read-only elements removed); raises SQLSTATE 22023 listing every problem ("<name>: <reason> (<code>)" per detail line) when it is invalid. Internal to the SQL API.';

CREATE FUNCTION verwerkingenlog.verwerkingsacties_fouten(acties jsonb)
  RETURNS TABLE (name text, code text, reason text)
  AS 'MODULE_PATHNAME', 'vwl_verwerkingsacties_fouten'
  LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 1;

COMMENT ON FUNCTION verwerkingenlog.verwerkingsacties_fouten(jsonb) IS
  'Every problem of a batch (a non-empty JSON array of verwerkingsactie documents) as (name, code, reason), names prefixed with the item''s 0-based index ("[3].tijdstip"); no rows when every item is valid.';

CREATE FUNCTION verwerkingenlog._verwerkingsacties_input(acties jsonb)
  RETURNS jsonb
  AS 'MODULE_PATHNAME', 'vwl_verwerkingsacties_input'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION verwerkingenlog._verwerkingsacties_input(jsonb) IS
  'The array of normalised verwerkingsactie documents of a batch, all or nothing: raises one SQLSTATE 22023 error listing every problem of every item. Internal to the SQL API.';

GRANT EXECUTE ON FUNCTION
    verwerkingenlog.verwerkingsactie_fouten(jsonb, boolean),
    verwerkingenlog.verwerkingsacties_fouten(jsonb)
  TO PUBLIC;

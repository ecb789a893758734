-- The append-only guard (src/append_only.c).  Every table of the log
-- carries it BEFORE UPDATE OR DELETE FOR EACH ROW and BEFORE TRUNCATE FOR
-- EACH STATEMENT, both ENABLE ALWAYS; the log's tables also BEFORE INSERT
-- FOR EACH ROW (25_guard), so that only the log's writer adds rows.
-- It refuses with SQLSTATE 42501 for everyone, the owner and superusers
-- included.
CREATE FUNCTION verwerkingenlog.weiger_wijziging() RETURNS trigger
  LANGUAGE c
  AS 'MODULE_PATHNAME', 'vwl_weiger_wijziging';
COMMENT ON FUNCTION verwerkingenlog.weiger_wijziging() IS
  'Trigger: refuses UPDATE, DELETE and TRUNCATE on the log''s tables, and INSERT other than by the log''s writer, for everyone (42501); the log is append-only';
REVOKE ALL ON FUNCTION verwerkingenlog.weiger_wijziging() FROM PUBLIC;

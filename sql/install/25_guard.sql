-- The append-only trigger only holds while it exists and is enabled, and
-- while only the log's writer adds rows.  This part adds the INSERT guard,
-- row-level security, and the event triggers of src/guard.c that
-- refuse the DDL that would switch the guard off quietly, outside the
-- extension's own scripts, for the owner and superusers too (see the README,
-- "Threat model").  The event triggers match objects by identity (OIDs and
-- the extension's membership), run as the extension's owner with a pinned
-- search_path, and read only catalogs: other users' DDL is never refused and
-- not measurably slowed.  They are ENABLE ALWAYS, so session_replication_role
-- does not switch them off.

-- Only the writer adds rows (src/append_only.c): a direct INSERT or COPY
-- is refused, for the owner, superusers and pg_write_all_data too.
CREATE TRIGGER verwerkingsactie_versie_writer_only
    BEFORE INSERT ON verwerkingsactie_versie
    FOR EACH ROW EXECUTE FUNCTION weiger_wijziging();
CREATE TRIGGER verwerkt_object_writer_only
    BEFORE INSERT ON verwerkt_object
    FOR EACH ROW EXECUTE FUNCTION weiger_wijziging();
ALTER TABLE verwerkingsactie_versie ENABLE ALWAYS TRIGGER verwerkingsactie_versie_writer_only;
ALTER TABLE verwerkt_object ENABLE ALWAYS TRIGGER verwerkt_object_writer_only;

-- pg_read_all_data gives SELECT on every table; row-level security without
-- a policy shows such a reader no row (the owner, whose functions serve
-- every read, is exempt).
ALTER TABLE verwerkingsactie_versie ENABLE ROW LEVEL SECURITY;
ALTER TABLE verwerkt_object ENABLE ROW LEVEL SECURITY;

-- Inserts a copied version (PATCH, DELETE) through the writer's door.
CREATE FUNCTION _insert_version(n verwerkingsactie_versie) RETURNS verwerkingsactie_versie
    LANGUAGE c VOLATILE STRICT
    AS 'MODULE_PATHNAME', 'vwl_insert_version';
REVOKE ALL ON FUNCTION _insert_version(verwerkingsactie_versie) FROM PUBLIC;

CREATE FUNCTION bewaking_begin() RETURNS event_trigger
    LANGUAGE c SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS 'MODULE_PATHNAME', 'vwl_bewaking_begin';
CREATE FUNCTION bewaking_einde() RETURNS event_trigger
    LANGUAGE c SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS 'MODULE_PATHNAME', 'vwl_bewaking_einde';
REVOKE ALL ON FUNCTION bewaking_begin(), bewaking_einde() FROM PUBLIC;

CREATE EVENT TRIGGER verwerkingenlog_ddl_guard_start ON ddl_command_start
    EXECUTE FUNCTION bewaking_begin();
CREATE EVENT TRIGGER verwerkingenlog_ddl_guard_end ON ddl_command_end
    EXECUTE FUNCTION bewaking_einde();
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_start ENABLE ALWAYS;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_end ENABLE ALWAYS;

COMMENT ON TRIGGER verwerkingsactie_versie_writer_only ON verwerkingsactie_versie IS
  'Append-only guard: only the log''s own writer adds rows (42501 for a direct INSERT or COPY)';
COMMENT ON TRIGGER verwerkt_object_writer_only ON verwerkt_object IS
  'Append-only guard: only the log''s own writer adds rows (42501 for a direct INSERT or COPY)';
COMMENT ON FUNCTION _insert_version(verwerkingsactie_versie) IS
  'Inserts a copied version of an action (PATCH, DELETE) through the writer''s door of the append-only guard; returns the stored row';
COMMENT ON FUNCTION bewaking_begin() IS
  'Event trigger (ddl_command_start): refuses ALTER EXTENSION verwerkingenlog ADD/DROP, GRANT/REVOKE on the log''s objects, DROP of triggers, rules, policies, indexes of its tables, and DROP EXTENSION / DROP SCHEMA CASCADE / DROP OWNED while the log holds rows';
COMMENT ON FUNCTION bewaking_einde() IS
  'Event trigger (ddl_command_end): refuses changes to the extension''s objects other than maintenance, and tables that inherit from, partition or reference the log''s tables';
COMMENT ON EVENT TRIGGER verwerkingenlog_ddl_guard_start IS
  'DDL guard of the log, before each command (bewaking_begin); enabled ALWAYS, so it fires also with session_replication_role = replica';
COMMENT ON EVENT TRIGGER verwerkingenlog_ddl_guard_end IS
  'DDL guard of the log, after each command (bewaking_einde); enabled ALWAYS, so it fires also with session_replication_role = replica';

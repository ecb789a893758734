-- The append-only trigger only holds while it exists and is enabled.  These
-- event triggers refuse the DDL that would switch it off quietly: ALTER
-- TABLE (DISABLE TRIGGER, adding rules or columns, ...) and CREATE or DROP
-- of triggers, rules and policies on the log's tables, and dropping a table
-- or trigger of the log other than by DROP EXTENSION.  The extension's own
-- scripts (CREATE and ALTER EXTENSION) pass.  A superuser can still disable
-- these event triggers, but not without a trace: that is a command of its
-- own, for the server log and the DBA's audit.

-- The log's own tables: the tables that belong to the extension.
CREATE FUNCTION _logtabellen() RETURNS SETOF regclass
    LANGUAGE sql STABLE
AS $$
    SELECT d.objid::regclass
      FROM pg_catalog.pg_depend d
      JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'verwerkingenlog'
     WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.deptype = 'e'
       AND d.refclassid = 'pg_catalog.pg_extension'::regclass
$$;

-- The table a DDL command touched: the table itself, or the table of an
-- index, trigger, rule or policy.
CREATE FUNCTION _tabel_van(classid oid, objid oid) RETURNS regclass
    LANGUAGE sql STABLE
AS $$
    SELECT CASE classid
        WHEN 'pg_catalog.pg_class'::regclass THEN
            coalesce((SELECT i.indrelid FROM pg_catalog.pg_index i WHERE i.indexrelid = objid), objid)
        WHEN 'pg_catalog.pg_trigger'::regclass THEN
            (SELECT t.tgrelid FROM pg_catalog.pg_trigger t WHERE t.oid = objid)
        WHEN 'pg_catalog.pg_rewrite'::regclass THEN
            (SELECT r.ev_class FROM pg_catalog.pg_rewrite r WHERE r.oid = objid)
        WHEN 'pg_catalog.pg_policy'::regclass THEN
            (SELECT p.polrelid FROM pg_catalog.pg_policy p WHERE p.oid = objid)
    END::regclass
$$;

CREATE FUNCTION _weiger_ddl() RETURNS event_trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    c record;
BEGIN
    FOR c IN SELECT * FROM pg_event_trigger_ddl_commands()
              WHERE NOT in_extension
                AND verwerkingenlog._tabel_van(classid, objid) IN (SELECT verwerkingenlog._logtabellen())
    LOOP
        RAISE EXCEPTION '% on % is not allowed: the log is append-only', c.command_tag, c.object_identity
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'The log''s tables change only with ALTER EXTENSION verwerkingenlog UPDATE.';
    END LOOP;
END
$$;

-- In sql_drop the dropped objects are gone from the catalogs: they are
-- recognised by name (the log's indexes are named after their tables).
CREATE FUNCTION _weiger_drop() RETURNS event_trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    o record;
BEGIN
    IF tg_tag IN ('DROP EXTENSION', 'ALTER EXTENSION') THEN
        RETURN;
    END IF;
    FOR o IN SELECT d.* FROM pg_event_trigger_dropped_objects() d
              WHERE EXISTS (SELECT FROM verwerkingenlog._logtabellen() t
                             WHERE d.object_identity = t::text
                                OR d.object_identity LIKE '% on ' || t::text
                                OR d.object_identity LIKE t::text || '%')
    LOOP
        RAISE EXCEPTION '% of % is not allowed: the log is append-only', tg_tag, o.object_identity
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Only DROP EXTENSION verwerkingenlog removes the log.';
    END LOOP;
END
$$;

CREATE EVENT TRIGGER verwerkingenlog_weiger_ddl ON ddl_command_end
    EXECUTE FUNCTION _weiger_ddl();
CREATE EVENT TRIGGER verwerkingenlog_weiger_drop ON sql_drop
    EXECUTE FUNCTION _weiger_drop();

COMMENT ON FUNCTION _logtabellen() IS 'The tables that belong to the extension: the log';
COMMENT ON FUNCTION _tabel_van(oid, oid) IS 'The table that a DDL command on a table, index, trigger, rule or policy touches';
COMMENT ON FUNCTION _weiger_ddl() IS 'Event trigger: refuses DDL on the log''s tables outside the extension''s scripts';
COMMENT ON FUNCTION _weiger_drop() IS 'Event trigger: refuses dropping the log''s tables, triggers, rules, indexes outside DROP EXTENSION';

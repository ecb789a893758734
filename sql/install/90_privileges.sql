-- Privileges.  Clients never own or read the tables; they call the API
-- functions, which run as the extension's owner with a pinned search_path.
-- The scope roles carry everything an application needs: schema usage,
-- execute on the API, select on the views.  Which scope an operation needs
-- is decided inside the functions (the rule engine), so that a missing scope
-- is named in the error.
DO $$
DECLARE
    f regprocedure;
    rol text;
    rollen text[] := ARRAY['verwerkingenlog_create_normal', 'verwerkingenlog_create_confidential',
                           'verwerkingenlog_read_normal', 'verwerkingenlog_read_confidential',
                           'verwerkingenlog_update_normal', 'verwerkingenlog_update_confidential',
                           'verwerkingenlog_delete_normal', 'verwerkingenlog_delete_confidential',
                           'verwerkingenlog_beheer'];
BEGIN
    -- Internal helpers that write or reveal: owner only.
    FOR f IN SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p
              WHERE p.pronamespace = 'verwerkingenlog'::regnamespace
                AND (p.prosecdef OR p.provolatile = 'v' OR p.proname IN ('_current', '_objecten_document', '_objecten_input'))
                AND p.proname NOT IN ('uuidv7')
    LOOP
        EXECUTE format('REVOKE ALL ON ROUTINE %s FROM PUBLIC', f);
    END LOOP;
    FOREACH rol IN ARRAY rollen LOOP
        EXECUTE format('GRANT USAGE ON SCHEMA verwerkingenlog TO %I', rol);
        EXECUTE format('GRANT SELECT ON verwerkingenlog.actuele_verwerkingsacties, verwerkingenlog.actuele_verwerkte_objecten TO %I', rol);
        FOR f IN SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p
                  WHERE p.pronamespace = 'verwerkingenlog'::regnamespace AND p.prosecdef
        LOOP
            EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %I', f, rol);
        END LOOP;
    END LOOP;
END
$$;

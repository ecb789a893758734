-- No BSN in the clear on disk, through the server's own machinery.
--
-- Server log.  With PostgreSQL's default log_min_error_statement = error,
-- every failed statement is logged with its text, and the text of a call
-- holds the BSNs it passes.  Every SECURITY DEFINER function of the
-- extension therefore runs with log_min_error_statement = panic: an error
-- it raises reaches the server log without the statement (the setting is
-- still in force when the error is reported, before the transaction is
-- rolled back).  The messages, DETAILs and CONTEXTs the extension raises
-- never hold an identifier (the validator writes the digits of unknown
-- element names as #).  What the server logs outside these functions
-- (log_statement, log_min_duration_statement, a statement that fails before
-- it reaches the log) is set by the DBA: see the README, "Settings"; the
-- extension notes once per backend, in the server log, when those settings
-- would leak.
--
-- Temporary files.  A list, an inzage, a history or an export holds
-- decrypted documents; with a small work_mem their sorts, aggregates and
-- result sets would spill them to base/pgsql_tmp in plain text.  The
-- functions that return decrypted identifiers run with work_mem = 256MB and
-- temp_file_limit = 0: what does not fit in memory is refused (53400), never
-- written to disk.  (Queries on the views are the caller's own; see the
-- README.)
DO $$
DECLARE
    f regprocedure;
BEGIN
    -- Functions only: a SET clause would forbid a procedure to COMMIT.
    FOR f IN SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p
              WHERE p.pronamespace IN ('verwerkingenlog'::regnamespace, 'verwerkingenlog_api'::regnamespace)
                AND p.prosecdef AND p.prokind = 'f'
    LOOP
        EXECUTE pg_catalog.format('ALTER FUNCTION %s SET log_min_error_statement = panic', f);
    END LOOP;
    FOR f IN SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p
              WHERE p.prosecdef AND p.prokind = 'f'
                AND ((p.pronamespace = 'verwerkingenlog_api'::regnamespace
                      AND (p.proname LIKE '%\_list' OR p.proname LIKE '%\_read'))
                     OR p.oid IN ('verwerkingenlog.verwerkingsacties(text, text, text, date, date, text[], uuid)'::regprocedure,
                                  'verwerkingenlog.verwerkte_objecten(text, text, text, date, date, uuid)'::regprocedure,
                                  'verwerkingenlog.verwerkt_object(uuid)'::regprocedure,
                                  'verwerkingenlog.verwerkingsactie(uuid)'::regprocedure,
                                  'verwerkingenlog.verwerkingsactie_historie(uuid)'::regprocedure,
                                  'verwerkingenlog.verwerkingsacties_afnemer(uuid)'::regprocedure,
                                  'verwerkingenlog.exporteer_verwerkingsacties(timestamptz, timestamptz)'::regprocedure))
    LOOP
        EXECUTE pg_catalog.format('ALTER FUNCTION %s SET work_mem = %L', f, '256MB');
        EXECUTE pg_catalog.format('ALTER FUNCTION %s SET temp_file_limit = 0', f);
    END LOOP;
END
$$;

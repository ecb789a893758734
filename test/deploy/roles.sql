-- verwerkingenlog behind PostgREST: the roles to create.  Run as a superuser
-- in the database that has the extension, after CREATE EXTENSION
-- verwerkingenlog (which creates the nine scope roles).  Roles belong to the
-- cluster; every statement can be run again.
--
-- authenticator: the role PostgREST logs in as.  NOINHERIT and no grants of
-- its own: it can do nothing but become one of the client roles.
-- One NOLOGIN role per client application, named in the "role" claim of the
-- JWT that application gets; the scope roles it is a member of are its
-- scopes.  The examples below are the typical clients of a municipality;
-- rename and adjust.
DO $$
DECLARE
    r text;
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'authenticator') THEN
        CREATE ROLE authenticator LOGIN NOINHERIT;   -- then: \password authenticator
    END IF;
    FOREACH r IN ARRAY ARRAY['burgerportaal', 'privacyloket', 'zaaksysteem', 'basisregistratie'] LOOP
        IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = r) THEN
            EXECUTE format('CREATE ROLE %I NOLOGIN', r);
        END IF;
    END LOOP;
END
$$;

-- The citizen portal: inzage for citizens (GET /verwerkte-objecten).
GRANT verwerkingenlog_read_normal TO burgerportaal;
-- The privacy desk: reads everything a reader may, opgeheven included.
GRANT verwerkingenlog_read_confidential TO privacyloket;
-- A case system that logs, corrects, annuls and changes confidentiality and
-- retention of its own verwerkingen.
GRANT verwerkingenlog_create_normal, verwerkingenlog_create_confidential,
      verwerkingenlog_update_normal, verwerkingenlog_update_confidential,
      verwerkingenlog_delete_normal, verwerkingenlog_delete_confidential
   TO zaaksysteem;
-- A base registry that only logs what it provides.
GRANT verwerkingenlog_create_normal TO basisregistratie;

-- PostgREST may switch to each client role, and to nothing else.
GRANT burgerportaal, privacyloket, zaaksysteem, basisregistratie TO authenticator;

-- The settings, per database (as a superuser, in the log's database; replace
-- the values; kept by pg_dump, see the README, "Settings"):
--   SELECT verwerkingenlog.instellen('verwerkingenlog.base_url', 'https://log.gemeente.nl/api/v1');
--   SELECT verwerkingenlog.instellen('verwerkingenlog.inzage_verwerkingsactiviteit_id', '<the log''s activity in the VAR>');
--   SELECT verwerkingenlog.instellen('verwerkingenlog.inzage_verwerkingsactiviteit_url', 'https://var.gemeente.nl/api/v1/verwerkingsactiviteiten/<id>');
--   SELECT verwerkingenlog.instellen('verwerkingenlog.inzage_uitvoerder', '<the municipality''s OIN>');
--   SELECT verwerkingenlog.instellen('verwerkingenlog.inzage_bewaartermijn', 'P1Y');
--   SELECT verwerkingenlog.instellen('verwerkingenlog.page_size', '100');

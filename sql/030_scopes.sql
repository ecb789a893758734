-- Scopes of the caller: roles grant them, request.jwt.claims narrows them.
\set VERBOSITY default

-- The nine roles exist, cannot log in, and carry a comment and schema usage.
SELECT r.rolname, r.rolcanlogin,
       pg_catalog.has_schema_privilege(r.rolname, 'verwerkingenlog', 'USAGE') AS schema_usage,
       d.description IS NOT NULL AS comment
  FROM pg_roles r
  LEFT JOIN pg_shdescription d
    ON d.objoid = r.oid AND d.classoid = 'pg_authid'::regclass
 WHERE r.rolname LIKE 'verwerkingenlog\_%'
 ORDER BY r.rolname;

-- Roles are not members of the extension.
SELECT count(*) AS roles_in_extension
  FROM pg_depend
 WHERE refclassid = 'pg_extension'::regclass AND classid = 'pg_authid'::regclass;

-- A superuser holds every scope.
SELECT verwerkingenlog.scopes();
SELECT verwerkingenlog._scopes();

CREATE ROLE regress_vwl_niets;
CREATE ROLE regress_vwl_lezer;
GRANT verwerkingenlog_read_normal TO regress_vwl_lezer;
CREATE ROLE regress_vwl_app;
GRANT verwerkingenlog_create_normal, verwerkingenlog_create_confidential,
      verwerkingenlog_read_normal, verwerkingenlog_update_normal
   TO regress_vwl_app;
CREATE ROLE regress_vwl_privacy;
GRANT verwerkingenlog_read_confidential, verwerkingenlog_update_confidential,
      verwerkingenlog_delete_confidential, verwerkingenlog_beheer
   TO regress_vwl_privacy;
-- Through a group role: membership is inherited.
CREATE ROLE regress_vwl_groep;
GRANT verwerkingenlog_delete_normal TO regress_vwl_groep;
CREATE ROLE regress_vwl_lid IN ROLE regress_vwl_groep;
-- NOINHERIT: a member that does not inherit holds the scope only after SET ROLE.
CREATE ROLE regress_vwl_noinherit NOINHERIT;
GRANT verwerkingenlog_read_normal TO regress_vwl_noinherit;

-- A wrapper as every entry point of the log is: SECURITY DEFINER, owned by
-- the superuser.  It must still report the caller's scopes.
CREATE FUNCTION public.regress_vwl_via_definer(OUT current_user_inside name, OUT scopes text[])
  LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$ SELECT current_user, verwerkingenlog.scopes() $$;
GRANT EXECUTE ON FUNCTION public.regress_vwl_via_definer() TO PUBLIC;

CREATE FUNCTION pg_temp.sqlstate(q text) RETURNS text
  LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE q;
  RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE;
END $$;

CREATE FUNCTION pg_temp.wie() RETURNS TABLE (rol name, direct text[], via_definer text[], binnen name)
  LANGUAGE sql AS $$
    SELECT current_user, verwerkingenlog.scopes(), d.scopes, d.current_user_inside
      FROM public.regress_vwl_via_definer() d $$;

-- A role without any scope role has no USAGE on the schema; through the
-- wrapper it holds no scope.
SET ROLE regress_vwl_niets;
SELECT verwerkingenlog.scopes();
SELECT current_user, * FROM public.regress_vwl_via_definer();
SET ROLE regress_vwl_lezer;
SELECT * FROM pg_temp.wie();
SET ROLE regress_vwl_app;
SELECT * FROM pg_temp.wie();
SET ROLE regress_vwl_privacy;
SELECT * FROM pg_temp.wie();
SET ROLE regress_vwl_lid;
SELECT * FROM pg_temp.wie();
SET ROLE regress_vwl_noinherit;
SELECT current_user, * FROM public.regress_vwl_via_definer();
SET ROLE verwerkingenlog_read_normal;
SELECT * FROM pg_temp.wie();
RESET ROLE;

-- SET LOCAL role, as PostgREST does, ends with the transaction.
BEGIN;
SET LOCAL role regress_vwl_app;
SELECT * FROM pg_temp.wie();
COMMIT;
SELECT current_user, cardinality(verwerkingenlog.scopes()) AS n;

-- Claims narrow: a space-separated string ...
SET ROLE regress_vwl_app;
SET request.jwt.claims = '{"role":"regress_vwl_app","scope":"read:normal create:normal"}';
SELECT * FROM pg_temp.wie();
-- ... or an array of strings.
SET request.jwt.claims = '{"scope":["create:confidential","create:normal"]}';
SELECT * FROM pg_temp.wie();
-- Claims never widen: delete:confidential is not the role's.
SET request.jwt.claims = '{"scope":"read:normal delete:confidential read:confidential beheer"}';
SELECT * FROM pg_temp.wie();
-- Unknown names are ignored, extra white space too.
SET request.jwt.claims = '{"scope":"  openid   profile  create:normal\tread:normal  "}';
SELECT * FROM pg_temp.wie();
-- In the array form, each element is one name.
SET request.jwt.claims = '{"scope":["create:normal read:normal", "update:normal", "Update:Normal"]}';
SELECT * FROM pg_temp.wie();
-- An empty scope claim leaves nothing.
SET request.jwt.claims = '{"scope":""}';
SELECT * FROM pg_temp.wie();
SET request.jwt.claims = '{"scope":[]}';
SELECT * FROM pg_temp.wie();
-- A repeated member narrows twice.
SET request.jwt.claims = '{"scope":"create:normal read:normal","scope":"read:normal update:normal"}';
SELECT * FROM pg_temp.wie();
-- Only the top-level member counts.
SET request.jwt.claims = '{"sub":"x","app":{"scope":"read:normal"},"scopes":"read:normal"}';
SELECT * FROM pg_temp.wie();
-- Escapes are read as JSON reads them.
SET request.jwt.claims = '{"sc\u006fpe":"read\u003anormal"}';
SELECT * FROM pg_temp.wie();
-- Claims without a scope claim, empty claims: no narrowing.
SET request.jwt.claims = '{"role":"regress_vwl_app","exp":1999999999}';
SELECT * FROM pg_temp.wie();
SET request.jwt.claims = '';
SELECT * FROM pg_temp.wie();

-- Claims that cannot be read fail closed, with an error (28000).
SET request.jwt.claims = '{"scope":"read:normal"';
SELECT verwerkingenlog.scopes();
SET request.jwt.claims = 'not json';
SELECT verwerkingenlog.scopes();
SET request.jwt.claims = '["read:normal"]';
SELECT verwerkingenlog.scopes();
SET request.jwt.claims = '"read:normal"';
SELECT verwerkingenlog.scopes();
SET request.jwt.claims = '{"scope":42}';
SELECT verwerkingenlog.scopes();
SET request.jwt.claims = '{"scope":null}';
SELECT verwerkingenlog.scopes();
SET request.jwt.claims = '{"scope":["read:normal",["create:normal"]]}';
SELECT verwerkingenlog.scopes();
SET request.jwt.claims = '{"scope":{"read:normal":true}}';
SELECT verwerkingenlog.scopes();
-- ... also through the SECURITY DEFINER wrapper and the rule engine.
SELECT * FROM public.regress_vwl_via_definer();
SELECT verwerkingenlog.beslis('create', NULL, 'normaal');
SELECT pg_temp.sqlstate('SELECT verwerkingenlog.scopes()') AS sqlstate;
-- A good value after a bad one is read again.
SET request.jwt.claims = '{"scope":"create:normal"}';
SELECT * FROM pg_temp.wie();
RESET request.jwt.claims;

-- A superuser is narrowed by claims as well.
RESET ROLE;
SET request.jwt.claims = '{"scope":"read:confidential beheer"}';
SELECT verwerkingenlog.scopes(), verwerkingenlog._scopes();
RESET request.jwt.claims;
SELECT cardinality(verwerkingenlog.scopes()) AS n;

-- Claims set with set_config(..., true), as PostgREST does, end with the transaction.
BEGIN;
SELECT pg_catalog.set_config('role', 'regress_vwl_privacy', true) IS NOT NULL AS role_set,
       pg_catalog.set_config('request.jwt.claims', '{"scope":"read:confidential"}', true) IS NOT NULL AS claims_set;
SELECT * FROM pg_temp.wie();
COMMIT;
SET ROLE regress_vwl_privacy;
SELECT * FROM pg_temp.wie();
RESET ROLE;

-- A scope role that does not exist grants nothing.
ALTER ROLE verwerkingenlog_beheer RENAME TO regress_vwl_was_beheer;
SET ROLE regress_vwl_privacy;
SELECT * FROM pg_temp.wie();
RESET ROLE;
ALTER ROLE regress_vwl_was_beheer RENAME TO verwerkingenlog_beheer;
SET ROLE regress_vwl_privacy;
SELECT * FROM pg_temp.wie();
RESET ROLE;

-- The internal functions are not for PUBLIC.
SET ROLE regress_vwl_app;
SELECT verwerkingenlog._scopes();
SELECT verwerkingenlog._decide('create', 1, NULL, 'normaal');
SELECT verwerkingenlog._readable('actie', 4, NULL);
RESET ROLE;

DROP FUNCTION public.regress_vwl_via_definer();
DROP ROLE regress_vwl_niets, regress_vwl_lezer, regress_vwl_app, regress_vwl_privacy,
          regress_vwl_lid, regress_vwl_groep, regress_vwl_noinherit;

-- The extension installs into a second database of the same cluster: the
-- scope roles, which belong to the cluster, are found and reused.
SELECT current_database() AS eerste_db \gset
SELECT count(*) AS rollen_voor FROM pg_roles WHERE rolname LIKE 'verwerkingenlog\_%';
CREATE DATABASE regress_vwl_tweede;
\c regress_vwl_tweede
CREATE EXTENSION verwerkingenlog;
SELECT count(*) AS rollen_na FROM pg_roles WHERE rolname LIKE 'verwerkingenlog\_%';
SELECT pg_catalog.has_schema_privilege('verwerkingenlog_read_normal', 'verwerkingenlog', 'USAGE') AS schema_usage;
CREATE ROLE regress_vwl_tweede_app IN ROLE verwerkingenlog_read_normal;
SET ROLE regress_vwl_tweede_app;
SELECT verwerkingenlog.scopes();
RESET ROLE;
-- DROP EXTENSION leaves the roles; CREATE EXTENSION again finds them.
DROP EXTENSION verwerkingenlog;
SELECT count(*) AS rollen_na_drop FROM pg_roles WHERE rolname LIKE 'verwerkingenlog\_%';
CREATE EXTENSION verwerkingenlog;
SET ROLE regress_vwl_tweede_app;
SELECT verwerkingenlog.scopes();
RESET ROLE;
DROP EXTENSION verwerkingenlog;
\c :eerste_db
DROP DATABASE regress_vwl_tweede;
DROP ROLE regress_vwl_tweede_app;
-- The first database is untouched.
SELECT pg_catalog.has_schema_privilege('verwerkingenlog_read_normal', 'verwerkingenlog', 'USAGE') AS schema_usage;
SELECT count(*) AS rollen FROM pg_roles WHERE rolname LIKE 'verwerkingenlog\_%';

-- Installing into a second database of the same cluster: the scope roles
-- exist already and are reused; each database has its own log.
CREATE DATABASE vwl_tweede;
\c vwl_tweede
SET client_min_messages = warning;
CREATE EXTENSION verwerkingenlog;
SELECT count(*) AS scope_rollen FROM pg_roles WHERE rolname LIKE 'verwerkingenlog\_%';
SELECT d->>'actieNaam' AS gelogd FROM verwerkingenlog.log_verwerkingsactie(
  '{"actieNaam": "In de tweede database", "vertrouwelijkheid": "normaal", "tijdstip": "2024-04-05T14:35:42Z",
    "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "1"}]}') d;
SELECT count(*) AS versies FROM verwerkingenlog.verwerkingsactie_versie;
-- Dropping and creating again works too (the roles stay, they belong to the
-- cluster); while the log holds rows, only after disabling the guard.
DROP EXTENSION verwerkingenlog;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_start DISABLE;
DROP EXTENSION verwerkingenlog;
CREATE EXTENSION verwerkingenlog;
SELECT count(*) AS versies_na_opnieuw FROM verwerkingenlog.verwerkingsactie_versie;
\c contrib_regression
SELECT count(*) > 0 AS eigen_log_intact FROM verwerkingenlog.verwerkingsactie_versie;
DROP DATABASE vwl_tweede;

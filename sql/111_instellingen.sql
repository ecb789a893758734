-- Settings are refused when wrong, by every way the README documents, and
-- kept in the database (verwerkingenlog.instelling, dumped by pg_dump).
-- What slips through PostgreSQL's own ways (a value set before the library
-- was loaded) makes the log fail loudly, never run on a default.
SET search_path = verwerkingenlog, pg_catalog;
\set SHOW_CONTEXT never

-- instellen(): refused at once.
SELECT instellen('verwerkingenlog.inzage_uitvoerder', '123');
\echo :LAST_ERROR_SQLSTATE
SELECT instellen('verwerkingenlog.page_size', '0');
SELECT instellen('verwerkingenlog.inzage_bewaartermijn', 'P10 years');
SELECT instellen('verwerkingenlog.base_ur', 'https://log.example/api/v1');
\echo :LAST_ERROR_SQLSTATE
SELECT instellen('work_mem', '1GB');
SELECT instellen('verwerkingenlog.tijdzone', 'Mars/Olympus_Mons');
SELECT instellen(NULL, 'x');
SELECT count(*) AS niets_opgeslagen FROM instelling;
-- ... and so is a row that does not come through it (a restore, a superuser).
INSERT INTO instelling (naam, waarde) VALUES ('verwerkingenlog.inzage_uitvoerder', '123');
INSERT INTO instelling (naam, waarde) VALUES ('verwerkingenlog.base_ur', 'x');
-- Only superusers.
CREATE ROLE regress_vwl_beheer;
GRANT verwerkingenlog_beheer TO regress_vwl_beheer;
SET ROLE regress_vwl_beheer;
SELECT verwerkingenlog.instellen('verwerkingenlog.base_url', 'https://elders.example');
RESET ROLE;
DROP ROLE regress_vwl_beheer;

-- Accepted values take effect here and in every new session; a session's
-- own SET still wins for that session.
SELECT instellen('verwerkingenlog.base_url', 'https://log.gemeente.example/api/v1');
SELECT instellen('verwerkingenlog.inzage_uitvoerder', '00000001234567890000');
SELECT naam, waarde FROM instelling ORDER BY naam;
SELECT base_url();
\c
SELECT verwerkingenlog.base_url(), current_setting('verwerkingenlog.inzage_uitvoerder') AS uitvoerder;
SET verwerkingenlog.base_url = 'https://sessie.example';
SELECT verwerkingenlog.base_url();
RESET verwerkingenlog.base_url;
SELECT verwerkingenlog.base_url();
-- A change takes effect in this session at once (others: at their next transaction).
SELECT verwerkingenlog.instellen('verwerkingenlog.base_url', 'https://nieuw.gemeente.example/api/v1');
SELECT verwerkingenlog.base_url();
SELECT verwerkingenlog.instellen('verwerkingenlog.base_url', NULL);
SELECT verwerkingenlog.instellen('verwerkingenlog.inzage_uitvoerder', NULL);
SELECT count(*) AS leeg FROM verwerkingenlog.instelling;

-- ALTER DATABASE ... SET in a session that has not loaded the library is
-- accepted by PostgreSQL without a check.  The next session that uses the
-- log is refused, naming the setting, instead of running on the default.
CREATE DATABASE vwl_instellingen;
\c vwl_instellingen
CREATE EXTENSION verwerkingenlog;
\c vwl_instellingen
ALTER DATABASE vwl_instellingen SET verwerkingenlog.inzage_uitvoerder = '123';
\c vwl_instellingen
\set SHOW_CONTEXT never
SELECT verwerkingenlog.scopes();
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM verwerkingenlog.verwerkte_objecten('persoon', 'BSN', '111000222', '2024-01-01', '2025-01-01');
SELECT verwerkingenlog.base_url();
ALTER DATABASE vwl_instellingen RESET verwerkingenlog.inzage_uitvoerder;
\c vwl_instellingen
ALTER DATABASE vwl_instellingen SET verwerkingenlog.page_size = 0;
\c vwl_instellingen
SELECT verwerkingenlog.scopes();
ALTER DATABASE vwl_instellingen RESET verwerkingenlog.page_size;
\c vwl_instellingen
ALTER DATABASE vwl_instellingen SET verwerkingenlog.inzage_bewaartermijn = 'P10 years';
\c vwl_instellingen
SELECT verwerkingenlog.scopes();
ALTER DATABASE vwl_instellingen RESET verwerkingenlog.inzage_bewaartermijn;
\c vwl_instellingen
ALTER DATABASE vwl_instellingen SET verwerkingenlog.base_ur = 'https://log.example/api/v1';
\c vwl_instellingen
SELECT verwerkingenlog.scopes();
\echo :LAST_ERROR_SQLSTATE
ALTER DATABASE vwl_instellingen RESET verwerkingenlog.base_ur;
-- Once the library is loaded in a session, ALTER DATABASE checks at once.
\c vwl_instellingen
SELECT verwerkingenlog.scopes() IS NOT NULL AS werkt_weer;
ALTER DATABASE vwl_instellingen SET verwerkingenlog.inzage_uitvoerder = '123';
ALTER DATABASE vwl_instellingen SET verwerkingenlog.base_ur = 'x';
SET verwerkingenlog.page_size = 0;
-- The key file named by instellen() is the one sleutelbestand_aanmaken()
-- creates and the log then uses, in this session and the next.
COPY (SELECT 1) TO PROGRAM 'cat >/dev/null; rm -rf vwl_111 && mkdir -m 700 vwl_111';
SELECT verwerkingenlog.instellen('verwerkingenlog.sleutelbestand', 'vwl_111/sleutels');
\set VERBOSITY terse
SELECT verwerkingenlog.sleutelbestand_aanmaken() = current_setting('data_directory') || '/vwl_111/sleutels' AS aangemaakt;
\set VERBOSITY default
SELECT bestand = current_setting('data_directory') || '/vwl_111/sleutels' AS in_gebruik FROM verwerkingenlog.sleutel_info();
\c vwl_instellingen
SELECT bestand = current_setting('data_directory') || '/vwl_111/sleutels' AS in_gebruik FROM verwerkingenlog.sleutel_info();
COPY (SELECT 1) TO PROGRAM 'cat >/dev/null; rm -rf vwl_111';
\c contrib_regression
DROP DATABASE vwl_instellingen;

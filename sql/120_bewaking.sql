-- The guard costs other users of the database nothing, matches the log's
-- objects by identity, lets maintenance through, and refuses every quiet way
-- around the log for the owner and superusers too (issue 10).
SET client_min_messages = warning;

-- A role without any privilege on schema verwerkingenlog does its own DDL.
CREATE ROLE regress_vwl_buur;
CREATE SCHEMA regress_buur AUTHORIZATION regress_vwl_buur;
SET ROLE regress_vwl_buur;
CREATE TABLE regress_buur.t (a int);
CREATE TEMP TABLE tijdelijk (a int);
CREATE VIEW regress_buur.v AS SELECT a FROM regress_buur.t;
CREATE FUNCTION regress_buur.f() RETURNS int LANGUAGE sql AS 'SELECT 1';
ALTER TABLE regress_buur.t ADD COLUMN b text;
CREATE INDEX ON regress_buur.t (b);
DROP VIEW regress_buur.v;
DROP TABLE regress_buur.t;
DROP TABLE tijdelijk;
DROP FUNCTION regress_buur.f();
RESET ROLE;

-- Exact identities: publications of the log, and a user table whose name
-- starts like a log table, can be made and dropped.
CREATE PUBLICATION regress_pub FOR TABLE verwerkingenlog.verwerkingsactie_versie, verwerkingenlog.verwerkt_object;
ALTER PUBLICATION regress_pub DROP TABLE verwerkingenlog.verwerkt_object;
DROP PUBLICATION regress_pub;
CREATE TABLE verwerkingenlog.verwerkt_objecten_archief (a int);
CREATE INDEX verwerkt_object_archief_a ON verwerkingenlog.verwerkt_objecten_archief (a);
DROP INDEX verwerkingenlog.verwerkt_object_archief_a;
DROP TABLE verwerkingenlog.verwerkt_objecten_archief;

-- Maintenance that leaves the content alone is allowed.
ALTER TABLE verwerkingenlog.verwerkingsactie_versie
  SET (autovacuum_vacuum_insert_scale_factor = 0.01, autovacuum_freeze_max_age = 100000000);
ALTER TABLE verwerkingenlog.verwerkingsactie_versie RESET (autovacuum_vacuum_insert_scale_factor, autovacuum_freeze_max_age);
ALTER TABLE verwerkingenlog.verwerkt_object ALTER COLUMN tijdstip SET STATISTICS 500;
ALTER TABLE verwerkingenlog.verwerkt_object SET TABLESPACE pg_default;
ALTER INDEX verwerkingenlog.verwerkt_object_persoon SET TABLESPACE pg_default;
ALTER TABLE verwerkingenlog.verwerkt_object REPLICA IDENTITY DEFAULT;
ALTER TABLE verwerkingenlog.verwerkt_object SET (toast.autovacuum_enabled = true);
CREATE STATISTICS regress_vwl_stat ON actie_id, volgnummer FROM verwerkingenlog.verwerkingsactie_versie;
DROP STATISTICS regress_vwl_stat;
-- ... but not a reloption that is not (auto)vacuum, nor mixed with one.
ALTER TABLE verwerkingenlog.verwerkt_object SET (fillfactor = 50);
ALTER TABLE verwerkingenlog.verwerkt_object SET (autovacuum_enabled = true), DISABLE TRIGGER ALL;

-- Refused, for a superuser that owns the extension, outside its scripts.
SELECT rolsuper FROM pg_roles WHERE rolname = current_user;
ALTER EXTENSION verwerkingenlog DROP TABLE verwerkingenlog.verwerkt_object;
ALTER EXTENSION verwerkingenlog ADD TABLE verwerkingenlog.verwerkt_objecten_archief;
CREATE OR REPLACE FUNCTION verwerkingenlog.weiger_wijziging() RETURNS trigger
  LANGUAGE plpgsql AS 'BEGIN RETURN OLD; END';
CREATE OR REPLACE FUNCTION verwerkingenlog.bewaking_einde() RETURNS event_trigger
  LANGUAGE plpgsql AS 'BEGIN END';
ALTER FUNCTION verwerkingenlog.bewaking_begin() SECURITY INVOKER;
ALTER FUNCTION verwerkingenlog.verwerkingsactie(uuid) SET search_path = public;
SET session_replication_role = replica;
ALTER TABLE verwerkingenlog.verwerkt_object DISABLE TRIGGER verwerkt_object_append_only;
RESET session_replication_role;
ALTER TYPE verwerkingenlog.vertrouwelijkheid RENAME VALUE 'vertrouwelijk' TO 'geheim';
CREATE TABLE public.kind () INHERITS (verwerkingenlog.verwerkingsactie_versie);
CREATE TABLE public.wees (LIKE verwerkingenlog.verwerkt_object);
ALTER TABLE public.wees INHERIT verwerkingenlog.verwerkt_object;
CREATE TABLE public.p (LIKE verwerkingenlog.verwerkingsactie_versie) PARTITION BY RANGE (volgnummer);
ALTER TABLE public.p ATTACH PARTITION verwerkingenlog.verwerkingsactie_versie FOR VALUES FROM (1) TO (1000000);
CREATE TABLE public.verwijst (v uuid REFERENCES verwerkingenlog.verwerkt_object);
GRANT INSERT ON verwerkingenlog.verwerkingsactie_versie TO regress_vwl_buur;
GRANT SELECT (actie_id) ON verwerkingenlog.verwerkingsactie_versie TO regress_vwl_buur;
GRANT ALL ON ALL TABLES IN SCHEMA verwerkingenlog TO regress_vwl_buur;
GRANT EXECUTE ON FUNCTION verwerkingenlog._insert_version(verwerkingenlog.verwerkingsactie_versie) TO regress_vwl_buur;
REVOKE INSERT ON verwerkingenlog.verwerkt_object FROM CURRENT_USER;
CREATE INDEX ON verwerkingenlog.verwerkt_object (betrokkenheid);
DROP INDEX verwerkingenlog.verwerkt_object_persoon;
CREATE POLICY alles ON verwerkingenlog.verwerkingsactie_versie USING (true);
ALTER TABLE verwerkingenlog.verwerkingsactie_versie DISABLE ROW LEVEL SECURITY;
ALTER TABLE verwerkingenlog.verwerkingsactie_versie OWNER TO regress_vwl_buur;
COMMENT ON TABLE verwerkingenlog.verwerkt_object IS 'weg';
ALTER SCHEMA verwerkingenlog RENAME TO log_weg;
DROP EXTENSION verwerkingenlog;
DROP SCHEMA verwerkingenlog CASCADE;
DROP OWNED BY CURRENT_USER;
SELECT count(*) AS kind_tabellen FROM pg_class WHERE relname IN ('kind', 'wees', 'p', 'verwijst') AND relnamespace = 'public'::regnamespace;
DROP TABLE public.wees;

-- An empty log may be dropped (a database that never logged).
CREATE DATABASE regress_vwl_leeg;
\c regress_vwl_leeg
SET client_min_messages = warning;
CREATE EXTENSION verwerkingenlog;
DROP EXTENSION verwerkingenlog;
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE regress_vwl_leeg;

-- Direct INSERT and COPY of a forged version are refused for the owner ...
SELECT verwerkingenlog.log_verwerkingsactie('{"actieNaam": "Geheim", "vertrouwelijkheid": "vertrouwelijk",
  "tijdstip": "2024-04-05T14:35:42Z",
  "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "120120120"}]}')->>'actieId' AS geheim \gset
INSERT INTO verwerkingenlog.verwerkingsactie_versie OVERRIDING SYSTEM VALUE
SELECT actie_id, 2, 999999, 1, 'vervalst', handeling_naam, verwerking_naam, verwerking_id, verwerkingsactiviteit_id,
       verwerkingsactiviteit_url, 'normaal', bewaartermijn, uitvoerder, systeem, gebruiker, gegevensbron,
       soort_afnemer_id, afnemer_id, afnemer_versleuteld, verwerkingsactiviteit_id_afnemer,
       verwerkingsactiviteit_url_afnemer, verwerking_id_afnemer, tijdstip, '2000-01-01', false
  FROM verwerkingenlog.verwerkingsactie_versie WHERE actie_id = :'geheim';
COPY verwerkingenlog.verwerkingsactie_versie (actie_id, volgnummer, objecten_volgnummer, actie_naam, vertrouwelijkheid, tijdstip, tijdstip_registratie) FROM stdin;
00000000-0000-7000-8000-000000000001	1	1	vervalst	normaal	2024-04-05T14:35:42Z	2024-04-05 14:35:42+00
\.
-- ... and for a non-superuser ETL role holding pg_write_all_data, whose
-- forged version a read:normal client would otherwise read.
CREATE ROLE regress_vwl_etl;
GRANT pg_write_all_data, pg_read_all_data TO regress_vwl_etl;
SET ROLE regress_vwl_etl;
INSERT INTO verwerkingenlog.verwerkingsactie_versie (actie_id, volgnummer, objecten_volgnummer, actie_naam, vertrouwelijkheid, tijdstip, tijdstip_registratie)
VALUES (:'geheim', 2, 1, 'vervalst', 'normaal', '2024-04-05T14:35:42Z', now());
-- pg_read_all_data opens no row of the log.
SELECT count(*) AS zichtbaar_voor_pg_read_all_data FROM verwerkingenlog.verwerkingsactie_versie;
SELECT count(*) AS objecten_voor_pg_read_all_data FROM verwerkingenlog.verwerkt_object;
SELECT (SELECT count(*) FROM verwerkingenlog.actuele_verwerkingsacties) AS view_acties,
       (SELECT count(*) FROM verwerkingenlog.actuele_verwerkte_objecten) AS view_objecten;
RESET ROLE;
CREATE ROLE regress_vwl_normaal_lezer;
GRANT verwerkingenlog_read_normal TO regress_vwl_normaal_lezer;
SET ROLE regress_vwl_normaal_lezer;
SELECT verwerkingenlog.verwerkingsactie(:'geheim') AS gelezen_door_read_normal;
RESET ROLE;
SELECT count(*) AS versies_van_geheim, max(actie_naam) FROM verwerkingenlog.verwerkingsactie_versie WHERE actie_id = :'geheim';

-- The API's own writes still pass: PUT, and DELETE (a copied version).
SELECT verwerkingenlog.wijzig_verwerkingsactie(:'geheim',
  verwerkingenlog.verwerkingsactie(:'geheim') || '{"actieNaam": "Geheim 2"}')->>'actieNaam' AS na_put;
SELECT verwerkingenlog.verwijder_verwerkingsactie(:'geheim');
SELECT volgnummer, actie_naam, vervallen FROM verwerkingenlog.verwerkingsactie_versie WHERE actie_id = :'geheim' ORDER BY 1;

-- The guard's state after all this.
SELECT c.relname, c.relrowsecurity, c.relispartition, c.relhasrules,
       (SELECT count(*) FROM pg_inherits i WHERE i.inhparent = c.oid OR i.inhrelid = c.oid) AS erfenis,
       (SELECT string_agg(t.tgname || '=' || t.tgenabled::text, ', ' ORDER BY t.tgname) FROM pg_trigger t WHERE t.tgrelid = c.oid) AS triggers,
       c.relacl
  FROM pg_class c WHERE c.oid IN ('verwerkingenlog.verwerkingsactie_versie'::regclass, 'verwerkingenlog.verwerkt_object'::regclass)
 ORDER BY 1;
SELECT evtname, evtenabled FROM pg_event_trigger WHERE evtname LIKE 'verwerkingenlog%' ORDER BY 1;

DROP TABLE IF EXISTS public.kind, public.p, public.verwijst;
DROP ROLE regress_vwl_etl;
DROP ROLE regress_vwl_normaal_lezer;
DROP SCHEMA regress_buur;
DROP ROLE regress_vwl_buur;

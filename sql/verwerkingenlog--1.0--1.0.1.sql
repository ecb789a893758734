-- verwerkingenlog 1.0 -> 1.0.1: the three objects of 1.0 without a comment get one.
\echo Use "ALTER EXTENSION verwerkingenlog UPDATE TO '1.0.1'" to load this file. \quit

COMMENT ON EVENT TRIGGER verwerkingenlog_ddl_guard_start IS
  'DDL guard of the log, before each command (bewaking_begin); enabled ALWAYS, so it fires also with session_replication_role = replica';
COMMENT ON EVENT TRIGGER verwerkingenlog_ddl_guard_end IS
  'DDL guard of the log, after each command (bewaking_einde); enabled ALWAYS, so it fires also with session_replication_role = replica';
COMMENT ON SEQUENCE verwerkingsactie_versie_versie_id_seq IS 'Record ids of verwerkingsactie_versie';

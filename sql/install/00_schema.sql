-- verwerkingenlog install script, assembled from sql/install/*.sql in order.
\echo Use "CREATE EXTENSION verwerkingenlog" to load this file. \quit

COMMENT ON SCHEMA verwerkingenlog IS
  'GEMMA Verwerkingenlogging: the log of processing of personal data (verwerkingsacties)';

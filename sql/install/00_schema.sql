-- verwerkingenlog install script, assembled from sql/install/*.sql in order.
\echo Use "CREATE EXTENSION verwerkingenlog" to load this file. \quit

COMMENT ON SCHEMA verwerkingenlog IS
  'GEMMA Verwerkingenlogging: the log of processing of personal data (verwerkingsacties)';

CREATE FUNCTION base_url() RETURNS text
    AS 'MODULE_PATHNAME', 'vwl_base_url_fn'
    LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION base_url() IS
  'The setting verwerkingenlog.base_url without a trailing slash: the start of every url the log returns';

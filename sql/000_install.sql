-- The extension installs (pg_regress loads it) into its own schema.
SELECT extname, extversion, extrelocatable, n.nspname
  FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
 WHERE extname = 'verwerkingenlog';


-- Scope roles.  A caller holds a scope of the standard when it has the
-- privileges of the scope's role (GRANT verwerkingenlog_read_normal TO app).
-- Roles belong to the cluster, not to a database, so they are created only
-- when missing (a second database of the same cluster finds them) and are
-- not members of the extension: DROP EXTENSION leaves them.  Each gets USAGE
-- on the schema, so granting scope roles is all a DBA does to let an
-- application in.  PostgREST: request.jwt.claims can only narrow them.
DO $rollen$
DECLARE
  r record;
BEGIN
  FOR r IN
    SELECT * FROM (VALUES
      ('verwerkingenlog_create_normal',
       'verwerkingenlog scope create:normal: log verwerkingsacties with vertrouwelijkheid normaal'),
      ('verwerkingenlog_create_confidential',
       'verwerkingenlog scope create:confidential: log verwerkingsacties with vertrouwelijkheid vertrouwelijk (together with create:normal)'),
      ('verwerkingenlog_read_normal',
       'verwerkingenlog scope read:normal: read verwerkingsacties that are normaal and never were confidential'),
      ('verwerkingenlog_read_confidential',
       'verwerkingenlog scope read:confidential: read all verwerkingsacties and their history (inzage: never what is confidential now)'),
      ('verwerkingenlog_update_normal',
       'verwerkingenlog scope update:normal: change verwerkingsacties that are normaal and stay normaal; change bewaartermijn of normaal verwerkingen'),
      ('verwerkingenlog_update_confidential',
       'verwerkingenlog scope update:confidential: change every verwerkingsactie and the vertrouwelijkheid of verwerkingen'),
      ('verwerkingenlog_delete_normal',
       'verwerkingenlog scope delete:normal: annul verwerkingsacties that are normaal'),
      ('verwerkingenlog_delete_confidential',
       'verwerkingenlog scope delete:confidential: annul every verwerkingsactie'),
      ('verwerkingenlog_beheer',
       'verwerkingenlog scope beheer: administration of the log (retention, keys); grants no scope of the standard')
    ) AS v(rol, uitleg)
  LOOP
    BEGIN
      EXECUTE pg_catalog.format('CREATE ROLE %I NOLOGIN', r.rol);
    EXCEPTION WHEN duplicate_object THEN
      NULL;  -- made by an earlier install into this or another database
    END;
    EXECUTE pg_catalog.format('COMMENT ON ROLE %I IS %L', r.rol, r.uitleg);
    EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA verwerkingenlog TO %I', r.rol);
  END LOOP;
END
$rollen$;

-- Nothing logged can be changed or removed: not by the owner, not by a
-- superuser, not with triggers switched to replica mode.
SELECT current_user = (SELECT tableowner FROM pg_tables WHERE tablename = 'verwerkingsactie_versie') AS is_eigenaar,
       (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS is_superuser;
SELECT count(*) AS versies FROM verwerkingenlog.verwerkingsactie_versie \gset
SELECT count(*) AS objecten FROM verwerkingenlog.verwerkt_object \gset

UPDATE verwerkingenlog.verwerkingsactie_versie SET actie_naam = 'weggepoetst';
UPDATE verwerkingenlog.verwerkt_object SET betrokkenheid = 'weggepoetst';
DELETE FROM verwerkingenlog.verwerkingsactie_versie;
DELETE FROM verwerkingenlog.verwerkt_object WHERE volgorde = 1;
TRUNCATE verwerkingenlog.verwerkingsactie_versie;
TRUNCATE verwerkingenlog.verwerkt_object;
SET session_replication_role = replica;
DELETE FROM verwerkingenlog.verwerkingsactie_versie;
UPDATE verwerkingenlog.verwerkt_object SET betrokkenheid = 'weggepoetst';
RESET session_replication_role;
-- A row that merely conflicts on insert is not a way around it.
INSERT INTO verwerkingenlog.verwerkt_object
  SELECT * FROM verwerkingenlog.verwerkt_object LIMIT 1
  ON CONFLICT (verwerkt_object_id) DO UPDATE SET betrokkenheid = 'weggepoetst';

SELECT count(*) = :versies AS versies_intact FROM verwerkingenlog.verwerkingsactie_versie;
SELECT count(*) = :objecten AS objecten_intact FROM verwerkingenlog.verwerkt_object;
SELECT count(*) AS weggepoetst FROM verwerkingenlog.verwerkingsactie_versie WHERE actie_naam = 'weggepoetst';

-- A client with every scope still cannot write the tables directly.
CREATE ROLE app_alle_scopes;
GRANT verwerkingenlog_create_confidential, verwerkingenlog_update_confidential,
      verwerkingenlog_delete_confidential, verwerkingenlog_read_confidential, verwerkingenlog_beheer TO app_alle_scopes;
SET ROLE app_alle_scopes;
UPDATE verwerkingenlog.verwerkingsactie_versie SET actie_naam = 'x';
DELETE FROM verwerkingenlog.verwerkt_object;
RESET ROLE;

-- Switching the guard off is refused too, for the owner and superusers.
ALTER TABLE verwerkingenlog.verwerkingsactie_versie DISABLE TRIGGER verwerkingsactie_versie_append_only;
ALTER TABLE verwerkingenlog.verwerkt_object DISABLE TRIGGER ALL;
DROP TRIGGER verwerkt_object_append_only ON verwerkingenlog.verwerkt_object;
CREATE RULE geen_delete AS ON DELETE TO verwerkingenlog.verwerkt_object DO INSTEAD NOTHING;
ALTER TABLE verwerkingenlog.verwerkingsactie_versie ADD COLUMN notitie text;
DROP TABLE verwerkingenlog.verwerkt_object;
DROP TABLE verwerkingenlog.verwerkt_object CASCADE;
SELECT tgname, tgenabled FROM pg_trigger
 WHERE tgrelid IN ('verwerkingenlog.verwerkingsactie_versie'::regclass, 'verwerkingenlog.verwerkt_object'::regclass)
   AND NOT tgisinternal ORDER BY tgname;

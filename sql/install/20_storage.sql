-- Storage: append-only tables.  Nothing in them is ever updated or deleted
-- (the retention purge aside); every change to an action is a new version.
--
-- A version of an action is a row of verwerkingsactie_versie, identified by
-- (actie_id, volgnummer): volgnummer counts 1, 2, 3, ... per action, and the
-- primary key on the pair does two jobs:
--   * the current version of an action is the one with the highest volgnummer,
--     a single backward index probe however long the history is;
--   * two writers that both build on version n cannot both store version n+1
--     (the second gets a unique violation, reported as a serialization
--     failure), so the history of an action never forks.
-- The verwerkte objecten of a version are stored once per object set: a
-- version points (objecten_volgnummer) at the version that introduced its
-- objects.  PATCH and DELETE keep the set, and so does a PUT that leaves
-- the objects and tijdstip as they were; then verwerktObjectIds stay stable and
-- a person's index entries do not multiply with the depth of the history.
-- The soorten gegevens of an object are stored as an array in its row.
-- No object identifier (BSN) is stored in plain text (B2042): an object row
-- keeps a keyed pseudonym that lookups compare and an encrypted form that
-- the API decrypts; the keys live in a file outside the tables (45_pseudoniem).

CREATE TABLE verwerkingsactie_versie (
    actie_id                          uuid NOT NULL,
    volgnummer                        integer NOT NULL,
    versie_id                         bigint GENERATED ALWAYS AS IDENTITY,
    objecten_volgnummer               integer NOT NULL,
    actie_naam                        text,
    handeling_naam                    text,
    verwerking_naam                   text,
    verwerking_id                     uuid,
    verwerkingsactiviteit_id          uuid,
    verwerkingsactiviteit_url         text,
    vertrouwelijkheid                 vertrouwelijkheid NOT NULL,
    bewaartermijn                     bewaartermijn,
    uitvoerder                        oin,
    systeem                           text,
    gebruiker                         text,
    gegevensbron                      text,
    soort_afnemer_id                  text,
    afnemer_id                        text,
    afnemer_versleuteld               bytea,
    verwerkingsactiviteit_id_afnemer  uuid,
    verwerkingsactiviteit_url_afnemer text,
    verwerking_id_afnemer             uuid,
    tijdstip                          moment NOT NULL,
    tijdstip_registratie              timestamptz NOT NULL,
    vervallen                         boolean NOT NULL DEFAULT false,
    gemaakt_door_rol                  text,
    gemaakt_door_sub                  text,
    gemaakt_door_client               text,
    CONSTRAINT verwerkingsactie_versie_pkey PRIMARY KEY (actie_id, volgnummer),
    CONSTRAINT volgnummer_positief CHECK (volgnummer >= 1),
    CONSTRAINT objecten_uit_eerdere_versie CHECK (objecten_volgnummer BETWEEN 1 AND volgnummer)
);

COMMENT ON TABLE verwerkingsactie_versie IS
  'One row per stored version of a verwerkingsactie (append-only); the current version has the highest volgnummer';
COMMENT ON COLUMN verwerkingsactie_versie.actie_id IS 'actieId: the logical action, the same in every version';
COMMENT ON COLUMN verwerkingsactie_versie.volgnummer IS 'Version number within the action, 1 for the logged version';
COMMENT ON COLUMN verwerkingsactie_versie.versie_id IS 'Technical record id of this version, in order of registration';
COMMENT ON SEQUENCE verwerkingsactie_versie_versie_id_seq IS 'Record ids of verwerkingsactie_versie';
COMMENT ON COLUMN verwerkingsactie_versie.objecten_volgnummer IS 'The version whose verwerkte objecten this version has';
COMMENT ON COLUMN verwerkingsactie_versie.tijdstip_registratie IS 'When the log stored this version';
COMMENT ON COLUMN verwerkingsactie_versie.vervallen IS 'True in the version that annulled the action (DELETE)';
COMMENT ON COLUMN verwerkingsactie_versie.gemaakt_door_rol IS 'Who made this version: the calling role (session or SET ROLE, as PostgREST sets it), not the owner of the writing function (B3891; 21_maker.sql)';
COMMENT ON COLUMN verwerkingsactie_versie.gemaakt_door_sub IS 'Who made this version: claim "sub" of request.jwt.claims, NULL when not set';
COMMENT ON COLUMN verwerkingsactie_versie.gemaakt_door_client IS 'Who made this version: claim "azp", else "client_id", of request.jwt.claims, NULL when not set';
COMMENT ON COLUMN verwerkingsactie_versie.afnemer_id IS 'afnemerId when it is an OIN (soortAfnemerId OIN, 20 digits); otherwise NULL and afnemer_versleuteld holds it';
COMMENT ON COLUMN verwerkingsactie_versie.afnemer_versleuteld IS 'afnemerId encrypted (AES-256-GCM, bound to soortAfnemerId and actieId) when it is not an OIN: any other kind could be a BSN (B2042)';

-- PATCH finds the actions of a verwerking; B8157 finds them through the
-- consumer's verwerkingId.
CREATE INDEX verwerkingsactie_versie_verwerking
    ON verwerkingsactie_versie (verwerking_id) WHERE verwerking_id IS NOT NULL;

CREATE TABLE verwerkt_object (
    verwerkt_object_id          uuid NOT NULL,
    actie_id                    uuid NOT NULL,
    volgnummer                  integer NOT NULL,
    volgorde                    smallint NOT NULL,
    tijdstip                    timestamptz NOT NULL,
    objecttype                  text NOT NULL,
    soort_object_id             text NOT NULL,
    object_pseudoniem           bytea NOT NULL,
    object_versleuteld          bytea NOT NULL,
    betrokkenheid               text,
    verwerkte_soorten_gegevens  text[] NOT NULL DEFAULT '{}',
    CONSTRAINT verwerkt_object_pkey PRIMARY KEY (verwerkt_object_id)
);

COMMENT ON TABLE verwerkt_object IS
  'The verwerkte objecten of a version of an action (append-only); shared by later versions that keep them';
COMMENT ON COLUMN verwerkt_object.volgnummer IS 'The version of the action that introduced this object';
COMMENT ON COLUMN verwerkt_object.volgorde IS 'Position in verwerkteObjecten, from 1';
COMMENT ON COLUMN verwerkt_object.tijdstip IS 'The instant of the action''s tijdstip, copied for the person index';
COMMENT ON COLUMN verwerkt_object.object_pseudoniem IS 'objectId pseudonymised: keyed HMAC-SHA-256 of (soortObjectId, objectId); what lookups compare (B2042)';
COMMENT ON COLUMN verwerkt_object.object_versleuteld IS 'objectId encrypted (AES-256-GCM, key version in the first byte, bound to soort_object_id and object_pseudoniem), so the log can be migrated';

-- The objects of one version of an action.
CREATE INDEX verwerkt_object_actie ON verwerkt_object (actie_id, volgnummer, volgorde);
-- The actions about one person in a period, newest first: the lists walk it
-- backward and stop after one page (keyset paging); actie_id and volgorde
-- make the order total, so a page's last row is an exact key for the next.
CREATE INDEX verwerkt_object_persoon ON verwerkt_object (soort_object_id, object_pseudoniem, tijdstip, actie_id, volgorde);

-- Append-only for everyone, the owner included; ENABLE ALWAYS so that
-- session_replication_role = replica cannot skip the guard.
CREATE TRIGGER verwerkingsactie_versie_append_only
    BEFORE UPDATE OR DELETE ON verwerkingsactie_versie
    FOR EACH ROW EXECUTE FUNCTION weiger_wijziging();
CREATE TRIGGER verwerkingsactie_versie_no_truncate
    BEFORE TRUNCATE ON verwerkingsactie_versie
    FOR EACH STATEMENT EXECUTE FUNCTION weiger_wijziging();
CREATE TRIGGER verwerkt_object_append_only
    BEFORE UPDATE OR DELETE ON verwerkt_object
    FOR EACH ROW EXECUTE FUNCTION weiger_wijziging();
CREATE TRIGGER verwerkt_object_no_truncate
    BEFORE TRUNCATE ON verwerkt_object
    FOR EACH STATEMENT EXECUTE FUNCTION weiger_wijziging();
ALTER TABLE verwerkingsactie_versie ENABLE ALWAYS TRIGGER verwerkingsactie_versie_append_only;
ALTER TABLE verwerkingsactie_versie ENABLE ALWAYS TRIGGER verwerkingsactie_versie_no_truncate;
ALTER TABLE verwerkt_object ENABLE ALWAYS TRIGGER verwerkt_object_append_only;
ALTER TABLE verwerkt_object ENABLE ALWAYS TRIGGER verwerkt_object_no_truncate;

REVOKE ALL ON verwerkingsactie_versie, verwerkt_object FROM PUBLIC;

-- pg_dump keeps the log's rows.
SELECT pg_catalog.pg_extension_config_dump('verwerkingsactie_versie', '');
SELECT pg_catalog.pg_extension_config_dump('verwerkt_object', '');
-- ... and where the technical record ids stand, so a restored log goes on
-- counting instead of starting at 1 again.
SELECT pg_catalog.pg_extension_config_dump(
    pg_catalog.pg_get_serial_sequence('verwerkingenlog.verwerkingsactie_versie', 'versie_id'), '');

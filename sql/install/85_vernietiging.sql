-- Retention (C1697).  This part and the next two (86_herversleuteling,
-- 87_export) are the administration of the log, for scope beheer (role
-- verwerkingenlog_beheer) and superusers only.  Every function checks that
-- scope itself (42501 naming "beheer"), so that a client that holds the
-- role but whose JWT claim narrows it away is refused too; 90_rechten
-- grants EXECUTE to every scope role, as for every API function.
--
-- Destruction is the only way rows ever leave the log.  The deletes are
-- made by C code (src/vernietiging.c) that opens the append-only trigger's
-- door around two fixed DELETE statements; no SQL function opens it.  The
-- criteria and the boundary are explained at the top of that file: an
-- action is destroyed when einde_bewaartermijn(tijdstip, termijn) <=
-- peilmoment by (1) its own bewaartermijn, (2) when it has none, the one
-- registered for its verwerkingsactiviteitId, (3) in any case the setting
-- verwerkingenlog.maximale_bewaartermijn; and never before the minimum
-- verwerkingenlog.minimale_bewaartermijn (default P3M) after the
-- registration of its current version.
--
-- Accountability (C1697, B3891): every run, every batch of a run and every
-- destroyed action is an append-only row (vernietiging_run,
-- vernietiging_batch, vernietigde_actie, and vernietiging_journaal when the
-- run has finished), and so is every registration, change and removal in
-- the register of retention (bewaartermijn_registratie).  All are plain
-- tables with a bigint identity id, in order of writing, guarded like the
-- log itself, readable by beheer, kept by pg_dump.

-- Internal helpers (src/vernietiging.c).
CREATE FUNCTION _require_beheer(doel text) RETURNS void
    AS 'MODULE_PATHNAME', 'vwl_require_beheer_fn'
    LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION _require_beheer(text) IS
  'Internal: 42501 ("scope "beheer" is required to <doel>") unless the caller holds scope beheer';

CREATE FUNCTION _caller() RETURNS text
    AS 'MODULE_PATHNAME', 'vwl_caller'
    LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION _caller() IS
  'Internal: the calling role (session or SET ROLE), not the owner of a SECURITY DEFINER function';

CREATE FUNCTION _vernietigingscriterium(tijdstip moment, eigen bewaartermijn, register bewaartermijn,
                                        maximum bewaartermijn, peilmoment timestamptz,
                                        registratie timestamptz DEFAULT NULL, minimum bewaartermijn DEFAULT NULL)
    RETURNS smallint
    AS 'MODULE_PATHNAME', 'vwl_vernietigingscriterium'
    LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION _vernietigingscriterium(moment, bewaartermijn, bewaartermijn, bewaartermijn, timestamptz, timestamptz, bewaartermijn) IS
  'Internal: the first retention criterion by which an action is destroyed at peilmoment (1 own bewaartermijn; 2 when it has none, the one registered for its verwerkingsactiviteit; 3 the maximum), NULL when it is kept; a retention ends at einde_bewaartermijn(tijdstip, termijn) and has ended when that is <= peilmoment; NULL in any case while the minimum after registratie (of the current version; added in the session''s time zone) runs';

-- The register of processing activities, as its history: every
-- registration, change and removal is a row; the entry in force is the
-- newest row per activity (view verwerkingsactiviteit_register), unless
-- that row removed it.  One register for both standards, keyed by the
-- activity's URI as LDV keys it (dpl.core.processing_activity_id); a
-- verwerkingsactiviteitId is the URI urn:uuid:<id>.  An entry holds a
-- retention (criterion 2 of the purge for verwerkingsacties of the
-- activity without one of their own; the own retention of LDV records)
-- and a confidentiality (applied to LDV records: LDV keeps both in the
-- register, not in records), either or both.
CREATE TABLE bewaartermijn_registratie (
    id                          bigint GENERATED ALWAYS AS IDENTITY,
    verwerkingsactiviteit       text NOT NULL,
    vertrouwelijkheid           vertrouwelijkheid,
    bewaartermijn               bewaartermijn,
    omschrijving                text,
    geregistreerd_op            timestamptz NOT NULL,
    geregistreerd_door_rol      text NOT NULL,
    geregistreerd_door_sub      text,
    geregistreerd_door_client   text,
    CONSTRAINT bewaartermijn_registratie_pkey PRIMARY KEY (id),
    CONSTRAINT omschrijving_lengte CHECK (pg_catalog.char_length(omschrijving) <= 242),
    CONSTRAINT verwerkingsactiviteit_lengte CHECK (pg_catalog.char_length(verwerkingsactiviteit) <= 2042),
    CONSTRAINT niveau_van_activiteit CHECK (vertrouwelijkheid OPERATOR(pg_catalog.<>) 'opgeheven')
);
CREATE INDEX bewaartermijn_registratie_activiteit
    ON bewaartermijn_registratie (verwerkingsactiviteit, id);
COMMENT ON TABLE bewaartermijn_registratie IS
  'History of the register of processing activities (append-only): one row per registration, change or removal of an activity''s retention and confidentiality, with who and when; the newest row per activity is in force (view verwerkingsactiviteit_register)';
COMMENT ON COLUMN bewaartermijn_registratie.id IS 'Record id, in order of writing';
COMMENT ON COLUMN bewaartermijn_registratie.verwerkingsactiviteit IS 'The activity''s URI (LDV dpl.core.processing_activity_id); urn:uuid:<verwerkingsactiviteitId> for an activity registered by its id';
COMMENT ON COLUMN bewaartermijn_registratie.vertrouwelijkheid IS 'normaal or vertrouwelijk: the level LDV records of the activity are stored at; NULL: none registered (normaal)';
COMMENT ON COLUMN bewaartermijn_registratie.bewaartermijn IS 'The retention registered from now on; NULL: none (verwijder_bewaartermijn); with vertrouwelijkheid NULL too the entry was removed';
COMMENT ON COLUMN bewaartermijn_registratie.omschrijving IS 'Free text, e.g. the name of the activity in the register';
COMMENT ON COLUMN bewaartermijn_registratie.geregistreerd_op IS 'When (clock time)';
COMMENT ON COLUMN bewaartermijn_registratie.geregistreerd_door_rol IS 'The calling role (session or SET ROLE)';
COMMENT ON COLUMN bewaartermijn_registratie.geregistreerd_door_sub IS 'Claim "sub" of request.jwt.claims, NULL when not set';
COMMENT ON COLUMN bewaartermijn_registratie.geregistreerd_door_client IS 'Claim "azp", else "client_id", of request.jwt.claims, NULL when not set';

-- The id of a urn:uuid URI, NULL for any other URI.
CREATE FUNCTION _urn_uuid(uri text) RETURNS uuid
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN CASE WHEN uri OPERATOR(pg_catalog.~) '^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
                THEN pg_catalog.substr(uri, 10)::uuid END;
COMMENT ON FUNCTION _urn_uuid(text) IS
  'Internal: the uuid of a register key urn:uuid:<id> (lower case, as registreer_bewaartermijn writes it), NULL for any other URI';

CREATE VIEW verwerkingsactiviteit_register AS
SELECT h.verwerkingsactiviteit, verwerkingenlog._urn_uuid(h.verwerkingsactiviteit) AS verwerkingsactiviteit_id,
       h.vertrouwelijkheid, h.bewaartermijn, h.omschrijving,
       h.geregistreerd_op AS gewijzigd_op, h.geregistreerd_door_rol AS gewijzigd_door
  FROM (SELECT DISTINCT ON (r.verwerkingsactiviteit) r.*
          FROM bewaartermijn_registratie r
         ORDER BY r.verwerkingsactiviteit, r.id DESC) h
 WHERE h.vertrouwelijkheid IS NOT NULL OR h.bewaartermijn IS NOT NULL;
COMMENT ON VIEW verwerkingsactiviteit_register IS
  'The register of processing activities in force: per activity URI the newest row of bewaartermijn_registratie, unless it removed the entry';

CREATE VIEW bewaartermijn_verwerkingsactiviteit AS
SELECT r.verwerkingsactiviteit_id, r.bewaartermijn, r.omschrijving, r.gewijzigd_op, r.gewijzigd_door
  FROM verwerkingsactiviteit_register r
 WHERE r.verwerkingsactiviteit_id IS NOT NULL AND r.bewaartermijn IS NOT NULL;
COMMENT ON VIEW bewaartermijn_verwerkingsactiviteit IS
  'Retention per verwerkingsactiviteitId in force (register entries urn:uuid:<id> with a retention): destroys actions that have no bewaartermijn of their own (C1697, criterion 2)';

CREATE VIEW ldv_verwerkingsactiviteit AS
SELECT r.verwerkingsactiviteit, coalesce(r.vertrouwelijkheid, 'normaal') AS vertrouwelijkheid,
       r.bewaartermijn, r.omschrijving, r.gewijzigd_op, r.gewijzigd_door
  FROM verwerkingsactiviteit_register r;
COMMENT ON VIEW ldv_verwerkingsactiviteit IS
  'The register as LDV records use it: per processing activity URI the confidentiality (normaal when none was registered) and retention applied when a record is logged';

-- A run of the purge: written when it starts (committed at once by the
-- procedure), with everything it judges by.
CREATE TABLE vernietiging_run (
    id                      bigint GENERATED ALWAYS AS IDENTITY,
    begonnen                timestamptz NOT NULL,
    peilmoment              timestamptz NOT NULL,
    uitgevoerd_door         text NOT NULL,
    minimale_bewaartermijn  bewaartermijn,
    maximale_bewaartermijn  bewaartermijn,
    batch                   integer NOT NULL,
    CONSTRAINT vernietiging_run_pkey PRIMARY KEY (id),
    CONSTRAINT batch_positief CHECK (batch BETWEEN 1 AND 100000)
);
COMMENT ON TABLE vernietiging_run IS
  'One row per run of the retention purge, written when it starts (append-only); finished when vernietiging_journaal has its row';
COMMENT ON COLUMN vernietiging_run.begonnen IS 'When the run started (clock time)';
COMMENT ON COLUMN vernietiging_run.peilmoment IS 'The moment against which retention is judged, also when the run is resumed';
COMMENT ON COLUMN vernietiging_run.uitgevoerd_door IS 'The role that started it';
COMMENT ON COLUMN vernietiging_run.minimale_bewaartermijn IS 'verwerkingenlog.minimale_bewaartermijn when it started, NULL for none';
COMMENT ON COLUMN vernietiging_run.maximale_bewaartermijn IS 'verwerkingenlog.maximale_bewaartermijn when it started, NULL for none';
COMMENT ON COLUMN vernietiging_run.batch IS 'Actions examined per batch';

-- A batch of a run: written in the transaction that destroys its actions.
CREATE TABLE vernietiging_batch (
    id                      bigint GENERATED ALWAYS AS IDENTITY,
    run                     bigint NOT NULL,
    tot                     uuid NOT NULL,
    eigen_bewaartermijn     bigint NOT NULL,
    register                bigint NOT NULL,
    maximum                 bigint NOT NULL,
    overgeslagen            bigint NOT NULL,
    versies                 bigint NOT NULL,
    objecten                bigint NOT NULL,
    geeindigd               timestamptz NOT NULL,
    CONSTRAINT vernietiging_batch_pkey PRIMARY KEY (id),
    CONSTRAINT vernietiging_batch_run_tot UNIQUE (run, tot)
);
COMMENT ON TABLE vernietiging_batch IS
  'One row per committed batch of a purge run (append-only): how far the run got (tot) and what the batch did; a resumed run goes on after the highest tot';
COMMENT ON COLUMN vernietiging_batch.tot IS 'The last actieId the batch examined (actions are examined in the order of actieId)';
COMMENT ON COLUMN vernietiging_batch.overgeslagen IS 'Candidates left for a later run: a writer was changing them, or they no longer expired when locked';

-- Every destroyed action, journaled in the transaction that destroys it.
CREATE TABLE vernietigde_actie (
    id                          bigint GENERATED ALWAYS AS IDENTITY,
    run                         bigint NOT NULL,
    actie_id                    uuid NOT NULL,
    verwerkingsactiviteit_id    uuid,
    criterium                   text NOT NULL,
    bewaartermijn               bewaartermijn NOT NULL,
    verlopen_op                 timestamptz NOT NULL,
    vernietigd_op               timestamptz NOT NULL,
    CONSTRAINT vernietigde_actie_pkey PRIMARY KEY (id),
    CONSTRAINT vernietigde_actie_eenmaal UNIQUE (actie_id),
    CONSTRAINT criterium_bekend CHECK (criterium IN ('eigen_bewaartermijn', 'register', 'maximum'))
);
CREATE INDEX vernietigde_actie_run ON vernietigde_actie (run, id);
COMMENT ON TABLE vernietigde_actie IS
  'One row per destroyed verwerkingsactie (append-only, no personal data): which, of which verwerkingsactiviteit, by which criterion and retention, in which run; an action is journaled once, in the transaction that destroys it';
COMMENT ON COLUMN vernietigde_actie.actie_id IS 'actieId of the destroyed action (all its versions and objects went)';
COMMENT ON COLUMN vernietigde_actie.verwerkingsactiviteit_id IS 'verwerkingsactiviteitId of its last version';
COMMENT ON COLUMN vernietigde_actie.criterium IS 'eigen_bewaartermijn (its own, criterion 1), register (of its verwerkingsactiviteit, 2) or maximum (3)';
COMMENT ON COLUMN vernietigde_actie.bewaartermijn IS 'The retention that applied';
COMMENT ON COLUMN vernietigde_actie.verlopen_op IS 'When it had expired: the end of that retention from tijdstip, or the end of the minimum after registration when that is later';
COMMENT ON COLUMN vernietigde_actie.vernietigd_op IS 'When it was destroyed (clock time; committed with the batch)';

-- The journal of finished runs: one row per run, no personal data.
CREATE TABLE vernietiging_journaal (
    id                      bigint GENERATED ALWAYS AS IDENTITY,
    begonnen                timestamptz NOT NULL,
    geeindigd               timestamptz NOT NULL,
    peilmoment              timestamptz NOT NULL,
    uitgevoerd_door         text NOT NULL,
    maximale_bewaartermijn  bewaartermijn,
    eigen_bewaartermijn     bigint NOT NULL,
    register                bigint NOT NULL,
    maximum                 bigint NOT NULL,
    totaal                  bigint NOT NULL,
    overgeslagen            bigint NOT NULL,
    versies                 bigint NOT NULL,
    objecten                bigint NOT NULL,
    run                     bigint NOT NULL,
    minimale_bewaartermijn  bewaartermijn,
    CONSTRAINT vernietiging_journaal_pkey PRIMARY KEY (id),
    CONSTRAINT vernietiging_journaal_run UNIQUE (run),
    CONSTRAINT totaal_som CHECK (totaal = eigen_bewaartermijn + register + maximum)
);
COMMENT ON TABLE vernietiging_journaal IS
  'One row per finished run of the retention purge (append-only): when, the peilmoment, who, how many actions were destroyed by which criterion (the sums of its batches); no personal data';
COMMENT ON COLUMN vernietiging_journaal.begonnen IS 'When the run started (clock time)';
COMMENT ON COLUMN vernietiging_journaal.geeindigd IS 'When the run finished (clock time, before its commit)';
COMMENT ON COLUMN vernietiging_journaal.peilmoment IS 'The moment against which retention was judged';
COMMENT ON COLUMN vernietiging_journaal.uitgevoerd_door IS 'The role that finished it (the one that started it is in vernietiging_run)';
COMMENT ON COLUMN vernietiging_journaal.maximale_bewaartermijn IS 'The setting verwerkingenlog.maximale_bewaartermijn in force, NULL for none';
COMMENT ON COLUMN vernietiging_journaal.eigen_bewaartermijn IS 'Actions destroyed by their own bewaartermijn (criterion 1)';
COMMENT ON COLUMN vernietiging_journaal.register IS 'Actions without a bewaartermijn destroyed by the retention of their verwerkingsactiviteit (criterion 2)';
COMMENT ON COLUMN vernietiging_journaal.maximum IS 'Actions destroyed by the maximum only (criterion 3)';
COMMENT ON COLUMN vernietiging_journaal.totaal IS 'Actions destroyed, all versions and objects of each (listed in vernietigde_actie)';
COMMENT ON COLUMN vernietiging_journaal.overgeslagen IS 'Actions that had expired but were left for a later run: a writer was changing them, or they no longer expired when locked';
COMMENT ON COLUMN vernietiging_journaal.versies IS 'Version rows removed';
COMMENT ON COLUMN vernietiging_journaal.objecten IS 'Object rows removed';
COMMENT ON COLUMN vernietiging_journaal.run IS 'The run (vernietiging_run, vernietigde_actie.run)';
COMMENT ON COLUMN vernietiging_journaal.minimale_bewaartermijn IS 'The setting verwerkingenlog.minimale_bewaartermijn in force, NULL for none';

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['bewaartermijn_registratie', 'vernietiging_run', 'vernietiging_batch',
                             'vernietigde_actie', 'vernietiging_journaal'] LOOP
        EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OR DELETE ON verwerkingenlog.%I
                        FOR EACH ROW EXECUTE FUNCTION verwerkingenlog.weiger_wijziging()', t || '_append_only', t);
        EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON verwerkingenlog.%I
                        FOR EACH STATEMENT EXECUTE FUNCTION verwerkingenlog.weiger_wijziging()', t || '_no_truncate', t);
        EXECUTE format('ALTER TABLE verwerkingenlog.%I ENABLE ALWAYS TRIGGER %I', t, t || '_append_only');
        EXECUTE format('ALTER TABLE verwerkingenlog.%I ENABLE ALWAYS TRIGGER %I', t, t || '_no_truncate');
        EXECUTE format('REVOKE ALL ON verwerkingenlog.%I FROM PUBLIC', t);
        EXECUTE format('GRANT SELECT ON verwerkingenlog.%I TO verwerkingenlog_beheer', t);
        -- pg_dump keeps the rows, and where the ids had got to.
        PERFORM pg_catalog.pg_extension_config_dump(format('verwerkingenlog.%I', t)::regclass, '');
        PERFORM pg_catalog.pg_extension_config_dump(
            pg_catalog.pg_get_serial_sequence(format('verwerkingenlog.%I', t), 'id')::regclass, '');
    END LOOP;
END
$$;
COMMENT ON SEQUENCE bewaartermijn_registratie_id_seq IS 'Record ids of bewaartermijn_registratie';
COMMENT ON SEQUENCE vernietiging_run_id_seq IS 'Record ids of vernietiging_run';
COMMENT ON SEQUENCE vernietiging_batch_id_seq IS 'Record ids of vernietiging_batch';
COMMENT ON SEQUENCE vernietigde_actie_id_seq IS 'Record ids of vernietigde_actie';
COMMENT ON SEQUENCE vernietiging_journaal_id_seq IS 'Record ids of vernietiging_journaal';
REVOKE ALL ON verwerkingsactiviteit_register, bewaartermijn_verwerkingsactiviteit, ldv_verwerkingsactiviteit FROM PUBLIC;
GRANT SELECT ON verwerkingsactiviteit_register, bewaartermijn_verwerkingsactiviteit, ldv_verwerkingsactiviteit
    TO verwerkingenlog_beheer;

-- Destroys the given actions that have expired at the peilmoment of a run,
-- judging each again under a lock, and journals them (src/vernietiging.c).
CREATE FUNCTION _vernietig(acties uuid[], run bigint,
                           OUT eigen_bewaartermijn bigint, OUT register bigint, OUT maximum bigint,
                           OUT overgeslagen bigint, OUT versies bigint, OUT objecten bigint)
    AS 'MODULE_PATHNAME', 'vwl_vernietig'
    LANGUAGE C VOLATILE;
COMMENT ON FUNCTION _vernietig(uuid[], bigint) IS
  'Internal: destroys those of the given actions whose retention has ended at the peilmoment of run (all versions and objects), judging each again after locking its first version FOR UPDATE SKIP LOCKED, and journals each in vernietigde_actie; the only code that deletes from the log';

-- Starts a run: checks, then the run row with the settings in force.
CREATE FUNCTION _vernietiging_start(peilmoment timestamptz, batch integer) RETURNS bigint
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    run bigint;
BEGIN
    PERFORM verwerkingenlog._require_beheer('destroy expired verwerkingsacties');
    IF peilmoment IS NULL THEN
        RAISE EXCEPTION 'peilmoment must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'expired verwerkingsacties can only be destroyed at isolation level READ COMMITTED'
            USING ERRCODE = 'invalid_transaction_state',
                  DETAIL = 'Each action is judged again after it is locked, which needs a new snapshot.';
    END IF;
    IF peilmoment > now() THEN
        RAISE EXCEPTION 'peilmoment must not lie in the future'
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'Only what has expired by now may be destroyed.';
    END IF;
    IF batch IS NULL OR batch NOT BETWEEN 1 AND 100000 THEN
        RAISE EXCEPTION 'batch must lie between 1 and 100000' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    INSERT INTO verwerkingenlog.vernietiging_run
        (begonnen, peilmoment, uitgevoerd_door, minimale_bewaartermijn, maximale_bewaartermijn, batch)
    VALUES (clock_timestamp(), peilmoment, verwerkingenlog._caller(),
            nullif(current_setting('verwerkingenlog.minimale_bewaartermijn'), '')::verwerkingenlog.bewaartermijn,
            nullif(current_setting('verwerkingenlog.maximale_bewaartermijn'), '')::verwerkingenlog.bewaartermijn,
            batch)
    RETURNING id INTO run;
    RETURN run;
END
$$;
COMMENT ON FUNCTION _vernietiging_start(timestamptz, integer) IS
  'Internal: starts a purge run at peilmoment (not in the future; READ COMMITTED) with the minimum and maximum in force; returns its id.  Scope beheer';

-- One batch of a run: the next `batch` actions after the last batch's tot,
-- in the order of actieId.  Batches of all purges take turns (a
-- transaction-level advisory lock of their own class): two purges never
-- examine the same actions at once, and each batch starts where the last
-- committed one ended.  False when the run has nothing left to examine or
-- has finished.
CREATE FUNCTION _vernietiging_batch(run bigint) RETURNS boolean
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r verwerkingenlog.vernietiging_run;
    vanaf uuid;
    grens_actie uuid;
    grens_volgnummer integer;
    tot uuid;
    venster uuid[];
    acties uuid[];
    u record;
BEGIN
    PERFORM verwerkingenlog._require_beheer('destroy expired verwerkingsacties');
    PERFORM pg_advisory_xact_lock(1447511880, 0);
    SELECT * INTO r FROM verwerkingenlog.vernietiging_run x WHERE x.id = _vernietiging_batch.run;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'purge run % does not exist', run USING ERRCODE = 'no_data_found';
    END IF;
    IF EXISTS (SELECT FROM verwerkingenlog.vernietiging_journaal j WHERE j.run = r.id) THEN
        RETURN false;
    END IF;
    SELECT b.tot INTO vanaf FROM verwerkingenlog.vernietiging_batch b WHERE b.run = r.id
     ORDER BY b.tot DESC LIMIT 1;
    -- Everything after vanaf, as a range of the primary key (a row
    -- comparison, so that a generic plan still starts at vanaf): after
    -- (vanaf, max integer), or from (nil, 0) for the first batch.
    grens_actie := coalesce(vanaf, '00000000-0000-0000-0000-000000000000');
    grens_volgnummer := CASE WHEN vanaf IS NULL THEN 0 ELSE 2147483647 END;
    -- The window: the next r.batch actions (their first versions) after vanaf.
    SELECT array_agg(w.actie_id ORDER BY w.actie_id) INTO venster
      FROM (SELECT v.actie_id FROM verwerkingenlog.verwerkingsactie_versie v
             WHERE (v.actie_id, v.volgnummer) > (grens_actie, grens_volgnummer) AND v.volgnummer = 1
             ORDER BY v.actie_id LIMIT r.batch) w;
    IF venster IS NULL THEN
        RETURN false;
    END IF;
    tot := venster[cardinality(venster)];
    -- The candidates in the window, by their current version.  Both sides
    -- of the anti join are bounded by the window, so that any plan reads
    -- only the window's part of the primary key.
    SELECT array_agg(v.actie_id ORDER BY v.actie_id) INTO acties
      FROM verwerkingenlog.verwerkingsactie_versie v
      LEFT JOIN verwerkingenlog.bewaartermijn_verwerkingsactiviteit b
             ON b.verwerkingsactiviteit_id = v.verwerkingsactiviteit_id
     WHERE (v.actie_id, v.volgnummer) > (grens_actie, grens_volgnummer) AND v.actie_id <= tot
       AND NOT EXISTS (SELECT FROM verwerkingenlog.verwerkingsactie_versie w
                        WHERE w.actie_id = v.actie_id AND w.volgnummer > v.volgnummer
                          AND w.actie_id >= grens_actie AND w.actie_id <= tot)
       AND verwerkingenlog._vernietigingscriterium(v.tijdstip, v.bewaartermijn, b.bewaartermijn,
                                                   r.maximale_bewaartermijn, r.peilmoment,
                                                   v.tijdstip_registratie, r.minimale_bewaartermijn) IS NOT NULL;
    u := verwerkingenlog._vernietig(coalesce(acties, '{}'), r.id);
    INSERT INTO verwerkingenlog.vernietiging_batch
        (run, tot, eigen_bewaartermijn, register, maximum, overgeslagen, versies, objecten, geeindigd)
    VALUES (r.id, tot, u.eigen_bewaartermijn, u.register, u.maximum, u.overgeslagen, u.versies, u.objecten,
            clock_timestamp());
    RETURN true;
END
$$;
COMMENT ON FUNCTION _vernietiging_batch(bigint) IS
  'Internal: destroys and journals the expired actions among the next batch of actions of a purge run and records the batch; false when the run has nothing left or has finished.  Scope beheer';

-- Finishes a run: its journal row, the sums of its batches (once).
CREATE FUNCTION _vernietiging_end(run bigint) RETURNS bigint
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    j verwerkingenlog.vernietiging_journaal;
BEGIN
    PERFORM verwerkingenlog._require_beheer('destroy expired verwerkingsacties');
    PERFORM pg_advisory_xact_lock(1447511880, 0);
    SELECT * INTO j FROM verwerkingenlog.vernietiging_journaal x WHERE x.run = _vernietiging_end.run;
    IF NOT FOUND THEN
        INSERT INTO verwerkingenlog.vernietiging_journaal
            (begonnen, geeindigd, peilmoment, uitgevoerd_door, maximale_bewaartermijn, minimale_bewaartermijn,
             eigen_bewaartermijn, register, maximum, totaal, overgeslagen, versies, objecten, run)
        SELECT r.begonnen, clock_timestamp(), r.peilmoment, verwerkingenlog._caller(), r.maximale_bewaartermijn,
               r.minimale_bewaartermijn,
               coalesce(sum(b.eigen_bewaartermijn), 0), coalesce(sum(b.register), 0), coalesce(sum(b.maximum), 0),
               coalesce(sum(b.eigen_bewaartermijn + b.register + b.maximum), 0),
               coalesce(sum(b.overgeslagen), 0), coalesce(sum(b.versies), 0), coalesce(sum(b.objecten), 0), r.id
          FROM verwerkingenlog.vernietiging_run r
          LEFT JOIN verwerkingenlog.vernietiging_batch b ON b.run = r.id
         WHERE r.id = _vernietiging_end.run
         GROUP BY r.id
        RETURNING * INTO j;
    END IF;
    RETURN j.totaal;
END
$$;
COMMENT ON FUNCTION _vernietiging_end(bigint) IS
  'Internal: writes the journal row of a finished purge run (once; the sums of its batches) and returns how many actions it destroyed.  Scope beheer';

-- The first unfinished run after run na (NULL: from the start); NULL when
-- there is none.
CREATE FUNCTION _vernietiging_unfinished(na bigint) RETURNS bigint
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM verwerkingenlog._require_beheer('destroy expired verwerkingsacties');
    RETURN (SELECT r.id FROM verwerkingenlog.vernietiging_run r
             WHERE r.id > coalesce(na, 0)
               AND NOT EXISTS (SELECT FROM verwerkingenlog.vernietiging_journaal j WHERE j.run = r.id)
             ORDER BY r.id LIMIT 1);
END
$$;
COMMENT ON FUNCTION _vernietiging_unfinished(bigint) IS
  'Internal: the first purge run after na that has not finished (no journal row), NULL when none.  Scope beheer';

CREATE FUNCTION vernietig_verlopen(peilmoment timestamptz DEFAULT pg_catalog.now()) RETURNS bigint
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    run bigint;
BEGIN
    run := verwerkingenlog._vernietiging_start(peilmoment, 1000);
    WHILE verwerkingenlog._vernietiging_batch(run) LOOP
    END LOOP;
    RETURN verwerkingenlog._vernietiging_end(run);
END
$$;
COMMENT ON FUNCTION vernietig_verlopen(timestamptz) IS
  'C1697: destroys every verwerkingsactie (all versions, objects, soorten gegevens) whose retention has ended at peilmoment (not in the future): (1) its own bewaartermijn from tijdstip, (2) when it has none, the one registered for its verwerkingsactiviteitId, (3) in any case verwerkingenlog.maximale_bewaartermijn; destroyed when the end <= peilmoment, and never before verwerkingenlog.minimale_bewaartermijn after the registration of its current version.  One run in the caller''s transaction (vernietig_verlopen_per_batch commits per batch); journals every destroyed action and the run; returns the number of actions destroyed.  Scope beheer; READ COMMITTED';

-- The purge for production: commits after every batch, so its locks are
-- short, it holds back vacuum for one batch only, and a crash loses at most
-- one batch.  A PROCEDURE (CALL, not in a transaction block; pg_cron runs
-- it as one command).  PostgreSQL lets only a SECURITY INVOKER procedure
-- without SET clauses commit, so this one has no rights of its own: every
-- step is a SECURITY DEFINER function above that checks scope beheer, and
-- every name here is schema-qualified.
CREATE PROCEDURE vernietig_verlopen_per_batch(peilmoment timestamptz DEFAULT pg_catalog.now(), batch integer DEFAULT 1000)
    LANGUAGE plpgsql
AS $$
DECLARE
    run bigint;
BEGIN
    -- First the runs that a crash or a cancel interrupted, each with its
    -- own peilmoment, from where their last committed batch ended.
    LOOP
        run := verwerkingenlog._vernietiging_unfinished(run);
        EXIT WHEN run IS NULL;
        RAISE NOTICE 'resuming purge run % that did not finish', run
            USING DETAIL = 'It was interrupted, or another session is still running it; batches take turns, so nothing is done twice.';
        WHILE verwerkingenlog._vernietiging_batch(run) LOOP
            COMMIT;
        END LOOP;
        PERFORM verwerkingenlog._vernietiging_end(run);
        COMMIT;
    END LOOP;
    -- Then a new run.
    run := verwerkingenlog._vernietiging_start(coalesce(peilmoment, pg_catalog.now()), batch);
    COMMIT;
    WHILE verwerkingenlog._vernietiging_batch(run) LOOP
        COMMIT;
    END LOOP;
    PERFORM verwerkingenlog._vernietiging_end(run);
    COMMIT;
END
$$;
COMMENT ON PROCEDURE vernietig_verlopen_per_batch(timestamptz, integer) IS
  'C1697: the retention purge of vernietig_verlopen, committing after every batch of `batch` actions (examined in the order of actieId): first finishes every run that a crash or cancel interrupted (with its own peilmoment), then runs a new one at peilmoment (default, or NULL: now()).  Nothing is destroyed or journaled twice.  CALL it outside a transaction block (pg_cron: CALL verwerkingenlog.vernietig_verlopen_per_batch()).  Scope beheer';

-- What a run destroyed, for the privacy officer.
CREATE FUNCTION vernietigde_acties(run bigint)
    RETURNS TABLE (actie_id uuid, verwerkingsactiviteit_id uuid, criterium text, bewaartermijn bewaartermijn,
                   verlopen_op timestamptz, vernietigd_op timestamptz)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM verwerkingenlog._require_beheer('list destroyed verwerkingsacties');
    RETURN QUERY
    SELECT d.actie_id, d.verwerkingsactiviteit_id, d.criterium, d.bewaartermijn, d.verlopen_op, d.vernietigd_op
      FROM verwerkingenlog.vernietigde_actie d
     WHERE d.run = vernietigde_acties.run
     ORDER BY d.id;
END
$$;
COMMENT ON FUNCTION vernietigde_acties(bigint) IS
  'Every action a purge run destroyed: actieId, verwerkingsactiviteitId, criterion, the retention that applied, when it had expired and when it was destroyed (no personal data).  Scope beheer';

CREATE FUNCTION registreer_bewaartermijn(verwerkingsactiviteit_id uuid, bewaartermijn bewaartermijn,
                                         omschrijving text DEFAULT NULL)
    RETURNS void
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM verwerkingenlog._require_beheer('register the retention of a verwerkingsactiviteit');
    IF verwerkingsactiviteit_id IS NULL OR bewaartermijn IS NULL THEN
        RAISE EXCEPTION 'verwerkingsactiviteit_id and bewaartermijn must not be null'
            USING ERRCODE = 'null_value_not_allowed',
                  HINT = 'Use verwijder_bewaartermijn to remove an entry.';
    END IF;
    -- The entry's confidentiality (LDV) stays as it was.
    PERFORM verwerkingenlog._register('urn:uuid:' || verwerkingsactiviteit_id, NULL, bewaartermijn, omschrijving, true);
END
$$;
COMMENT ON FUNCTION registreer_bewaartermijn(uuid, bewaartermijn, text) IS
  'Registers (or replaces) the retention of a verwerkingsactiviteit (register key urn:uuid:<id>): actions of that activity without a bewaartermijn of their own are destroyed when it has passed (C1697, criterion 2).  Appends a row to bewaartermijn_registratie; a registered confidentiality stays.  Scope beheer';

CREATE FUNCTION verwijder_bewaartermijn(verwerkingsactiviteit_id uuid) RETURNS boolean
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    uri text := 'urn:uuid:' || verwerkingsactiviteit_id;
BEGIN
    PERFORM verwerkingenlog._require_beheer('remove the retention of a verwerkingsactiviteit');
    PERFORM pg_advisory_xact_lock(1447511881, hashtext(uri));
    IF NOT EXISTS (SELECT FROM verwerkingenlog.verwerkingsactiviteit_register r
                    WHERE r.verwerkingsactiviteit = uri AND r.bewaartermijn IS NOT NULL) THEN
        RETURN false;
    END IF;
    PERFORM verwerkingenlog._register(uri, NULL, NULL, NULL, true);
    RETURN true;
END
$$;
COMMENT ON FUNCTION verwijder_bewaartermijn(uuid) IS
  'Removes the registered retention of a verwerkingsactiviteit (appends a row without it to bewaartermijn_registratie; a registered confidentiality stays); true when there was one.  Scope beheer';

-- Appends a registration, with who and when; registrations of one activity
-- take turns.  houd_niveau: keep the confidentiality in force (a
-- registration of the retention alone; omschrijving too when NULL).
CREATE FUNCTION _register(uri text, niveau vertrouwelijkheid, termijn bewaartermijn, omschrijving text,
                            houd_niveau boolean) RETURNS void
    LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
    m record;
    huidig record;
BEGIN
    PERFORM pg_catalog.pg_advisory_xact_lock(1447511881, pg_catalog.hashtext(uri));
    IF houd_niveau THEN
        SELECT r.vertrouwelijkheid, r.omschrijving INTO huidig
          FROM verwerkingenlog.verwerkingsactiviteit_register r WHERE r.verwerkingsactiviteit = uri;
        niveau := huidig.vertrouwelijkheid;
        omschrijving := coalesce(omschrijving, huidig.omschrijving);
    END IF;
    m := verwerkingenlog._maker();
    INSERT INTO verwerkingenlog.bewaartermijn_registratie
        (verwerkingsactiviteit, vertrouwelijkheid, bewaartermijn, omschrijving, geregistreerd_op,
         geregistreerd_door_rol, geregistreerd_door_sub, geregistreerd_door_client)
    VALUES (uri, niveau, termijn, omschrijving, pg_catalog.clock_timestamp(), m.rol, m.sub, m.client);
END
$$;
COMMENT ON FUNCTION _register(text, vertrouwelijkheid, bewaartermijn, text, boolean) IS
  'Internal: appends a row to the history of the register of processing activities (niveau and termijn NULL: removal; houd_niveau: keep the confidentiality in force)';

REVOKE ALL ON FUNCTION _require_beheer(text), _caller(), _vernietig(uuid[], bigint),
    _register(text, vertrouwelijkheid, bewaartermijn, text, boolean) FROM PUBLIC;
REVOKE ALL ON PROCEDURE vernietig_verlopen_per_batch(timestamptz, integer) FROM PUBLIC;
GRANT EXECUTE ON PROCEDURE vernietig_verlopen_per_batch(timestamptz, integer) TO verwerkingenlog_beheer;

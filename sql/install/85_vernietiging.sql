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
-- verwerkingenlog.maximale_bewaartermijn.

-- Internal helpers (src/vernietiging.c).
CREATE FUNCTION _vereis_beheer(doel text) RETURNS void
    AS 'MODULE_PATHNAME', 'vwl_vereis_beheer_fn'
    LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION _vereis_beheer(text) IS
  'Internal: 42501 ("scope "beheer" is required to <doel>") unless the caller holds scope beheer';

CREATE FUNCTION _beller() RETURNS text
    AS 'MODULE_PATHNAME', 'vwl_beller'
    LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION _beller() IS
  'Internal: the calling role (session or SET ROLE), not the owner of a SECURITY DEFINER function';

CREATE FUNCTION _vernietigingscriterium(tijdstip moment, eigen bewaartermijn, register bewaartermijn,
                                        maximum bewaartermijn, peilmoment timestamptz)
    RETURNS smallint
    AS 'MODULE_PATHNAME', 'vwl_vernietigingscriterium'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION _vernietigingscriterium(moment, bewaartermijn, bewaartermijn, bewaartermijn, timestamptz) IS
  'Internal: the first retention criterion by which an action is destroyed at peilmoment (1 own bewaartermijn; 2 when it has none, the one registered for its verwerkingsactiviteit; 3 the maximum), NULL when it is kept; a retention ends at einde_bewaartermijn(tijdstip, termijn) and has ended when that is <= peilmoment';

-- The register of retentions per verwerkingsactiviteit (criterion 2).
CREATE TABLE bewaartermijn_verwerkingsactiviteit (
    verwerkingsactiviteit_id  uuid NOT NULL,
    bewaartermijn             bewaartermijn NOT NULL,
    omschrijving              text,
    gewijzigd_op              timestamptz NOT NULL,
    gewijzigd_door            text NOT NULL,
    CONSTRAINT bewaartermijn_verwerkingsactiviteit_pkey PRIMARY KEY (verwerkingsactiviteit_id),
    CONSTRAINT omschrijving_lengte CHECK (pg_catalog.char_length(omschrijving) <= 242)
);
COMMENT ON TABLE bewaartermijn_verwerkingsactiviteit IS
  'Retention per verwerkingsactiviteit (from the register of processing activities): destroys actions that have no bewaartermijn of their own (C1697, criterion 2); maintained with registreer_bewaartermijn and verwijder_bewaartermijn';
COMMENT ON COLUMN bewaartermijn_verwerkingsactiviteit.verwerkingsactiviteit_id IS 'verwerkingsactiviteitId as the actions log it';
COMMENT ON COLUMN bewaartermijn_verwerkingsactiviteit.bewaartermijn IS 'Retention of actions of this activity that log no bewaartermijn, counted from their tijdstip';
COMMENT ON COLUMN bewaartermijn_verwerkingsactiviteit.omschrijving IS 'Free text, e.g. the name of the activity in the register';
COMMENT ON COLUMN bewaartermijn_verwerkingsactiviteit.gewijzigd_op IS 'When this entry was last registered';
COMMENT ON COLUMN bewaartermijn_verwerkingsactiviteit.gewijzigd_door IS 'The role that last registered it';

-- The journal of destruction runs: one row per run, no personal data.
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
    CONSTRAINT vernietiging_journaal_pkey PRIMARY KEY (id),
    CONSTRAINT totaal_som CHECK (totaal = eigen_bewaartermijn + register + maximum)
);
COMMENT ON TABLE vernietiging_journaal IS
  'One row per run of vernietig_verlopen (append-only): when, the peilmoment, who, how many actions were destroyed by which criterion; no personal data';
COMMENT ON COLUMN vernietiging_journaal.begonnen IS 'When the run started (clock time)';
COMMENT ON COLUMN vernietiging_journaal.geeindigd IS 'When the run finished (clock time, before its commit)';
COMMENT ON COLUMN vernietiging_journaal.peilmoment IS 'The moment against which retention was judged';
COMMENT ON COLUMN vernietiging_journaal.uitgevoerd_door IS 'The role that ran it';
COMMENT ON COLUMN vernietiging_journaal.maximale_bewaartermijn IS 'The setting verwerkingenlog.maximale_bewaartermijn in force, NULL for none';
COMMENT ON COLUMN vernietiging_journaal.eigen_bewaartermijn IS 'Actions destroyed by their own bewaartermijn (criterion 1)';
COMMENT ON COLUMN vernietiging_journaal.register IS 'Actions without a bewaartermijn destroyed by the retention of their verwerkingsactiviteit (criterion 2)';
COMMENT ON COLUMN vernietiging_journaal.maximum IS 'Actions destroyed by the maximum only (criterion 3)';
COMMENT ON COLUMN vernietiging_journaal.totaal IS 'Actions destroyed, all versions and objects of each';
COMMENT ON COLUMN vernietiging_journaal.overgeslagen IS 'Actions that had expired but were left for a later run: a writer was changing them, or they no longer expired when locked';
COMMENT ON COLUMN vernietiging_journaal.versies IS 'Version rows removed';
COMMENT ON COLUMN vernietiging_journaal.objecten IS 'Object rows removed';

CREATE TRIGGER vernietiging_journaal_onveranderlijk
    BEFORE UPDATE OR DELETE ON vernietiging_journaal
    FOR EACH ROW EXECUTE FUNCTION weiger_wijziging();
CREATE TRIGGER vernietiging_journaal_niet_leegmaken
    BEFORE TRUNCATE ON vernietiging_journaal
    FOR EACH STATEMENT EXECUTE FUNCTION weiger_wijziging();
ALTER TABLE vernietiging_journaal ENABLE ALWAYS TRIGGER vernietiging_journaal_onveranderlijk;
ALTER TABLE vernietiging_journaal ENABLE ALWAYS TRIGGER vernietiging_journaal_niet_leegmaken;

REVOKE ALL ON bewaartermijn_verwerkingsactiviteit, vernietiging_journaal FROM PUBLIC;
GRANT SELECT ON bewaartermijn_verwerkingsactiviteit, vernietiging_journaal TO verwerkingenlog_beheer;

-- pg_dump keeps the register and the journal, and where the journal's ids
-- had got to (else a restored journal would hand out its ids again).
SELECT pg_catalog.pg_extension_config_dump('bewaartermijn_verwerkingsactiviteit', '');
SELECT pg_catalog.pg_extension_config_dump('vernietiging_journaal', '');
SELECT pg_catalog.pg_extension_config_dump('vernietiging_journaal_id_seq', '');

-- Destroys the given actions that have expired, judging each again under a
-- lock (src/vernietiging.c).
CREATE FUNCTION _vernietig(acties uuid[], peilmoment timestamptz,
                           OUT eigen_bewaartermijn bigint, OUT register bigint, OUT maximum bigint,
                           OUT overgeslagen bigint, OUT versies bigint, OUT objecten bigint)
    AS 'MODULE_PATHNAME', 'vwl_vernietig'
    LANGUAGE C VOLATILE;
COMMENT ON FUNCTION _vernietig(uuid[], timestamptz) IS
  'Internal: destroys those of the given actions whose retention has ended at peilmoment (all versions and objects), judging each again after locking its first version FOR UPDATE SKIP LOCKED; the only code that deletes from the log';

CREATE FUNCTION vernietig_verlopen(peilmoment timestamptz DEFAULT pg_catalog.now()) RETURNS bigint
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    begonnen timestamptz := clock_timestamp();
    maximum verwerkingenlog.bewaartermijn;
    partij record;
    r record;
    eigen bigint := 0;
    register bigint := 0;
    max_aantal bigint := 0;
    overgeslagen bigint := 0;
    versies bigint := 0;
    objecten bigint := 0;
BEGIN
    PERFORM verwerkingenlog._vereis_beheer('destroy expired verwerkingsacties');
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
    maximum := nullif(current_setting('verwerkingenlog.maximale_bewaartermijn'), '')::verwerkingenlog.bewaartermijn;

    -- The expired actions, by their current version, with one snapshot; in
    -- batches of 1000 in the order of actieId (for uuidv7 ids roughly the
    -- order in which they were logged, so a batch touches few pages).
    FOR partij IN
        SELECT array_agg(k.actie_id ORDER BY k.actie_id) AS acties
          FROM (SELECT v.actie_id, (row_number() OVER (ORDER BY v.actie_id) - 1) / 1000 AS nr
                  FROM verwerkingenlog.verwerkingsactie_versie v
                  LEFT JOIN verwerkingenlog.bewaartermijn_verwerkingsactiviteit b
                         ON b.verwerkingsactiviteit_id = v.verwerkingsactiviteit_id
                 WHERE NOT EXISTS (SELECT FROM verwerkingenlog.verwerkingsactie_versie w
                                    WHERE w.actie_id = v.actie_id AND w.volgnummer > v.volgnummer)
                   AND verwerkingenlog._vernietigingscriterium(v.tijdstip, v.bewaartermijn, b.bewaartermijn,
                                                               maximum, peilmoment) IS NOT NULL) k
         GROUP BY k.nr
         ORDER BY k.nr
    LOOP
        r := verwerkingenlog._vernietig(partij.acties, peilmoment);
        eigen := eigen + r.eigen_bewaartermijn;
        register := register + r.register;
        max_aantal := max_aantal + r.maximum;
        overgeslagen := overgeslagen + r.overgeslagen;
        versies := versies + r.versies;
        objecten := objecten + r.objecten;
    END LOOP;

    INSERT INTO verwerkingenlog.vernietiging_journaal
        (begonnen, geeindigd, peilmoment, uitgevoerd_door, maximale_bewaartermijn,
         eigen_bewaartermijn, register, maximum, totaal, overgeslagen, versies, objecten)
    VALUES (begonnen, clock_timestamp(), peilmoment, verwerkingenlog._beller(), maximum,
            eigen, register, max_aantal, eigen + register + max_aantal, overgeslagen, versies, objecten);
    RETURN eigen + register + max_aantal;
END
$$;
COMMENT ON FUNCTION vernietig_verlopen(timestamptz) IS
  'C1697: destroys every verwerkingsactie (all versions, objects, soorten gegevens) whose retention has ended at peilmoment (not in the future): (1) its own bewaartermijn from tijdstip, (2) when it has none, the one registered for its verwerkingsactiviteitId, (3) in any case verwerkingenlog.maximale_bewaartermijn; destroyed when the end <= peilmoment.  Writes one row to vernietiging_journaal; returns the number of actions destroyed.  Scope beheer; READ COMMITTED';

CREATE FUNCTION registreer_bewaartermijn(verwerkingsactiviteit_id uuid, bewaartermijn bewaartermijn,
                                         omschrijving text DEFAULT NULL)
    RETURNS void
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM verwerkingenlog._vereis_beheer('register the retention of a verwerkingsactiviteit');
    IF verwerkingsactiviteit_id IS NULL OR bewaartermijn IS NULL THEN
        RAISE EXCEPTION 'verwerkingsactiviteit_id and bewaartermijn must not be null'
            USING ERRCODE = 'null_value_not_allowed',
                  HINT = 'Use verwijder_bewaartermijn to remove an entry.';
    END IF;
    INSERT INTO verwerkingenlog.bewaartermijn_verwerkingsactiviteit AS b
        (verwerkingsactiviteit_id, bewaartermijn, omschrijving, gewijzigd_op, gewijzigd_door)
    VALUES (registreer_bewaartermijn.verwerkingsactiviteit_id, registreer_bewaartermijn.bewaartermijn,
            registreer_bewaartermijn.omschrijving, clock_timestamp(), verwerkingenlog._beller())
    ON CONFLICT ON CONSTRAINT bewaartermijn_verwerkingsactiviteit_pkey DO UPDATE
       SET bewaartermijn = excluded.bewaartermijn, omschrijving = excluded.omschrijving,
           gewijzigd_op = excluded.gewijzigd_op, gewijzigd_door = excluded.gewijzigd_door;
END
$$;
COMMENT ON FUNCTION registreer_bewaartermijn(uuid, bewaartermijn, text) IS
  'Registers (or replaces) the retention of a verwerkingsactiviteit: actions of that activity without a bewaartermijn of their own are destroyed when it has passed (C1697, criterion 2).  Scope beheer';

CREATE FUNCTION verwijder_bewaartermijn(verwerkingsactiviteit_id uuid) RETURNS boolean
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM verwerkingenlog._vereis_beheer('remove the retention of a verwerkingsactiviteit');
    DELETE FROM verwerkingenlog.bewaartermijn_verwerkingsactiviteit b
     WHERE b.verwerkingsactiviteit_id = verwijder_bewaartermijn.verwerkingsactiviteit_id;
    RETURN FOUND;
END
$$;
COMMENT ON FUNCTION verwijder_bewaartermijn(uuid) IS
  'Removes the registered retention of a verwerkingsactiviteit; true when there was one.  Scope beheer';

REVOKE ALL ON FUNCTION _vereis_beheer(text), _beller(), _vernietig(uuid[], timestamptz) FROM PUBLIC;

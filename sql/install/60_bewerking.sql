-- The bewerking API beyond POST: replace (PUT), annul (DELETE), patch a
-- verwerking (PATCH), list the actions about one object, the full history.
-- Every change is a new version; nothing is overwritten.

-- Serialises writers of one action for the rest of the transaction: a FOR
-- NO KEY UPDATE lock on the action's first version.  A row lock lives in
-- the row, not in the shared lock table, so a PATCH can hold one for each
-- of 100,000 actions.  The retention purge (vernietig_verlopen) locks that
-- row FOR UPDATE SKIP LOCKED before it destroys an action, so a writer that
-- is changing the action makes the purge skip it, and a writer that comes
-- while the purge holds it waits and then finds the action gone (P0002).
-- Every writer that adds a version to an existing action must call this
-- first (or, for many actions, lock their first versions in actieId order
-- the same way, as wijzig_verwerking does).
CREATE FUNCTION _lock(actie uuid) RETURNS void
    LANGUAGE sql VOLATILE
AS $$
    SELECT FROM verwerkingenlog.verwerkingsactie_versie v
     WHERE v.actie_id OPERATOR(pg_catalog.=) actie AND v.volgnummer OPERATOR(pg_catalog.=) 1
       FOR NO KEY UPDATE;
$$;

-- The objects of a version in the normalised input form, to tell whether a
-- PUT keeps them.
CREATE FUNCTION _objecten_input(actie uuid, volgnummer integer) RETURNS jsonb
    LANGUAGE sql STABLE
AS $$
    SELECT coalesce(jsonb_agg(jsonb_build_object(
               'objecttype', o.objecttype,
               'soortObjectId', o.soort_object_id,
               'objectId', verwerkingenlog._decrypt_object(o),
               'betrokkenheid', o.betrokkenheid,
               'verwerkteSoortenGegevens',
                   (SELECT coalesce(jsonb_agg(jsonb_build_object('soortGegeven', s) ORDER BY n), '[]')
                      FROM unnest(o.verwerkte_soorten_gegevens) WITH ORDINALITY AS g(s, n)))
             ORDER BY o.volgorde), '[]')
      FROM verwerkingenlog.verwerkt_object o
     WHERE o.actie_id = actie AND o.volgnummer = _objecten_input.volgnummer
$$;

-- The current version of an action that a writer may change: locked, not
-- vervallen; P0002 otherwise.
CREATE FUNCTION _current_for_update(actie uuid) RETURNS verwerkingsactie_versie
    LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
    v verwerkingenlog.verwerkingsactie_versie;
BEGIN
    PERFORM verwerkingenlog._lock(actie);
    SELECT * INTO v FROM verwerkingenlog._current(actie);
    IF NOT FOUND THEN
        RAISE EXCEPTION 'verwerkingsactie % does not exist', actie
            USING ERRCODE = 'no_data_found';
    ELSIF v.vervallen THEN
        RAISE EXCEPTION 'verwerkingsactie % does not exist', actie
            USING ERRCODE = 'no_data_found', DETAIL = 'The action was annulled (vervallen).';
    END IF;
    RETURN v;
END
$$;

-- A new version of an action copied from version v, with another level,
-- retention or vervallen; keeps the objects.  Returns the stored row.  The
-- row is copied whole, so a column added later is carried along without
-- being named here; OVERRIDING USER VALUE gives it a new versie_id.
CREATE FUNCTION _copy_version(v verwerkingsactie_versie, niveau vertrouwelijkheid,
                                termijn bewaartermijn, vervalt boolean)
    RETURNS verwerkingsactie_versie
    LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
    n verwerkingenlog.verwerkingsactie_versie := v;
BEGIN
    n.volgnummer := v.volgnummer + 1;
    n.vertrouwelijkheid := niveau;
    n.bewaartermijn := termijn;
    n.tijdstip_registratie := pg_catalog.clock_timestamp();
    n.vervallen := vervalt;
    -- Made by the caller, not by whoever made version v.
    SELECT m.rol, m.sub, m.client INTO n.gemaakt_door_rol, n.gemaakt_door_sub, n.gemaakt_door_client
      FROM verwerkingenlog._maker() m;
    -- Through the writer's door of the append-only guard (15_onveranderlijk).
    RETURN verwerkingenlog._insert_version(n);
END
$$;

CREATE FUNCTION wijzig_verwerkingsactie(actie_id uuid, actie jsonb) RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    scopes integer := verwerkingenlog._scopes();
    d jsonb;
    huidig verwerkingenlog.verwerkingsactie_versie;
    niveau verwerkingenlog.vertrouwelijkheid;
    objecten integer;
BEGIN
    -- Without an update scope nothing is looked at.
    PERFORM verwerkingenlog._decide('update', scopes, 'normaal', 'normaal');
    d := verwerkingenlog._verwerkingsactie_input(actie, true);
    huidig := verwerkingenlog._current_for_update(actie_id);
    niveau := verwerkingenlog._decide('update', scopes, huidig.vertrouwelijkheid,
                                      (d->>'vertrouwelijkheid')::verwerkingenlog.vertrouwelijkheid);
    -- Unchanged objects and tijdstip: keep the object set (and its ids).
    IF (d->>'tijdstip')::verwerkingenlog.moment = huidig.tijdstip
       AND d->'verwerkteObjecten' = verwerkingenlog._objecten_input(huidig.actie_id, huidig.objecten_volgnummer) THEN
        objecten := huidig.objecten_volgnummer;
    END IF;
    SELECT * INTO d FROM verwerkingenlog._write_versions(ARRAY[huidig.actie_id], ARRAY[huidig.volgnummer + 1],
                                                          ARRAY[d], ARRAY[niveau], ARRAY[objecten]);
    RETURN d;
EXCEPTION WHEN unique_violation THEN
    RAISE EXCEPTION 'could not serialize access due to a concurrent change of a verwerkingsactie'
        USING ERRCODE = 'serialization_failure', DETAIL = format('actieId %s', wijzig_verwerkingsactie.actie_id),
              HINT = 'Retry the transaction.';
END
$$;
COMMENT ON FUNCTION wijzig_verwerkingsactie(uuid, jsonb) IS
  'PUT /verwerkingsacties/{actieId}: replaces every element of an action by storing a new version; returns it';

CREATE FUNCTION verwijder_verwerkingsactie(actie_id uuid) RETURNS void
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    scopes integer := verwerkingenlog._scopes();
    huidig verwerkingenlog.verwerkingsactie_versie;
BEGIN
    PERFORM verwerkingenlog._decide('delete', scopes, 'normaal', NULL);
    huidig := verwerkingenlog._current_for_update(actie_id);
    PERFORM verwerkingenlog._copy_version(
        huidig, verwerkingenlog._decide('delete', scopes, huidig.vertrouwelijkheid, NULL),
        huidig.bewaartermijn, true);
EXCEPTION WHEN unique_violation THEN
    RAISE EXCEPTION 'could not serialize access due to a concurrent change of a verwerkingsactie'
        USING ERRCODE = 'serialization_failure', DETAIL = format('actieId %s', verwijder_verwerkingsactie.actie_id),
              HINT = 'Retry the transaction.';
END
$$;
COMMENT ON FUNCTION verwijder_verwerkingsactie(uuid) IS
  'DELETE /verwerkingsacties/{actieId}: annuls an action by storing a new version with vervallen = true';

-- The PATCH body: {"bewaartermijn": ..., "vertrouwelijkheid": ...}, at least
-- one, nothing else.  22023 lists every problem, as the validator does (the
-- digits of an unknown name as #: it may be an identifier, and is logged).
CREATE FUNCTION _update_input(wijziging jsonb,
                                  OUT wijzigt_termijn boolean, OUT termijn bewaartermijn,
                                  OUT niveau vertrouwelijkheid)
    LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    fouten text[] := '{}';
    sleutel text;
BEGIN
    IF wijziging IS NULL OR jsonb_typeof(wijziging) <> 'object' THEN
        RAISE EXCEPTION 'invalid wijziging: the document must be a JSON object'
            USING ERRCODE = 'invalid_parameter_value', DETAIL = '(document): must be a JSON object (invalid_type)';
    END IF;
    FOR sleutel IN SELECT jsonb_object_keys(wijziging) LOOP
        IF sleutel NOT IN ('bewaartermijn', 'vertrouwelijkheid') THEN
            fouten := fouten || format('%s: is not an element of a wijziging (unknown)', regexp_replace(sleutel, '[0-9]', '#', 'g'));
        END IF;
    END LOOP;
    IF NOT (wijziging ? 'bewaartermijn' OR wijziging ? 'vertrouwelijkheid') THEN
        fouten := fouten || 'bewaartermijn: is required when vertrouwelijkheid is absent (required)'::text;
    END IF;
    wijzigt_termijn := wijziging ? 'bewaartermijn';
    IF wijziging->'bewaartermijn' = 'null' THEN
        -- A retention is changed, never removed by accident (the OAS types it a string).
        fouten := fouten || 'bewaartermijn: must be a string, not null: a retention cannot be removed (invalid_type)'::text;
    ELSIF wijziging ? 'bewaartermijn' THEN
        BEGIN
            IF jsonb_typeof(wijziging->'bewaartermijn') <> 'string' THEN
                RAISE invalid_text_representation;
            END IF;
            termijn := (wijziging->>'bewaartermijn')::verwerkingenlog.bewaartermijn;
        EXCEPTION WHEN data_exception THEN
            fouten := fouten || 'bewaartermijn: is invalid: not an ISO 8601 duration such as P10Y (invalid)'::text;
        END;
    END IF;
    IF wijziging ? 'vertrouwelijkheid' THEN
        IF jsonb_typeof(wijziging->'vertrouwelijkheid') = 'string'
           AND lower(wijziging->>'vertrouwelijkheid') IN ('normaal', 'vertrouwelijk', 'opgeheven') THEN
            niveau := lower(wijziging->>'vertrouwelijkheid')::verwerkingenlog.vertrouwelijkheid;
        ELSE
            fouten := fouten || 'vertrouwelijkheid: must be one of normaal, vertrouwelijk, opgeheven (invalid_choice)'::text;
        END IF;
    END IF;
    IF cardinality(fouten) > 0 THEN
        RAISE EXCEPTION 'invalid wijziging: element "%" %', split_part(fouten[1], ': ', 1),
                        regexp_replace(substr(fouten[1], strpos(fouten[1], ': ') + 2), ' \([a-z_]+\)$', '')
            USING ERRCODE = 'invalid_parameter_value', DETAIL = array_to_string(fouten, E'\n');
    END IF;
END
$$;

-- The PATCH of every current action of one verwerking: by verwerkingId
-- (F2969, F4415), or by the consumer's verwerkingIdAfnemer (B8157, see
-- 62_afnemer.sql); one body for both, so the two keep the same scopes,
-- rules, validation, locking and atomicity.
CREATE FUNCTION _update_verwerking(id uuid, wijziging jsonb, afnemer boolean) RETURNS integer
    LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
    scopes integer := verwerkingenlog._scopes();
    sleutel text := CASE WHEN afnemer THEN 'verwerkingIdAfnemer' ELSE 'verwerkingId' END;
    w record;
    acties uuid[];
    aantal integer;
BEGIN
    PERFORM verwerkingenlog._decide('patch', scopes, 'normaal', NULL);
    w := verwerkingenlog._update_input(wijziging);

    -- Lock the actions' first versions as _lock does (row locks: no
    -- limit from the lock table), in one statement and actieId order (no
    -- deadlock between two PATCHes), then read them again: a PUT committed
    -- meanwhile is seen; only what is current, not vervallen, in this verwerking changes.
    IF afnemer THEN
        SELECT array_agg(a.actie_id ORDER BY a.actie_id) INTO acties
          FROM (SELECT DISTINCT v.actie_id FROM verwerkingenlog.verwerkingsactie_versie v
                 WHERE v.verwerking_id_afnemer = id) a;
    ELSE
        SELECT array_agg(a.actie_id ORDER BY a.actie_id) INTO acties
          FROM (SELECT DISTINCT v.actie_id FROM verwerkingenlog.verwerkingsactie_versie v
                 WHERE v.verwerking_id = id) a;
    END IF;
    PERFORM FROM verwerkingenlog.verwerkingsactie_versie v WHERE v.actie_id = ANY (acties) AND v.volgnummer = 1 ORDER BY v.actie_id FOR NO KEY UPDATE OF v;

    WITH huidig AS MATERIALIZED (
        SELECT h FROM unnest(acties) a
         CROSS JOIN LATERAL verwerkingenlog._current(a) h
         WHERE CASE WHEN afnemer THEN h.verwerking_id_afnemer ELSE h.verwerking_id END = id AND NOT h.vervallen)
    SELECT count(verwerkingenlog._copy_version(
               huidig.h,
               verwerkingenlog._decide('patch', scopes, (huidig.h).vertrouwelijkheid, w.niveau),
               CASE WHEN w.wijzigt_termijn THEN w.termijn ELSE (huidig.h).bewaartermijn END,
               false))
      INTO aantal FROM huidig;

    IF aantal = 0 THEN
        RAISE EXCEPTION '% % has no current verwerkingsacties',
                        CASE WHEN afnemer THEN 'verwerkingIdAfnemer' ELSE 'verwerking' END, id
            USING ERRCODE = 'no_data_found';
    END IF;
    RETURN aantal;
EXCEPTION WHEN unique_violation THEN
    RAISE EXCEPTION 'could not serialize access due to a concurrent change of a verwerkingsactie'
        USING ERRCODE = 'serialization_failure', DETAIL = format('%s %s', sleutel, id),
              HINT = 'Retry the transaction.';
END
$$;
COMMENT ON FUNCTION _update_verwerking(uuid, jsonb, boolean) IS
  'The PATCH of every current action of a verwerking, by verwerkingId or (afnemer) by verwerkingIdAfnemer';
REVOKE ALL ON FUNCTION _update_verwerking(uuid, jsonb, boolean) FROM PUBLIC;

CREATE FUNCTION wijzig_verwerking(verwerking_id uuid, wijziging jsonb) RETURNS integer
    LANGUAGE sql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT verwerkingenlog._update_verwerking(verwerking_id, wijziging, false)
$$;
COMMENT ON FUNCTION wijzig_verwerking(uuid, jsonb) IS
  'PATCH /verwerkingsacties?verwerkingId=: sets bewaartermijn and/or vertrouwelijkheid of every current action of a verwerking; returns how many';

CREATE FUNCTION wijzig_bewaartermijn_verwerking(verwerking_id uuid, bewaartermijn text) RETURNS integer
    LANGUAGE sql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT verwerkingenlog.wijzig_verwerking(verwerking_id, jsonb_build_object('bewaartermijn', bewaartermijn))
$$;
COMMENT ON FUNCTION wijzig_bewaartermijn_verwerking(uuid, text) IS
  'F4415: sets the bewaartermijn of every current action of a verwerking (update:normal for normaal actions)';

CREATE FUNCTION wijzig_vertrouwelijkheid_verwerking(verwerking_id uuid, vertrouwelijkheid text) RETURNS integer
    LANGUAGE sql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT verwerkingenlog.wijzig_verwerking(verwerking_id, jsonb_build_object('vertrouwelijkheid', vertrouwelijkheid))
$$;
COMMENT ON FUNCTION wijzig_vertrouwelijkheid_verwerking(uuid, text) IS
  'F2969: sets the vertrouwelijkheid of every current action of a verwerking (needs update:confidential)';

COMMENT ON FUNCTION _lock(uuid) IS 'Serialises the writers of one action until the end of the transaction, and holds off the retention purge (FOR NO KEY UPDATE on its first version)';
COMMENT ON FUNCTION _objecten_input(uuid, integer) IS 'The objects of a version in the normalised input form';
COMMENT ON FUNCTION _current_for_update(uuid) IS 'The locked current version of an action that may be changed; P0002 when unknown or vervallen';
COMMENT ON FUNCTION _copy_version(verwerkingsactie_versie, vertrouwelijkheid, bewaartermijn, boolean) IS
  'A new version copied from another with a new level, retention or vervallen; keeps the objects';
COMMENT ON FUNCTION _update_input(jsonb) IS 'Validates a PATCH body; 22023 lists every problem';

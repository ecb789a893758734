-- The bewerking API beyond POST: replace (PUT), annul (DELETE), patch a
-- verwerking (PATCH), list the actions about one object, the full history.
-- Every change is a new version; nothing is overwritten.

-- Serialises writers of one action for the rest of the transaction.  The
-- first key is the extension's own class so applications' advisory locks
-- cannot collide with it.  Then a FOR KEY SHARE lock on the action's first
-- version: the retention purge (vernietig_verlopen) locks that row FOR
-- UPDATE SKIP LOCKED before it destroys an action, so a writer that is
-- changing the action makes the purge skip it, and a writer that comes while
-- the purge holds it waits and then finds the action gone (P0002).  Every
-- writer that adds a version to an existing action must call this first.
CREATE FUNCTION _vergrendel(actie uuid) RETURNS void
    LANGUAGE sql VOLATILE
AS $$
    SELECT pg_catalog.pg_advisory_xact_lock(1447511879, pg_catalog.hashtext(actie::text));
    SELECT FROM verwerkingenlog.verwerkingsactie_versie v
     WHERE v.actie_id OPERATOR(pg_catalog.=) actie AND v.volgnummer OPERATOR(pg_catalog.=) 1
       FOR KEY SHARE;
$$;

-- The objects of a version in the normalised input form, to tell whether a
-- PUT keeps them.
CREATE FUNCTION _objecten_invoer(actie uuid, volgnummer integer) RETURNS jsonb
    LANGUAGE sql STABLE
AS $$
    SELECT coalesce(jsonb_agg(jsonb_build_object(
               'objecttype', o.objecttype,
               'soortObjectId', o.soort_object_id,
               'objectId', verwerkingenlog._ontsleutel_object(o),
               'betrokkenheid', o.betrokkenheid,
               'verwerkteSoortenGegevens',
                   (SELECT coalesce(jsonb_agg(jsonb_build_object('soortGegeven', s) ORDER BY n), '[]')
                      FROM unnest(o.verwerkte_soorten_gegevens) WITH ORDINALITY AS g(s, n)))
             ORDER BY o.volgorde), '[]')
      FROM verwerkingenlog.verwerkt_object o
     WHERE o.actie_id = actie AND o.volgnummer = _objecten_invoer.volgnummer
$$;

-- The current version of an action that a writer may change: locked, not
-- vervallen; P0002 otherwise.
CREATE FUNCTION _actueel_voor_wijziging(actie uuid) RETURNS verwerkingsactie_versie
    LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
    v verwerkingenlog.verwerkingsactie_versie;
BEGIN
    PERFORM verwerkingenlog._vergrendel(actie);
    SELECT * INTO v FROM verwerkingenlog._actueel(actie);
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
CREATE FUNCTION _kopieer_versie(v verwerkingsactie_versie, niveau vertrouwelijkheid,
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
    INSERT INTO verwerkingenlog.verwerkingsactie_versie OVERRIDING USER VALUE
    SELECT (n).*
    RETURNING * INTO n;
    RETURN n;
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
    PERFORM verwerkingenlog._beslis('update', scopes, 'normaal', 'normaal');
    d := verwerkingenlog._verwerkingsactie_invoer(actie, true);
    huidig := verwerkingenlog._actueel_voor_wijziging(actie_id);
    niveau := verwerkingenlog._beslis('update', scopes, huidig.vertrouwelijkheid,
                                      (d->>'vertrouwelijkheid')::verwerkingenlog.vertrouwelijkheid);
    -- Unchanged objects and tijdstip: keep the object set (and its ids).
    IF (d->>'tijdstip')::verwerkingenlog.moment = huidig.tijdstip
       AND d->'verwerkteObjecten' = verwerkingenlog._objecten_invoer(huidig.actie_id, huidig.objecten_volgnummer) THEN
        objecten := huidig.objecten_volgnummer;
    END IF;
    SELECT * INTO d FROM verwerkingenlog._schrijf_versies(ARRAY[huidig.actie_id], ARRAY[huidig.volgnummer + 1],
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
    PERFORM verwerkingenlog._beslis('delete', scopes, 'normaal', NULL);
    huidig := verwerkingenlog._actueel_voor_wijziging(actie_id);
    PERFORM verwerkingenlog._kopieer_versie(
        huidig, verwerkingenlog._beslis('delete', scopes, huidig.vertrouwelijkheid, NULL),
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
CREATE FUNCTION _wijziging_invoer(wijziging jsonb,
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

CREATE FUNCTION wijzig_verwerking(verwerking_id uuid, wijziging jsonb) RETURNS integer
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    scopes integer := verwerkingenlog._scopes();
    w record;
    acties uuid[];
    aantal integer;
BEGIN
    PERFORM verwerkingenlog._beslis('patch', scopes, 'normaal', NULL);
    w := verwerkingenlog._wijziging_invoer(wijziging);

    -- Lock the current actions of the verwerking in a fixed order (no
    -- deadlock between two PATCHes), then read them again: a PUT that
    -- committed meanwhile is seen, and only what is still current, not
    -- vervallen and in this verwerking is changed.
    SELECT array_agg(a.actie_id ORDER BY a.actie_id) INTO acties
      FROM (SELECT DISTINCT v.actie_id FROM verwerkingenlog.verwerkingsactie_versie v
             WHERE v.verwerking_id = wijzig_verwerking.verwerking_id) a;
    PERFORM verwerkingenlog._vergrendel(a) FROM unnest(acties) a ORDER BY a;

    WITH huidig AS MATERIALIZED (
        SELECT h FROM unnest(acties) a
         CROSS JOIN LATERAL verwerkingenlog._actueel(a) h
         WHERE h.verwerking_id = wijzig_verwerking.verwerking_id AND NOT h.vervallen)
    SELECT count(verwerkingenlog._kopieer_versie(
               huidig.h,
               verwerkingenlog._beslis('patch', scopes, (huidig.h).vertrouwelijkheid, w.niveau),
               CASE WHEN w.wijzigt_termijn THEN w.termijn ELSE (huidig.h).bewaartermijn END,
               false))
      INTO aantal FROM huidig;

    IF aantal = 0 THEN
        RAISE EXCEPTION 'verwerking % has no current verwerkingsacties', verwerking_id
            USING ERRCODE = 'no_data_found';
    END IF;
    RETURN aantal;
EXCEPTION WHEN unique_violation THEN
    RAISE EXCEPTION 'could not serialize access due to a concurrent change of a verwerkingsactie'
        USING ERRCODE = 'serialization_failure', DETAIL = format('verwerkingId %s', wijzig_verwerking.verwerking_id),
              HINT = 'Retry the transaction.';
END
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

COMMENT ON FUNCTION _vergrendel(uuid) IS 'Serialises the writers of one action until the end of the transaction, and holds off the retention purge (FOR KEY SHARE on its first version)';
COMMENT ON FUNCTION _objecten_invoer(uuid, integer) IS 'The objects of a version in the normalised input form';
COMMENT ON FUNCTION _actueel_voor_wijziging(uuid) IS 'The locked current version of an action that may be changed; P0002 when unknown or vervallen';
COMMENT ON FUNCTION _kopieer_versie(verwerkingsactie_versie, vertrouwelijkheid, bewaartermijn, boolean) IS
  'A new version copied from another with a new level, retention or vervallen; keeps the objects';
COMMENT ON FUNCTION _wijziging_invoer(jsonb) IS 'Validates a PATCH body; 22023 lists every problem';

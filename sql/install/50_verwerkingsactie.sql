-- Writing and reading one verwerkingsactie: the document format of the
-- OpenAPI contract (camelCase) in and out, versions underneath.

-- A verwerkt object as the API shows it (VerwerktObject).
CREATE FUNCTION _object_document(o verwerkt_object) RETURNS jsonb
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT jsonb_build_object(
        'url', verwerkingenlog.base_url() || '/verwerkte-objecten/' || o.verwerkt_object_id,
        'verwerktObjectId', o.verwerkt_object_id,
        'objecttype', o.objecttype,
        'soortObjectId', o.soort_object_id,
        'objectId', o.object_id,
        'betrokkenheid', o.betrokkenheid,
        'verwerkteSoortenGegevens',
            (SELECT coalesce(jsonb_agg(jsonb_build_object('soortGegeven', s) ORDER BY n), '[]')
               FROM unnest(o.verwerkte_soorten_gegevens) WITH ORDINALITY AS g(s, n)))
$$;

-- The objects of version `volgnummer` of an action, in their order.
CREATE FUNCTION _objecten_document(actie uuid, volgnummer integer) RETURNS jsonb
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT coalesce(jsonb_agg(verwerkingenlog._object_document(o) ORDER BY o.volgorde), '[]')
      FROM verwerkingenlog.verwerkt_object o
     WHERE o.actie_id = actie AND o.volgnummer = _objecten_document.volgnummer
$$;

-- A version as the API shows it (VerwerkingsactieUitgebreid): every element,
-- absent ones as null, tijdstip exactly as supplied.
CREATE FUNCTION _document(v verwerkingsactie_versie, objecten jsonb) RETURNS jsonb
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT jsonb_build_object(
        'url', verwerkingenlog.base_url() || '/verwerkingsacties/' || v.actie_id,
        'actieId', v.actie_id,
        'actieNaam', v.actie_naam,
        'handelingNaam', v.handeling_naam,
        'verwerkingNaam', v.verwerking_naam,
        'verwerkingId', v.verwerking_id,
        'verwerkingsactiviteitId', v.verwerkingsactiviteit_id,
        'verwerkingsactiviteitUrl', v.verwerkingsactiviteit_url,
        'vertrouwelijkheid', v.vertrouwelijkheid,
        'bewaartermijn', v.bewaartermijn::text,
        'uitvoerder', v.uitvoerder,
        'systeem', v.systeem,
        'gebruiker', v.gebruiker,
        'gegevensbron', v.gegevensbron,
        'soortAfnemerId', v.soort_afnemer_id,
        'afnemerId', v.afnemer_id,
        'verwerkingsactiviteitIdAfnemer', v.verwerkingsactiviteit_id_afnemer,
        'verwerkingsactiviteitUrlAfnemer', v.verwerkingsactiviteit_url_afnemer,
        'verwerkingIdAfnemer', v.verwerking_id_afnemer,
        'tijdstip', v.tijdstip::text,
        'tijdstipRegistratie', v.tijdstip_registratie,
        'verwerkteObjecten', objecten)
$$;

-- The current version of an action (vervallen or not); no row when unknown.
CREATE FUNCTION _actueel(actie uuid) RETURNS SETOF verwerkingsactie_versie
    LANGUAGE sql STABLE PARALLEL SAFE ROWS 1
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT * FROM verwerkingenlog.verwerkingsactie_versie v
     WHERE v.actie_id = actie
     ORDER BY v.volgnummer DESC
     LIMIT 1
$$;

-- Stores version `volgnummer` of an action from a normalised document
-- (the output of _verwerkingsactie_invoer) and returns the stored document.
-- objecten_volgnummer NULL stores the document's objects as a new object
-- set; otherwise the version keeps the objects of that earlier version.
CREATE FUNCTION _schrijf_versie(actie uuid, volgnummer integer, d jsonb,
                                niveau vertrouwelijkheid, objecten_volgnummer integer,
                                vervallen boolean) RETURNS jsonb
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v verwerkingenlog.verwerkingsactie_versie;
    objecten jsonb;
BEGIN
    INSERT INTO verwerkingenlog.verwerkingsactie_versie
        (actie_id, volgnummer, objecten_volgnummer, actie_naam, handeling_naam,
         verwerking_naam, verwerking_id, verwerkingsactiviteit_id, verwerkingsactiviteit_url,
         vertrouwelijkheid, bewaartermijn, uitvoerder, systeem, gebruiker, gegevensbron,
         soort_afnemer_id, afnemer_id, verwerkingsactiviteit_id_afnemer,
         verwerkingsactiviteit_url_afnemer, verwerking_id_afnemer, tijdstip,
         tijdstip_registratie, vervallen)
    VALUES
        (actie, volgnummer, coalesce(objecten_volgnummer, volgnummer), d->>'actieNaam', d->>'handelingNaam',
         d->>'verwerkingNaam', (d->>'verwerkingId')::uuid, (d->>'verwerkingsactiviteitId')::uuid,
         d->>'verwerkingsactiviteitUrl', niveau, (d->>'bewaartermijn')::verwerkingenlog.bewaartermijn,
         d->>'uitvoerder', d->>'systeem', d->>'gebruiker', d->>'gegevensbron',
         d->>'soortAfnemerId', d->>'afnemerId', (d->>'verwerkingsactiviteitIdAfnemer')::uuid,
         d->>'verwerkingsactiviteitUrlAfnemer', (d->>'verwerkingIdAfnemer')::uuid,
         (d->>'tijdstip')::verwerkingenlog.moment, clock_timestamp(), vervallen)
    RETURNING * INTO v;

    IF objecten_volgnummer IS NULL THEN
        WITH nieuw AS (
            INSERT INTO verwerkingenlog.verwerkt_object
                (verwerkt_object_id, actie_id, volgnummer, volgorde, tijdstip, objecttype,
                 soort_object_id, object_id, betrokkenheid, verwerkte_soorten_gegevens)
            SELECT verwerkingenlog.uuidv7(), actie, volgnummer, e.n, v.tijdstip::timestamptz,
                   e.o->>'objecttype', e.o->>'soortObjectId', e.o->>'objectId', e.o->>'betrokkenheid',
                   ARRAY(SELECT g->>'soortGegeven'
                           FROM jsonb_array_elements(e.o->'verwerkteSoortenGegevens') g)
              FROM jsonb_array_elements(d->'verwerkteObjecten') WITH ORDINALITY AS e(o, n)
            RETURNING *)
        SELECT jsonb_agg(verwerkingenlog._object_document(nieuw) ORDER BY nieuw.volgorde)
          INTO objecten FROM nieuw;
    ELSE
        objecten := verwerkingenlog._objecten_document(actie, objecten_volgnummer);
    END IF;
    RETURN verwerkingenlog._document(v, objecten);
END
$$;

CREATE FUNCTION log_verwerkingsactie(actie jsonb) RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    scopes integer := verwerkingenlog._scopes();
    d jsonb;
    niveau verwerkingenlog.vertrouwelijkheid;
BEGIN
    -- Without create:normal nothing is looked at.
    PERFORM verwerkingenlog._beslis('create', scopes, NULL, 'normaal');
    d := verwerkingenlog._verwerkingsactie_invoer(actie, false);
    niveau := verwerkingenlog._beslis('create', scopes, NULL,
                                      (d->>'vertrouwelijkheid')::verwerkingenlog.vertrouwelijkheid);
    RETURN verwerkingenlog._schrijf_versie(verwerkingenlog.uuidv7(), 1, d, niveau, NULL, false);
END
$$;
COMMENT ON FUNCTION log_verwerkingsactie(jsonb) IS
  'POST /verwerkingsacties: logs one verwerkingsactie (VerwerkingsactieUitgebreidBasis) and returns it as stored';

CREATE FUNCTION verwerkingsactie(actie_id uuid) RETURNS jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    zichtbaar verwerkingenlog.vertrouwelijkheid[] := verwerkingenlog._leesbaar('actie', verwerkingenlog._scopes(), NULL);
    v verwerkingenlog.verwerkingsactie_versie;
BEGIN
    SELECT * INTO v FROM verwerkingenlog._actueel(actie_id);
    IF NOT FOUND OR v.vervallen OR NOT v.vertrouwelijkheid = ANY (zichtbaar) THEN
        RETURN NULL;
    END IF;
    RETURN verwerkingenlog._document(v, verwerkingenlog._objecten_document(v.actie_id, v.objecten_volgnummer));
END
$$;
COMMENT ON FUNCTION verwerkingsactie(uuid) IS
  'GET /verwerkingsacties/{actieId}: the current version of one action, NULL when unknown, vervallen or not visible to the caller';

COMMENT ON FUNCTION _object_document(verwerkt_object) IS 'A verwerkt object as the API shows it (VerwerktObject)';
COMMENT ON FUNCTION _objecten_document(uuid, integer) IS 'The verwerkte objecten of a version of an action, in their order';
COMMENT ON FUNCTION _document(verwerkingsactie_versie, jsonb) IS 'A version as the API shows it (VerwerkingsactieUitgebreid), every element present';
COMMENT ON FUNCTION _actueel(uuid) IS 'The current version of an action (highest volgnummer), vervallen or not';
COMMENT ON FUNCTION _schrijf_versie(uuid, integer, jsonb, vertrouwelijkheid, integer, boolean) IS
  'Stores a version of an action from a normalised document; the one place that inserts new content';

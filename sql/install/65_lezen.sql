-- Reading for the organisation: the actions about one object in a period,
-- the history of one action, and views of the current actions.  What a
-- caller sees follows the read rules (_leesbaar): read:normal sees only
-- actions that are normaal, which by the never-forget rule means actions
-- that never were confidential.

CREATE FUNCTION verwerkingsacties(objecttype text, soort_object_id text, object_id text,
                                  begin_datum date DEFAULT NULL, eind_datum date DEFAULT NULL,
                                  vertrouwelijkheid text[] DEFAULT NULL,
                                  verwerkingsactiviteit_id uuid DEFAULT NULL)
    RETURNS SETOF jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    gevraagd verwerkingenlog.vertrouwelijkheid[];
    zichtbaar verwerkingenlog.vertrouwelijkheid[];
BEGIN
    IF objecttype IS NULL OR soort_object_id IS NULL OR object_id IS NULL THEN
        RAISE EXCEPTION 'objecttype, soortObjectId and objectId are required'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    BEGIN
        gevraagd := (SELECT array_agg(lower(n)::verwerkingenlog.vertrouwelijkheid) FROM unnest(vertrouwelijkheid) n);
    EXCEPTION WHEN invalid_text_representation THEN
        RAISE EXCEPTION 'invalid vertrouwelijkheid: %', regexp_replace(array_to_string(vertrouwelijkheid, ','), '[0-9]', '#', 'g')
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'vertrouwelijkheid: must be one of normaal, vertrouwelijk, opgeheven (invalid_choice)';
    END;
    zichtbaar := verwerkingenlog._leesbaar('lijst', verwerkingenlog._scopes(), gevraagd);

    -- The person index gives the object rows in the period; an object row
    -- counts when its object set is the one of its action's current version.
    RETURN QUERY
    SELECT verwerkingenlog._document(v, t.objecten)
      FROM (SELECT o.actie_id, o.volgnummer,
                   jsonb_agg(verwerkingenlog._object_document(o) ORDER BY o.volgorde) AS objecten
              FROM verwerkingenlog.verwerkt_object o
             WHERE o.soort_object_id = verwerkingsacties.soort_object_id
               AND o.object_pseudoniem = verwerkingenlog._pseudoniem(verwerkingsacties.soort_object_id, verwerkingsacties.object_id)
               AND o.objecttype = lower(verwerkingsacties.objecttype)
               AND (begin_datum IS NULL OR o.tijdstip >= verwerkingenlog._datum_instant(begin_datum))
               AND (eind_datum IS NULL OR o.tijdstip < verwerkingenlog._datum_instant(eind_datum))
             GROUP BY o.actie_id, o.volgnummer) t
     CROSS JOIN LATERAL verwerkingenlog._actueel(t.actie_id) v
     WHERE v.objecten_volgnummer = t.volgnummer
       AND NOT v.vervallen
       AND v.vertrouwelijkheid = ANY (zichtbaar)
       AND (verwerkingsacties.verwerkingsactiviteit_id IS NULL
            OR v.verwerkingsactiviteit_id = verwerkingsacties.verwerkingsactiviteit_id)
     ORDER BY v.tijdstip DESC, v.actie_id;
END
$$;
COMMENT ON FUNCTION verwerkingsacties(text, text, text, date, date, text[], uuid) IS
  'GET /verwerkingsacties: current actions about one object with tijdstip in [begin_datum, eind_datum), newest first, verwerkteObjecten limited to that object';

CREATE FUNCTION verwerkingsactie_historie(actie_id uuid) RETURNS SETOF jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM verwerkingenlog._leesbaar('historie', verwerkingenlog._scopes(), NULL);
    RETURN QUERY
    SELECT verwerkingenlog._document(v, verwerkingenlog._objecten_document(v.actie_id, v.objecten_volgnummer))
           || jsonb_build_object('vervallen', v.vervallen)
      FROM verwerkingenlog.verwerkingsactie_versie v
     WHERE v.actie_id = verwerkingsactie_historie.actie_id
     ORDER BY v.volgnummer;
END
$$;
COMMENT ON FUNCTION verwerkingsactie_historie(uuid) IS
  'Every stored version of an action in order of registration, with tijdstipRegistratie and vervallen (needs read:confidential)';

-- Views for DBAs, reports and BI tools.  They run as their owner but filter
-- with the caller's read scope (an error without one).
--
-- Nothing about an action the caller may not see reaches the caller, EXPLAIN
-- ANALYZE included.  A security_barrier view still lets the planner push a
-- caller's leakproof condition (actie_naam = 'x', actie_id = '...') down
-- into the scan of the table, below the visibility filter, and "Rows
-- Removed by Filter" or an index scan's row count then tells whether a
-- confidential action with that name or id exists.  So each view selects
-- from a subquery with OFFSET 0, through which the planner pushes no
-- condition: the caller's conditions are applied only to rows the caller may
-- see.  The price: a query on a view reads every current action (reports,
-- not lookups; the API functions use the indexes).
--
-- Identifiers are decrypted by SECURITY DEFINER functions that decrypt only
-- what the caller may see (the caller holds no EXECUTE on any decryption
-- function: a ciphertext from a backup decrypts for nobody).

-- afnemerId of a version, when it is the current version of an action the
-- caller may see; NULL otherwise.
CREATE FUNCTION _zichtbaar_afnemer_id(actie uuid, volgnummer integer) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER PARALLEL RESTRICTED
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT coalesce(v.afnemer_id, verwerkingenlog._ontsleutel_afnemer(v))
      FROM verwerkingenlog.verwerkingsactie_versie v
     WHERE v.actie_id OPERATOR(pg_catalog.=) actie
       AND v.volgnummer OPERATOR(pg_catalog.=) _zichtbaar_afnemer_id.volgnummer
       AND NOT EXISTS (SELECT 1 FROM verwerkingenlog.verwerkingsactie_versie w
                        WHERE w.actie_id OPERATOR(pg_catalog.=) v.actie_id
                          AND w.volgnummer OPERATOR(pg_catalog.>) v.volgnummer)
       AND NOT v.vervallen
       AND v.vertrouwelijkheid OPERATOR(pg_catalog.=) ANY (coalesce(verwerkingenlog.leesbaar('actie'), '{}'))
$$;
COMMENT ON FUNCTION _zichtbaar_afnemer_id(uuid, integer) IS
  'For the views: the afnemerId of a version when it is the current version of an action the caller may see, else NULL';

-- objectId of a verwerkt object, when it belongs to the current version of
-- an action the caller may see; NULL otherwise.
CREATE FUNCTION _zichtbaar_object_id(verwerkt_object_id uuid) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER PARALLEL RESTRICTED
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT verwerkingenlog._ontsleutel_object(o)
      FROM verwerkingenlog.verwerkt_object o
     CROSS JOIN LATERAL verwerkingenlog._actueel(o.actie_id) v
     WHERE o.verwerkt_object_id OPERATOR(pg_catalog.=) _zichtbaar_object_id.verwerkt_object_id
       AND v.objecten_volgnummer OPERATOR(pg_catalog.=) o.volgnummer
       AND NOT v.vervallen
       AND v.vertrouwelijkheid OPERATOR(pg_catalog.=) ANY (coalesce(verwerkingenlog.leesbaar('actie'), '{}'))
$$;
COMMENT ON FUNCTION _zichtbaar_object_id(uuid) IS
  'For the views: the objectId of a verwerkt object of an action the caller may see, else NULL';

CREATE VIEW actuele_verwerkingsacties WITH (security_barrier) AS
SELECT z.actie_id, z.actie_naam, z.handeling_naam, z.verwerking_naam, z.verwerking_id,
       z.verwerkingsactiviteit_id, z.verwerkingsactiviteit_url, z.vertrouwelijkheid,
       z.bewaartermijn, z.uitvoerder, z.systeem, z.gebruiker, z.gegevensbron,
       z.soort_afnemer_id,
       CASE WHEN z.afnemer_versleuteld THEN _zichtbaar_afnemer_id(z.actie_id, z.versie)
            ELSE z.afnemer_id END AS afnemer_id,
       z.verwerkingsactiviteit_id_afnemer,
       z.verwerkingsactiviteit_url_afnemer, z.verwerking_id_afnemer, z.tijdstip,
       z.tijdstip_registratie, z.versie
  FROM (SELECT v.actie_id, v.actie_naam, v.handeling_naam, v.verwerking_naam, v.verwerking_id,
               v.verwerkingsactiviteit_id, v.verwerkingsactiviteit_url, v.vertrouwelijkheid,
               v.bewaartermijn, v.uitvoerder, v.systeem, v.gebruiker, v.gegevensbron,
               v.soort_afnemer_id, v.afnemer_id, v.afnemer_versleuteld IS NOT NULL AS afnemer_versleuteld,
               v.verwerkingsactiviteit_id_afnemer,
               v.verwerkingsactiviteit_url_afnemer, v.verwerking_id_afnemer, v.tijdstip,
               v.tijdstip_registratie, v.volgnummer AS versie
          FROM verwerkingsactie_versie v
         WHERE NOT EXISTS (SELECT 1 FROM verwerkingsactie_versie w
                            WHERE w.actie_id = v.actie_id AND w.volgnummer > v.volgnummer)
           AND NOT v.vervallen
           AND v.vertrouwelijkheid = ANY (coalesce((SELECT leesbaar('actie')), '{}'))
        OFFSET 0) z;
COMMENT ON VIEW actuele_verwerkingsacties IS
  'One row per current, non-vervallen verwerkingsactie that the caller''s read scope shows; conditions on it see only those rows (EXPLAIN too)';

CREATE VIEW actuele_verwerkte_objecten WITH (security_barrier) AS
SELECT z.verwerkt_object_id, z.actie_id, z.volgorde, z.objecttype, z.soort_object_id,
       _zichtbaar_object_id(z.verwerkt_object_id) AS object_id,
       z.betrokkenheid, z.verwerkte_soorten_gegevens, z.tijdstip, z.vertrouwelijkheid
  FROM (SELECT o.verwerkt_object_id, a.actie_id, o.volgorde, o.objecttype, o.soort_object_id,
               o.betrokkenheid, o.verwerkte_soorten_gegevens, a.tijdstip, a.vertrouwelijkheid
          FROM actuele_verwerkingsacties a
          JOIN verwerkingsactie_versie v ON v.actie_id = a.actie_id AND v.volgnummer = a.versie
          JOIN verwerkt_object o ON o.actie_id = v.actie_id AND o.volgnummer = v.objecten_volgnummer
        OFFSET 0) z;
COMMENT ON VIEW actuele_verwerkte_objecten IS
  'The verwerkte objecten of every action in actuele_verwerkingsacties; conditions on it see only those rows (EXPLAIN too)';

-- Reading for the organisation: the actions about one object in a period,
-- the history of one action, and views of the current actions.  What a
-- caller sees follows the read rules (_readable): read:normal sees only
-- actions that are normaal, which by the never-forget rule means actions
-- that never were confidential.

-- Every object row about one object (soort_object_id, its pseudonym,
-- objecttype) with tijdstip in [van, tot) that counts: its object set is
-- the one of its action's current version, which is not vervallen, has a
-- level in zichtbaar and, when activiteit is given, that
-- verwerkingsactiviteitId.  LANGUAGE sql and STABLE, so it is inlined into
-- its callers: a key bound they add on (tijdstip, actie_id[, volgorde])
-- becomes an index condition, and an ORDER BY in the person index's order
-- needs no sort, so a cursor over it stops after one page (keyset paging).
CREATE FUNCTION _matches(soort_object_id text, pseudoniem bytea, objecttype text,
                          van timestamptz, tot timestamptz,
                          zichtbaar vertrouwelijkheid[], activiteit uuid)
    RETURNS TABLE (tijdstip timestamptz, actie_id uuid, volgorde smallint,
                   o verwerkt_object, v verwerkingsactie_versie)
    LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT o.tijdstip, o.actie_id, o.volgorde, o, v
      FROM verwerkingenlog.verwerkt_object o
     CROSS JOIN LATERAL verwerkingenlog._current(o.actie_id) v
     WHERE o.soort_object_id = $1
       AND o.object_pseudoniem = $2
       AND o.objecttype = $3
       AND o.tijdstip >= coalesce($4, '-infinity')
       AND o.tijdstip < coalesce($5, 'infinity')
       AND v.objecten_volgnummer = o.volgnummer
       AND NOT v.vervallen
       AND v.vertrouwelijkheid = ANY ($6)
       AND ($7 IS NULL OR v.verwerkingsactiviteit_id = $7)
$$;
COMMENT ON FUNCTION _matches(text, bytea, text, timestamptz, timestamptz, vertrouwelijkheid[], uuid) IS
  'The object rows about one object in a period that count (current object set, not vervallen, visible); inlined, so callers page on the person index';

-- The rows of one page of GET /verwerkingsacties (src/list.c), for
-- _verwerkingsacties_page after its checks: the current actions about the
-- object (soort_object_id, pseudoniem, objecttype) with tijdstip in
-- [van, tot) whose level is in zichtbaar, in the person index's order from
-- the key on (terug: backward), at most aantal (NULL: all), each with the
-- objects of its action about that object (in their order) in its document.
CREATE FUNCTION _verwerkingsacties_rows(soort_object_id text, pseudoniem bytea, objecttype text,
                                         van timestamptz, tot timestamptz,
                                         zichtbaar vertrouwelijkheid[], activiteit uuid,
                                         na_tijdstip timestamptz, na_actie_id uuid, terug boolean,
                                         aantal integer)
    RETURNS TABLE (document jsonb, tijdstip timestamptz, actie_id uuid)
    AS 'MODULE_PATHNAME', 'vwl_verwerkingsacties_rows'
    LANGUAGE C STABLE COST 100;
COMMENT ON FUNCTION _verwerkingsacties_rows(text, bytea, text, timestamptz, timestamptz, vertrouwelijkheid[], uuid, timestamptz, uuid, boolean, integer) IS
  'The rows of one keyset page of GET /verwerkingsacties (documents with the objects about that object, and their sort keys), for _verwerkingsacties_page after its checks';

-- One page of GET /verwerkingsacties: the current actions about one object
-- in [begin_datum, eind_datum), newest first (tijdstip, then actieId,
-- descending: the order of the person index), each
-- with the objects about that object only.  Keyset paging: with
-- na_tijdstip/na_actie_id only the actions after that one (terug: before it,
-- returned oldest first, nearest the key first), at most aantal of them
-- (NULL: all).  A page costs about aantal probes of the person index,
-- whichever page it is.
-- Scopes, filters and visibility as verwerkingsacties().
CREATE FUNCTION _verwerkingsacties_page(objecttype text, soort_object_id text, object_id text,
                                          begin_datum date, eind_datum date,
                                          vertrouwelijkheid text[], verwerkingsactiviteit_id uuid,
                                          na_tijdstip timestamptz, na_actie_id uuid, terug boolean,
                                          aantal integer)
    RETURNS TABLE (document jsonb, tijdstip timestamptz, actie_id uuid)
    LANGUAGE plpgsql STABLE
AS $$
DECLARE
    gevraagd verwerkingenlog.vertrouwelijkheid[];
    zichtbaar verwerkingenlog.vertrouwelijkheid[];
    pseudoniem bytea;
    van timestamptz := verwerkingenlog._date_instant(begin_datum);
    tot timestamptz := verwerkingenlog._date_instant(eind_datum);
    rijen refcursor;
    r record;
    vorige uuid;
    gezien integer := 0;
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
    zichtbaar := verwerkingenlog._readable('lijst', verwerkingenlog._scopes(), gevraagd);
    pseudoniem := verwerkingenlog._pseudoniem(soort_object_id, object_id);

    -- The person index row by row in the list's order (backward from the
    -- key, or forward for the page before it), one probe of the current
    -- version per row, until the page is full: in C (src/list.c), one
    -- cursor with a fast-start plan, each row of _matches joined with the
    -- objects of its action about that object, the documents built from
    -- the plain columns.  (rijen, r, vorige and gezien above are unused
    -- since; they stay, so that the lines of this function, which its
    -- errors name, stay where they were.)
    RETURN QUERY
    SELECT * FROM verwerkingenlog._verwerkingsacties_rows(soort_object_id, pseudoniem, lower(objecttype), van, tot,
                                                          zichtbaar, verwerkingsactiviteit_id, na_tijdstip, na_actie_id,
                                                          terug, aantal);
END
$$;
COMMENT ON FUNCTION _verwerkingsacties_page(text, text, text, date, date, text[], uuid, timestamptz, uuid, boolean, integer) IS
  'One keyset page of GET /verwerkingsacties (after or before an action, at most aantal), newest first, with the sort key of every row';

-- The number of actions GET /verwerkingsacties lists for these filters
-- (the count of the list envelope): the person index and one probe of the
-- current version per object row in the period; no document is built and
-- nothing is decrypted.
CREATE FUNCTION _verwerkingsacties_count(objecttype text, soort_object_id text, object_id text,
                                          begin_datum date, eind_datum date,
                                          vertrouwelijkheid text[], verwerkingsactiviteit_id uuid)
    RETURNS bigint
    LANGUAGE plpgsql STABLE
AS $$
DECLARE
    zichtbaar verwerkingenlog.vertrouwelijkheid[] := verwerkingenlog._readable('lijst', verwerkingenlog._scopes(),
        (SELECT array_agg(lower(n)::verwerkingenlog.vertrouwelijkheid) FROM unnest(vertrouwelijkheid) n));
BEGIN
    RETURN (SELECT count(DISTINCT t.actie_id)
              FROM verwerkingenlog._matches(soort_object_id, verwerkingenlog._pseudoniem(soort_object_id, object_id),
                                             lower(objecttype), verwerkingenlog._date_instant(begin_datum), verwerkingenlog._date_instant(eind_datum),
                                             zichtbaar, verwerkingsactiviteit_id) t);
END
$$;
COMMENT ON FUNCTION _verwerkingsacties_count(text, text, text, date, date, text[], uuid) IS
  'The number of actions GET /verwerkingsacties lists for these filters (no documents built)';

CREATE FUNCTION verwerkingsacties(objecttype text, soort_object_id text, object_id text,
                                  begin_datum date DEFAULT NULL, eind_datum date DEFAULT NULL,
                                  vertrouwelijkheid text[] DEFAULT NULL,
                                  verwerkingsactiviteit_id uuid DEFAULT NULL)
    RETURNS SETOF jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    -- Every action: one page without a key and without a limit.
    RETURN QUERY
    SELECT p.document
      FROM verwerkingenlog._verwerkingsacties_page(objecttype, soort_object_id, object_id, begin_datum, eind_datum,
                                                     vertrouwelijkheid, verwerkingsactiviteit_id,
                                                     NULL, NULL, false, NULL) p;
END
$$;
COMMENT ON FUNCTION verwerkingsacties(text, text, text, date, date, text[], uuid) IS
  'GET /verwerkingsacties: current actions about one object with tijdstip in [begin_datum, eind_datum), newest first, verwerkteObjecten limited to that object';

CREATE FUNCTION verwerkingsactie_historie(actie_id uuid) RETURNS SETOF jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM verwerkingenlog._readable('historie', verwerkingenlog._scopes(), NULL);
    RETURN QUERY
    SELECT verwerkingenlog._document(v, verwerkingenlog._objecten_document(v.actie_id, v.objecten_volgnummer))
           || jsonb_build_object('vervallen', v.vervallen, 'gemaaktDoor', verwerkingenlog._maker_document(v))
      FROM verwerkingenlog.verwerkingsactie_versie v
     WHERE v.actie_id = verwerkingsactie_historie.actie_id
     ORDER BY v.volgnummer;
END
$$;
COMMENT ON FUNCTION verwerkingsactie_historie(uuid) IS
  'Every stored version of an action in order of registration, with tijdstipRegistratie, vervallen and gemaaktDoor (who made it) (needs read:confidential)';

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
CREATE FUNCTION _visible_afnemer_id(actie uuid, volgnummer integer) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER PARALLEL RESTRICTED
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT coalesce(v.afnemer_id, verwerkingenlog._decrypt_afnemer(v))
      FROM verwerkingenlog.verwerkingsactie_versie v
     WHERE v.actie_id OPERATOR(pg_catalog.=) actie
       AND v.volgnummer OPERATOR(pg_catalog.=) _visible_afnemer_id.volgnummer
       AND NOT EXISTS (SELECT 1 FROM verwerkingenlog.verwerkingsactie_versie w
                        WHERE w.actie_id OPERATOR(pg_catalog.=) v.actie_id
                          AND w.volgnummer OPERATOR(pg_catalog.>) v.volgnummer)
       AND NOT v.vervallen
       AND v.vertrouwelijkheid OPERATOR(pg_catalog.=) ANY (coalesce(verwerkingenlog.leesbaar('actie'), '{}'))
$$;
COMMENT ON FUNCTION _visible_afnemer_id(uuid, integer) IS
  'For the views: the afnemerId of a version when it is the current version of an action the caller may see, else NULL';

-- objectId of a verwerkt object, when it belongs to the current version of
-- an action the caller may see; NULL otherwise.
CREATE FUNCTION _visible_object_id(verwerkt_object_id uuid) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER PARALLEL RESTRICTED
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT verwerkingenlog._decrypt_object(o)
      FROM verwerkingenlog.verwerkt_object o
     CROSS JOIN LATERAL verwerkingenlog._current(o.actie_id) v
     WHERE o.verwerkt_object_id OPERATOR(pg_catalog.=) _visible_object_id.verwerkt_object_id
       AND v.objecten_volgnummer OPERATOR(pg_catalog.=) o.volgnummer
       AND NOT v.vervallen
       AND v.vertrouwelijkheid OPERATOR(pg_catalog.=) ANY (coalesce(verwerkingenlog.leesbaar('actie'), '{}'))
$$;
COMMENT ON FUNCTION _visible_object_id(uuid) IS
  'For the views: the objectId of a verwerkt object of an action the caller may see, else NULL';

CREATE VIEW actuele_verwerkingsacties WITH (security_barrier) AS
SELECT z.actie_id, z.actie_naam, z.handeling_naam, z.verwerking_naam, z.verwerking_id,
       z.verwerkingsactiviteit_id, z.verwerkingsactiviteit_url, z.vertrouwelijkheid,
       z.bewaartermijn, z.uitvoerder, z.systeem, z.gebruiker, z.gegevensbron,
       z.soort_afnemer_id,
       CASE WHEN z.afnemer_versleuteld THEN _visible_afnemer_id(z.actie_id, z.versie)
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
       _visible_object_id(z.verwerkt_object_id) AS object_id,
       z.betrokkenheid, z.verwerkte_soorten_gegevens, z.tijdstip, z.vertrouwelijkheid
  FROM (SELECT o.verwerkt_object_id, a.actie_id, o.volgorde, o.objecttype, o.soort_object_id,
               o.betrokkenheid, o.verwerkte_soorten_gegevens, a.tijdstip, a.vertrouwelijkheid
          FROM actuele_verwerkingsacties a
          JOIN verwerkingsactie_versie v ON v.actie_id = a.actie_id AND v.volgnummer = a.versie
          JOIN verwerkt_object o ON o.actie_id = v.actie_id AND o.volgnummer = v.objecten_volgnummer
        OFFSET 0) z;
COMMENT ON VIEW actuele_verwerkte_objecten IS
  'The verwerkte objecten of every action in actuele_verwerkingsacties; conditions on it see only those rows (EXPLAIN too)';

REVOKE ALL ON FUNCTION _matches(text, bytea, text, timestamptz, timestamptz, vertrouwelijkheid[], uuid),
                       _verwerkingsacties_rows(text, bytea, text, timestamptz, timestamptz, vertrouwelijkheid[], uuid, timestamptz, uuid, boolean, integer),
                       _verwerkingsacties_page(text, text, text, date, date, text[], uuid, timestamptz, uuid, boolean, integer),
                       _verwerkingsacties_count(text, text, text, date, date, text[], uuid)
    FROM PUBLIC;

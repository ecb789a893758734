-- The consumer's verwerking (B8157).  A consumer that called this
-- organisation's API sent its own VerwerkingId (header, B9177), logged as
-- verwerkingIdAfnemer.  When the consumer later changes the retention or
-- confidentiality of its processing, the provider applies that change to
-- its own actions through that id: wijzig_verwerking_afnemer (the PATCH of
-- wijzig_verwerking, by verwerkingIdAfnemer instead of verwerkingId) and
-- verwerkingsacties_afnemer (the current actions of that consumer's
-- verwerking).  Each finds the actions with one probe of the index below.

CREATE INDEX verwerkingsactie_versie_verwerking_afnemer
    ON verwerkingsactie_versie (verwerking_id_afnemer) WHERE verwerking_id_afnemer IS NOT NULL;

-- Same scopes, rules, validation, locking and atomicity as
-- wijzig_verwerking (60_bewerking.sql); only the key differs.  Change the
-- two together.
CREATE FUNCTION wijzig_verwerking_afnemer(verwerking_id_afnemer uuid, wijziging jsonb) RETURNS integer
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
    IF verwerking_id_afnemer IS NULL THEN
        RAISE EXCEPTION 'verwerkingIdAfnemer must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;

    -- Lock the actions in a fixed order, then read them again (see
    -- wijzig_verwerking).
    SELECT array_agg(a.actie_id ORDER BY a.actie_id) INTO acties
      FROM (SELECT DISTINCT v.actie_id FROM verwerkingenlog.verwerkingsactie_versie v
             WHERE v.verwerking_id_afnemer = wijzig_verwerking_afnemer.verwerking_id_afnemer) a;
    PERFORM verwerkingenlog._vergrendel(a) FROM unnest(acties) a ORDER BY a;

    WITH huidig AS MATERIALIZED (
        SELECT h FROM unnest(acties) a
         CROSS JOIN LATERAL verwerkingenlog._actueel(a) h
         WHERE h.verwerking_id_afnemer = wijzig_verwerking_afnemer.verwerking_id_afnemer AND NOT h.vervallen)
    SELECT count(verwerkingenlog._kopieer_versie(
               huidig.h,
               verwerkingenlog._beslis('patch', scopes, (huidig.h).vertrouwelijkheid, w.niveau),
               CASE WHEN w.wijzigt_termijn THEN w.termijn ELSE (huidig.h).bewaartermijn END,
               false))
      INTO aantal FROM huidig;

    IF aantal = 0 THEN
        RAISE EXCEPTION 'verwerkingIdAfnemer % has no current verwerkingsacties', verwerking_id_afnemer
            USING ERRCODE = 'no_data_found';
    END IF;
    RETURN aantal;
EXCEPTION WHEN unique_violation THEN
    RAISE EXCEPTION 'could not serialize access due to a concurrent change of a verwerkingsactie'
        USING ERRCODE = 'serialization_failure',
              DETAIL = format('verwerkingIdAfnemer %s', wijzig_verwerking_afnemer.verwerking_id_afnemer),
              HINT = 'Retry the transaction.';
END
$$;
COMMENT ON FUNCTION wijzig_verwerking_afnemer(uuid, jsonb) IS
  'B8157: sets bewaartermijn and/or vertrouwelijkheid of every current action logged with this verwerkingIdAfnemer (a consumer''s change of its processing), with the scopes and rules of PATCH /verwerkingsacties?verwerkingId=; returns how many';

CREATE FUNCTION verwerkingsacties_afnemer(verwerking_id_afnemer uuid) RETURNS SETOF jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    zichtbaar verwerkingenlog.vertrouwelijkheid[];
BEGIN
    zichtbaar := verwerkingenlog._leesbaar('actie', verwerkingenlog._scopes(), NULL);
    IF verwerking_id_afnemer IS NULL THEN
        RAISE EXCEPTION 'verwerkingIdAfnemer must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    RETURN QUERY
    SELECT verwerkingenlog._document(h, verwerkingenlog._objecten_document(h.actie_id, h.objecten_volgnummer))
      FROM (SELECT DISTINCT v.actie_id FROM verwerkingenlog.verwerkingsactie_versie v
             WHERE v.verwerking_id_afnemer = verwerkingsacties_afnemer.verwerking_id_afnemer) a
     CROSS JOIN LATERAL verwerkingenlog._actueel(a.actie_id) h
     WHERE h.verwerking_id_afnemer = verwerkingsacties_afnemer.verwerking_id_afnemer
       AND NOT h.vervallen
       AND h.vertrouwelijkheid = ANY (zichtbaar)
     ORDER BY h.tijdstip DESC, h.actie_id;
END
$$;
COMMENT ON FUNCTION verwerkingsacties_afnemer(uuid) IS
  'B8157: the current actions logged with this verwerkingIdAfnemer, newest first, as GET /verwerkingsacties shows them (all their objects); read:normal sees the normaal ones, read:confidential all';

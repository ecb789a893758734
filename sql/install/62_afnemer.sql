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

-- The PATCH of wijzig_verwerking by verwerkingIdAfnemer: the same body
-- (_update_verwerking, 60_bewerking.sql), only the key differs.
CREATE FUNCTION wijzig_verwerking_afnemer(verwerking_id_afnemer uuid, wijziging jsonb) RETURNS integer
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF verwerking_id_afnemer IS NULL THEN
        PERFORM verwerkingenlog._decide('patch', verwerkingenlog._scopes(), 'normaal', NULL);
        PERFORM verwerkingenlog._update_input(wijziging);
        RAISE EXCEPTION 'verwerkingIdAfnemer must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    RETURN verwerkingenlog._update_verwerking(verwerking_id_afnemer, wijziging, true);
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
    zichtbaar := verwerkingenlog._readable('actie', verwerkingenlog._scopes(), NULL);
    IF verwerking_id_afnemer IS NULL THEN
        RAISE EXCEPTION 'verwerkingIdAfnemer must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    RETURN QUERY
    SELECT verwerkingenlog._document(h, verwerkingenlog._objecten_document(h.actie_id, h.objecten_volgnummer))
      FROM (SELECT DISTINCT v.actie_id FROM verwerkingenlog.verwerkingsactie_versie v
             WHERE v.verwerking_id_afnemer = verwerkingsacties_afnemer.verwerking_id_afnemer) a
     CROSS JOIN LATERAL verwerkingenlog._current(a.actie_id) h
     WHERE h.verwerking_id_afnemer = verwerkingsacties_afnemer.verwerking_id_afnemer
       AND NOT h.vervallen
       AND h.vertrouwelijkheid = ANY (zichtbaar)
     ORDER BY h.tijdstip DESC, h.actie_id;
END
$$;
COMMENT ON FUNCTION verwerkingsacties_afnemer(uuid) IS
  'B8157: the current actions logged with this verwerkingIdAfnemer, newest first, as GET /verwerkingsacties shows them (all their objects); read:normal sees the normaal ones, read:confidential all';

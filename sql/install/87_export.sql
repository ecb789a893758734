-- Export for migration (B2042: a pseudonym must be traceable to the BSN).
CREATE FUNCTION exporteer_verwerkingsacties(vanaf timestamptz DEFAULT '-infinity',
                                            tot timestamptz DEFAULT 'infinity')
    RETURNS SETOF jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM verwerkingenlog._vereis_beheer('export verwerkingsacties');
    IF vanaf IS NULL OR tot IS NULL THEN
        RAISE EXCEPTION 'vanaf and tot must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    RETURN QUERY
    SELECT verwerkingenlog._document(v, verwerkingenlog._objecten_document(v.actie_id, v.objecten_volgnummer))
           || jsonb_build_object('vervallen', v.vervallen)
           || verwerkingenlog._ldv_export(v)
      FROM verwerkingenlog.verwerkingsactie_versie v
     WHERE v.tijdstip_registratie >= vanaf AND v.tijdstip_registratie < tot
     ORDER BY v.tijdstip_registratie, v.versie_id;
END
$$;
COMMENT ON FUNCTION exporteer_verwerkingsacties(timestamptz, timestamptz) IS
  'Every stored version of every action (the full history, as verwerkingsactie_historie shows it, with plain identifiers and vervallen) registered in [vanaf, tot), in order of registration: for migration to another log.  Scope beheer';


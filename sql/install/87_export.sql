-- Export for migration (B2042: a pseudonym must be traceable to the BSN):
-- every stored version with its volgnummer, its record id and its maker,
-- streamed from a cursor (src/export.c).  An identifier that cannot be
-- decrypted leaves its version out with a WARNING naming the record id,
-- and the export fails at the end, after everything else was returned.

-- An identifier back, or NULL with a WARNING naming the record.  soort and
-- plaats are the ciphertext's binding (45_pseudoniem): for an objectId its
-- soortObjectId and pseudonym, for an afnemerId its soortAfnemerId ('' for
-- none) and 'afnemer' followed by the actieId's 16 bytes.
CREATE FUNCTION _decrypt_export(versleuteld bytea, soort text, plaats bytea, tabel text, record text) RETURNS text
    AS 'MODULE_PATHNAME', 'vwl_decrypt_export'
    LANGUAGE C VOLATILE;
COMMENT ON FUNCTION _decrypt_export(bytea, text, bytea, text, text) IS
  'Internal: _decrypt with a binding, or NULL with a WARNING naming table and record when the identifier cannot be decrypted (the export goes on)';

-- A version as the export shows it: the history's document, with
-- volgnummer, versieId (the record id), vervallen and gemaaktDoor, its
-- identifiers decrypted by _decrypt_export.
CREATE FUNCTION _export_document(v verwerkingsactie_versie) RETURNS jsonb
    LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
    zonder verwerkingenlog.verwerkingsactie_versie := v;
    objecten jsonb[] := '{}';
    z verwerkingenlog.verwerkt_object;
    o verwerkingenlog.verwerkt_object;
BEGIN
    -- _document and _object_document decrypt with _decrypt (which is
    -- STRICT): hand them no ciphertext, and decrypt here instead.
    zonder.afnemer_versleuteld := NULL;
    FOR o IN SELECT * FROM verwerkingenlog.verwerkt_object x
              WHERE x.actie_id = v.actie_id AND x.volgnummer = v.objecten_volgnummer
              ORDER BY x.volgorde
    LOOP
        z := o;
        z.object_versleuteld := NULL;
        -- An array appended in place (a jsonb array would be copied on
        -- every append: quadratic in an action of 20,000 objects).
        objecten := array_append(objecten, verwerkingenlog._object_document(z)
            || jsonb_build_object('objectId', verwerkingenlog._decrypt_export(o.object_versleuteld, o.soort_object_id, o.object_pseudoniem, 'verwerkt_object',
                                                                                  o.verwerkt_object_id::text)));
    END LOOP;
    RETURN verwerkingenlog._document(zonder, to_jsonb(objecten))
        || jsonb_build_object(
               'afnemerId', coalesce(v.afnemer_id,
                                     verwerkingenlog._decrypt_export(v.afnemer_versleuteld, coalesce(v.soort_afnemer_id, ''),
                                                                        '\x61666e656d6572'::bytea || uuid_send(v.actie_id), 'verwerkingsactie_versie',
                                                                        v.versie_id::text)),
               'volgnummer', v.volgnummer,
               'versieId', v.versie_id,
               'vervallen', v.vervallen,
               'gemaaktDoor', verwerkingenlog._maker_document(v))
        || verwerkingenlog._ldv_export(v);
END
$$;
COMMENT ON FUNCTION _export_document(verwerkingsactie_versie) IS
  'Internal: a stored version as the export shows it (the history''s document with volgnummer, versieId, vervallen, gemaaktDoor); undecryptable identifiers are NULL, each with a WARNING';

CREATE FUNCTION exporteer_verwerkingsacties(vanaf timestamptz DEFAULT '-infinity',
                                            tot timestamptz DEFAULT 'infinity')
    RETURNS SETOF jsonb
    AS 'MODULE_PATHNAME', 'vwl_exporteer'
    LANGUAGE C STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION exporteer_verwerkingsacties(timestamptz, timestamptz) IS
  'Every stored version of every action registered in [vanaf, tot), per action in the order of actieId and by volgnummer (the primary key: no sort), with plain identifiers, volgnummer, versieId (record id), vervallen and gemaaktDoor: for migration to another log.  Streamed (call it in the select list); a version whose identifiers cannot be decrypted is left out with a WARNING naming its record id, and the export then ends with an error (XX001) listing them.  Scope beheer';

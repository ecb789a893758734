-- Writing and reading one verwerkingsactie: the document format of the
-- OpenAPI contract (camelCase) in and out, versions underneath.

CREATE FUNCTION _soorten_gegevens(soorten text[]) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'vwl_soorten_gegevens'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION _soorten_gegevens(text[]) IS
  'Stored soorten gegevens as the API shows them: [{"soortGegeven": ...}, ...]';

-- A verwerkt object as the API shows it (VerwerktObject): url,
-- verwerktObjectId, objecttype, soortObjectId, objectId (decrypted),
-- betrokkenheid, verwerkteSoortenGegevens.  In C (src/document.c), as are
-- _document, _restricted_document and _inzage_document: jsonb_build_object looks
-- up every argument's type and output function on every call.
CREATE FUNCTION _object_document(o verwerkt_object) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'vwl_object_document'
    LANGUAGE C STABLE PARALLEL RESTRICTED;

-- The objects of version `volgnummer` of an action, in their order.
CREATE FUNCTION _objecten_document(actie uuid, volgnummer integer) RETURNS jsonb
    LANGUAGE sql STABLE PARALLEL RESTRICTED
AS $$
    SELECT coalesce(jsonb_agg(verwerkingenlog._object_document(o) ORDER BY o.volgorde), '[]')
      FROM verwerkingenlog.verwerkt_object o
     WHERE o.actie_id = actie AND o.volgnummer = _objecten_document.volgnummer
$$;

-- A version as the API shows it (VerwerkingsactieUitgebreid): every element,
-- absent ones as null, tijdstip exactly as supplied (url, actieId, actieNaam,
-- handelingNaam, verwerkingNaam, verwerkingId, verwerkingsactiviteitId,
-- verwerkingsactiviteitUrl, vertrouwelijkheid, bewaartermijn, uitvoerder,
-- systeem, gebruiker, gegevensbron, soortAfnemerId, afnemerId (decrypted
-- when stored encrypted), verwerkingsactiviteitIdAfnemer,
-- verwerkingsactiviteitUrlAfnemer, verwerkingIdAfnemer, tijdstip,
-- tijdstipRegistratie, and objecten as verwerkteObjecten).
CREATE FUNCTION _document(v verwerkingsactie_versie, objecten jsonb) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'vwl_document'
    LANGUAGE C STABLE PARALLEL RESTRICTED;

-- _document(v, the jsonb_agg of _object_document of objecten, in their
-- order), in one go (the list's documents): no documents aggregated in
-- between.  NULL or no objects: verwerkteObjecten is null.
CREATE FUNCTION _document_met_objecten(v verwerkingsactie_versie, objecten verwerkt_object[]) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'vwl_document_met_objecten'
    LANGUAGE C STABLE PARALLEL RESTRICTED;
REVOKE ALL ON FUNCTION _document_met_objecten(verwerkingsactie_versie, verwerkt_object[]) FROM PUBLIC;

-- The current version of an action (vervallen or not); no row when unknown.
CREATE FUNCTION _current(actie uuid) RETURNS SETOF verwerkingsactie_versie
    LANGUAGE sql STABLE PARALLEL SAFE ROWS 1
AS $$
    SELECT * FROM verwerkingenlog.verwerkingsactie_versie v
     WHERE v.actie_id = actie
     ORDER BY v.volgnummer DESC
     LIMIT 1
$$;

-- Stores new versions of actions from normalised documents (the output of
-- _verwerkingsactie_input) and returns the stored documents in input order.
-- The arrays run in parallel, one element per version: the action, its
-- volgnummer, the document, the level to store (the rule engine's verdict)
-- and the objects: NULL stores the document's objects as a new object set,
-- a volgnummer keeps the objects of that earlier version.  One writer for
-- POST, PUT, the batch and the inzage record, in C (src/writer.c): it
-- builds the documents it returns first (with the ids it hands out), each
-- the input document || {url, actieId, vertrouwelijkheid,
-- tijdstipRegistratie, verwerkteObjecten}, then inserts the version rows and
-- the object rows directly, as COPY FROM does: privileges, triggers,
-- constraints and unique indexes as for an INSERT, without the planning of
-- one.  All versions of one call share one tijdstipRegistratie.
CREATE FUNCTION _write_versions(acties uuid[], volgnummers integer[], docs jsonb[],
                                 niveaus vertrouwelijkheid[], objecten_volgnummers integer[])
    RETURNS SETOF jsonb
    AS 'MODULE_PATHNAME', 'vwl_write_versions'
    LANGUAGE C VOLATILE;

-- One action, in C (src/writer.c), with the checks of the batch in its
-- order: create:normal first (nothing is looked at without it), then the
-- validator, then the rule engine for the level asked for, then the writer,
-- which returns the stored document.
CREATE FUNCTION log_verwerkingsactie(actie jsonb) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'vwl_log_verwerkingsactie'
    LANGUAGE C VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION log_verwerkingsactie(jsonb) IS
  'POST /verwerkingsacties: logs one verwerkingsactie (VerwerkingsactieUitgebreidBasis) and returns it as stored';

-- The batch, in C (src/writer.c): the caller's scopes, the validator
-- over the whole array (every problem of every element with its index, or
-- none), the rule engine per element, then the writer, which builds no
-- documents for it.  Returns the actieIds in input order.
CREATE FUNCTION log_verwerkingsacties(acties jsonb) RETURNS SETOF uuid
    AS 'MODULE_PATHNAME', 'vwl_log_verwerkingsacties'
    LANGUAGE C VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION log_verwerkingsacties(jsonb) IS
  'Logs a JSON array of verwerkingsacties in one call, all or nothing; returns their actieIds in input order';

CREATE FUNCTION verwerkingsactie(actie_id uuid) RETURNS jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    zichtbaar verwerkingenlog.vertrouwelijkheid[] := verwerkingenlog._readable('actie', verwerkingenlog._scopes(), NULL);
    v verwerkingenlog.verwerkingsactie_versie;
BEGIN
    SELECT * INTO v FROM verwerkingenlog._current(actie_id);
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
COMMENT ON FUNCTION _document_met_objecten(verwerkingsactie_versie, verwerkt_object[]) IS
  'A version as the API shows it, with the given object rows as its verwerkteObjecten (in their order)';
COMMENT ON FUNCTION _current(uuid) IS 'The current version of an action (highest volgnummer), vervallen or not';
COMMENT ON FUNCTION _write_versions(uuid[], integer[], jsonb[], vertrouwelijkheid[], integer[]) IS
  'Stores versions of actions from normalised documents; the one place that inserts new content';

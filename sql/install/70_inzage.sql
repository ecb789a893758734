-- Inzage for the data subject (inzage API, F4086, F2008): the verwerkte
-- objecten about one person, each with its action in the restricted form,
-- and the record of every inzage (C3677).
--
-- What a citizen sees: only the object asked about, never the other persons
-- of the same action (a marriage logs both partners and the witnesses), and
-- never systeem, gebruiker or gegevensbron.  Only current, non-vervallen
-- actions; read:normal sees what is normaal (which by the never-forget rule
-- means: never confidential), read:confidential also what is opgeheven,
-- nobody what is vertrouwelijk now (_readable('inzage', ...)).
--
-- Reading the log is itself processing of personal data, so every inzage is
-- logged as a verwerkingsactie by the log itself about the person looked up,
-- committed in a transaction of its own before any row reaches the caller
-- (_log_inzage).  The inzage functions refuse to run in a read-only
-- transaction: an inzage that cannot be logged is not served.

-- A verwerkingsactie in the restricted form of the inzage API
-- (VerwerkingsactieBeperkt): every element of the full form except systeem,
-- gebruiker and gegevensbron; its verwerkteObjecten hold only object o,
-- never the other objects of the action.  afnemerId is shown only when it
-- is an OIN (an organisation): any other afnemerId may be another person's
-- BSN, and an inzage never shows another person's identifier.
-- (In C, src/document.c: built without what it leaves out, and nothing is
-- decrypted for afnemerId.)
CREATE FUNCTION _restricted_document(v verwerkingsactie_versie, o verwerkt_object) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'vwl_beperkt_document'
    LANGUAGE C STABLE PARALLEL RESTRICTED;

-- A verwerkt object with its action (VerwerktObjectUitgebreid):
-- _object_document(o) || {"verwerkingsactie": _restricted_document(v, o)}, in C.
CREATE FUNCTION _inzage_document(v verwerkingsactie_versie, o verwerkt_object) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'vwl_inzage_document'
    LANGUAGE C STABLE PARALLEL RESTRICTED;

-- An inzage must be logged; in a read-only transaction it cannot be.
CREATE FUNCTION _inzage_writable() RETURNS void
    LANGUAGE plpgsql STABLE
AS $$
BEGIN
    IF current_setting('transaction_read_only')::boolean THEN
        RAISE EXCEPTION 'an inzage cannot be served in a read-only transaction'
            USING ERRCODE = 'read_only_sql_transaction',
                  DETAIL = 'Every inzage is logged as a verwerkingsactie (C3677); a read-only transaction cannot store it.',
                  HINT = 'Call it in a read-write transaction.  Under PostgREST, call /rpc/verwerkte_objecten_list and /rpc/verwerktobject_read with POST (the shipped nginx configuration maps GET onto POST).';
    END IF;
END
$$;

-- request.headers as PostgREST sets it (a JSON object, names in lower
-- case); an empty object when the setting is absent or empty.
CREATE FUNCTION _inzage_headers() RETURNS jsonb
    LANGUAGE plpgsql STABLE
AS $$
DECLARE
    tekst text := current_setting('request.headers', true);
    koppen jsonb;
BEGIN
    IF tekst IS NULL OR tekst = '' THEN
        RETURN '{}';
    END IF;
    BEGIN
        koppen := tekst::jsonb;
    EXCEPTION WHEN invalid_text_representation THEN
        koppen := NULL;
    END;
    IF koppen IS NULL OR jsonb_typeof(koppen) <> 'object' THEN
        RAISE EXCEPTION 'setting "request.headers" is not a JSON object'
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = '(headers): must be a JSON object of request headers (invalid_type)';
    END IF;
    RETURN koppen;
END
$$;

-- The normalised verwerkingsactie that records an inzage about one object,
-- built from the settings verwerkingenlog.inzage_* and the caller's request
-- headers (B9177):
--   OIN                      -> afnemerId, with soortAfnemerId OIN
--   VerwerkingsactiviteitId  -> verwerkingsactiviteitIdAfnemer
--   VerwerkingsactiviteitUrl -> verwerkingsactiviteitUrlAfnemer
--   VerwerkingId             -> verwerkingIdAfnemer
--   Vertrouwelijkheid        -> vertrouwelijkheid (else inzage_vertrouwelijkheid)
--   Bewaartermijn            -> bewaartermijn (else inzage_bewaartermijn)
-- An invalid header or object parameter raises 22023 with one detail line
-- per problem, "<name>: <reason> (<code>)", named after the header or the
-- parameter; a setting the validator refuses raises 55000 (the log is
-- misconfigured, not the request).  With objecttype NULL only the headers
-- are checked (the object is not known yet) and NULL is returned.
-- In C (src/inzage.c), with the checks, names and messages of the PL/pgSQL
-- it replaced; the validator runs once and its normalised document is the
-- result.  systeem is "verwerkingenlog <version>": the library serves only
-- the SQL of its own version (src/versie.c).
CREATE FUNCTION _inzage_input(objecttype text, soort_object_id text, object_id text) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'vwl_inzage_input'
    LANGUAGE C STABLE COST 100;

-- Stores the record of an inzage (normalised by _inzage_input) as a new
-- action of the log itself: no create scope of the caller is involved.
-- Runs in the transaction of its own that _record opens (68_record_writer);
-- returns the record's actieId.
CREATE FUNCTION _write_inzage(d jsonb) RETURNS text
    LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
    id uuid := verwerkingenlog.uuidv7();
BEGIN
    PERFORM FROM verwerkingenlog._write_versions(
        ARRAY[id], '{1}', ARRAY[d],
        ARRAY[(d->>'vertrouwelijkheid')::verwerkingenlog.vertrouwelijkheid], '{NULL}');
    RETURN id::text;
END
$$;

-- Commits the record of an inzage before the inzage returns anything
-- (C3677): whatever the caller's transaction does afterwards, the record
-- stays.  (PL/pgSQL, so that its plan is kept rather than made again per
-- inzage.)
CREATE FUNCTION _log_inzage(d jsonb) RETURNS void
    LANGUAGE plpgsql VOLATILE
AS $$
BEGIN
    PERFORM verwerkingenlog._record('verwerkingenlog._write_inzage(jsonb)'::regprocedure, d);
END
$$;

-- One page of GET /verwerkte-objecten, logged as an inzage: the verwerkte
-- objecten about one object with tijdstip in [begin_datum, eind_datum),
-- newest first (tijdstip, actieId, position, all descending: the order of
-- the person index), each with its action in
-- the restricted form.  Keyset paging: with na_tijdstip/na_actie_id/
-- na_volgorde only the rows after that one (terug: before it, returned
-- oldest first, nearest the key first), at most aantal of them (NULL: all).  Every page is an
-- inzage of its own and is logged.  In C (src/inzage.c): the checks in this
-- order -- the read scope, the five filters (F4086), a read-write
-- transaction, the record (_inzage_input) -- then a cursor over _matches
-- (the person index in the list's order, one probe of the current version
-- per row, a fast-start plan that stops after the page), whose snapshot is
-- taken before the record is sent to the record writer (_write_inzage
-- through the door of 68_record_writer), so an inzage never lists itself;
-- the worker commits the record while the documents are built, and no row
-- is returned before it has.
CREATE FUNCTION _verwerkte_objecten_page(objecttype text, soort_object_id text, object_id text,
                                           begin_datum date, eind_datum date,
                                           verwerkingsactiviteit_id uuid,
                                           na_tijdstip timestamptz, na_actie_id uuid, na_volgorde smallint,
                                           terug boolean, aantal integer)
    RETURNS TABLE (document jsonb, tijdstip timestamptz, actie_id uuid, volgorde smallint)
    AS 'MODULE_PATHNAME', 'vwl_verwerkte_objecten_page'
    LANGUAGE C VOLATILE COST 100;
COMMENT ON FUNCTION _verwerkte_objecten_page(text, text, text, date, date, uuid, timestamptz, uuid, smallint, boolean, integer) IS
  'One keyset page of GET /verwerkte-objecten (after or before a row, at most aantal), newest first, with the sort key of every row; logs the inzage';

-- The number of verwerkte objecten GET /verwerkte-objecten lists for these
-- filters (the count of the list envelope): the person index and one probe
-- of the current version per object row; no document, no decryption.
-- Not an inzage by itself: it is only called with a page.
CREATE FUNCTION _verwerkte_objecten_count(objecttype text, soort_object_id text, object_id text,
                                           begin_datum date, eind_datum date,
                                           verwerkingsactiviteit_id uuid)
    RETURNS bigint
    LANGUAGE sql STABLE
AS $$
    SELECT count(*)
      FROM verwerkingenlog._matches(soort_object_id, verwerkingenlog._pseudoniem(soort_object_id, object_id),
                                     lower(objecttype), verwerkingenlog._date_instant(begin_datum), verwerkingenlog._date_instant(eind_datum),
                                     verwerkingenlog._readable('inzage', verwerkingenlog._scopes(), NULL),
                                     verwerkingsactiviteit_id) t
$$;
COMMENT ON FUNCTION _verwerkte_objecten_count(text, text, text, date, date, uuid) IS
  'The number of verwerkte objecten GET /verwerkte-objecten lists for these filters (no documents built)';

-- Every row: one page without a key and without a limit (src/inzage.c).
CREATE FUNCTION verwerkte_objecten(objecttype text, soort_object_id text, object_id text,
                                   begin_datum date, eind_datum date,
                                   verwerkingsactiviteit_id uuid DEFAULT NULL)
    RETURNS SETOF jsonb
    AS 'MODULE_PATHNAME', 'vwl_verwerkte_objecten'
    LANGUAGE C VOLATILE SECURITY DEFINER COST 100
    SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION verwerkte_objecten(text, text, text, date, date, uuid) IS
  'GET /verwerkte-objecten: the verwerkte objecten about one object with tijdstip in [begin_datum, eind_datum), newest first, each with its action in the restricted form; logs the inzage (needs a read scope and a read-write transaction)';

CREATE FUNCTION verwerkt_object(verwerkt_object_id uuid) RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    zichtbaar verwerkingenlog.vertrouwelijkheid[] := verwerkingenlog._readable('inzage', verwerkingenlog._scopes(), NULL);
    o verwerkingenlog.verwerkt_object;
    v verwerkingenlog.verwerkingsactie_versie;
BEGIN
    IF verwerkt_object_id IS NULL THEN
        RAISE EXCEPTION 'verwerktObjectId is required'
            USING ERRCODE = 'null_value_not_allowed', DETAIL = 'verwerktObjectId: is required (required)';
    END IF;
    PERFORM verwerkingenlog._inzage_writable();
    -- Bad headers are refused whether or not the object is found.
    PERFORM verwerkingenlog._inzage_input(NULL, NULL, NULL);

    SELECT * INTO o FROM verwerkingenlog.verwerkt_object x
     WHERE x.verwerkt_object_id = verwerkt_object.verwerkt_object_id;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    SELECT * INTO v FROM verwerkingenlog._current(o.actie_id);
    -- Null-safe: when a purge committed since o was read, there is no v.
    IF v.actie_id IS NULL OR v.objecten_volgnummer IS DISTINCT FROM o.volgnummer
       OR v.vervallen IS NOT FALSE OR (v.vertrouwelijkheid = ANY (zichtbaar)) IS NOT TRUE THEN
        RETURN NULL;
    END IF;
    PERFORM verwerkingenlog._log_inzage(
        verwerkingenlog._inzage_input(o.objecttype, o.soort_object_id, verwerkingenlog._decrypt_object(o)));
    RETURN verwerkingenlog._inzage_document(v, o);
END
$$;
COMMENT ON FUNCTION verwerkt_object(uuid) IS
  'GET /verwerkte-objecten/{verwerktObjectId}: one verwerkt object with its action in the restricted form, NULL when unknown, replaced, vervallen or not visible; logs the inzage when it returns one';

COMMENT ON FUNCTION _restricted_document(verwerkingsactie_versie, verwerkt_object) IS
  'The restricted form of a version of an action (VerwerkingsactieBeperkt): no systeem, gebruiker, gegevensbron; only object o';
COMMENT ON FUNCTION _inzage_document(verwerkingsactie_versie, verwerkt_object) IS
  'A verwerkt object with its action in the restricted form (VerwerktObjectUitgebreid)';
COMMENT ON FUNCTION _inzage_writable() IS
  'Raises 25006 in a read-only transaction: an inzage that cannot be logged is not served';
COMMENT ON FUNCTION _inzage_headers() IS
  'The setting request.headers as a JSON object ({} when absent); 22023 when it is not an object';
COMMENT ON FUNCTION _inzage_input(text, text, text) IS
  'The normalised verwerkingsactie recording an inzage about one object, from the inzage settings and the request headers; 22023 names invalid headers and parameters';
COMMENT ON FUNCTION _write_inzage(jsonb) IS
  'Stores the record of an inzage as a new action of the log itself; returns its actieId (called by _record in a transaction of its own)';
COMMENT ON FUNCTION _log_inzage(jsonb) IS
  'Commits the record of an inzage in a transaction of its own (_record) before the inzage returns rows';

REVOKE ALL ON FUNCTION _restricted_document(verwerkingsactie_versie, verwerkt_object),
                       _inzage_document(verwerkingsactie_versie, verwerkt_object),
                       _inzage_writable(), _inzage_headers(),
                       _inzage_input(text, text, text), _log_inzage(jsonb), _write_inzage(jsonb),
                       _verwerkte_objecten_page(text, text, text, date, date, uuid, timestamptz, uuid, smallint, boolean, integer),
                       _verwerkte_objecten_count(text, text, text, date, date, uuid)
    FROM PUBLIC;

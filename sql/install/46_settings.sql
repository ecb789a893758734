-- The settings of the log, kept in the database (src/settings.c).
-- verwerkingenlog.instelling holds the database's values of the
-- verwerkingenlog.* settings; pg_dump keeps it, so a restored database
-- behaves like the original (base url, key file, inzage record, maximum
-- retention, time zone).  instellen() is the one way to write it: it refuses
-- an unknown name or a bad value at once, as SET would, and so does the
-- table's CHECK (a restore cannot bring a bad value in either).  Every
-- backend applies the table's values as the database's defaults before the
-- log first serves anything, and again after every change; a session's own
-- SET still wins for that session.

CREATE FUNCTION _setting_valid(naam text, waarde text) RETURNS boolean
    AS 'MODULE_PATHNAME', 'vwl_setting_valid'
    LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION _setting_valid(text, text) IS
  'True when naam is a setting of verwerkingenlog and waarde a value it takes; otherwise the error SET would raise (42704 unknown, 22023 bad value)';

CREATE TABLE instelling (
    naam      text PRIMARY KEY,
    waarde    text NOT NULL,
    gewijzigd timestamptz NOT NULL DEFAULT pg_catalog.now(),
    CONSTRAINT instelling_geldig CHECK (verwerkingenlog._setting_valid(naam, waarde)),
    CONSTRAINT naam_in_kleine_letters CHECK (naam OPERATOR(pg_catalog.=) pg_catalog.lower(naam))
);
COMMENT ON TABLE instelling IS
  'The database''s values of the verwerkingenlog.* settings, applied by every backend as the database''s defaults; kept by pg_dump; written by instellen()';
REVOKE ALL ON instelling FROM PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('instelling', '');

CREATE FUNCTION _settings_refreshed() RETURNS void
    AS 'MODULE_PATHNAME', 'vwl_settings_refreshed'
    LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION _settings_refreshed() IS
  'After a change of verwerkingenlog.instelling: every backend applies it again from its next transaction on';

-- Not SECURITY DEFINER: only superusers may call it (the settings are
-- superuser settings; one of them names the key file).
CREATE FUNCTION instellen(naam text, waarde text) RETURNS text
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    sleutel text := lower(naam);
BEGIN
    IF naam IS NULL THEN
        RAISE EXCEPTION 'the name of the setting is required'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF waarde IS NULL THEN
        DELETE FROM verwerkingenlog.instelling i WHERE i.naam = sleutel;
    ELSE
        PERFORM verwerkingenlog._setting_valid(sleutel, waarde);
        INSERT INTO verwerkingenlog.instelling AS i (naam, waarde) VALUES (sleutel, waarde)
            ON CONFLICT ON CONSTRAINT instelling_pkey
            DO UPDATE SET waarde = EXCLUDED.waarde, gewijzigd = pg_catalog.now();
    END IF;
    PERFORM verwerkingenlog._settings_refreshed();
    RETURN waarde;
END
$$;
COMMENT ON FUNCTION instellen(text, text) IS
  'Sets a verwerkingenlog.* setting for this database (kept by pg_dump), refused at once when the name or the value is wrong; NULL removes it (open sessions keep the old value until they reconnect).  Superuser only';

CREATE FUNCTION _date_instant(d date) RETURNS timestamptz
    AS 'MODULE_PATHNAME', 'vwl_date_instant'
    LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION _date_instant(date) IS
  'The start of a date (beginDatum, eindDatum) in the zone of verwerkingenlog.tijdzone, the same for every session';

REVOKE ALL ON FUNCTION _setting_valid(text, text), _settings_refreshed(), instellen(text, text)
    FROM PUBLIC;

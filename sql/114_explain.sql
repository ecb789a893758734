-- The views leak nothing the caller may not see, to EXPLAIN ANALYZE either:
-- a read:normal caller cannot tell from a plan whether a confidential
-- action with a given name, verwerkingId or actieId exists.  The plan of a
-- query for a confidential action must be the plan of a query for one that
-- does not exist.
SET search_path = verwerkingenlog, pg_catalog;
\set SHOW_CONTEXT never
SELECT (log_verwerkingsactie('{"actieNaam": "geheim-114", "vertrouwelijkheid": "vertrouwelijk",
  "verwerkingId": "11400000-0000-4000-8000-000000000001", "tijdstip": "2024-07-01T10:00:00+02:00",
  "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "114000001", "betrokkenheid": "geheime-rol"}]}')->>'actieId') AS geheim \gset
SELECT log_verwerkingsactie('{"actieNaam": "openbaar-114", "vertrouwelijkheid": "normaal",
  "tijdstip": "2024-07-01T10:00:00+02:00",
  "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "114000002"}]}') IS NOT NULL AS gelogd;

-- The plan of a query, its literals written as X, for comparing.
CREATE FUNCTION pg_temp.plan(q text, letterlijk text[]) RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE
    r text;
    uit text[] := '{}';
    l text;
BEGIN
    FOR r IN EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ' || q LOOP
        FOREACH l IN ARRAY letterlijk LOOP
            r := replace(r, l, 'X');
        END LOOP;
        uit := uit || r;
    END LOOP;
    RETURN uit;
END $$;
CREATE ROLE regress_vwl_normaal;
GRANT verwerkingenlog_read_normal TO regress_vwl_normaal;
SET ROLE regress_vwl_normaal;
SELECT count(*) AS zichtbaar FROM actuele_verwerkingsacties WHERE actie_naam = 'geheim-114';
SELECT pg_temp.plan($$SELECT * FROM verwerkingenlog.actuele_verwerkingsacties WHERE actie_naam = 'geheim-114'$$, '{geheim-114}')
     = pg_temp.plan($$SELECT * FROM verwerkingenlog.actuele_verwerkingsacties WHERE actie_naam = 'bestaat-niet'$$, '{bestaat-niet}')
       AS naam_verraadt_niets;
SELECT pg_temp.plan(format($$SELECT * FROM verwerkingenlog.actuele_verwerkingsacties WHERE actie_id = %L$$, :'geheim'), ARRAY[:'geheim'])
     = pg_temp.plan($$SELECT * FROM verwerkingenlog.actuele_verwerkingsacties WHERE actie_id = '00000000-0000-4000-8000-000000000000'$$,
                    '{00000000-0000-4000-8000-000000000000}')
       AS actie_id_verraadt_niets;
SELECT pg_temp.plan($$SELECT * FROM verwerkingenlog.actuele_verwerkingsacties WHERE verwerking_id = '11400000-0000-4000-8000-000000000001'$$,
                    '{11400000-0000-4000-8000-000000000001}')
     = pg_temp.plan($$SELECT * FROM verwerkingenlog.actuele_verwerkingsacties WHERE verwerking_id = '11400000-0000-4000-8000-000000000002'$$,
                    '{11400000-0000-4000-8000-000000000002}')
       AS verwerking_id_verraadt_niets;
SELECT pg_temp.plan($$SELECT * FROM verwerkingenlog.actuele_verwerkte_objecten WHERE betrokkenheid = 'geheime-rol'$$, '{geheime-rol}')
     = pg_temp.plan($$SELECT * FROM verwerkingenlog.actuele_verwerkte_objecten WHERE betrokkenheid = 'geen-rol'$$, '{geen-rol}')
       AS betrokkenheid_verraadt_niets;
-- The caller's condition is applied above the barrier, to visible rows only.
SELECT line FROM unnest(pg_temp.plan($$SELECT actie_naam FROM verwerkingenlog.actuele_verwerkingsacties WHERE actie_naam = 'geheim-114'$$, '{geheim-114}')) line
 WHERE line ~ '^\S' OR line ~ '^\s+->\s+Subquery Scan';
RESET ROLE;
DROP ROLE regress_vwl_normaal;

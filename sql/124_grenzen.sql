-- Bounded work for any input (issue 10): documented limits, refused with
-- 22023 naming the limit before work that grows with the input; at most 100
-- problems listed, the rest counted; an action about 10,000 persons works.
SET client_min_messages = warning;
CREATE FUNCTION pg_temp.actie(objecten int, fout boolean DEFAULT false) RETURNS jsonb LANGUAGE sql AS $$
  SELECT jsonb_build_object('actieNaam', 'Zoekresultaat', 'vertrouwelijkheid', 'normaal', 'tijdstip', '2024-04-05T14:35:42Z',
    'verwerkteObjecten', (SELECT jsonb_agg(jsonb_build_object('objecttype', 'persoon', 'soortObjectId', 'BSN',
                                   'objectId', (124000000 + g)::text)
                                 || CASE WHEN fout THEN jsonb_build_object('onbekend', g) ELSE '{}' END)
                            FROM generate_series(1, objecten) g))
$$;
-- The error of a statement, with the size and line count of its detail.
CREATE FUNCTION pg_temp.fout(sql text) RETURNS TABLE (sqlstate text, bericht text, regels int, bytes int, laatste text)
  LANGUAGE plpgsql AS $$
DECLARE st text; m text; d text;
BEGIN
  EXECUTE sql;
  RETURN;
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, m = MESSAGE_TEXT, d = PG_EXCEPTION_DETAIL;
  RETURN QUERY SELECT st, m, cardinality(string_to_array(d, E'\n')), octet_length(d),
                      (string_to_array(d, E'\n'))[cardinality(string_to_array(d, E'\n'))];
END $$;

-- 10,000 persons in one action (V7168): logged, every object stored.
SELECT jsonb_array_length(verwerkingenlog.log_verwerkingsactie(pg_temp.actie(10000))->'verwerkteObjecten') AS gelogd;
-- The limit of objects per action is 20,000 (volgorde is a smallint).
SELECT jsonb_array_length(verwerkingenlog.log_verwerkingsactie(pg_temp.actie(20000))->'verwerkteObjecten') AS op_de_grens;
SELECT sqlstate, bericht FROM pg_temp.fout($$SELECT verwerkingenlog.log_verwerkingsactie(pg_temp.actie(20001))$$);
SELECT sqlstate, bericht FROM pg_temp.fout($$SELECT verwerkingenlog.log_verwerkingsacties(jsonb_build_array(pg_temp.actie(1), pg_temp.actie(20001)))$$);
-- ... and of soorten gegevens per object 1,000.
SELECT sqlstate, bericht FROM pg_temp.fout($$SELECT verwerkingenlog.log_verwerkingsactie(jsonb_set(pg_temp.actie(1),
  '{verwerkteObjecten,0,verwerkteSoortenGegevens}',
  (SELECT jsonb_agg(jsonb_build_object('soortGegeven', 'g' || g)) FROM generate_series(1, 1001) g)))$$);
-- One document is at most 8 MB.
SELECT sqlstate, bericht FROM pg_temp.fout($$SELECT verwerkingenlog.log_verwerkingsactie(
  pg_temp.actie(1) || jsonb_build_object('handelingNaam', repeat('x', 9 * 1024 * 1024)))$$);
-- An invalid document with 15,000 bad objects: 100 problems listed, the
-- rest counted in the last line; the detail stays small.
SELECT sqlstate, bericht, regels, bytes < 10000 AS klein, laatste
  FROM pg_temp.fout($$SELECT verwerkingenlog.log_verwerkingsactie(pg_temp.actie(15000, true))$$);
SELECT count(*) AS rijen, count(*) FILTER (WHERE code = 'too_many') AS geteld,
       max(reason) FILTER (WHERE code = 'too_many') AS telling
  FROM verwerkingenlog.verwerkingsactie_fouten(pg_temp.actie(15000, true));

-- Keyset paging of the REST lists: GET /verwerkingsacties and
-- GET /verwerkte-objecten page on the person index (tijdstip, actieId and
-- the object's position, newest first); next and previous carry the sort
-- key of the last or first row shown.  Ties of tijdstip, a person twice in
-- one action, paging to the end and back, and a list as the first call of
-- a fresh session (the page size is a setting of the library).
SET client_min_messages = warning;
\set SHOW_CONTEXT never
\set ECHO none
\getenv abs_srcdir PG_ABS_SRCDIR
\set emulatie :abs_srcdir '/test/deploy/postgrest_emulatie.sql'
\i :emulatie
\set ECHO all
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'pag_lezer') THEN
        CREATE ROLE pag_lezer;
    END IF;
END
$$;
GRANT verwerkingenlog_read_confidential TO pag_lezer;

-- The first call of this session is a list (nothing of the library has
-- run yet): an empty page, not an error about an unknown setting.
SELECT status, body->'count' AS count, body->'results' AS results
  FROM http.aanroep('GET', 'pag_lezer', NULL, 'verwerkingsactie_list',
       '{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "950000001"}');

-- Ten actions about 950000001, seven of them at the same instant (written
-- in three offsets), one with the person twice.
SET verwerkingenlog.base_url = 'https://log.example.nl/api/v1';
CREATE TEMP TABLE gelogd AS
SELECT (verwerkingenlog.log_verwerkingsactie(jsonb_build_object(
           'actieNaam', 'actie ' || k, 'vertrouwelijkheid', 'normaal',
           'tijdstip', CASE WHEN k <= 7 THEN (ARRAY['2024-05-01T12:00:00+02:00', '2024-05-01T10:00:00Z',
                                                     '2024-05-01T11:00:00+01:00'])[k % 3 + 1]
                            ELSE '2024-0' || k - 6 || '-01T12:00:00+02:00' END,
           'verwerkteObjecten', CASE WHEN k = 9
               THEN '[{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "950000001", "betrokkenheid": "Aanvrager"},
                      {"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "950000001", "betrokkenheid": "Partner"}]'::jsonb
               ELSE '[{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "950000001"}]'::jsonb END))->>'actieId')::uuid AS id,
       k
  FROM generate_series(1, 10) k;
-- The order every page must follow: tijdstip, then actieId, newest first.
CREATE TEMP TABLE orde AS
SELECT g.id, row_number() OVER (ORDER BY v.tijdstip DESC, v.actie_id DESC) AS plaats
  FROM gelogd g JOIN verwerkingenlog.verwerkingsactie_versie v ON v.actie_id = g.id;
CREATE TEMP TABLE gezien (richting text, pagina integer, plaats integer, id uuid);
GRANT ALL ON gezien TO PUBLIC;
-- One page: its results into gezien, its links into psql variables.
CREATE FUNCTION pg_temp.pagina(richting text, pagina integer, cursor text) RETURNS TABLE (status integer, count jsonb, n integer, volgende text, vorige text)
    LANGUAGE plpgsql AS $$
DECLARE
    a record;
BEGIN
    SELECT * INTO a FROM http.aanroep('GET', 'pag_lezer', NULL, 'verwerkingsactie_list',
        jsonb_build_object('objecttype', 'persoon', 'soortObjectId', 'BSN', 'objectId', '950000001')
        || CASE WHEN cursor IS NULL THEN '{}' ELSE jsonb_build_object('cursor', cursor) END);
    RESET ROLE;
    INSERT INTO gezien SELECT richting, pagina, i, (r->>'actieId')::uuid
      FROM jsonb_array_elements(a.ruw->'results') WITH ORDINALITY AS e(r, i);
    RETURN QUERY SELECT a.status, a.body->'count', jsonb_array_length(a.ruw->'results'),
                        split_part(a.ruw->>'next', 'cursor=', 2), split_part(a.ruw->>'previous', 'cursor=', 2);
END
$$;
SET verwerkingenlog.page_size = 3;
-- Forward to the end: four pages of 3, 3, 3 and 1, each with the count.
SELECT status, count, n, coalesce(volgende, '') <> '' AS verder, coalesce(vorige, '') <> '' AS terug, volgende FROM pg_temp.pagina('vooruit', 1, NULL) \gset p1_
SELECT status, count, n, coalesce(volgende, '') <> '' AS verder, coalesce(vorige, '') <> '' AS terug, volgende FROM pg_temp.pagina('vooruit', 2, :'p1_volgende') \gset p2_
SELECT status, count, n, coalesce(volgende, '') <> '' AS verder, coalesce(vorige, '') <> '' AS terug, volgende FROM pg_temp.pagina('vooruit', 3, :'p2_volgende') \gset p3_
SELECT status, count, n, coalesce(volgende, '') <> '' AS verder, coalesce(vorige, '') <> '' AS terug, vorige FROM pg_temp.pagina('vooruit', 4, :'p3_volgende') \gset p4_
\echo page 1: :p1_status :p1_count :p1_n :p1_verder :p1_terug
\echo page 2: :p2_status :p2_count :p2_n :p2_verder :p2_terug
\echo page 3: :p3_status :p3_count :p3_n :p3_verder :p3_terug
\echo page 4: :p4_status :p4_count :p4_n :p4_verder :p4_terug
-- Every action once, in the order of the index, across the pages.
SELECT count(*) AS rijen, count(DISTINCT s.id) AS acties,
       bool_and(o.plaats = (s.pagina - 1) * 3 + s.plaats) AS in_volgorde
  FROM gezien s JOIN orde o ON o.id = s.id WHERE s.richting = 'vooruit';
-- Back from the last page: the same pages in reverse.
SELECT n, coalesce(vorige, '') <> '' AS terug, vorige FROM pg_temp.pagina('terug', 3, :'p4_vorige') \gset b3_
SELECT n, coalesce(vorige, '') <> '' AS terug, vorige FROM pg_temp.pagina('terug', 2, :'b3_vorige') \gset b2_
SELECT n, coalesce(vorige, '') <> '' AS terug FROM pg_temp.pagina('terug', 1, :'b2_vorige');
SELECT bool_and(v.id = t.id) AND count(*) = 9 AS zelfde_paginas
  FROM gezien t JOIN gezien v ON v.richting = 'vooruit' AND v.pagina = t.pagina AND v.plaats = t.plaats
 WHERE t.richting = 'terug';

-- The inzage pages on (tijdstip, actieId, position): with one row per page
-- both objects of the action with the person twice are shown, each once.
SET verwerkingenlog.page_size = 1;
CREATE TEMP TABLE inzage (pagina integer, object_id uuid, betrokkenheid text);
GRANT ALL ON inzage TO PUBLIC;
CREATE FUNCTION pg_temp.inzage(pagina integer, cursor text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    a record;
BEGIN
    SELECT * INTO a FROM http.aanroep('POST', 'pag_lezer', NULL, 'verwerkte_objecten_list',
        jsonb_build_object('objecttype', 'persoon', 'soortObjectId', 'BSN', 'objectId', '950000001',
                           'beginDatum', '2024-02-15', 'eindDatum', '2024-03-15')
        || CASE WHEN cursor IS NULL THEN '{}' ELSE jsonb_build_object('cursor', cursor) END);
    RESET ROLE;
    INSERT INTO inzage SELECT pagina, (r->>'verwerktObjectId')::uuid, r->>'betrokkenheid'
      FROM jsonb_array_elements(a.ruw->'results') r;
    RETURN nullif(split_part(a.ruw->>'next', 'cursor=', 2), '');
END
$$;
SELECT pg_temp.inzage(1, NULL) AS c \gset
SELECT pg_temp.inzage(2, :'c') IS NULL AS einde;
SELECT pagina, betrokkenheid FROM inzage ORDER BY pagina;
SELECT count(DISTINCT object_id) AS objecten FROM inzage;
RESET verwerkingenlog.page_size;

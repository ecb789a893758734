-- actieIds (and verwerktObjectIds) are strictly increasing within a backend,
-- as PostgreSQL 18's uuidv7() is (issue 10): 2,000 ids of one statement,
-- and the 2,000 actieIds of one batch, in the order they were made.
SET client_min_messages = warning;
SELECT count(*) AS ids,
       count(*) FILTER (WHERE id <= vorige) AS niet_oplopend,
       bool_and(substr(id::text, 15, 1) = '7' AND substr(id::text, 20, 1) IN ('8', '9', 'a', 'b')) AS versie_7
  FROM (SELECT id, lag(id) OVER (ORDER BY n) AS vorige
          FROM (SELECT n, verwerkingenlog.uuidv7() AS id FROM generate_series(1, 2000) n) g) x;

CREATE TEMP TABLE batch AS
SELECT n, id FROM verwerkingenlog.log_verwerkingsacties(
  (SELECT jsonb_agg(jsonb_build_object('actieNaam', 'Oplopend', 'vertrouwelijkheid', 'normaal',
     'tijdstip', '2024-04-05T14:35:42Z',
     'verwerkteObjecten', jsonb_build_array(jsonb_build_object('objecttype', 'persoon', 'soortObjectId', 'BSN', 'objectId', '123123123'),
                                            jsonb_build_object('objecttype', 'persoon', 'soortObjectId', 'BSN', 'objectId', '123123124'))))
     FROM generate_series(1, 2000))) WITH ORDINALITY AS b(id, n);
SELECT count(*) AS acties, count(*) FILTER (WHERE id <= vorige) AS niet_oplopend
  FROM (SELECT id, lag(id) OVER (ORDER BY n) AS vorige FROM batch) x;
-- The objects' ids follow in the order they were written (action, then position).
SELECT count(*) AS objecten, count(*) FILTER (WHERE o.verwerkt_object_id <= o.vorige) AS niet_oplopend
  FROM (SELECT o.verwerkt_object_id,
               lag(o.verwerkt_object_id) OVER (ORDER BY b.n, o.volgorde) AS vorige
          FROM batch b JOIN verwerkingenlog.verwerkt_object o ON o.actie_id = b.id) o;

-- (4) Baseline: the raw indexed query for the same list (every attribute,
-- the person's object rows, newest first).
\set p random(1, :personen)
\set pre 10000000 + :p * 10
\set som 9 * (:pre / 10000000 % 10) + 8 * (:pre / 1000000 % 10) + 7 * (:pre / 100000 % 10) + 6 * (:pre / 10000 % 10) + 5 * (:pre / 1000 % 10) + 4 * (:pre / 100 % 10) + 3 * (:pre / 10 % 10)
\set j (:som % 11) / 10
\set bsn (:pre + :j) * 10 + (:som + 2 * :j) % 11
SELECT a.*, o.verwerkt_object_id, o.objecttype, o.soort_object_id, o.object_id, o.betrokkenheid,
       o.verwerkte_soorten_gegevens
  FROM baseline.verwerkt_object o
  JOIN baseline.verwerkingsactie a ON a.actie_id = o.actie_id
 WHERE o.soort_object_id = 'BSN' AND o.object_id = :bsn::text AND o.objecttype = 'persoon'
   AND o.tijdstip >= '2024-01-01' AND o.tijdstip < '2025-01-01'
   AND NOT a.vervallen
 ORDER BY a.tijdstip DESC, a.actie_id;

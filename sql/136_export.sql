-- The export for migration: every version with its volgnummer, its record
-- id (versieId) and its maker, streamed from a cursor over the primary key:
-- called in the select list with a tiny work_mem it writes no temporary
-- file (a materialised result would spill, with plain identifiers in it).  Undecryptable rows are
-- tested by test/scripts/export_onleesbaar.sh (a key version removed from
-- the key file).
SET TimeZone = 'UTC';
\set SHOW_CONTEXT never
CREATE ROLE x_app;
GRANT verwerkingenlog_create_normal, verwerkingenlog_update_normal, verwerkingenlog_read_confidential TO x_app;
SET ROLE x_app;
SET request.jwt.claims = '{"sub": "exporteur", "azp": "migratie"}';
SELECT (verwerkingenlog.log_verwerkingsactie('{"actieNaam": "Export", "vertrouwelijkheid": "normaal",
   "verwerkingId": "13600000-0000-4000-8000-000000000001", "bewaartermijn": "P1Y",
   "tijdstip": "2024-05-01T10:00:00+02:00",
   "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "136000001"}]}')->>'actieId') AS actie \gset
RESET request.jwt.claims;
SELECT verwerkingenlog.wijzig_verwerking('13600000-0000-4000-8000-000000000001', '{"bewaartermijn": "P2Y"}') AS patch;
RESET ROLE;
SELECT x->'volgnummer' AS volgnummer, (x->>'versieId')::bigint = v.versie_id AS versie_id, x->'gemaaktDoor' AS gemaakt_door,
       x->>'bewaartermijn' AS bewaartermijn, x->'verwerkteObjecten'->0->>'objectId' AS object_id
  FROM verwerkingenlog.exporteer_verwerkingsacties() x
  JOIN verwerkingenlog.verwerkingsactie_versie v
    ON v.actie_id = (x->>'actieId')::uuid AND v.volgnummer = (x->>'volgnummer')::integer
 WHERE v.actie_id = :'actie' ORDER BY 1;

-- Streamed: 3,000 more versions through COPY of the select list with
-- work_mem at its minimum; no temporary file is written.
SELECT count(*) FROM verwerkingenlog.log_verwerkingsacties(
  (SELECT jsonb_agg(jsonb_build_object('actieNaam', 'Stroom', 'vertrouwelijkheid', 'normaal',
                    'tijdstip', '2024-05-02T10:00:00+02:00', 'verwerkteObjecten', jsonb_build_array(jsonb_build_object(
                       'objecttype', 'persoon', 'soortObjectId', 'BSN', 'objectId', '136' || g, 'betrokkenheid', repeat('b', 200)))))
     FROM generate_series(1, 3000) g));
SELECT pg_stat_force_next_flush();
SELECT temp_files AS temp_voor FROM pg_stat_database WHERE datname = current_database() \gset
SET work_mem = '64kB';
SELECT min(tijdstip_registratie) AS vanaf FROM verwerkingenlog.verwerkingsactie_versie WHERE actie_id = :'actie' \gset
COPY (SELECT verwerkingenlog.exporteer_verwerkingsacties(:'vanaf', 'infinity')) TO '/dev/null';
RESET work_mem;
SELECT pg_stat_force_next_flush();
SELECT temp_files - :temp_voor AS tijdelijke_bestanden FROM pg_stat_database WHERE datname = current_database();
DROP ROLE x_app;

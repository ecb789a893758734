-- The inzage's record is committed by the record writer while the inzage
-- builds its documents (issue 15): it is sent once the lookup's snapshot is
-- taken, so an inzage never lists its own record, even when the period
-- includes now and the record is visible to the caller; the next inzage
-- lists it.  The page with its sort keys gives the same documents as
-- verwerkte_objecten.
SET client_min_messages = warning;
CREATE ROLE regress_vwl_burger;
GRANT verwerkingenlog_read_normal TO regress_vwl_burger;
-- The record is normaal, so read:normal sees it.
SET verwerkingenlog.inzage_vertrouwelijkheid = 'normaal';
SELECT verwerkingenlog.log_verwerkingsactie(jsonb_build_object('actieNaam', 'Vandaag', 'vertrouwelijkheid', 'normaal',
  'tijdstip', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
  'verwerkteObjecten', jsonb_build_array(jsonb_build_object('objecttype', 'persoon', 'soortObjectId', 'BSN',
                                                            'objectId', '176176176')))) IS NOT NULL AS gelogd;

SET ROLE regress_vwl_burger;
-- First inzage: only the action, not its own record.
SELECT r->'verwerkingsactie'->>'actieNaam' AS actie
  FROM verwerkingenlog.verwerkte_objecten('persoon', 'BSN', '176176176', '2000-01-01', (current_date + 2)) r;
-- Second inzage: the first one's record too (newest first), not its own.
SELECT r->'verwerkingsactie'->>'actieNaam' AS actie
  FROM verwerkingenlog.verwerkte_objecten('persoon', 'BSN', '176176176', '2000-01-01', (current_date + 2)) r;
RESET ROLE;
-- The page, with its sort keys, has verwerkte_objecten's documents (a
-- period in the past, which no record of today enters).
SELECT verwerkingenlog.log_verwerkingsactie('{"actieNaam": "Eerder", "vertrouwelijkheid": "normaal",
  "tijdstip": "2024-04-05T14:35:42Z",
  "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "176176176"},
                        {"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "176176176"}]}') IS NOT NULL AS gelogd;
CREATE TEMP TABLE gelezen AS
SELECT row_number() OVER () AS n, r
  FROM verwerkingenlog.verwerkte_objecten('persoon', 'BSN', '176176176', '2024-01-01', '2025-01-01') r;
SELECT g.n, p.document = g.r AS zelfde_document,
       p.tijdstip = (p.document->'verwerkingsactie'->>'tijdstip')::timestamptz AS sleutel_tijdstip,
       p.actie_id::text = p.document->'verwerkingsactie'->>'actieId' AS sleutel_actie,
       p.volgorde
  FROM (SELECT row_number() OVER () AS n, p.*
          FROM verwerkingenlog._verwerkte_objecten_page('persoon', 'BSN', '176176176', '2024-01-01', '2025-01-01',
                                                       NULL, NULL, NULL, NULL, false, NULL) p) p
  FULL JOIN gelezen g USING (n)
 ORDER BY 1;
-- Every inzage above left its record (four).
SELECT count(*) AS records FROM verwerkingenlog.verwerkingsactie_versie v
 WHERE v.systeem LIKE 'verwerkingenlog %'
   AND EXISTS (SELECT FROM verwerkingenlog.verwerkt_object o
                WHERE o.actie_id = v.actie_id AND o.object_pseudoniem = verwerkingenlog._pseudoniem('BSN', '176176176'));

RESET verwerkingenlog.inzage_vertrouwelijkheid;
DROP OWNED BY regress_vwl_burger;
DROP ROLE regress_vwl_burger;

-- beginDatum and eindDatum are dates, read in one zone for every session
-- (verwerkingenlog.tijdzone, default Europe/Amsterdam), whatever the
-- session's TimeZone: on a Debian cluster (Etc/UTC) an inzage for April
-- includes 2024-04-01T01:30+02:00 and leaves out 2024-05-01T01:00+02:00.
SET search_path = verwerkingenlog, pg_catalog;
\set SHOW_CONTEXT never
SET TimeZone = 'Etc/UTC';
SELECT log_verwerkingsactie(jsonb_build_object('actieNaam', n, 'vertrouwelijkheid', 'normaal', 'tijdstip', t,
         'verwerkteObjecten', jsonb_build_array(jsonb_build_object('objecttype', 'persoon', 'soortObjectId', 'BSN',
                                                                   'objectId', '112000001')))) IS NOT NULL AS gelogd
  FROM (VALUES ('begin april', '2024-04-01T01:30:00+02:00'), ('eind april', '2024-04-30T23:59:59+02:00'),
               ('begin mei', '2024-05-01T01:00:00+02:00'), ('eind maart', '2024-03-31T23:59:00+02:00')) v(n, t);

SHOW verwerkingenlog.tijdzone;
-- The list, the inzage and the REST layer agree: April in Amsterdam.
SELECT d->>'actieNaam' AS april FROM verwerkingsacties('persoon', 'BSN', '112000001', '2024-04-01', '2024-05-01') d;
SELECT d->'verwerkingsactie'->>'actieNaam' AS april
  FROM verwerkte_objecten('persoon', 'BSN', '112000001', '2024-04-01', '2024-05-01') d;
SELECT set_config('request.headers', '{"verwerkingenlog-query": "objecttype=persoon&soortObjectId=BSN&objectId=112000001&beginDatum=2024-04-01&eindDatum=2024-05-01"}', false) IS NOT NULL AS kop;
SELECT jsonb_path_query(verwerkingenlog_api.verwerkingsactie_list(), '$.results[*].actieNaam') AS rest_april;
SELECT set_config('request.headers', '', false) IS NOT NULL AS kop_weg;
-- The same in any session zone.
SET TimeZone = 'America/New_York';
SELECT count(*) AS april FROM verwerkingsacties('persoon', 'BSN', '112000001', '2024-04-01', '2024-05-01');
SET TimeZone = 'Asia/Tokyo';
SELECT count(*) AS april FROM verwerkingsacties('persoon', 'BSN', '112000001', '2024-04-01', '2024-05-01');
-- Another zone, set by the DBA, moves the boundaries for everybody.
SET verwerkingenlog.tijdzone = 'UTC';
SELECT d->>'actieNaam' AS april_utc FROM verwerkingsacties('persoon', 'BSN', '112000001', '2024-04-01', '2024-05-01') d;
RESET verwerkingenlog.tijdzone;
-- The boundary itself: midnight in Amsterdam, across the change to summer time.
SET TimeZone = 'Etc/UTC';
SELECT _date_instant('2024-04-01') AS april, _date_instant('2024-03-31') AS overgang,
       _date_instant('infinity') AS oneindig, _date_instant('-infinity') AS min_oneindig;
-- Not a client setting, and only a zone PostgreSQL knows.
SET verwerkingenlog.tijdzone = 'Mars/Olympus_Mons';
SET verwerkingenlog.tijdzone = '';
CREATE ROLE regress_vwl_tz;
SET ROLE regress_vwl_tz;
SET verwerkingenlog.tijdzone = 'UTC';
RESET ROLE;
DROP ROLE regress_vwl_tz;
RESET TimeZone;

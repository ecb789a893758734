-- The organisation's minimum retention (verwerkingenlog.minimale_bewaartermijn,
-- default P3M): nothing is destroyed sooner after the registration of its
-- current version, whatever its bewaartermijn, the register or the maximum
-- say.  Also the log's own inzage records, whose Bewaartermijn header a
-- consumer chooses (PT0S).
SET TimeZone = 'UTC';
SELECT cardinality(verwerkingenlog.scopes()) > 0 AS geladen;
SHOW verwerkingenlog.minimale_bewaartermijn;
-- Only a superuser may change it, and only to a duration (or empty: none).
CREATE ROLE n_beheer;
GRANT verwerkingenlog_beheer, verwerkingenlog_create_normal, verwerkingenlog_update_normal,
      verwerkingenlog_read_confidential TO n_beheer;
SET ROLE n_beheer;
SET verwerkingenlog.minimale_bewaartermijn = '';
RESET ROLE;
SET verwerkingenlog.minimale_bewaartermijn = 'drie maanden';

-- The criterion function: the minimum counts from registratie.
SELECT verwerkingenlog._vernietigingscriterium('2024-01-01T00:00:00Z', 'P0D', NULL, NULL, '2024-06-01T00:00:00Z',
                                               '2024-03-01T00:00:00Z', 'P3M') AS op_de_grens,
       verwerkingenlog._vernietigingscriterium('2024-01-01T00:00:00Z', 'P0D', NULL, NULL, '2024-05-31T23:59:59.999999Z',
                                               '2024-03-01T00:00:00Z', 'P3M') AS net_ervoor,
       verwerkingenlog._vernietigingscriterium('2024-01-01T00:00:00Z', 'P0D', NULL, NULL, '2024-05-31T23:59:59.999999Z',
                                               '2024-03-01T00:00:00Z', NULL) AS zonder_minimum;

-- A client with update:normal PATCHes P0D: the next purge destroys nothing.
SET ROLE n_beheer;
SELECT (verwerkingenlog.log_verwerkingsactie('{"actieNaam": "Minimum", "vertrouwelijkheid": "normaal",
   "verwerkingId": "13200000-0000-4000-8000-000000000001", "bewaartermijn": "P10Y",
   "tijdstip": "2020-05-01T10:00:00+02:00", "verwerkingsactiviteitId": "13200000-0000-4000-8000-0000000000a1",
   "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "132000001"}]}')->>'actieId') AS actie \gset
SELECT verwerkingenlog.wijzig_verwerking('13200000-0000-4000-8000-000000000001', '{"bewaartermijn": "P0D"}') AS patch;
SELECT verwerkingenlog.vernietig_verlopen() AS vernietigd;
SELECT count(*) AS versies FROM verwerkingenlog.verwerkingsactie_historie(:'actie');
-- Nor when beheer registers P0D for its activity and the action has no retention of its own,
-- nor with a maximum of P0D.
SELECT verwerkingenlog.registreer_bewaartermijn('13200000-0000-4000-8000-0000000000a1', 'P0D');
SELECT (verwerkingenlog.log_verwerkingsactie('{"actieNaam": "Register", "vertrouwelijkheid": "normaal",
   "tijdstip": "2020-05-01T10:00:00+02:00", "verwerkingsactiviteitId": "13200000-0000-4000-8000-0000000000a1",
   "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "132000001"}]}')->>'actieId') AS actie_register \gset
RESET ROLE;
SET verwerkingenlog.maximale_bewaartermijn = 'P0D';
SET ROLE n_beheer;
SELECT verwerkingenlog.vernietig_verlopen() AS vernietigd;
SELECT minimale_bewaartermijn, maximale_bewaartermijn, totaal FROM verwerkingenlog.vernietiging_journaal ORDER BY id DESC LIMIT 1;
RESET ROLE;
RESET verwerkingenlog.maximale_bewaartermijn;

-- The record of an inzage whose consumer asked Bewaartermijn: PT0S is kept too.
SELECT set_config('request.headers', '{"bewaartermijn": "PT0S", "verwerkingsactiviteitid": "13200000-0000-4000-8000-0000000000a2"}', false) IS NOT NULL AS koppen;
SELECT count(*) AS objecten FROM verwerkingenlog.verwerkte_objecten('persoon', 'BSN', '132000001', '2020-01-01', '2021-01-01');
RESET request.headers;
SELECT v.actie_id AS inzage, v.bewaartermijn::text AS termijn FROM verwerkingenlog.verwerkingsactie_versie v
 WHERE v.verwerkingsactiviteit_id_afnemer = '13200000-0000-4000-8000-0000000000a2' \gset
SELECT :'termijn' AS inzage_bewaartermijn;
SELECT verwerkingenlog.vernietig_verlopen() AS vernietigd;
-- It has expired (PT0S from its tijdstip), and only the minimum keeps it.
SELECT verwerkingenlog._vernietigingscriterium(v.tijdstip, v.bewaartermijn, NULL, NULL, now(),
                                               v.tijdstip_registratie, 'P3M') AS met_minimum,
       verwerkingenlog._vernietigingscriterium(v.tijdstip, v.bewaartermijn, NULL, NULL, now(),
                                               v.tijdstip_registratie, NULL) AS zonder_minimum
  FROM verwerkingenlog.verwerkingsactie_versie v WHERE v.actie_id = :'inzage';

-- Once the minimum has passed (here: a minimum of none), the two actions
-- of 2020 go, each journaled with the criterion and the retention that
-- applied (a peilmoment in 2020 touches nothing the other tests logged).
SET verwerkingenlog.minimale_bewaartermijn = '';
SELECT verwerkingenlog.vernietig_verlopen('2020-06-01T00:00:00Z') AS vernietigd;
SELECT d.actie_id = :'actie' AS patch, d.actie_id = :'actie_register' AS register, d.criterium, d.bewaartermijn
  FROM verwerkingenlog.vernietigde_actie d
 WHERE d.actie_id IN (:'actie', :'actie_register', :'inzage') ORDER BY d.id;
RESET verwerkingenlog.minimale_bewaartermijn;
SELECT verwerkingenlog.verwijder_bewaartermijn('13200000-0000-4000-8000-0000000000a1');
DROP ROLE n_beheer;

-- Retention (C1697): vernietig_verlopen(peilmoment) destroys every action
-- whose retention has ended, by (1) its own bewaartermijn, (2) when it has
-- none, the one registered for its verwerkingsactiviteit, (3) in any case
-- the maximum verwerkingenlog.maximale_bewaartermijn.  A retention R of an
-- action with tijdstip T ends at E = einde_bewaartermijn(T, R); the action is
-- destroyed when E <= peilmoment.  Each criterion is tried one microsecond
-- before its end, at its end (rolled back) and one microsecond after.
SET search_path = verwerkingenlog, pg_catalog;
\set SHOW_CONTEXT never
-- No minimum after registration here (132_minimum tests it): these purges
-- judge by peilmomenten in the 1950s.
SET verwerkingenlog.minimale_bewaartermijn = '';

-- The actions here have a tijdstip in the 1950s and the purges a peilmoment
-- before 1960, so that they touch nothing that the other tests logged.
SELECT count(*) AS eerder_dan_1960
  FROM verwerkingsactie_versie WHERE tijdstip < '1960-01-01T00:00:00Z'::timestamptz;

CREATE TEMP TABLE t (naam text PRIMARY KEY, id uuid NOT NULL);
CREATE FUNCTION pg_temp.log(naam text, tijdstip text, termijn text,
                            activiteit uuid DEFAULT NULL, verwerking uuid DEFAULT NULL) RETURNS void
    LANGUAGE sql AS $$
    INSERT INTO t
    SELECT naam, (verwerkingenlog.log_verwerkingsactie(jsonb_build_object(
               'actieNaam', naam, 'vertrouwelijkheid', 'normaal', 'tijdstip', tijdstip,
               'bewaartermijn', termijn, 'verwerkingsactiviteitId', activiteit, 'verwerkingId', verwerking,
               'verwerkteObjecten', jsonb_build_array(
                   jsonb_build_object('objecttype', 'persoon', 'soortObjectId', 'BSN', 'objectId', '999990019',
                                      'verwerkteSoortenGegevens', jsonb_build_array(jsonb_build_object('soortGegeven', 'BSN'))),
                   jsonb_build_object('objecttype', 'persoon', 'soortObjectId', 'BSN', 'objectId', '999990020')))
           )->>'actieId')::uuid
$$;
-- What is left of each action: its versions and objects.
CREATE FUNCTION pg_temp.stand() RETURNS TABLE (naam text, versies bigint, objecten bigint)
    LANGUAGE sql AS $$
    SELECT t.naam,
           (SELECT count(*) FROM verwerkingenlog.verwerkingsactie_versie v WHERE v.actie_id = t.id),
           (SELECT count(*) FROM verwerkingenlog.verwerkt_object o WHERE o.actie_id = t.id)
      FROM t ORDER BY t.naam
$$;
-- The last journal row, without the clock times.
CREATE FUNCTION pg_temp.journaal() RETURNS TABLE (peilmoment timestamptz, door text, maximum bewaartermijn,
                                                  eigen bigint, register bigint, max bigint, totaal bigint,
                                                  overgeslagen bigint, versies bigint, objecten bigint, klok boolean)
    LANGUAGE sql AS $$
    SELECT j.peilmoment, j.uitgevoerd_door, j.maximale_bewaartermijn, j.eigen_bewaartermijn, j.register,
           j.maximum, j.totaal, j.overgeslagen, j.versies, j.objecten, j.begonnen <= j.geeindigd
      FROM verwerkingenlog.vernietiging_journaal j ORDER BY j.id DESC LIMIT 1
$$;
SET TimeZone = 'UTC';
SET DateStyle = ISO;

-- Criterion 1: the action's own bewaartermijn, from tijdstip, in tijdstip's
-- own offset: P1M from 31 January 00:30 +01:00 ends on 28 February 00:30 +01:00.
SELECT pg_temp.log('eigen', '1950-01-31T00:30:00+01:00', 'P1M');
SELECT pg_temp.log('eigen_jaar', '1950-01-31T00:30:00+01:00', 'P1Y');
SELECT einde_bewaartermijn('1950-01-31T00:30:00+01:00', 'P1M') AS einde \gset
SELECT :'einde' AS einde;
SELECT vernietig_verlopen(:'einde'::timestamptz - interval '1 microsecond') AS vernietigd;
SELECT * FROM pg_temp.stand();
BEGIN;
SELECT vernietig_verlopen(:'einde') AS vernietigd;
SELECT * FROM pg_temp.stand();
ROLLBACK;
SELECT vernietig_verlopen(:'einde'::timestamptz + interval '1 microsecond') AS vernietigd;
SELECT * FROM pg_temp.stand();
SELECT * FROM pg_temp.journaal();
SELECT count(*) AS journaalregels, sum(totaal) AS vernietigd FROM vernietiging_journaal;

-- Digits beyond the microsecond: the retention ends that fraction later, so
-- the end is rounded up to the next microsecond, never early.
SELECT pg_temp.log('nanoseconden', '1950-03-01T00:00:00.000000500Z', 'P1D');
SELECT vernietig_verlopen('1950-03-02T00:00:00Z') AS vernietigd;
SELECT vernietig_verlopen('1950-03-02T00:00:00.000001Z') AS vernietigd;

-- The current version counts: a retention lengthened by PATCH keeps the
-- action; an annulled (vervallen) action goes with all its versions; a PUT
-- that moved tijdstip moves the end.
SELECT pg_temp.log('verlengd', '1950-01-01T00:00:00Z', 'P1Y', NULL, '19500000-0000-4000-8000-00000000a001');
SELECT wijzig_verwerking('19500000-0000-4000-8000-00000000a001', '{"bewaartermijn": "P20Y"}');
SELECT pg_temp.log('vervallen', '1950-01-01T00:00:00Z', 'P1Y');
SELECT verwijder_verwerkingsactie(id) FROM t WHERE naam = 'vervallen';
SELECT pg_temp.log('verplaatst', '1950-01-01T00:00:00Z', 'P1Y');
SELECT wijzig_verwerkingsactie(id, verwerkingsactie(id) || jsonb_build_object(
           'tijdstip', '1950-07-01T00:00:00Z',
           'verwerkteObjecten', jsonb_build_array(jsonb_build_object(
               'objecttype', 'persoon', 'soortObjectId', 'BSN', 'objectId', 'regress-vernietiging-1'))))->>'tijdstip' AS tijdstip
  FROM t WHERE naam = 'verplaatst';
SELECT * FROM pg_temp.stand() WHERE naam IN ('verlengd', 'vervallen', 'verplaatst');
SELECT vernietig_verlopen('1951-01-01T00:00:00Z') AS vernietigd;
SELECT * FROM pg_temp.stand() WHERE naam IN ('verlengd', 'vervallen', 'verplaatst');
SELECT vernietig_verlopen('1951-07-01T00:00:00Z') AS vernietigd;
SELECT * FROM pg_temp.stand() WHERE naam IN ('verlengd', 'vervallen', 'verplaatst');
SELECT eigen, totaal, versies, objecten FROM pg_temp.journaal();
-- Nothing of a destroyed action can be read any more.
SELECT verwerkingsactie(id) IS NULL AS weg, count(h) AS historie
  FROM t LEFT JOIN LATERAL verwerkingsactie_historie(t.id) h ON true
 WHERE naam = 'verplaatst' GROUP BY id;
SELECT count(*) AS gevonden
  FROM verwerkingsacties('persoon', 'BSN', 'regress-vernietiging-1') a;

-- Criterion 2: no bewaartermijn of its own, the one registered for its
-- verwerkingsactiviteit.  An own bewaartermijn goes first; an activity that
-- is not registered destroys nothing.
SELECT registreer_bewaartermijn('19500000-0000-4000-8000-00000000b001', 'P2Y', 'Huwelijk');
SELECT verwerkingsactiviteit_id, bewaartermijn, omschrijving, gewijzigd_door
  FROM bewaartermijn_verwerkingsactiviteit ORDER BY 1;
SELECT pg_temp.log('register', '1950-06-15T12:00:00+02:00', NULL, '19500000-0000-4000-8000-00000000b001');
SELECT pg_temp.log('eigen_gaat_voor', '1950-06-15T12:00:00+02:00', 'P10Y', '19500000-0000-4000-8000-00000000b001');
SELECT pg_temp.log('niet_geregistreerd', '1950-06-15T12:00:00+02:00', NULL, '19500000-0000-4000-8000-00000000b002');
SELECT pg_temp.log('zonder', '1950-09-01T00:00:00Z', NULL);
SELECT einde_bewaartermijn('1950-06-15T12:00:00+02:00', 'P2Y') AS einde \gset
SELECT :'einde' AS einde;
SELECT vernietig_verlopen(:'einde'::timestamptz - interval '1 microsecond') AS vernietigd;
BEGIN;
SELECT vernietig_verlopen(:'einde') AS vernietigd;
SELECT register, totaal FROM pg_temp.journaal();
ROLLBACK;
SELECT vernietig_verlopen(:'einde'::timestamptz + interval '1 microsecond') AS vernietigd;
SELECT * FROM pg_temp.stand() WHERE naam IN ('register', 'eigen_gaat_voor', 'niet_geregistreerd', 'zonder');
SELECT * FROM pg_temp.journaal();

-- Register maintenance: registering again replaces, removing says whether
-- there was an entry, the input is checked.
SELECT registreer_bewaartermijn('19500000-0000-4000-8000-00000000b002', 'P3Y');
SELECT registreer_bewaartermijn('19500000-0000-4000-8000-00000000b002', 'P99Y', 'Burgerzaken');
SELECT verwerkingsactiviteit_id, bewaartermijn, omschrijving
  FROM bewaartermijn_verwerkingsactiviteit ORDER BY 1;
SELECT verwijder_bewaartermijn('19500000-0000-4000-8000-00000000b002') AS verwijderd,
       verwijder_bewaartermijn('19500000-0000-4000-8000-00000000b002') AS nogmaals;
SELECT registreer_bewaartermijn('19500000-0000-4000-8000-00000000b003', 'P1X');
SELECT registreer_bewaartermijn('19500000-0000-4000-8000-00000000b003', NULL);
\set VERBOSITY terse
SELECT registreer_bewaartermijn('19500000-0000-4000-8000-00000000b003', 'P1Y', repeat('x', 243));
\set VERBOSITY default
SELECT count(*) AS registraties FROM bewaartermijn_verwerkingsactiviteit;

-- Criterion 3: the organisation's maximum, whatever the action's own
-- retention.  A superuser's setting; an ISO 8601 duration or empty.
SHOW verwerkingenlog.maximale_bewaartermijn;
SET verwerkingenlog.maximale_bewaartermijn = 'P1X';
SET verwerkingenlog.maximale_bewaartermijn = 'P5Y';
-- verlengd's own P20Y from 1950-01-01 is cut to five years.
SELECT vernietig_verlopen('1954-12-31T23:59:59.999999Z') AS vernietigd;
SELECT vernietig_verlopen('1955-01-01T00:00:00Z') AS vernietigd;
SELECT * FROM pg_temp.stand() WHERE naam = 'verlengd';
SELECT einde_bewaartermijn('1950-06-15T12:00:00+02:00', 'P5Y') AS einde \gset
SELECT :'einde' AS einde;
SELECT vernietig_verlopen(:'einde'::timestamptz - interval '1 microsecond') AS vernietigd;
BEGIN;
SELECT vernietig_verlopen(:'einde') AS vernietigd;
SELECT maximum, max, totaal FROM pg_temp.journaal();
ROLLBACK;
SELECT vernietig_verlopen(:'einde'::timestamptz + interval '1 microsecond') AS vernietigd;
SELECT * FROM pg_temp.stand() WHERE naam IN ('eigen_gaat_voor', 'niet_geregistreerd', 'zonder');
SELECT * FROM pg_temp.journaal();
-- An action with no retention at all goes by the maximum too.
SELECT vernietig_verlopen('1955-09-01T00:00:00Z') AS vernietigd;
SELECT * FROM pg_temp.stand() WHERE naam = 'zonder';
SET verwerkingenlog.maximale_bewaartermijn = '';
SELECT vernietig_verlopen('1959-12-31T00:00:00Z') AS vernietigd;
SELECT maximum FROM pg_temp.journaal();
RESET verwerkingenlog.maximale_bewaartermijn;

-- A retention too long to compute an end for never ends (no error).
SELECT pg_temp.log('eeuwig', '1950-01-01T00:00:00Z', 'P2147483647D');
SELECT vernietig_verlopen('1959-12-31T00:00:00Z') AS vernietigd;
SELECT _vernietigingscriterium('9999-12-31T00:00:00Z', 'P1000000M', NULL, NULL, 'infinity') AS criterium;
SELECT _vernietigingscriterium('1950-01-01T00:00:00Z', NULL, NULL, 'P1Y', '1951-01-01T00:00:00Z') AS criterium,
       _vernietigingscriterium('1950-01-01T00:00:00Z', 'P2Y', 'P1Y', 'P3Y', '1952-06-01T00:00:00Z') AS eigen,
       _vernietigingscriterium('1950-01-01T00:00:00Z', NULL, 'P1Y', 'P3Y', '1952-06-01T00:00:00Z') AS register,
       _vernietigingscriterium('1950-01-01T00:00:00Z', 'P10Y', 'P1Y', 'P3Y', '1953-06-01T00:00:00Z') AS maximum,
       _vernietigingscriterium('1950-01-01T00:00:00Z', 'P10Y', 'P1Y', NULL, '1953-06-01T00:00:00Z') AS bewaard;

-- Arguments: no peilmoment, a peilmoment in the future.
SELECT vernietig_verlopen(NULL);
SELECT vernietig_verlopen(now() + interval '1 second');
-- Only at READ COMMITTED: each action is judged again with a new snapshot.
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT vernietig_verlopen('1950-01-01T00:00:00Z');
ROLLBACK;
-- The C function judges every action itself: handed an action that has not
-- expired, it skips it.
SELECT _vernietiging_start('1959-12-31T00:00:00Z', 1000) AS run \gset
SELECT r.* FROM (SELECT array_agg(id) AS acties FROM t WHERE naam = 'eeuwig') s,
       LATERAL _vernietig(s.acties, :run) r;
SELECT _vernietiging_end(:run) AS vernietigd;
SELECT * FROM pg_temp.stand() WHERE naam = 'eeuwig';

-- The door is closed again after the purge: in the same transaction, a
-- plain DELETE is still refused.
BEGIN;
SELECT vernietig_verlopen('1950-01-01T00:00:00Z') AS vernietigd;
DELETE FROM verwerkingsactie_versie WHERE actie_id = (SELECT id FROM t WHERE naam = 'eeuwig');
ROLLBACK;

-- Only scope beheer (and superusers).  A client with every other scope is
-- refused, and so is a beheer role whose JWT claim narrows beheer away.
CREATE ROLE regress_vwl_client;
GRANT verwerkingenlog_create_confidential, verwerkingenlog_create_normal,
      verwerkingenlog_read_confidential, verwerkingenlog_update_confidential,
      verwerkingenlog_delete_confidential TO regress_vwl_client;
CREATE ROLE regress_vwl_beheerder;
GRANT verwerkingenlog_beheer TO regress_vwl_beheerder;
CREATE ROLE regress_vwl_niemand;
SET ROLE regress_vwl_client;
SELECT vernietig_verlopen();
SELECT registreer_bewaartermijn('19500000-0000-4000-8000-00000000b009', 'P1Y');
SELECT verwijder_bewaartermijn('19500000-0000-4000-8000-00000000b001');
SELECT count(*) FROM vernietiging_journaal;
SELECT count(*) FROM bewaartermijn_verwerkingsactiviteit;
SELECT _vernietig(ARRAY[gen_random_uuid()], 1);
SET verwerkingenlog.maximale_bewaartermijn = 'P1D';
RESET ROLE;
SET ROLE regress_vwl_niemand;
SELECT verwerkingenlog.vernietig_verlopen();
RESET ROLE;
SET ROLE regress_vwl_beheerder;
SET request.jwt.claims = '{"scope": "read:confidential"}';
SELECT vernietig_verlopen();
RESET request.jwt.claims;
SELECT vernietig_verlopen('1950-01-01T00:00:00Z') AS vernietigd;
SELECT peilmoment, door, totaal FROM pg_temp.journaal();
SELECT registreer_bewaartermijn('19500000-0000-4000-8000-00000000b009', 'P1Y');
SELECT gewijzigd_door FROM bewaartermijn_verwerkingsactiviteit
 WHERE verwerkingsactiviteit_id = '19500000-0000-4000-8000-00000000b009';
SELECT verwijder_bewaartermijn('19500000-0000-4000-8000-00000000b009') AS verwijderd;
-- The journal is append-only, for beheer as for everyone.
UPDATE vernietiging_journaal SET totaal = 0;
DELETE FROM vernietiging_journaal;
RESET ROLE;
UPDATE vernietiging_journaal SET totaal = 0;
DELETE FROM vernietiging_journaal;
TRUNCATE vernietiging_journaal;
SELECT count(*) AS journaalregels FROM vernietiging_journaal;

-- Privileges as installed.
SELECT p.oid::regprocedure AS functie, p.prosecdef,
       p.proconfig,
       has_function_privilege('regress_vwl_client', p.oid, 'EXECUTE') AS client,
       has_function_privilege('verwerkingenlog_beheer', p.oid, 'EXECUTE') AS beheer,
       has_function_privilege('public', p.oid, 'EXECUTE') AS public
  FROM pg_proc p
 WHERE p.pronamespace = 'verwerkingenlog'::regnamespace
   AND p.proname IN ('vernietig_verlopen', 'registreer_bewaartermijn', 'verwijder_bewaartermijn',
                     '_vernietig', '_require_beheer', '_caller', '_vernietigingscriterium')
 ORDER BY 1;
SELECT c.relname, has_table_privilege('verwerkingenlog_beheer', c.oid, 'SELECT') AS beheer_leest,
       has_table_privilege('verwerkingenlog_beheer', c.oid, 'INSERT') AS beheer_schrijft,
       has_table_privilege('regress_vwl_client', c.oid, 'SELECT') AS client_leest
  FROM pg_class c
 WHERE c.relnamespace = 'verwerkingenlog'::regnamespace
   AND c.relname IN ('bewaartermijn_verwerkingsactiviteit', 'vernietiging_journaal')
 ORDER BY 1;
SELECT t.tgrelid::regclass, t.tgname, t.tgenabled
  FROM pg_trigger t WHERE t.tgrelid = 'vernietiging_journaal'::regclass ORDER BY 2;
SELECT c.relname FROM pg_extension e, unnest(e.extconfig) x JOIN pg_class c ON c.oid = x
 WHERE e.extname = 'verwerkingenlog' ORDER BY 1;

DROP ROLE regress_vwl_client, regress_vwl_beheerder, regress_vwl_niemand;
RESET TimeZone;
RESET DateStyle;

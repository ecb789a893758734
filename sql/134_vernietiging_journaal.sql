-- What the purge destroyed, and why: one journal row per destroyed action
-- (vernietigde_actie: actieId, verwerkingsactiviteitId, criterion, the
-- retention that applied, the run; no personal data), listed per run with
-- vernietigde_acties(run).  The procedure vernietig_verlopen_per_batch
-- commits per batch and finishes an interrupted run first, from where its
-- last committed batch ended: nothing destroyed or journaled twice.
SET TimeZone = 'UTC';
SET DateStyle = ISO;
\set SHOW_CONTEXT never
SET verwerkingenlog.minimale_bewaartermijn = '';
-- Finish whatever an earlier test left (nothing, normally), so that the
-- runs below are this test's own.
CALL verwerkingenlog.vernietig_verlopen_per_batch('1900-01-01T00:00:00Z');

CREATE ROLE j_beheer;
GRANT verwerkingenlog_beheer TO j_beheer;
CREATE TEMP TABLE t (nr integer, id uuid);
GRANT SELECT ON t TO j_beheer;
-- Eight actions of 1940: three with their own P1Y, two of an activity with
-- P2Y in the register, two without any retention and one with P1000Y (the
-- maximum P50Y destroys these three in 1990).
SELECT verwerkingenlog.registreer_bewaartermijn('13400000-0000-4000-8000-0000000000a1', 'P2Y');
INSERT INTO t
SELECT n, (verwerkingenlog.log_verwerkingsactie(jsonb_build_object(
           'actieNaam', 'Journaal ' || n, 'vertrouwelijkheid', 'normaal', 'tijdstip', '1940-01-01T00:00:00Z',
           'bewaartermijn', CASE WHEN n <= 3 THEN 'P1Y' WHEN n = 8 THEN 'P1000Y' END,
           'verwerkingsactiviteitId', CASE WHEN n IN (4, 5) THEN '13400000-0000-4000-8000-0000000000a1' END,
           'verwerkteObjecten', jsonb_build_array(jsonb_build_object(
               'objecttype', 'persoon', 'soortObjectId', 'BSN', 'objectId', '13400000' || n))))->>'actieId')::uuid
  FROM generate_series(1, 8) n;
SET verwerkingenlog.maximale_bewaartermijn = 'P50Y';

-- A run that was interrupted after its first batch (of 2 actions): the
-- crash is simulated by not going on.
SET ROLE j_beheer;
SELECT verwerkingenlog._vernietiging_start('1995-01-01T00:00:00Z', 2) AS onderbroken \gset
SELECT verwerkingenlog._vernietiging_batch(:onderbroken) AS eerste_batch;
SELECT count(*) AS al_vernietigd FROM verwerkingenlog.vernietigde_actie WHERE run = :onderbroken;
-- The procedure finishes it first (its own peilmoment), then a new run.
CALL verwerkingenlog.vernietig_verlopen_per_batch('1995-01-01T00:00:00Z', 3);
RESET ROLE;

-- Each action once, by its criterion and the retention that applied.
SELECT t.nr, d.run = :onderbroken AS onderbroken_run, d.criterium, d.bewaartermijn,
       d.verwerkingsactiviteit_id, d.verlopen_op
  FROM t LEFT JOIN verwerkingenlog.vernietigde_actie d ON d.actie_id = t.id ORDER BY t.nr;
SELECT count(*) AS rijen, count(DISTINCT actie_id) AS acties
  FROM verwerkingenlog.vernietigde_actie WHERE actie_id IN (SELECT id FROM t);
-- The runs: the interrupted one finished with the sums of all its batches;
-- the new one found nothing more.
SELECT j.run = :onderbroken AS onderbroken_run, j.peilmoment, j.uitgevoerd_door, j.eigen_bewaartermijn,
       j.register, j.maximum, j.totaal, j.versies, j.objecten, j.maximale_bewaartermijn,
       (SELECT count(*) FROM verwerkingenlog.vernietiging_batch b WHERE b.run = j.run) > 1 AS in_batches
  FROM verwerkingenlog.vernietiging_journaal j WHERE j.run >= :onderbroken ORDER BY j.run;
SELECT r.uitgevoerd_door, r.batch FROM verwerkingenlog.vernietiging_run r WHERE r.id >= :onderbroken ORDER BY r.id;
-- The privacy officer's question "what did the purge destroy, and why".
SET ROLE j_beheer;
SELECT t.nr, v.criterium, v.bewaartermijn
  FROM verwerkingenlog.vernietigde_acties(:onderbroken) v JOIN t ON t.id = v.actie_id ORDER BY t.nr;
-- Resuming a finished run changes nothing.
SELECT verwerkingenlog._vernietiging_batch(:onderbroken) AS nog_een_batch,
       verwerkingenlog._vernietiging_end(:onderbroken) AS totaal;
SELECT count(*) AS journaalregels FROM verwerkingenlog.vernietiging_journaal WHERE run = :onderbroken;
-- Append-only.
UPDATE verwerkingenlog.vernietigde_actie SET criterium = 'maximum';
RESET ROLE;
DELETE FROM verwerkingenlog.vernietigde_actie;
TRUNCATE verwerkingenlog.vernietiging_batch;

-- The procedure commits: not inside a transaction block; a bad batch size
-- is refused; only scope beheer.
BEGIN;
CALL verwerkingenlog.vernietig_verlopen_per_batch('1995-01-01T00:00:00Z');
ROLLBACK;
CALL verwerkingenlog.vernietig_verlopen_per_batch('1995-01-01T00:00:00Z', 0);
CREATE ROLE j_client;
GRANT verwerkingenlog_read_confidential, verwerkingenlog_update_confidential TO j_client;
SET ROLE j_client;
CALL verwerkingenlog.vernietig_verlopen_per_batch();
SELECT * FROM verwerkingenlog.vernietigde_acties(1);
RESET ROLE;
SET ROLE j_beheer;
SET request.jwt.claims = '{"scope": "read:confidential"}';
CALL verwerkingenlog.vernietig_verlopen_per_batch();
SELECT * FROM verwerkingenlog.vernietigde_acties(1);
RESET request.jwt.claims;
RESET ROLE;
RESET verwerkingenlog.maximale_bewaartermijn;
SELECT verwerkingenlog.verwijder_bewaartermijn('13400000-0000-4000-8000-0000000000a1') AS opgeruimd;
DROP TABLE t;
DROP ROLE j_beheer, j_client;

-- PATCH of a verwerking with many actions works on a default cluster
-- (issue 10): the writers' locks are row locks, not one advisory lock per
-- action in the shared lock table (12,000 actions failed with "out of
-- shared memory" at max_locks_per_transaction = 64).
SET client_min_messages = warning;
SHOW max_locks_per_transaction;
SELECT count(*) AS gelogd FROM verwerkingenlog.log_verwerkingsacties(
  (SELECT jsonb_agg(jsonb_build_object('actieNaam', 'Veel', 'vertrouwelijkheid', 'normaal',
     'verwerkingId', '12512512-5125-4125-8125-125125125125', 'tijdstip', '2024-04-05T14:35:42Z',
     'verwerkteObjecten', jsonb_build_array(jsonb_build_object('objecttype', 'persoon', 'soortObjectId', 'BSN', 'objectId', '125125125'))))
     FROM generate_series(1, 12000)));
BEGIN;
SELECT verwerkingenlog.wijzig_verwerking('12512512-5125-4125-8125-125125125125', '{"bewaartermijn": "P7Y"}') AS gewijzigd;
-- The locks it holds: none per action in the lock table.
SELECT count(*) < 100 AS weinig_locks FROM pg_locks WHERE pid = pg_backend_pid();
COMMIT;
SELECT count(*) AS versies, count(*) FILTER (WHERE bewaartermijn::text = 'P7Y') AS met_termijn
  FROM verwerkingenlog.verwerkingsactie_versie WHERE verwerking_id = '12512512-5125-4125-8125-125125125125';

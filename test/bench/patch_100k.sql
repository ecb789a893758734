-- PATCH of a verwerking with 100,000 actions on a default cluster (issue
-- 10; max_locks_per_transaction = 64): logs the actions in batches of
-- 10,000, then times the PATCH.  Not a test: run it with
--
--   ./test/run.sh shell < test/bench/patch_100k.sql
SET client_min_messages = warning;
SHOW max_locks_per_transaction;
SELECT count(*) AS gelogd FROM generate_series(1, 10) b,
  LATERAL verwerkingenlog.log_verwerkingsacties(
    (SELECT jsonb_agg(jsonb_build_object('actieNaam', 'Veel', 'vertrouwelijkheid', 'normaal',
       'verwerkingId', '10000000-0000-4000-8000-000000100000', 'tijdstip', '2024-04-05T14:35:42Z',
       'verwerkteObjecten', jsonb_build_array(jsonb_build_object('objecttype', 'persoon', 'soortObjectId', 'BSN',
                                                                 'objectId', (100000000 + b * 10000 + g)::text))))
       FROM generate_series(1, 10000) g));
\timing on
SELECT verwerkingenlog.wijzig_verwerking('10000000-0000-4000-8000-000000100000', '{"bewaartermijn": "P7Y"}') AS gewijzigd;
\timing off

-- The cost of the retention purge (C1697): destroying 1 million expired
-- actions, and what concurrent logging notices of it.  Not part of the test
-- suite.  On a throwaway cluster:
--
--     ./test/run.sh shell < test/bench/vernietiging.sql
--
-- or against a scratch database that has the extension (as a superuser):
--
--     psql -X -v verlopen=1000000 -v lopend=1000000 -f test/bench/vernietiging.sql
--
-- Phase 1 loads :verlopen expired actions (tijdstip in 2000, bewaartermijn
-- P1Y) and :lopend live ones (2024, P20Y), each with one version and two
-- verwerkte objecten, straight into the tables (INSERT ... SELECT with the
-- real pseudonym and encryption functions; the writer's validation is not
-- what is measured here), vacuums, checkpoints, and times
-- vernietig_verlopen() alone: time and WAL bytes.
-- Phase 2 loads :verlopen2 more expired actions and runs the purge in a
-- second session (dblink) while this session logs one action per
-- transaction, as an application would, and compares the logging latency
-- with the latency before the purge.
\set ON_ERROR_STOP on
\if :{?verlopen}
\else
\set verlopen 1000000
\endif
\if :{?lopend}
\else
\set lopend 1000000
\endif
\if :{?verlopen2}
\else
\set verlopen2 200000
\endif
\pset pager off
SET TimeZone = 'UTC';
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS verwerkingenlog;
CREATE EXTENSION IF NOT EXISTS dblink;
SELECT version();
SELECT name, setting FROM pg_settings
 WHERE name IN ('shared_buffers', 'max_wal_size', 'full_page_writes', 'synchronous_commit', 'wal_compression')
 ORDER BY 1;

-- Loads n actions with tijdstip from `vanaf` one second apart and the given
-- bewaartermijn, one version and two objects each.
CREATE FUNCTION pg_temp.laad(n integer, vanaf timestamptz, termijn text) RETURNS void
    LANGUAGE plpgsql AS $$
BEGIN
    CREATE TEMP TABLE nieuw ON COMMIT DROP AS
    SELECT verwerkingenlog.uuidv7() AS actie_id, i,
           (vanaf + i * interval '1 second')::verwerkingenlog.moment AS tijdstip
      FROM generate_series(1, n) i;
    INSERT INTO verwerkingenlog.verwerkingsactie_versie
        (actie_id, volgnummer, objecten_volgnummer, actie_naam, handeling_naam, verwerking_naam,
         verwerking_id, verwerkingsactiviteit_id, vertrouwelijkheid, bewaartermijn, uitvoerder,
         systeem, gebruiker, tijdstip, tijdstip_registratie)
    SELECT actie_id, 1, 1, 'Zoeken personen', 'Intake', 'Huwelijk', gen_random_uuid(),
           '5f0bef4c-f66f-4311-84a5-19e8bf359eaf', 'normaal', termijn::verwerkingenlog.bewaartermijn,
           '00000001234567890000', 'FooBarApp v2.1', 'medewerker' || (i % 100), tijdstip, clock_timestamp()
      FROM nieuw ORDER BY actie_id;
    INSERT INTO verwerkingenlog.verwerkt_object
        (verwerkt_object_id, actie_id, volgnummer, volgorde, tijdstip, objecttype, soort_object_id,
         object_pseudoniem, object_versleuteld, betrokkenheid, verwerkte_soorten_gegevens)
    SELECT verwerkingenlog.uuidv7(), actie_id, 1, o, tijdstip, 'persoon', 'BSN',
           verwerkingenlog._pseudoniem('BSN', bsn), verwerkingenlog._versleutel(bsn),
           CASE o WHEN 1 THEN 'Partner' ELSE 'Getuige' END, '{Naam,Adres,Geboortedatum}'
      FROM nieuw CROSS JOIN generate_series(1, 2) o
     CROSS JOIN LATERAL (SELECT lpad(((i * 2 + o) % 999999999)::text, 9, '0') AS bsn) b
     ORDER BY actie_id, o;
END
$$;

\echo == phase 1: load
SELECT clock_timestamp() AS t0 \gset
SELECT pg_temp.laad(:verlopen, '2000-01-01T00:00:00Z', 'P1Y');
SELECT pg_temp.laad(:lopend, '2024-01-01T00:00:00Z', 'P20Y');
SELECT round(extract(epoch FROM clock_timestamp() - :'t0')::numeric, 1) AS laden_s;
VACUUM (ANALYZE) verwerkingenlog.verwerkingsactie_versie, verwerkingenlog.verwerkt_object;
SELECT c.relname, pg_size_pretty(pg_total_relation_size(c.oid)) AS grootte, c.reltuples::bigint AS rijen
  FROM pg_class c
 WHERE c.oid IN ('verwerkingenlog.verwerkingsactie_versie'::regclass, 'verwerkingenlog.verwerkt_object'::regclass)
 ORDER BY 1;

\echo == phase 1: the selection alone (what the purge scans)
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON)
SELECT count(*)
  FROM verwerkingenlog.verwerkingsactie_versie v
  LEFT JOIN verwerkingenlog.bewaartermijn_verwerkingsactiviteit b
         ON b.verwerkingsactiviteit_id = v.verwerkingsactiviteit_id
 WHERE NOT EXISTS (SELECT FROM verwerkingenlog.verwerkingsactie_versie w
                    WHERE w.actie_id = v.actie_id AND w.volgnummer > v.volgnummer)
   AND verwerkingenlog._vernietigingscriterium(v.tijdstip, v.bewaartermijn, b.bewaartermijn, NULL, now()) IS NOT NULL;

\echo == phase 1: vernietig_verlopen() alone, after a checkpoint (every page touched gets a full-page image)
CHECKPOINT;
SELECT pg_current_wal_insert_lsn() AS lsn0, clock_timestamp() AS t0 \gset
SELECT verwerkingenlog.vernietig_verlopen() AS vernietigd;
SELECT round(extract(epoch FROM clock_timestamp() - :'t0')::numeric, 2) AS seconden,
       pg_size_pretty(pg_wal_lsn_diff(pg_current_wal_insert_lsn(), :'lsn0')) AS wal,
       pg_wal_lsn_diff(pg_current_wal_insert_lsn(), :'lsn0') AS wal_bytes,
       round(pg_wal_lsn_diff(pg_current_wal_insert_lsn(), :'lsn0') / greatest(:verlopen, 1)) AS wal_bytes_per_actie;
SELECT peilmoment, eigen_bewaartermijn, register, maximum, totaal, overgeslagen, versies, objecten,
       round(extract(epoch FROM geeindigd - begonnen)::numeric, 2) AS looptijd_s
  FROM verwerkingenlog.vernietiging_journaal ORDER BY id DESC LIMIT 1;
SELECT count(*) AS over FROM verwerkingenlog.verwerkingsactie_versie;

\echo == phase 1: the same purge again, nothing left to destroy (the nightly cost of the scan)
SELECT clock_timestamp() AS t0 \gset
SELECT verwerkingenlog.vernietig_verlopen() AS vernietigd;
SELECT round(extract(epoch FROM clock_timestamp() - :'t0')::numeric, 2) AS seconden;

\echo == phase 2: logging while a purge runs in another session
SELECT pg_temp.laad(:verlopen2, '2001-01-01T00:00:00Z', 'P1Y');
VACUUM (ANALYZE) verwerkingenlog.verwerkingsactie_versie, verwerkingenlog.verwerkt_object;
CREATE TEMP TABLE latentie (fase text, ms double precision);
CREATE PROCEDURE pg_temp.log_tot(fase text, n integer, tot_klaar boolean) LANGUAGE plpgsql AS $$
DECLARE
    t timestamptz;
    i integer := 0;
BEGIN
    LOOP
        IF tot_klaar THEN
            EXIT WHEN dblink_is_busy('purge') = 0;
        ELSE
            EXIT WHEN i >= n;
        END IF;
        t := clock_timestamp();
        PERFORM verwerkingenlog.log_verwerkingsactie(jsonb_build_object(
            'actieNaam', 'Zoeken personen', 'vertrouwelijkheid', 'normaal', 'bewaartermijn', 'P20Y',
            'tijdstip', '2024-06-01T12:00:00+02:00',
            'verwerkteObjecten', jsonb_build_array(jsonb_build_object(
                'objecttype', 'persoon', 'soortObjectId', 'BSN', 'objectId', lpad(i::text, 9, '0')))));
        COMMIT;
        INSERT INTO latentie VALUES (fase, extract(epoch FROM clock_timestamp() - t) * 1000);
        i := i + 1;
    END LOOP;
END
$$;
-- Baseline: the same logging without a purge.
CALL pg_temp.log_tot('zonder purge', 2000, false);
SELECT dblink_connect('purge', format('host=%s port=%s dbname=%s user=%s',
                      current_setting('unix_socket_directories'), current_setting('port'),
                      current_database(), current_user));
SELECT clock_timestamp() AS t0 \gset
SELECT dblink_send_query('purge', 'SELECT verwerkingenlog.vernietig_verlopen()');
CALL pg_temp.log_tot('tijdens purge', 0, true);
SELECT * FROM dblink_get_result('purge') AS r(vernietigd bigint);
SELECT round(extract(epoch FROM clock_timestamp() - :'t0')::numeric, 2) AS purge_seconden;
SELECT dblink_disconnect('purge');
SELECT fase, count(*) AS gelogd,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 2) AS p50_ms,
       round(percentile_cont(0.99) WITHIN GROUP (ORDER BY ms)::numeric, 2) AS p99_ms,
       round(max(ms)::numeric, 2) AS max_ms
  FROM latentie GROUP BY fase ORDER BY fase DESC;
SELECT totaal, overgeslagen, round(extract(epoch FROM geeindigd - begonnen)::numeric, 2) AS looptijd_s
  FROM verwerkingenlog.vernietiging_journaal ORDER BY id DESC LIMIT 1;

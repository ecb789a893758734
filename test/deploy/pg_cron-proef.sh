#!/usr/bin/env bash
# test/deploy/pg_cron-proef.sh [--achtergrond] -- the purge scheduled with pg_cron, for real.
#
# Not part of ./test/run.sh check (pg_cron must be in shared_preload_libraries
# and schedules in minutes, so this takes up to two minutes).  Starts its own
# throwaway cluster with Debian's pg_cron (postgresql-15-cron) loaded and the
# extension installed from this tree (make install into a private copy, as
# test/run.sh does), schedules
#   CALL verwerkingenlog.vernietig_verlopen_per_batch(batch => 10)
# every minute as a role with verwerkingenlog_beheer, and waits for the
# run: it must succeed in cron.job_run_details, destroy the 35 expired
# actions in 4 committed batches, and leave the journal naming that role.
# --achtergrond runs the job in a background worker
# (cron.use_background_workers = on) instead of over a libpq connection.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
lib=/usr/lib/postgresql/15 share=/usr/share/postgresql/15
[ -f "$lib/lib/pg_cron.so" ] || { echo "pg_cron is not installed (apt-get install postgresql-15-cron)"; exit 2; }
achtergrond=off
[ "${1:-}" = --achtergrond ] && achtergrond=on
werk=$(mktemp -d /tmp/vwl-cron.XXXXXX)
chmod 755 "$werk"
runas=()
if [ "$(id -u)" -eq 0 ]; then chown postgres "$werk"; runas=(runuser -u postgres --); fi
opruimen() { "${runas[@]}" "$werk/inst$lib/bin/pg_ctl" -D "$werk/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$werk"; }
trap opruimen EXIT
mkdir -p "$werk/inst$lib" "$werk/inst$share"
cp -a "$lib/bin" "$werk/inst$lib/"; cp -rs "$lib/lib" "$werk/inst$lib/"; cp -rs "$share/." "$werk/inst$share/"
rm -f "$werk/inst$lib"/lib/verwerkingenlog.so "$werk/inst$share"/extension/verwerkingenlog*
make -C "$top" -s PG_CONFIG=$lib/bin/pg_config install DESTDIR="$werk/inst" >/dev/null
chmod -R a+rX "$werk/inst"
"${runas[@]}" "$werk/inst$lib/bin/initdb" -D "$werk/data" -A trust -U postgres --no-sync >/dev/null
cat >>"$werk/data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$werk'
port = 5433
shared_preload_libraries = 'pg_cron'
cron.database_name = 'gemeente'
cron.host = '$werk'
cron.use_background_workers = $achtergrond
max_worker_processes = 16
CONF
"${runas[@]}" "$werk/inst$lib/bin/pg_ctl" -D "$werk/data" -l "$werk/server.log" -w start >/dev/null
export PGHOST=$werk PGPORT=5433 PGUSER=postgres
psql() { command psql -X -q -v ON_ERROR_STOP=1 -At "$@"; }
psql -d postgres -c 'CREATE DATABASE gemeente'
psql -d gemeente >/dev/null 2>&1 <<'SQL'
SET client_min_messages = error;
CREATE EXTENSION verwerkingenlog;
CREATE EXTENSION pg_cron;
CREATE ROLE log_purge LOGIN;
GRANT verwerkingenlog_beheer TO log_purge;
-- 35 expired actions; they were registered just now, so the minimum
-- (P3M after registration) is set to none for this database.
ALTER DATABASE gemeente SET verwerkingenlog.minimale_bewaartermijn = '';
SELECT count(*) FROM verwerkingenlog.log_verwerkingsacties((SELECT jsonb_agg(jsonb_build_object(
  'actieNaam', 'cron', 'vertrouwelijkheid', 'normaal', 'tijdstip', '1950-01-01T00:00:00Z', 'bewaartermijn', 'P1Y',
  'verwerkteObjecten', jsonb_build_array(jsonb_build_object('objecttype', 'persoon', 'soortObjectId', 'BSN',
                                                            'objectId', '6660' || g)))) FROM generate_series(1, 35) g));
SELECT cron.schedule_in_database('vernietig-verlopen', '* * * * *',
                                 'CALL verwerkingenlog.vernietig_verlopen_per_batch(batch => 10)', 'gemeente', 'log_purge');
SQL
echo "scheduled (background workers: $achtergrond); waiting for the minute ..."
for _ in $(seq 1 150); do
	st=$(psql -d gemeente -c "SELECT status FROM cron.job_run_details WHERE status IN ('succeeded', 'failed') ORDER BY start_time LIMIT 1")
	[ -n "$st" ] && break
	sleep 1
done
psql -d gemeente -c "SELECT d.status, d.return_message, j.username FROM cron.job_run_details d JOIN cron.job j USING (jobid) ORDER BY d.start_time LIMIT 1"
[ "$st" = succeeded ] || { echo "the job did not succeed"; tail -20 "$werk/server.log"; exit 1; }
uit=$(psql -d gemeente -c "SELECT (SELECT count(*) FROM verwerkingenlog.verwerkingsactie_versie WHERE actie_naam = 'cron')
                               || ' ' || (SELECT count(*) FROM verwerkingenlog.vernietigde_actie)
                               || ' ' || (SELECT count(*) FROM verwerkingenlog.vernietiging_batch WHERE run = 1)
                               || ' ' || (SELECT uitgevoerd_door || ':' || totaal FROM verwerkingenlog.vernietiging_journaal WHERE run = 1)")
echo "left, journaled, batches, journal: $uit"
[ "$uit" = "0 35 4 log_purge:35" ] || { echo "the scheduled purge did not do what it should"; exit 1; }
echo "pg_cron ran the purge procedure, committing per batch, as log_purge"

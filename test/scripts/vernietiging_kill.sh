#!/usr/bin/env bash
# kill -9 during a purge.  The procedure vernietig_verlopen_per_batch commits
# per batch; the backend running it is killed (SIGKILL: the server restarts
# and recovers) after some batches have committed.  Then: what the
# committed batches destroyed is gone and journaled once, the run is
# unfinished, and the next CALL resumes it with its own peilmoment and
# finishes it: every expired action destroyed and journaled exactly once,
# the run's journal row adding up, nothing else touched.  Runs against the
# cluster of test/run.sh (PGHOST etc. set); the crash restarts that cluster.
set -euo pipefail
psql() { command psql -X -q -v ON_ERROR_STOP=1 -At "$@"; }
db=vwl_vernietiging_kill
n=30000
psql -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
psql -d $db >/dev/null <<SQL
SET client_min_messages = warning;
CREATE EXTENSION verwerkingenlog;
ALTER DATABASE $db SET verwerkingenlog.minimale_bewaartermijn = '';
-- $n actions that expired in 1951, and one that does not expire.
SELECT count(*) FROM verwerkingenlog.log_verwerkingsacties((
  SELECT jsonb_agg(jsonb_build_object('actieNaam', 'verlopen', 'vertrouwelijkheid', 'normaal',
         'tijdstip', '1950-01-01T00:00:00Z', 'bewaartermijn', 'P1Y',
         'verwerkteObjecten', jsonb_build_array(jsonb_build_object('objecttype', 'persoon', 'soortObjectId', 'BSN',
                                                                   'objectId', '8880' || g))))
    FROM generate_series(1, $n) g));
SELECT verwerkingenlog.log_verwerkingsactie(jsonb_build_object('actieNaam', 'blijft', 'vertrouwelijkheid', 'normaal',
         'tijdstip', '1950-01-01T00:00:00Z', 'bewaartermijn', 'P1000Y',
         'verwerkteObjecten', jsonb_build_array(jsonb_build_object('objecttype', 'persoon', 'soortObjectId', 'BSN',
                                                                   'objectId', '888'))));
SQL


# The purge, in batches of 100, in the background.
command psql -X -q -d $db -c "CALL verwerkingenlog.vernietig_verlopen_per_batch('1960-01-01T00:00:00Z', 100)" \
	>"$PGHOST/kill.out" 2>&1 &
psqlpid=$!
# Wait for a few committed batches, then kill its backend.
pid=
for _ in $(seq 1 600); do
	b=$(psql -d $db -c "SELECT count(*) FROM verwerkingenlog.vernietiging_batch")
	if [ "$b" -ge 3 ]; then
		pid=$(psql -d $db -c "SELECT pid FROM pg_stat_activity WHERE datname = '$db' AND query LIKE 'CALL verwerkingenlog.vernietig%' AND pid <> pg_backend_pid()")
		break
	fi
	sleep 0.05
done
[ -n "$pid" ] || { echo "the purge did not get going (batches: $b)"; cat "$PGHOST/kill.out"; exit 1; }
kill -9 "$pid"
wait "$psqlpid" || true
# The server restarts after the crash.
for _ in $(seq 1 200); do
	pg_isready -q -d $db && psql -d $db -c 'SELECT 1' >/dev/null 2>&1 && break
	sleep 0.1
done
psql -d $db -c 'SELECT 1' >/dev/null

staat() {
	psql -d $db -c "SELECT (SELECT count(*) FROM verwerkingenlog.verwerkingsactie_versie WHERE actie_naam = 'verlopen')
	                     || ' ' || (SELECT count(*) FROM verwerkingenlog.vernietigde_actie)
	                     || ' ' || (SELECT count(DISTINCT actie_id) FROM verwerkingenlog.vernietigde_actie)
	                     || ' ' || (SELECT count(*) FROM verwerkingenlog.vernietiging_journaal)
	                     || ' ' || (SELECT count(*) FROM verwerkingenlog.verwerkt_object)"
}
read -r over journaal uniek runs objecten <<<"$(staat)"
echo "after the kill: $over expired actions left, $journaal journaled ($uniek distinct), $runs finished runs, $objecten object rows"
[ "$over" -gt 0 ] && [ "$over" -lt "$n" ] || { echo "the kill did not land during the purge ($over left)"; exit 1; }
[ $((over + journaal)) -eq "$n" ] || { echo "destroyed and journaled differ: $over left, $journaal journaled"; exit 1; }
[ "$journaal" -eq "$uniek" ] || { echo "an action was journaled twice"; exit 1; }
[ "$runs" -eq 0 ] || { echo "the killed run has a journal row"; exit 1; }
[ "$objecten" -eq $((over + 1)) ] || { echo "object rows ($objecten) do not match the actions left ($over + 1)"; exit 1; }

# The next CALL resumes the run and finishes it, then runs a new one.
uit=$(command psql -X -q -d $db -c "CALL verwerkingenlog.vernietig_verlopen_per_batch()" 2>&1)
echo "$uit"
grep -q 'NOTICE:  resuming purge run 1 that did not finish' <<<"$uit" || { echo "the run was not resumed"; exit 1; }
read -r over journaal uniek runs objecten <<<"$(staat)"
echo "after resuming: $over expired actions left, $journaal journaled ($uniek distinct), $runs finished runs, $objecten object rows"
[ "$over" -eq 0 ] && [ "$journaal" -eq "$n" ] && [ "$uniek" -eq "$n" ] && [ "$runs" -eq 2 ] && [ "$objecten" -eq 1 ] \
	|| { echo "the resumed purge is not complete and exact"; exit 1; }
# The resumed run's journal row: its peilmoment, all its batches' sums.
rij=$(psql -d $db -c "SELECT peilmoment = '1960-01-01T00:00:00Z', totaal, eigen_bewaartermijn, versies, objecten,
                             (SELECT sum(b.eigen_bewaartermijn) FROM verwerkingenlog.vernietiging_batch b WHERE b.run = 1)
                        FROM verwerkingenlog.vernietiging_journaal WHERE run = 1")
echo "journal of run 1: $rij"
[ "$rij" = "t|$n|$n|$n|$n|$n" ] || { echo "the journal row of the resumed run is wrong"; exit 1; }
blijft=$(psql -d $db -c "SELECT count(*) FROM verwerkingenlog.verwerkingsactie_versie WHERE actie_naam = 'blijft'")
[ "$blijft" -eq 1 ] || { echo "an action that had not expired was destroyed"; exit 1; }
rm -f "$PGHOST/kill.out"
psql -d postgres -c "DROP DATABASE $db"
echo "a purge killed with SIGKILL resumes without destroying or journaling anything twice"

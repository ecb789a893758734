#!/usr/bin/env bash
# Tamper evidence (issue 12): nothing false.  After a retention purge, a
# re-encryption (herversleutel), a pg_dump/pg_restore into a new database,
# and a crash (kill -9) in the middle of verzegel(), the offline verifier
# finds the log whole, also against the checkpoints a witness copied before.
set -euo pipefail
. "$(dirname "$0")/verzegeling.bash"
extra=
stop_extra() {
	[ -n "$extra" ] && "${runas[@]}" "$bin/pg_ctl" -D "$extra/data" -m immediate stop >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap stop_extra EXIT
db=vwl_schoon
nieuwe_db $db
log_acties $db 10
echo "a log that was never sealed:"
exporteer $db
verwacht_ok "$tmp/$db.key" "$tmp/$db.export"
grep -q "OK: nothing sealed yet: 0 leaves, no checkpoint; 20 rows await the first checkpoint" <<<"$uit" ||
	{ echo "FAILED: expected nothing sealed and 20 rows waiting"; exit 1; }
# five actions whose retention (P1D from 2020) has long ended
psql -d $db -c "SELECT count(verwerkingenlog.log_verwerkingsactie(jsonb_build_object(
  'actieNaam', 'kort ' || g, 'vertrouwelijkheid', 'normaal', 'tijdstip', '2020-01-01T10:00:00+01:00', 'bewaartermijn', 'P1D',
  'verwerkteObjecten', jsonb_build_array(jsonb_build_object('objecttype', 'persoon', 'soortObjectId', 'BSN', 'objectId', '999' || g)))))
  FROM generate_series(1, 5) g" >/dev/null
verzegel $db >/dev/null
getuige $db getuige

echo "after a purge, before the next checkpoint:"
run=$(psql -d $db -c "SET verwerkingenlog.minimale_bewaartermijn = ''" -c 'SELECT verwerkingenlog.vernietig_verlopen()' -c 'SELECT max(run) FROM verwerkingenlog.vernietiging_journaal' | tail -1)
exporteer $db
verwacht_ok "$tmp/$db.key" "$tmp/$db.export" "$tmp"/getuige/*
grep -q "10 destroyed by purge run $run," <<<"$uit" || { echo "FAILED: expected 10 leaves destroyed by purge run $run"; exit 1; }
echo "and after it:"
verzegel $db >/dev/null
exporteer $db
verwacht_ok "$tmp/$db.key" "$tmp/$db.export" "$tmp"/getuige/*
echo "after a purge that commits per batch (CALL vernietig_verlopen_per_batch, 3 actions a batch):"
psql -d $db -c "SELECT count(verwerkingenlog.log_verwerkingsactie(jsonb_build_object(
  'actieNaam', 'kort ' || g, 'vertrouwelijkheid', 'normaal', 'tijdstip', '2020-01-01T10:00:00+01:00', 'bewaartermijn', 'P1D',
  'verwerkteObjecten', jsonb_build_array(jsonb_build_object('objecttype', 'persoon', 'soortObjectId', 'BSN', 'objectId', '888' || g)))))
  FROM generate_series(1, 5) g" >/dev/null
verzegel $db >/dev/null
psql -d $db -c "SET verwerkingenlog.minimale_bewaartermijn = ''" -c 'CALL verwerkingenlog.vernietig_verlopen_per_batch(now(), 3)' >/dev/null
verzegel $db >/dev/null
exporteer $db
verwacht_ok "$tmp/$db.key" "$tmp/$db.export" "$tmp"/getuige/*
echo "a destruction that no journal entry explains is still caught:"
sed -E 's/^(blad\t[0-9]+\tverwerkt_object\t[^\t]*\tvernietigd\t\\N\t[0-9a-f]+\t)[0-9]+$/\1999/' "$tmp/$db.export" >"$tmp/zonder_journaal.export"
verwacht_fout "removed: row verwerkt_object .* was destroyed, but no run in vernietiging_journaal explains it" "$tmp/$db.key" "$tmp/zonder_journaal.export"
echo "a row deleted and passed off as destroyed by that purge run is caught:"
valse=$(psql -d $db -c "SELECT actie_id FROM verwerkingenlog.verwerkingsactie_versie ORDER BY actie_id LIMIT 1")
psql -d $db >/dev/null <<SQL
BEGIN;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_end DISABLE;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_start DISABLE;
ALTER TABLE verwerkingenlog.verwerkingsactie_versie DISABLE TRIGGER ALL;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
INSERT INTO verwerkingenlog.seal_leaf_hash (blad, hash, vernietigd_in, vernietigd_door)
SELECT l.blad, sha256('\\x00'::bytea || verwerkingenlog._canonical(v, l.blad, l.vorige)), '1', $run
  FROM verwerkingenlog._seal_leaves(1::smallint) l
  JOIN verwerkingenlog.verwerkingsactie_versie v ON (v.actie_id, v.volgnummer) = (l.u, l.n)
 WHERE l.u = '$valse';
DELETE FROM verwerkingenlog.verwerkingsactie_versie WHERE actie_id = '$valse';
\copy (SELECT * FROM verwerkingenlog.verificatie_export()) TO '$tmp/extra.export'
ROLLBACK;
SQL
verwacht_fout "removed: purge run $run destroyed 5 rows of verwerkingsactie_versie by its journal entry, but more leaves say it destroyed them" "$tmp/$db.key" "$tmp/extra.export"
getuige $db getuige

echo "after re-encryption under a new key version:"
psql -d $db -c 'SELECT verwerkingenlog._rotate_key()' -c 'SELECT verwerkingenlog.herversleutel()' >/dev/null
exporteer $db
verwacht_ok "$tmp/$db.key" "$tmp/$db.export" "$tmp"/getuige/*
grep -q ", 10 superseded by re-encryption" <<<"$uit" || { echo "FAILED: expected 10 leaves superseded by re-encryption"; exit 1; }
getuige $db getuige

echo "after pg_dump and pg_restore into a new database:"
log_acties $db 2 444
pg_dump -d $db -Fc -f "$tmp/log.dump"
psql -d postgres -c 'DROP DATABASE IF EXISTS vwl_schoon_doel' -c 'CREATE DATABASE vwl_schoon_doel'
pg_restore -d vwl_schoon_doel "$tmp/log.dump"
exporteer vwl_schoon_doel
verwacht_ok "$tmp/vwl_schoon_doel.key" "$tmp/vwl_schoon_doel.export" "$tmp"/getuige/*
grep -q "; 4 rows await the next checkpoint" <<<"$uit" || { echo "FAILED: the two actions logged before the dump should wait"; exit 1; }
cmp -s "$tmp/$db.key" "$tmp/vwl_schoon_doel.key" || { echo "FAILED: the restored log has another key"; exit 1; }
herkomst() { psql -d "$1" -c "SELECT split_part(verwerkingenlog.controlepunt(), E'\n', 1)"; }
[ "$(herkomst $db)" = "$(herkomst vwl_schoon_doel)" ] || { echo "FAILED: the restored log has another origin"; exit 1; }
psql -d postgres -c 'DROP DATABASE IF EXISTS vwl_schoon_ander' -c 'CREATE DATABASE vwl_schoon_ander'
psql -d vwl_schoon_ander -c 'SET client_min_messages = error' -c 'CREATE EXTENSION verwerkingenlog' -c 'SELECT verwerkingenlog.verzegel()' >/dev/null
psql -d vwl_schoon_ander -c 'SELECT verwerkingenlog.controlepunt()' >"$tmp/ander.checkpoint"
echo "another database of the cluster (same key) is another log:"
[ "$(herkomst $db)" != "$(herkomst vwl_schoon_ander)" ] || { echo "FAILED: two databases share an origin"; exit 1; }
verifieer "$tmp/vwl_schoon_doel.key" "$tmp/vwl_schoon_doel.export" "$tmp/ander.checkpoint"
[ "$rc" -eq 2 ] && grep -q "another log" <<<"$uit" || { echo "FAILED: a checkpoint of another log was not refused"; exit 1; }
psql -d postgres -c 'DROP DATABASE vwl_schoon_ander'
verzegel vwl_schoon_doel >/dev/null
log_acties vwl_schoon_doel 3 333
verzegel vwl_schoon_doel >/dev/null
exporteer vwl_schoon_doel
verwacht_ok "$tmp/vwl_schoon_doel.key" "$tmp/vwl_schoon_doel.export" "$tmp"/getuige/*
psql -d postgres -c "DROP DATABASE $db" -c 'DROP DATABASE vwl_schoon_doel'

# A re-encryption while the log's first verzegel() is still running: that
# run has taken the rows' queue entries and sealed their old ciphertexts,
# not yet committed.  The re-encryption must wait for it and seal the new
# ciphertexts in its own transaction; it used to see no checkpoint yet,
# leave that to a later verzegel(), and commit rows that no longer matched
# their leaves (what the crash test found when it was killed before the
# next verzegel()).  Sessions are held by locks, no timing.
echo "a re-encryption while the first verzegel() is running, exported before any further verzegel():"
db=vwl_schoon_gelijktijdig
nieuwe_db $db
log_acties $db 4 777
# and an LDV record: its LDV columns are in its leaf, which the verifier checks as any other
psql -d $db -c "SELECT count(*) FROM verwerkingenlog.log_logregels(jsonb_build_array(jsonb_build_object(
  'trace_id', '0af7651916cd43dd8448eb211c80319c', 'span_id', 'b7ad6b7169203331', 'parent_span_id', '00f067aa0ba902b7',
  'name', 'Opvragen inkomen', 'status', 'Ok', 'start_time', 1735725600123, 'end_time', 1735725600456,
  'resource', jsonb_build_object('attributes', jsonb_build_object('service.name', 'belastingen')),
  'attributes', jsonb_build_object('dpl.core.processing_activity_id', 'https://register.example.nl/va/inkomen',
    'dpl.core.data_subject_id', '777000999', 'dpl.core.data_subject_id_type', 'BSN'))))" >/dev/null
psql -d $db -c 'CREATE TABLE public.vwl_schakelaar ()'
psql -d $db -c 'BEGIN' -c 'LOCK public.vwl_schakelaar' -c "SELECT pg_sleep(120)" >/dev/null 2>&1 &
schakelaar=$!
wacht_op() { # wacht_op SQL-condition on pg_stat_activity: its pid
	local p
	for _ in $(seq 300); do
		p=$(psql -d $db -c "SELECT pid FROM pg_stat_activity WHERE datname = '$db' AND $1")
		[ -n "$p" ] && { echo "$p"; return 0; }
		sleep 0.1
	done
	return 1
}
wacht_op "query LIKE 'SELECT pg_sleep(120)%' AND state = 'active'" >/dev/null || { echo "FAILED: the lock holder did not start"; exit 1; }
psql -d $db -c 'SET client_min_messages = error' -c 'BEGIN' -c 'SELECT verwerkingenlog.verzegel()' \
	-c 'LOCK public.vwl_schakelaar' -c 'COMMIT' >/dev/null &
zegel=$!
wacht_op "query LIKE 'LOCK public.vwl_schakelaar%' AND wait_event_type = 'Lock'" >/dev/null || { echo "FAILED: verzegel() did not get to its lock"; exit 1; }
psql -d $db -c 'SELECT verwerkingenlog._rotate_key()' -c 'SELECT verwerkingenlog.herversleutel()' >/dev/null &
herversleutel=$!
# until the re-encryption has committed or waits for the verzegel()
for _ in $(seq 300); do
	kill -0 $herversleutel 2>/dev/null || break
	[ -n "$(psql -d $db -c "SELECT pid FROM pg_stat_activity WHERE datname = '$db'
	          AND query LIKE '%herversleutel%' AND wait_event_type = 'Lock'")" ] && break
	sleep 0.1
done
psql -d $db -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                 WHERE datname = '$db' AND query LIKE 'SELECT pg_sleep(120)%'" >/dev/null
wait $zegel || { echo "FAILED: the verzegel() failed"; exit 1; }
wait $herversleutel || { echo "FAILED: the re-encryption failed"; exit 1; }
wait $schakelaar 2>/dev/null || true
exporteer $db
verwacht_ok "$tmp/$db.key" "$tmp/$db.export"
grep -q ": 15 leaves (0 destroyed by purge runs, 5 superseded by re-encryption)" <<<"$uit" ||
	{ echo "FAILED: expected 15 leaves (5 versions, 5 objects, 5 objects again), 5 superseded by re-encryption"; exit 1; }
psql -d postgres -c "DROP DATABASE $db"

echo "after a kill -9 in the middle of verzegel() (a cluster of its own):"
bin=$PGHOST/inst/usr/lib/postgresql/15/bin
runas=()
[ "$(id -u)" -eq 0 ] && runas=(runuser -u postgres --)
extra=$tmp/crash
mkdir -p "$extra"
chmod 777 "$extra"
"${runas[@]}" "$bin/initdb" -D "$extra/data" -A trust -U postgres --no-sync >/dev/null
"${runas[@]}" cp "$PGHOST/data/verwerkingenlog.sleutels" "$extra/data/"
"${runas[@]}" chmod 600 "$extra/data/verwerkingenlog.sleutels"
"${runas[@]}" cp -p "$PGHOST/data/verwerkingenlog.ondertekensleutel" "$extra/data/"
cat >>"$extra/data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$extra'
restart_after_crash = on
CONF
"${runas[@]}" "$bin/pg_ctl" -D "$extra/data" -l "$extra/server.log" -w start >/dev/null
export PGHOST=$extra
nieuwe_db vwl_crash
log_acties vwl_crash 20
verzegel vwl_crash >/dev/null
getuige vwl_crash crashgetuige
log_acties vwl_crash 20 666
voor=$(psql -d vwl_crash -c 'SELECT (SELECT coalesce(sum(aantal), 0) FROM verwerkingenlog.seal_blok), (SELECT count(*) FROM verwerkingenlog.seal_node), (SELECT count(*) FROM verwerkingenlog.seal_queue)')
# A session holds the node table, so verzegel() stops half-way: the new
# leaves inserted and the queue taken, not yet committed.
psql -d vwl_crash -c 'BEGIN' -c 'LOCK verwerkingenlog.seal_node' -c 'SELECT pg_sleep(60)' >/dev/null 2>&1 &
houder=$!
psql -d vwl_crash -c 'SELECT pg_sleep(0.5)' -c 'SELECT verwerkingenlog.verzegel()' >/dev/null 2>&1 &
for _ in $(seq 100); do
	pid=$(psql -d vwl_crash -c "SELECT pid FROM pg_stat_activity WHERE query LIKE '%verzegel()%' AND wait_event_type = 'Lock'")
	[ -n "$pid" ] && break
	sleep 0.1
done
[ -n "$pid" ] || { echo "FAILED: verzegel() did not get half-way"; exit 1; }
kill -9 "$pid"
wait || true
for _ in $(seq 100); do psql -d vwl_crash -c 'SELECT 1' >/dev/null 2>&1 && break; sleep 0.2; done
na=$(psql -d vwl_crash -c 'SELECT (SELECT coalesce(sum(aantal), 0) FROM verwerkingenlog.seal_blok), (SELECT count(*) FROM verwerkingenlog.seal_node), (SELECT count(*) FROM verwerkingenlog.seal_queue)')
echo "  tree and queue before: $voor, after the crash: $na"
[ "$voor" = "$na" ] || { echo "FAILED: the crash left part of a verzegel() behind"; exit 1; }
exporteer vwl_crash
verwacht_ok "$tmp/vwl_crash.key" "$tmp/vwl_crash.export" "$tmp"/crashgetuige/*
verzegel vwl_crash >/dev/null
exporteer vwl_crash
verwacht_ok "$tmp/vwl_crash.key" "$tmp/vwl_crash.export" "$tmp"/crashgetuige/*
grep -q "OK: .*: 80 leaves" <<<"$uit" || { echo "FAILED: expected 80 leaves after the crash and a new verzegel()"; exit 1; }
kill "$houder" 2>/dev/null || true
echo "nothing false"

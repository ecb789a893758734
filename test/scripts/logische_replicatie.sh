#!/usr/bin/env bash
# Logical replication of the log between two clusters that both have the
# extension (issue 10): the append-only guard lets the apply and tablesync
# workers through (the publisher's guard already decided), so a purge, a
# re-encryption after a key rotation and new writes on the publisher reach
# the subscriber, whose apply worker does not crash-loop, while a local
# DELETE on the subscriber is still refused.
#
# Starts two throwaway clusters of its own (the server binaries of the
# cluster that test/run.sh started, which have the extension installed),
# reachable over Unix sockets only, and removes them when done.  The setup
# is the one README.md ("Logical replication") documents.
set -euo pipefail
exec 2>&1

# The binaries of the running server (test/run.sh's private installation).
datadir=$(command psql -XAtc 'SHOW data_directory')
bin=$(dirname "$(readlink "/proc/$(head -1 "$datadir/postmaster.pid")/exe")")
werk=$(mktemp -d /tmp/vwl-replicatie.XXXXXX)
chmod 755 "$werk"
runas=()
if [ "$(id -u)" -eq 0 ]; then
	chown postgres "$werk"
	runas=(runuser -u postgres --)
fi
pub_poort=$((30000 + RANDOM % 10000))
sub_poort=$((pub_poort + 1))

opruimen() {
	for c in pub sub; do
		[ -f "$werk/$c/postmaster.pid" ] && "${runas[@]}" "$bin/pg_ctl" -D "$werk/$c" -m immediate stop >/dev/null 2>&1 || true
	done
	rm -rf "$werk"
}
trap opruimen EXIT

# One key file for both: the subscriber must decrypt and pseudonymise the
# same way (see README, "Keys").
hex32() { head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
printf '1 %s %s\n' "$(hex32)" "$(hex32)" >"$werk/sleutels"

for c in pub sub; do
	"${runas[@]}" "$bin/initdb" -D "$werk/$c" -A trust -U postgres -E UTF8 --locale=C.UTF-8 --no-sync >"$werk/initdb-$c.log" 2>&1
	cp "$werk/sleutels" "$werk/$c/verwerkingenlog.sleutels"
	chmod 600 "$werk/$c/verwerkingenlog.sleutels"
	[ ${#runas[@]} -gt 0 ] && chown postgres "$werk/$c/verwerkingenlog.sleutels"
	poort=$pub_poort; [ "$c" = sub ] && poort=$sub_poort
	cat >>"$werk/$c/postgresql.conf" <<-CONF
		listen_addresses = ''
		unix_socket_directories = '$werk'
		port = $poort
		wal_level = logical
		max_worker_processes = 16
		max_wal_senders = 4
		max_replication_slots = 4
		log_min_messages = warning
	CONF
	"${runas[@]}" "$bin/pg_ctl" -D "$werk/$c" -l "$werk/$c.log" -w start >/dev/null
done

pub() { command psql -X -q -v ON_ERROR_STOP=1 -At -h "$werk" -p "$pub_poort" -U postgres -d postgres "$@"; }
sub() { command psql -X -q -v ON_ERROR_STOP=1 -At -h "$werk" -p "$sub_poort" -U postgres -d postgres "$@"; }

# Wait until the subscriber has applied everything the publisher wrote.
bijgewerkt() {
	local lsn
	lsn=$(pub -c 'SELECT pg_current_wal_lsn()')
	for _ in $(seq 1 300); do
		if [ "$(pub -c "SELECT coalesce(bool_and(replay_lsn >= '$lsn'), false) FROM pg_stat_replication")" = t ] &&
		   [ "$(sub -c "SELECT count(*) FROM pg_subscription_rel WHERE srsubstate <> 'r'")" = 0 ]; then
			return 0
		fi
		sleep 0.1
	done
	echo "the subscriber did not catch up"; tail -20 "$werk/sub.log"; return 1
}

# The log's state, the same on both sides when replication works.
stand="SELECT count(*) || ' versions, ' || (SELECT count(*) FROM verwerkingenlog.verwerkt_object) || ' objects, '
         || (SELECT count(*) FROM verwerkingenlog.verwerkt_object WHERE get_byte(object_versleuteld, 0) = 2) || ' under key 2'
         FROM verwerkingenlog.verwerkingsactie_versie"

pub -c 'CREATE EXTENSION verwerkingenlog' \
    -c 'CREATE PUBLICATION verwerkingenlog FOR TABLE verwerkingenlog.verwerkingsactie_versie, verwerkingenlog.verwerkt_object'
sub -c 'CREATE EXTENSION verwerkingenlog'
log_actie() {	# $1 bsn, $2 bewaartermijn, $3 tijdstip
	pub -c "SELECT verwerkingenlog.log_verwerkingsactie(jsonb_build_object('actieNaam', 'Replicatie', 'vertrouwelijkheid', 'normaal',
	          'bewaartermijn', '$2', 'tijdstip', '$3',
	          'verwerkteObjecten', jsonb_build_array(jsonb_build_object('objecttype', 'persoon', 'soortObjectId', 'BSN', 'objectId', '$1')))) IS NOT NULL" >/dev/null
}
log_actie 555000001 P1Y 2000-01-01T00:00:00Z      # expired long ago
log_actie 555000002 P100Y 2024-04-05T14:35:42Z
sub -c "CREATE SUBSCRIPTION verwerkingenlog CONNECTION 'host=$werk port=$pub_poort dbname=postgres user=postgres' PUBLICATION verwerkingenlog"
bijgewerkt
echo "initial copy: publisher $(pub -c "$stand"); subscriber $(sub -c "$stand")"

# A purge, a key rotation with re-encryption, and new writes.
# (No minimum retention here: the test's expired actions were logged just now.)
pub -c "SET verwerkingenlog.minimale_bewaartermijn = ''" -c 'SELECT verwerkingenlog.vernietig_verlopen()' >/dev/null
pub -c 'SELECT verwerkingenlog._rotate_key()' >/dev/null
# The subscriber needs the rotated key file too, as a standby does.
cp "$werk/pub/verwerkingenlog.sleutels" "$werk/sub/verwerkingenlog.sleutels"
pub -c 'SELECT verwerkingenlog.herversleutel()' >/dev/null
log_actie 555000003 P100Y 2024-05-01T10:00:00Z
bijgewerkt

p=$(pub -c "$stand")
s=$(sub -c "$stand")
echo "after purge, re-encryption, new writes: publisher $p; subscriber $s"
[ "$p" = "$s" ] || { echo "subscriber differs from publisher"; tail -20 "$werk/sub.log"; exit 1; }
[ "$(sub -c 'SELECT count(*) FROM verwerkingenlog.verwerkingsactie_versie')" = 2 ] || { echo "the purge did not reach the subscriber"; exit 1; }
# The subscriber finds the persons by their plain BSN, and the purged one is gone.
gevonden=$(sub -c "SELECT count(*) FROM verwerkingenlog.verwerkingsacties('persoon', 'BSN', '555000003')")
weg=$(sub -c "SELECT count(*) FROM verwerkingenlog.verwerkingsacties('persoon', 'BSN', '555000001')")
echo "subscriber finds BSN 555000003: $gevonden; purged BSN 555000001: $weg"
[ "$gevonden" = 1 ] && [ "$weg" = 0 ] || { echo "subscriber does not find what the publisher has"; exit 1; }
# The apply worker runs (no crash loop) and never met the guard.
[ "$(sub -c 'SELECT count(*) FROM pg_stat_subscription WHERE pid IS NOT NULL')" -ge 1 ] || { echo "no apply worker"; exit 1; }
if grep -q 'append-only\|only by the log' "$werk/sub.log"; then
	echo "the guard refused the apply worker:"; grep 'append-only\|only by the log' "$werk/sub.log" | head -5; exit 1
fi
# Outside the apply workers the subscriber's guard holds as everywhere.
if sub -c 'DELETE FROM verwerkingenlog.verwerkt_object' 2>"$werk/fout"; then
	echo "a local DELETE on the subscriber was not refused"; exit 1
fi
grep -q 'append-only' "$werk/fout" || { cat "$werk/fout"; exit 1; }
echo "logical replication carries the log, the guard holds on the subscriber"

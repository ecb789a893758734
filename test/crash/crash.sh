#!/usr/bin/env bash
# test/crash/crash.sh -- acknowledged writes survive a crash.
#
#   crash.sh [--cycles N] [--writers N] [--min-ms MS] [--max-ms MS] [--seed S]
#
# Starts its own throwaway cluster (fsync and synchronous_commit on, the
# defaults), with the extension from the private installation of
# test/run.sh ($SRVBIN, or $PGHOST/inst/...).  Each cycle:
#   1. N writers (schrijvers.c, libpq) log actions with log_verwerkingsactie
#      and the batch log_verwerkingsacties and record every acknowledged
#      actieId with its content;
#   2. the disturbers run beside them: a retention purge of expired actions
#      prepared for it, a key rotation with re-encryption (herversleutel),
#      and verzegel() when the extension has it;
#   3. after a random time the server is crashed: the postmaster is frozen
#      (SIGSTOP, so that it forks nothing more) and it and all its children
#      get SIGKILL at once, as a power cut would leave them;
#   4. the server is started again (crash recovery), and every action
#      acknowledged in this cycle must be readable, complete and unchanged:
#      verwerkingsactie(actieId) returns the very document
#      log_verwerkingsactie returned, or for a batch item a document that
#      contains the input with all its objects.  Every version of the log
#      must still have its objects, and amcheck must find the B-tree indexes
#      consistent with their tables.
# At the end every acknowledged action of every cycle is checked once more.
# Prints the cycles run and the acknowledged writes lost; exits 1 if any was
# lost or a check failed.
#
# A disturber is a function storing_NAME that runs until the server dies,
# writing its current phase to $dir/fase.NAME (what it was doing when the
# kill came is counted), and an optional beschikbaar_NAME that says whether
# it applies.  To add one, write the two functions and add NAME to storingen.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cycles=5 writers=4 min_ms=300 max_ms=1500 seed=${RANDOM} sync=on
while [ $# -gt 0 ]; do
	case "$1" in
		--cycles) cycles=$2; shift 2 ;;
		--writers) writers=$2; shift 2 ;;
		--min-ms) min_ms=$2; shift 2 ;;
		--max-ms) max_ms=$2; shift 2 ;;
		--seed) seed=$2; shift 2 ;;
		--synchronous-commit) sync=$2; shift 2 ;;
		*) echo "usage: $0 [--cycles N] [--writers N] [--min-ms MS] [--max-ms MS] [--seed S] [--synchronous-commit off]" >&2; exit 64 ;;
	esac
done
RANDOM=$seed
SRVBIN=${SRVBIN:-${PGHOST:?PGHOST or SRVBIN must be set (run through test/run.sh)}/inst/usr/lib/postgresql/15/bin}
[ -x "$SRVBIN/postgres" ] || { echo "no server in $SRVBIN" >&2; exit 2; }

dir=$(mktemp -d /tmp/vwl_crash.XXXXXX)
chmod 755 "$dir"
runas=()
if [ "$(id -u)" -eq 0 ]; then
	id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql postgres
	chown postgres "$dir"
	runas=(runuser -u postgres --)
fi
data=$dir/data
opruimen() {
	local rc=$?
	jobs -p | xargs -r kill 2>/dev/null || true
	"${runas[@]}" "$SRVBIN/pg_ctl" -D "$data" -m immediate stop >/dev/null 2>&1 || true
	[ $rc -ne 0 ] && [ -f "$dir/server.log" ] && { echo "-- server log (tail):"; tail -20 "$dir/server.log"; }
	rm -rf "$dir"
	exit $rc
}
trap opruimen EXIT

psql() { command psql -X -q -v ON_ERROR_STOP=1 -At -h "$dir" -U postgres -d crash "$@"; }

# The writers, built against Debian's libpq.
cc -O2 -Wall -Wextra -Werror -I"$(pg_config --includedir 2>/dev/null || echo /usr/include/postgresql)" \
	"$here/schrijvers.c" -lpq -o "$dir/schrijvers"

"${runas[@]}" "$SRVBIN/initdb" -D "$data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 --no-sync \
	>"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log"; exit 1; }
hex32() { head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
printf '1 %s %s\n' "$(hex32)" "$(hex32)" >"$data/verwerkingenlog.sleutels"
chmod 600 "$data/verwerkingenlog.sleutels"
[ ${#runas[@]} -gt 0 ] && chown postgres "$data/verwerkingenlog.sleutels"
cat >>"$data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$dir'
max_connections = 40
fsync = on
synchronous_commit = $sync
full_page_writes = on
log_min_messages = warning
checkpoint_timeout = 30s
# Crash recovery starts by flushing the data directory; one syncfs() instead
# of an fsync() per file (seconds here) keeps the cycles short.
recovery_init_sync_method = syncfs
CONF

start() {
	"${runas[@]}" "$SRVBIN/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 120 start >"$dir/pg_ctl.log" 2>&1 \
		|| { cat "$dir/pg_ctl.log"; exit 1; }
}
start
echo "crash: cluster ready after ${SECONDS} s"
command psql -X -q -h "$dir" -U postgres -d postgres -c 'CREATE DATABASE crash'
psql -c 'SET client_min_messages = warning' -c 'CREATE EXTENSION verwerkingenlog' -c 'CREATE EXTENSION amcheck'

# ---- the disturbers -------------------------------------------------------

storingen=(vernietiging herversleuteling verzegeling)

# Expired actions (tijdstip in 2001, retention one day), logged in batches
# of verlopen_per_ronde, sealed (when the extension has verzegel()), so that
# the purge destroys rows that are leaves of the tree, then destroyed by the
# purge, again and again.  Each round starts with the purge: what the last
# round (or the preparation before the first cycle) left is destroyed at
# once.  Registered a moment ago: the purge runs without the minimum
# retention (verwerkingenlog.minimale_bewaartermijn = '', as the specs do),
# else it would destroy nothing.  Rounds take turns between the purge in one
# transaction (vernietig_verlopen) and the one that commits every batch
# (vernietig_verlopen_per_batch, batches of 50 actions, what pg_cron runs),
# whose run a kill leaves unfinished: the next round's call finishes it.
verlopen_per_ronde=100
vernietig() { # vernietig [per_batch]
	if [ "${1:-}" = per_batch ]; then
		psql -c "SET verwerkingenlog.minimale_bewaartermijn = ''" \
		     -c "CALL verwerkingenlog.vernietig_verlopen_per_batch('2002-01-01T00:00:00Z', 50)" >/dev/null
	else
		psql -c "SET verwerkingenlog.minimale_bewaartermijn = ''" \
		     -c "SELECT verwerkingenlog.vernietig_verlopen('2002-01-01T00:00:00Z')" >/dev/null
	fi
}
log_verlopen() {
	psql -c "SELECT count(*) FROM verwerkingenlog.log_verwerkingsacties((
		SELECT jsonb_agg(jsonb_build_object(
		    'actieNaam', 'verlopen ' || g, 'vertrouwelijkheid', 'normaal',
		    'tijdstip', '2001-02-03T04:05:06Z', 'bewaartermijn', 'P1D',
		    'verwerkteObjecten', jsonb_build_array(jsonb_build_object(
		        'objecttype', 'persoon', 'soortObjectId', 'BSN', 'objectId', (700000000 + g)::text))))
		  FROM generate_series(1, $verlopen_per_ronde) g))" >/dev/null
}
storing_vernietiging() {
	local ronde=$RANDOM
	while :; do
		ronde=$((ronde + 1))
		if [ $((ronde % 2)) -eq 0 ]; then
			echo vernietigen >"$dir/fase.vernietiging"
			vernietig || return 0
		else
			echo vernietigen_per_batch >"$dir/fase.vernietiging"
			vernietig per_batch || return 0
		fi
		echo voorbereiden >"$dir/fase.vernietiging"
		log_verlopen || return 0
		if beschikbaar_verzegeling; then
			echo "verzegelen" >"$dir/fase.vernietiging"
			psql -c 'SELECT verwerkingenlog.verzegel()' >/dev/null || return 0
		fi
	done
}

# A key rotation, then re-encryption of everything under the new key in
# small batches.  At most 200 key versions (a key file holds 255).
storing_herversleuteling() {
	while :; do
		echo roteren >"$dir/fase.herversleuteling"
		psql -c "SELECT CASE WHEN (SELECT count(*) FROM verwerkingenlog.sleutel_info()) < 200
		                     THEN verwerkingenlog._rotate_key() END" >/dev/null || return 0
		echo herversleutelen >"$dir/fase.herversleuteling"
		while :; do
			n=$(psql -c 'SELECT verwerkingenlog.herversleutel(500)') || return 0
			[ "$n" = 0 ] && break
		done
		sleep 0.05
	done
}

# Sealing (issue 12), when the extension has a verzegel() callable without
# arguments (all of them defaulted); otherwise the disturber is skipped.
beschikbaar_verzegeling() {
	[ "$(psql -c "SELECT count(*) FROM pg_proc WHERE proname = 'verzegel'
	                 AND pronamespace = 'verwerkingenlog'::regnamespace AND pronargs = pronargdefaults")" != 0 ]
}
storing_verzegeling() {
	while :; do
		echo verzegelen >"$dir/fase.verzegeling"
		psql -c 'SELECT verwerkingenlog.verzegel()' >/dev/null || return 0
		sleep 0.05
	done
}

# Checks after every restart beyond the acknowledged actions: a function
# controle_NAME that fails (non-zero) when the log does not verify, and
# beschikbaar_controle_NAME saying whether it applies.

controles=(verzegeling)

# The tamper evidence (issue 12) verifies offline: the whole export checked
# by verwerkingenlog-verifieer against the signing key.
beschikbaar_controle_verzegeling() {
	[ -x "$SRVBIN/verwerkingenlog-verifieer" ] &&
		[ "$(psql -c "SELECT count(*) FROM pg_proc WHERE proname = 'verificatie_export'
		                 AND pronamespace = 'verwerkingenlog'::regnamespace")" != 0 ]
}
controle_verzegeling() {
	PGOPTIONS="-c client_min_messages=error" psql -c 'SELECT verwerkingenlog.publieke_sleutel()' >"$dir/log.pub"
	psql -c 'COPY (SELECT * FROM verwerkingenlog.verificatie_export()) TO STDOUT' >"$dir/log.export"
	local uit
	uit=$("$SRVBIN/verwerkingenlog-verifieer" --sleutel "$dir/log.pub" "$dir/log.export") || { echo "$uit"; return 1; }
	echo "$uit"
	# The purge destroyed sealed rows before the first cycle: a log whose
	# leaves show none destroyed would not test purge and sealing together.
	case "$uit" in *"(0 destroyed by purge"*)
		echo "no leaf destroyed by a purge: the check did not cover the purge"
		return 1 ;;
	esac
}

actieve_controles=()
for k in "${controles[@]}"; do
	if "beschikbaar_controle_$k"; then actieve_controles+=("$k"); else
		echo "check $k: skipped (this version of the extension does not have it)"; fi
done
# The first verzegel() creates the signing key (outside any transaction):
# made before the first kill, so that the check always has a key to verify with.
# Before it, expired actions are logged, and after it destroyed: every check
# then verifies a log in which the purge destroyed sealed rows (the first
# round of the purge's disturber destroys the next batch, logged and sealed
# here too).
if [[ " ${actieve_controles[*]} " == *" verzegeling "* ]]; then
	log_verlopen
	PGOPTIONS="-c client_min_messages=error" psql -c 'SELECT verwerkingenlog.verzegel()' >/dev/null
	vernietig
	log_verlopen
	psql -c 'SELECT verwerkingenlog.verzegel()' >/dev/null
	echo "crash: before the first cycle $(psql -c "SELECT count(*) FROM verwerkingenlog.vernietigde_actie") expired actions destroyed, $verlopen_per_ronde more to destroy"
fi

actief=()
declare -A tijdens=()
for s in "${storingen[@]}"; do
	if declare -F "beschikbaar_$s" >/dev/null && ! "beschikbaar_$s"; then
		echo "disturber $s: skipped (this version of the extension does not have it)"
		continue
	fi
	actief+=("$s")
done

# ---- crash, restart, check ------------------------------------------------

# The children of process $1 (from /proc, so that no procps is needed).
kinderen() {
	local s line rest
	for s in /proc/[0-9]*/stat; do
		{ read -r line <"$s"; } 2>/dev/null || continue
		rest=${line##*) }
		set -- $rest
		[ "$2" = "$ouder" ] && echo "${s//[^0-9]/}"
	done
	return 0
}

crash() {
	local pids p
	ouder=$(head -1 "$data/postmaster.pid")
	kill -STOP "$ouder"
	pids=("$ouder" $(kinderen))
	kill -KILL "${pids[@]}" 2>/dev/null || true
	for p in "${pids[@]}"; do
		while kill -0 "$p" 2>/dev/null; do sleep 0.02; done
	done
}

# Check the acknowledgements in file $1; prints "acknowledged missing different".
controleer() {
	psql <<-SQL
		CREATE TEMP TABLE bevestigd (actie_id uuid, soort "char", doc jsonb);
		\copy bevestigd FROM '$1'
		SELECT count(*), count(*) FILTER (WHERE gelezen IS NULL),
		       count(*) FILTER (WHERE gelezen IS NOT NULL AND NOT CASE soort
		           WHEN 'E' THEN gelezen = doc
		           ELSE gelezen @> doc AND jsonb_array_length(gelezen->'verwerkteObjecten')
		                                 = jsonb_array_length(doc->'verwerkteObjecten') END)
		  FROM (SELECT b.*, verwerkingenlog.verwerkingsactie(b.actie_id) AS gelezen FROM bevestigd b) s;
	SQL
}

# The whole log: every version has its objects, the indexes match the heap.
integriteit() {
	psql <<-'SQL'
		SELECT count(*) FROM verwerkingenlog.verwerkingsactie_versie v
		 WHERE NOT EXISTS (SELECT 1 FROM verwerkingenlog.verwerkt_object o
		                    WHERE o.actie_id = v.actie_id AND o.volgnummer = v.objecten_volgnummer);
		SELECT count(bt_index_check(i.indexrelid, true)) >= 0
		  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam
		 WHERE a.amname = 'btree' AND i.indrelid IN
		       (SELECT oid FROM pg_class WHERE relnamespace = 'verwerkingenlog'::regnamespace);
	SQL
}

totaal=0 weg=0 anders=0 kapot=0 fouten=0
: >"$dir/alle"
for ((c = 1; c <= cycles; c++)); do
	bg=()
	for s in "${actief[@]}"; do
		rm -f "$dir/fase.$s"
		# Errors only: a first-use WARNING (a key file created) is no failure.
		PGOPTIONS="-c client_min_messages=error" "storing_$s" >"$dir/storing.$s.$c" 2>&1 &
		bg+=($!)
	done
	"$dir/schrijvers" "host=$dir user=postgres dbname=crash" "$writers" "$dir/bevestigd.$c" "$c" 120 \
		>"$dir/schrijvers.$c" 2>&1 &
	schrijvers=$!
	sleep "$(awk -v a="$min_ms" -v b="$max_ms" -v r="$RANDOM" 'BEGIN { printf "%.3f", (a + (b - a) * r / 32767) / 1000 }')"
	crash
	fasen=()
	for s in "${actief[@]}"; do
		f=$(cat "$dir/fase.$s" 2>/dev/null || echo start)
		fasen+=("$s:$f")
		tijdens[$s:$f]=$(( ${tijdens[$s:$f]:-0} + 1 ))
	done
	rc=0; wait "$schrijvers" || rc=$?
	for p in "${bg[@]}"; do wait "$p" || true; done
	if [ $rc -ne 0 ]; then
		echo "cycle $c: a writer failed:"; grep -v acknowledged "$dir/schrijvers.$c" || true
		fouten=$((fouten + 1))
	fi
	# A disturber may lose its connection; any other error is a failure.
	for s in "${actief[@]}"; do
		if grep -v -E 'server closed the connection|connection to server .* failed|connection to server was lost|Is the server running|terminated abnormally|before or while processing|unexpected postmaster exit|^$' \
			"$dir/storing.$s.$c" >"$dir/storing.fout"; then
			echo "cycle $c: disturber $s failed:"; cat "$dir/storing.fout"
			fouten=$((fouten + 1))
		fi
	done
	start
	cat "$dir"/bevestigd."$c".* >"$dir/bevestigd.$c" 2>/dev/null || : >"$dir/bevestigd.$c"
	cat "$dir/bevestigd.$c" >>"$dir/alle"
	read -r n m d < <(controleer "$dir/bevestigd.$c" | tr '|' ' ')
	{ read -r zonder; read -r _; } < <(integriteit)
	for k in "${actieve_controles[@]}"; do
		if ! "controle_$k" >"$dir/controle.$k" 2>&1; then
			echo "cycle $c: check $k failed:"; cat "$dir/controle.$k"
			fouten=$((fouten + 1))
		else
			echo "cycle $c: check $k: $(tail -1 "$dir/controle.$k" | cut -c1-160)"
		fi
	done
	totaal=$((totaal + n)) weg=$((weg + m)) anders=$((anders + d)) kapot=$((kapot + zonder))
	vernietigd=$(psql -c "SELECT (SELECT count(*) FROM verwerkingenlog.vernietiging_journaal) || ' purge runs, '
	                             || (SELECT count(*) FROM verwerkingenlog.vernietigde_actie) || ' actions destroyed'")
	echo "cycle $c (at ${SECONDS} s): killed during ${fasen[*]:-writes only}; $n acknowledged, $m missing, $d different; versions without objects: $zonder; so far $vernietigd"
done

read -r n m d < <(controleer "$dir/alle" | tr '|' ' ')
echo "final check of all $n acknowledged actions: $m missing, $d different"
# Lost: missing or changed in the check right after the crash, or later.
verloren=$((weg + anders > m + d ? weg + anders : m + d))
samenvatting=""
for k in "${!tijdens[@]}"; do samenvatting+=" $k=${tijdens[$k]}"; done
echo "kills by disturber phase:$samenvatting"
echo "crash: $cycles cycles, $writers writers, $totaal acknowledged writes, $verloren lost ($SECONDS s, seed $seed)"
[ "$fouten" -eq 0 ] || echo "crash: $fouten failures of writers or disturbers"
[ "$kapot" -eq 0 ] || echo "crash: $kapot versions without their objects"
[ "$verloren" -eq 0 ] && [ "$kapot" -eq 0 ] && [ "$fouten" -eq 0 ] && [ "${n:-x}" = "$totaal" ]

#!/usr/bin/env bash
# test/bench/instructies.sh -- the instruction-count mode of the benchmarks:
# instructions per call of the extension and of its plain-SQL baseline,
# counted by callgrind in one backend of the cluster that test/bench/run.sh
# loaded.  Seconds move with the load of a shared machine (±20 % here);
# instruction counts barely do, so the CPU targets are judged on them.
#
# Called by test/bench/run.sh (./test/run.sh bench --instructies, or as part of
# a full run) with the cluster running and PGHOST etc. exported:
#
#   instructies.sh WORK N PERSONEN CALLS [CALLGRIND_DIR]
#
#   WORK           the runner's work folder: "doc" (the document of (1),
#                  "@BSN@" where the BSN goes), "basevars" (the baseline's
#                  values of (1), -Dname=value per line) and the batch
#                  scripts of (2), bscript_ext.K.sql and bscript_base.K.sql
#   N, PERSONEN    the loaded actions and persons
#   CALLS          calls measured per side of (1); of the reads (3) and (4)
#                  CALLS / 10 (ten times dearer, and as steady: every person
#                  has about the same history), of the batch CALLS / 100
#   CALLGRIND_DIR  keep the callgrind file of every measured side there, with
#                  callgrind_annotate's inclusive profile (.txt) and a table
#                  of instructions per call by function (.md) beside it
#
# With VWL_VERZEGEL=1 in the environment (the runner's --verzegel), one side
# session runs verzegel() every second while the sides are measured.
#
# How: the cluster is stopped and started again under callgrind (autovacuum
# off), both sides' relations are read into shared buffers, and each side is
# one pgbench session (-M prepared, one client) running the very script of
# the wall-clock figure -- the same statements, the same persons (the same
# --random-seed) on both sides.  A wrapper around the script runs a marker
# statement before call W+1 and before call W+CALLS+1; callgrind dumps the
# backend's counters there (--dump-before=pg_backend_pid), so the CALLS
# calls between them are counted apart from the connection, the warm-up of
# W calls (caches, plans) and the exit.  One marker statement, counted the
# same way, is subtracted.  Then the cluster is started again as before.
#
# Prints on stdout, for the runner's table, lines
#   row<TAB>figure<TAB>extension<TAB>baseline<TAB>kind<TAB>target
#   note<TAB>text
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
BIN=/usr/lib/postgresql/15/bin
[ $# -ge 4 ] || { sed -n '2,41p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
work=$1 n=$2 personen=$3 calls=$4 keep=${5:-}

say() { printf '== %s\n' "$*" >&2; }
sql() { "$BIN/psql" -X -q -At -v ON_ERROR_STOP=1 "$@"; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.0f", b - a }'; }
command -v valgrind >/dev/null || { say "valgrind is not installed (Debian: valgrind)"; exit 1; }

t_all=$(now)
warm=$(( calls / 20 > 10 ? calls / 20 : 10 ))
reads=$(( calls / 10 > 20 ? calls / 10 : 20 ))
rwarm=$(( reads / 20 > 10 ? reads / 20 : 10 ))
batches=$(( calls / 100 > 5 ? calls / 100 : 5 ))
nscripts=$(ls "$work"/bscript_ext.*.sql | wc -l)
sql -c 'SET client_min_messages = warning' -c 'CREATE EXTENSION IF NOT EXISTS pg_prewarm'
srvbin=$(sql -c "SELECT setting FROM pg_config WHERE name = 'BINDIR'")
data=$(sql -c 'SHOW data_directory')
owner=$(stat -c %U "$data")
as=()
[ "$(id -un)" = "$owner" ] || as=(runuser -u "$owner" --)
cg=$work/callgrind
rm -rf "$cg"
mkdir -p "$cg"
chown "$owner" "$cg"
log=$PGHOST/server.log
[ -w "$log" ] || log=$work/server.log

# ---------------------------------------------------------------- scripts
# wrap LABEL WARM COUNT FILE...: $work/i_LABEL.sql runs FILE (with several,
# one after the other in turn), with the marker before call WARM+1 and
# before call WARM+COUNT+1.  pgbench keeps a client's variables from one
# transaction to the next; vwl_tel counts them.
wrap() {
	local label=$1 w=$2 count=$3 k=0 f
	shift 3
	{
		printf '\\set vwl_tel :vwl_tel + 1\n'
		printf '\\if :vwl_tel = %d or :vwl_tel = %d\n' $(( w + 1 )) $(( w + count + 1 ))
		printf 'SELECT pg_backend_pid();\n\\endif\n'
		if [ $# -eq 1 ]; then
			cat "$1"
		else
			printf '\\set vwl_script :vwl_tel %% %d\n' $#
			for f in "$@"; do
				printf '\\%s :vwl_script = %d\n' "$([ "$k" -eq 0 ] && echo if || echo elif)" "$k"
				cat "$f"
				k=$(( k + 1 ))
			done
			printf '\\endif\n'
		fi
	} >"$work/i_$label.sql"
}
wrap ext_inzage "$rwarm" "$reads" "$here/ext_inzage.sql"
wrap base_inzage "$rwarm" "$reads" "$here/base_inzage_fair.sql"
wrap ext_lijst "$rwarm" "$reads" "$here/ext_lijst.sql"
wrap base_lijst "$rwarm" "$reads" "$here/base_lijst.sql"
wrap ext_log "$warm" "$calls" "$here/ext_log.sql"
wrap base_log "$warm" "$calls" "$here/base_log.sql"
# The batch: every one of its scripts (each one literal statement, prepared
# once per session as in (2)) runs once in the warm-up.
bwarm=$(( nscripts > 5 ? nscripts : 5 ))
wrap ext_batch "$bwarm" "$batches" $(for (( k = 0; k < nscripts; k++ )); do echo "$work/bscript_ext.$k.sql"; done)
wrap base_batch "$bwarm" "$batches" $(for (( k = 0; k < nscripts; k++ )); do echo "$work/bscript_base.$k.sql"; done)
# One marker per transaction: the third is one marker statement.
printf 'SELECT pg_backend_pid();\n' >"$work/i_leeg.sql"

mapfile -t basevars <"$work/basevars"
doc=$(cat "$work/doc")

# ---------------------------------------------------------------- run
declare -A part
# measure LABEL TRANSACTIONS PGBENCH-ARGS...: one pgbench session; part[LABEL]
# is the callgrind file between its first two markers.
measure() {
	local label=$1 count=$2 before after pid t1
	shift 2
	t1=$(now)
	before=$(ls "$cg" | sed -n 's/^cg\.\([0-9]*\)\.2$/\1/p' | sort)
	if ! "$BIN/pgbench" -n -M prepared -c 1 -j 1 -t "$count" --random-seed=15 -D vwl_tel=0 \
			-D personen="$personen" "$@" >"$work/i_$label.out" 2>&1; then
		say "pgbench $label failed:"; tail -20 "$work/i_$label.out" >&2
		return 1
	fi
	grep -q "^number of transactions actually processed: $count/$count\$" "$work/i_$label.out" ||
		{ say "pgbench $label did not run all $count transactions:"; tail -20 "$work/i_$label.out" >&2; return 1; }
	after=$(ls "$cg" | sed -n 's/^cg\.\([0-9]*\)\.2$/\1/p' | sort)
	pid=$(comm -13 <(printf '%s\n' "$before") <(printf '%s\n' "$after"))
	[ -n "$pid" ] && [ "$(wc -w <<<"$pid")" -eq 1 ] || { say "no callgrind part for $label"; return 1; }
	part[$label]=$cg/cg.$pid.2
	[ "$label" != leeg ] || part[$label]=$cg/cg.$pid.3
	say "  $label: $(since "$t1")s"
}

say "instruction counts: restarting the cluster under callgrind ($calls calls per side, $batches batches of 100)"
sql -c CHECKPOINT
"${as[@]}" "$srvbin/pg_ctl" -D "$data" -m fast -w stop >/dev/null
restart() {
	"${as[@]}" "$srvbin/pg_ctl" -D "$data" -m fast -w -t 600 stop >/dev/null 2>&1 || true
	"${as[@]}" "$srvbin/pg_ctl" -D "$data" -l "$log" -w start >/dev/null
}
zegelaar=
zegel_stop() {
	[ -n "$zegelaar" ] || return 0
	kill "$zegelaar" 2>/dev/null || true
	wait "$zegelaar" 2>/dev/null || true
	zegelaar=
}
trap 'zegel_stop; restart' EXIT
# --zero-before=StartBackgroundWorker: a background worker is forked from the
# postmaster, and callgrind's counters go with the fork; zeroed there, the
# record writer's file (3w) holds its own work (start-up included), not the
# postmaster's start-up before it.
"${as[@]}" valgrind --tool=callgrind --dump-before=pg_backend_pid --zero-before=StartBackgroundWorker \
	--callgrind-out-file="$cg/cg.%p" \
	"$srvbin/postgres" -D "$data" -c autovacuum=off >"$work/callgrind.log" 2>&1 &
for (( i = 0; i < 240; i++ )); do
	"$BIN/pg_isready" -q && break
	sleep 0.5
done
"$BIN/pg_isready" -q || { say "the cluster under callgrind did not start:"; tail -20 "$work/callgrind.log" >&2; exit 1; }
t0=$(now)
# prewarm: both sides' relations in shared buffers (when they fit in half
# of them; else only their indexes), so that no call pays for reading a page.
prewarm() {
	sql -c "SELECT count(pg_prewarm(c.oid))
  FROM pg_class c
 WHERE (c.relnamespace IN ('verwerkingenlog'::regnamespace, 'baseline'::regnamespace)
        OR c.oid IN (SELECT reltoastrelid FROM pg_class
                      WHERE relnamespace IN ('verwerkingenlog'::regnamespace, 'baseline'::regnamespace)))
   AND c.relkind IN ('r', 'i', 't')
   AND (c.relkind = 'i' OR (SELECT sum(pg_total_relation_size(x.oid)) FROM pg_class x
                             WHERE x.relnamespace IN ('verwerkingenlog'::regnamespace, 'baseline'::regnamespace)
                               AND x.relkind = 'r')
                           < pg_size_bytes(current_setting('shared_buffers')) / 2)" >/dev/null
}
prewarm
say "  prewarm: $(since "$t0")s"
if [ "${VWL_VERZEGEL:-0}" = 1 ]; then
	# one session (one backend under callgrind), verzegel() every second
	printf 'SELECT verwerkingenlog.verzegel() \\watch 1\n' >"$work/i_verzegel.sql"
	"$BIN/psql" -X -q -At -f "$work/i_verzegel.sql" >"$work/i_verzegel.out" 2>&1 &
	zegelaar=$!
fi
t=$(( warm + calls + 1 ))
rt=$(( rwarm + reads + 1 ))
measure leeg 4 -U postgres -f "$work/i_leeg.sql"
# Reads first, as in the wall-clock figures.
measure ext_inzage "$rt" -U bench_app -f "$work/i_ext_inzage.sql"
measure base_inzage "$rt" -U postgres -f "$work/i_base_inzage.sql"
measure ext_lijst "$rt" -U bench_app -f "$work/i_ext_lijst.sql"
measure base_lijst "$rt" -U postgres -f "$work/i_base_lijst.sql"
measure ext_log "$t" -U bench_app -f "$work/i_ext_log.sql" -D doc="$doc"
measure base_log "$t" -U postgres -f "$work/i_base_log.sql" "${basevars[@]}"
measure ext_batch $(( bwarm + batches + 1 )) -U bench_app -f "$work/i_ext_batch.sql"
measure base_batch $(( bwarm + batches + 1 )) -U postgres -f "$work/i_base_batch.sql"
t_cg=$(since "$t0")
zegel_stop
trap - EXIT
restart
# The runner's wall-clock figures follow: they find the buffers as here.
prewarm

# ---------------------------------------------------------------- figures
total() { sed -n 's/^summary: \([0-9]*\)$/\1/p' "${part[$1]}"; }
leeg=$(total leeg)
per_call() {
	awk -v t="$(total "$1")" -v e="$leeg" -v c="$2" 'BEGIN { printf "%.0f", (t - e) / c }'
}
out_row() { printf 'row\t%s\t%s\t%s\t%s\t%s\n' "$@"; }
out_row "(1i) instructions per call: log one action vs the two-row INSERT" \
	"$(per_call ext_log "$calls")" "$(per_call base_log "$calls")" max 1.5
out_row "(2i) instructions per call: batch of 100 vs a multi-row INSERT (as (2): literals prepared once; target 1/0.9)" \
	"$(per_call ext_batch "$batches")" "$(per_call base_batch "$batches")" max 1.1
out_row "(3i) instructions per call: inzage vs the raw query + INSERT of its record, one transaction" \
	"$(per_call ext_inzage "$reads")" "$(per_call base_inzage "$reads")" max 1.5
out_row "(4i) instructions per call: list verwerkingsacties vs the raw query" \
	"$(per_call ext_lijst "$reads")" "$(per_call base_lijst "$reads")" max 1.5
# The inzage's record is written and committed by the session's record
# writer (issue 10), a background worker: a process of its own, so not in
# (3i).  (3w) adds its whole count (its start-up too, spread over the
# session's inzages, warm-up included) to the inzage.
werker=0
for f in "$cg"/cg.*; do
	grep -q 'vwl_record_main' "$f" 2>/dev/null || continue
	n=$(sed -n 's/^\(summary\|totals\): \([0-9]*\)$/\2/p' "$f" | tail -1)
	werker=$(( werker + ${n:-0} ))
	werker_bestand=$f
done
if [ "$werker" -gt 0 ]; then
	out_row "(3w) instructions per call: (3i) plus the record writer's process (its start-up spread over the session's $(( rwarm + reads )) inzages)" \
		"$(awk -v a="$(per_call ext_inzage "$reads")" -v w="$werker" -v c="$(( rwarm + reads ))" 'BEGIN { printf "%.0f", a + w / c }')" \
		"$(per_call base_inzage "$reads")" max 1.5
fi
[ "${VWL_VERZEGEL:-0}" = 1 ] && printf 'note\tinstruction counts (i) with verzegel() every second in a side session (%s calls in all)\n' "$(grep -c . "$work/i_verzegel.out" || true)"
printf 'note\tinstruction counts (i): callgrind (%s) in the pgbench session'"'"'s backend (-M prepared, 1 client, the scripts of (1)-(4), --random-seed=15), %s calls per side of (1), %s of (3) and (4), %s batches of (2), each after a warm-up (%s, %s, %s), connection and warm-up excluded by markers, one marker statement (%s instructions) subtracted; cluster under callgrind with autovacuum off; %ss under callgrind, %ss in all\n' \
	"$(valgrind --version)" "$calls" "$reads" "$batches" "$warm" "$rwarm" "$bwarm" "$leeg" "$t_cg" "$(since "$t_all")"

# profile FILE CALLS: the profile of FILE as two tables of instructions per
# call: the 40 costliest functions inclusive (below the executor's entry),
# then the 25 costliest by their own instructions.  The server binary is
# stripped: its static functions have no name (only an address); the
# inclusive table leaves them out, as it does the frames of recursion
# ("name'2").
profile() {
	local how
	for how in yes no; do
		callgrind_annotate --inclusive=$how --threshold=100 "$1" 2>/dev/null | awk -v calls="$2" -v incl=$how '
			/PROGRAM TOTALS/ { t = $1; gsub(",", "", t) }
			/^ *[0-9,]+ \( *[0-9.]+%\)  / && !/PROGRAM TOTALS/ {
				ir = $1; gsub(",", "", ir)
				f = $0; sub(/^ *[0-9,]+ \( *[0-9.]+%\)  /, "", f); sub(/ \[.*\]$/, "", f); sub(/^.*:/, "", f)
				if (done || seen[f]++) next
				# In a dump part, the frames active at the dump hold all of it as their own.
				if (incl == "no" && ir == t) next
				if (incl == "yes" && f ~ /^0x|'"'"'|__libc_start_main|below main|^main$|PostgresMain|PostmasterMain|^PortalRun$|ExecutorRun$/) next
				if (!head++) printf "%s| function (%s) | instructions per call | share |\n|---|---|---|\n",
					incl == "yes" ? "" : "\n", incl == "yes" ? "inclusive" : "self"
				printf "| `%s` | %d | %.1f %% |\n", f, ir / calls, 100 * ir / t
				if (++k >= (incl == "yes" ? 40 : 25)) done = 1
			}'
	done
}
if [ -n "$keep" ]; then
	mkdir -p "$keep"
	declare -A count=([ext_log]=$calls [base_log]=$calls [ext_batch]=$batches [base_batch]=$batches
	                  [ext_inzage]=$reads [base_inzage]=$reads [ext_lijst]=$reads [base_lijst]=$reads)
	for label in "${!count[@]}"; do
		cp "${part[$label]}" "$keep/$label.callgrind"
		callgrind_annotate --inclusive=yes "$keep/$label.callgrind" >"$keep/$label.txt" 2>/dev/null || true
		profile "$keep/$label.callgrind" "${count[$label]}" >"$keep/$label.md"
	done
	if [ -n "${werker_bestand:-}" ]; then
		cp "$werker_bestand" "$keep/ext_inzage_werker.callgrind"
		callgrind_annotate --inclusive=yes "$keep/ext_inzage_werker.callgrind" >"$keep/ext_inzage_werker.txt" 2>/dev/null || true
		profile "$keep/ext_inzage_werker.callgrind" "$(( rwarm + reads ))" >"$keep/ext_inzage_werker.md"
	fi
	say "callgrind files, inclusive profiles (.txt) and per-call tables (.md) in $keep"
fi

#!/usr/bin/env bash
# test/bench/run.sh -- the benchmarks, each figure beside a plain-SQL baseline
# measured in the same run.  Run it through the front door, which builds the
# extension and starts a throwaway cluster (PGHOST etc. exported):
#
#   ./test/run.sh bench [--scale S] [--duration SECONDS] [--jobs J] [--keep]
#   ./test/run.sh bench --instructies [--scale S] [--calls N] [--callgrind DIR]
#
#   --scale S      actions in the big log (default 2M): a fraction of the
#                  issue's 5,000,000 (0.2) or a number (200000, 200k, 5M);
#                  persons = actions / 50, so every person has the same
#                  history whatever the scale
#   --duration S   seconds of measurement per side of a comparison (default
#                  20, run as two halves alternating with the other side;
#                  warm-up a quarter of it; the history figures half of it)
#   --jobs J       parallel loaders (default 2, one per core)
#   --keep         keep the work folder (pgbench output and logs)
#   --explain FILE after the load, write EXPLAIN (ANALYZE, BUFFERS) of the
#                  raw queries and, through auto_explain, of every statement
#                  inside one call of each read function to FILE
#   --only LIST    run only these figures (comma-separated of 1,2,3,4,5,6,10
#                  and i, the instruction counts)
#   --instructies  the instruction counts only (--only i), by default at
#                  --scale 100k: instructions per call of (1)-(4) and their
#                  baselines, callgrind in one backend of the cluster
#                  (test/bench/instructies.sh; needs valgrind)
#   --calls N      calls per side of (1) for the instruction counts
#                  (default 2000; (3), (4) a tenth, (2) a hundredth)
#   --callgrind DIR  keep the callgrind file and inclusive profile of every
#                  side of the instruction counts in DIR
#   --hold S       keep the cluster S seconds after the run (for profiling;
#                  its PGHOST is printed)
#   --verzegel     the log as it runs in production: LDV records in it (a
#                  tenth of the actions again, through log_otlp, about the
#                  same persons; the baseline gets the same records as
#                  actions of one object), sealed once after the load, and
#                  verzegel() every second in a side session during (1)-(4)
#                  and the instruction counts (the baseline has no
#                  tree, so its side runs beside the same sealing)
#
# Nothing here asserts: benchmarks are not tests.  The table at the end is
# the result; test/bench/RESULTS.md records a full run.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
BIN=/usr/lib/postgresql/15/bin
FULL=5000000
scale=2000000
duration=20
jobs=2
keep=0
explain=
only=1,2,3,4,5,6,10,i
hold=0
calls=2000
callgrind=
scale_set=0
verzegel=0

usage() { sed -n '2,42p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while [ $# -gt 0 ]; do
	case $1 in
		--scale) scale=$2; scale_set=1; shift 2 ;;
		--scale=*) scale=${1#*=}; scale_set=1; shift ;;
		--instructies) only=i; [ "$scale_set" -eq 1 ] || scale=100000; shift ;;
		--calls) calls=$2; shift 2 ;;
		--callgrind) callgrind=$2; shift 2 ;;
		--duration) duration=$2; shift 2 ;;
		--duration=*) duration=${1#*=}; shift ;;
		--jobs) jobs=$2; shift 2 ;;
		--jobs=*) jobs=${1#*=}; shift ;;
		--keep) keep=1; shift ;;
		--explain) explain=$2; shift 2 ;;
		--only) only=$2; shift 2 ;;
		--hold) hold=$2; shift 2 ;;
		--verzegel) verzegel=1; shift ;;
		*) usage ;;
	esac
done

# Number of actions from --scale.
case $scale in
	*[kK]) n=$(( ${scale%?} * 1000 )) ;;
	*[mM]) n=$(( ${scale%?} * 1000000 )) ;;
	*.*|0|1) n=$(awk -v s="$scale" -v f=$FULL 'BEGIN { printf "%d", s * f + 0.5 }') ;;
	*) n=$scale ;;
esac
[ "$n" -ge 10000 ] || { echo "scale too small: $n actions (at least 10000)" >&2; exit 2; }
personen=$(( n / 50 ))
warmup=$(( duration / 4 > 2 ? duration / 4 : 2 ))
short=$(( duration / 2 > 3 ? duration / 2 : 3 ))

out=$(mktemp -d /tmp/vwl-bench.XXXXXX)
chmod 755 "$out"
zegelaar=
# --verzegel: verzegel() every second in a side session, from zegel_start
# to zegel_stop.
zegel_start() {
	[ "$verzegel" -eq 1 ] || return 0
	printf 'SELECT verwerkingenlog.verzegel() \\watch 1\n' >"$out/verzegel.sql"
	"$BIN/psql" -X -q -At -f "$out/verzegel.sql" >>"$out/verzegel.out" 2>&1 &
	zegelaar=$!
}
zegel_stop() {
	[ -n "$zegelaar" ] || return 0
	kill "$zegelaar" 2>/dev/null || true
	wait "$zegelaar" 2>/dev/null || true
	zegelaar=
}
if [ "$keep" -eq 0 ]; then trap 'zegel_stop; rm -rf "$out"' EXIT; else trap zegel_stop EXIT; fi

say() { printf '== %s\n' "$*" >&2; }
sql() { "$BIN/psql" -X -q -At -v ON_ERROR_STOP=1 "$@"; }
app() { "$BIN/psql" -X -q -At -v ON_ERROR_STOP=1 -U bench_app "$@"; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
exists() { [ "$(sql -c "SELECT count(*) > 0 FROM pg_proc WHERE pronamespace = 'verwerkingenlog'::regnamespace AND proname = '$1'")" = t ]; }
wal() { sql -c 'SELECT wal_bytes FROM pg_stat_wal'; }
want() { [[ ",$only," == *",$1,"* ]]; }
vast() { sql -c "SELECT waarde FROM bench.vast WHERE naam = '$1'"; }

# ---------------------------------------------------------------- results
rows=()
wal_a=0 wal_b=0 tps_a=0 tps_b=0 med_a=0 med_b=0
# row FIGURE EXT BASE KIND TARGET: KIND is min (ratio >= target), max
# (ratio <= target), below (extension < target), atleast (extension >=
# target), none (reported only).
row() {
	local figure=$1 ext=$2 base=$3 kind=$4 target=$5 ratio='—' met='—' tshow='—'
	if [[ $ext =~ ^[0-9.]+$ && $base =~ ^[0-9.]+$ ]] && awk -v b="$base" 'BEGIN { exit !(b > 0) }'; then
		ratio=$(awk -v e="$ext" -v b="$base" 'BEGIN { printf "%.2f", e / b }')
	fi
	case $kind in
		min) tshow="≥ $target×" ;;
		max) tshow="≤ $target×" ;;
		below) tshow="< $target" ;;
		atleast) tshow="≥ $target" ;;
		none) tshow="report" ;;
	esac
	if [[ $ext =~ ^[0-9.]+$ ]]; then
		case $kind in
			min) met=$(awk -v r="$ratio" -v t="$target" 'BEGIN { print (r >= t ? "yes" : "NO") }') ;;
			max) met=$(awk -v r="$ratio" -v t="$target" 'BEGIN { print (r <= t ? "yes" : "NO") }') ;;
			below) met=$(awk -v e="$ext" -v t="$target" 'BEGIN { print (e < t ? "yes" : "NO") }') ;;
			atleast) met=$(awk -v e="$ext" -v t="$target" 'BEGIN { print (e >= t ? "yes" : "NO") }') ;;
		esac
	else
		met='n/a'
	fi
	local id=${figure#(}; id=${id%%)*}; local num=${id%%[a-z]*}
	rows+=("$(printf '%02d%s' "$num" "${id#"$num"}")	| $figure | $ext | $base | $ratio | $tshow | $met |")
	printf '   %s: extension %s, baseline %s, ratio %s\n' "$figure" "$ext" "$base" "$ratio" >&2
}
notes=()
note() { notes+=("$*"); printf '   %s\n' "$*" >&2; }

# ---------------------------------------------------------------- pgbench
# pgb NAME CLIENTS LENGTH [pgbench args...]; LENGTH is "-T s" or "-t n"; the
# args name the user (-U) and the script (-f).
pgb() {
	local name=$1 clients=$2 len=$3 threads=1
	shift 3
	[ "$clients" -ge 2 ] && threads=2
	rm -f "$out/$name".[0-9]*
	# shellcheck disable=SC2086
	if ! "$BIN/pgbench" -n -M prepared -c "$clients" -j "$threads" $len \
		-l --log-prefix="$out/$name" "$@" >"$out/$name.out" 2>&1; then
		say "pgbench $name failed:"; tail -20 "$out/$name.out" >&2
		return 1
	fi
}
tps() { sed -n 's/^tps = \([0-9.]*\) (without initial connection time)$/\1/p' "$out/$1.out"; }
txs() { sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$out/$1.out"; }
# Median latency in ms over the per-transaction logs of the named runs
# (third field, microseconds).
median() {
	local f
	for f in "$@"; do cat "$out/$f".[0-9]*; done | awk '{ print $3 }' | sort -n |
		awk '{ a[NR] = $1 } END { if (NR == 0) print "nan";
			else if (NR % 2) printf "%.3f\n", a[(NR + 1) / 2] / 1000;
			else printf "%.3f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2000 }'
}

# percentile P RUN...: the P-th percentile latency in ms over the
# per-transaction logs of the named runs (nearest rank).
percentile() {
	local p=$1 f
	shift
	for f in "$@"; do cat "$out/$f".[0-9]*; done | awk '{ print $3 }' | sort -n |
		awk -v p="$p" '{ a[NR] = $1 } END { if (NR == 0) { print "nan"; exit }
			r = int(NR * p / 100 + 0.999999); if (r < 1) r = 1; if (r > NR) r = NR;
			printf "%.3f\n", a[r] / 1000 }'
}

# compare KIND NAME CLIENTS SECONDS: side A (the array side_a: pgbench
# arguments) against side B (side_b).  A CHECKPOINT, both sides warmed up,
# then measured A, B, A, B for SECONDS/2 each, so that a machine whose load
# drifts (this one is shared) weighs on both sides alike.  The warm-ups take
# most of the full-page images that follow the checkpoint.
#   KIND tps: sets tps_a, tps_b (mean of the two runs)
#   KIND lat: one client; sets med_a, med_b (median latency in ms, both runs)
side() { if [ "$1" = a ]; then args=("${side_a[@]}"); else args=("${side_b[@]}"); fi; }
compare() {
	local kind=$1 name=$2 clients=$3 secs=$4 half r sd
	local -A t=([a]=0 [b]=0)
	local args=()
	half=$(( secs / 2 > 1 ? secs / 2 : 1 ))
	sql -c CHECKPOINT
	for sd in a b; do
		side "$sd"
		pgb "$name-$sd-warm" "$clients" "-T $warmup" "${args[@]}"
	done
	for r in 1 2; do
		for sd in a b; do
			side "$sd"
			pgb "$name-$sd$r" "$clients" "-T $half" "${args[@]}"
			[ "$kind" = tps ] && t[$sd]=$(awk -v a="${t[$sd]}" -v b="$(tps "$name-$sd$r")" 'BEGIN { print a + b / 2 }')
		done
	done
	if [ "$kind" = tps ]; then
		tps_a=$(printf '%.1f' "${t[a]}"); tps_b=$(printf '%.1f' "${t[b]}")
	else
		med_a=$(median "$name-a1" "$name-a2"); med_b=$(median "$name-b1" "$name-b2")
	fi
}

# walcompare NAME CLIENTS TRANSACTIONS: WAL bytes per transaction of side A
# and side B (wal_a, wal_b), each over the same number of transactions
# (CLIENTS x TRANSACTIONS) right after a CHECKPOINT, so that both pay the
# full-page images of the pages they touch first alike.
# With --verzegel the side session pauses, and each side's rows are sealed
# by one verzegel() before its second reading, so that each side pays for
# the sealing of its own rows (the baseline's side finds nothing to seal).
walcompare() {
	local name=$1 clients=$2 count=$3 sd w0 w1 zegelend=$zegelaar
	local args=()
	zegel_stop
	for sd in a b; do
		side "$sd"
		[ "$verzegel" -eq 0 ] || sql -c 'SELECT verwerkingenlog.verzegel()' >/dev/null
		sql -c CHECKPOINT
		w0=$(wal)
		pgb "$name-$sd" "$clients" "-t $count" "${args[@]}"
		[ "$verzegel" -eq 0 ] || sql -c 'SELECT verwerkingenlog.verzegel()' >/dev/null
		sleep 1.5    # backends flush their WAL statistics when they exit
		w1=$(wal)
		printf -v "wal_$sd" '%s' $(( (w1 - w0) / (clients * count) ))
	done
	[ -z "$zegelend" ] || zegel_start
}

# ---------------------------------------------------------------- setup
t_all=$(now)
say "benchmark: $n actions, $personen persons, ${duration}s per run; work folder $out"
sql <<-SQL
	SET client_min_messages = warning;
	CREATE EXTENSION verwerkingenlog;
	CREATE EXTENSION pgstattuple;
	ALTER DATABASE $PGDATABASE SET verwerkingenlog.base_url = 'https://log.gemeente.example/api/v1';
	CREATE ROLE bench_app LOGIN;
	GRANT verwerkingenlog_create_normal, verwerkingenlog_create_confidential,
	      verwerkingenlog_read_normal, verwerkingenlog_read_confidential,
	      verwerkingenlog_update_normal, verwerkingenlog_update_confidential,
	      verwerkingenlog_delete_normal, verwerkingenlog_delete_confidential TO bench_app;
SQL
sql -f "$here/baseline.sql" -f "$here/data.sql"

have_batch=0; exists log_verwerkingsacties && have_batch=1
have_inzage=0; exists verwerkte_objecten && have_inzage=1

# ---------------------------------------------------------------- load
# load NAME USER CHUNK STATEMENT: STATEMENT with :lo and :hi, run over 1..n
# in chunks by $jobs parallel sessions, each chunk its own transaction.
load() {
	local name=$1 user=$2 chunk=$3 stmt=$4 w lo pids=()
	for (( w = 0; w < jobs; w++ )); do
		: >"$out/$name.$w.sql"
		for (( lo = 1 + w * chunk; lo <= n; lo += jobs * chunk )); do
			hi=$(( lo + chunk - 1 > n ? n : lo + chunk - 1 ))
			printf '%s\n' "${stmt//:lo/$lo}" | sed "s/:hi/$hi/g" >>"$out/$name.$w.sql"
		done
		"$BIN/psql" -X -q -At -v ON_ERROR_STOP=1 -U "$user" -f "$out/$name.$w.sql" \
			>"$out/$name.$w.out" 2>&1 &
		pids+=($!)
	done
	for w in "${pids[@]}"; do
		wait "$w" || { say "loading $name failed"; cat "$out/$name".*.out >&2; exit 1; }
	done
}

w0=$(wal); t0=$(now)
if [ "$have_batch" -eq 1 ]; then
	how="log_verwerkingsacties, 1,000 actions per call, $jobs sessions"
	load ext bench_app 1000 "SELECT count(*) FROM (SELECT verwerkingenlog.log_verwerkingsacties(jsonb_agg(bench.doc(x) ORDER BY i)) FROM generate_series(:lo, :hi) i CROSS JOIN LATERAL bench.actie(i, $n, $personen) x) s;"
else
	how="log_verwerkingsactie per action, 10,000 per transaction, $jobs sessions"
	load ext bench_app 10000 "SELECT count(verwerkingenlog.log_verwerkingsactie(bench.doc(x))) FROM generate_series(:lo, :hi) i CROSS JOIN LATERAL bench.actie(i, $n, $personen) x;"
fi
t_ext=$(since "$t0"); sleep 1.5; w1=$(wal)
wal_load_ext=$(awk -v a="$w0" -v b="$w1" -v n="$n" 'BEGIN { printf "%.0f", (b - a) / n }')
note "loaded $n actions through the API ($how) in ${t_ext}s: $(awk -v n="$n" -v t="$t_ext" 'BEGIN { printf "%.0f", n / t }') actions/s"

w0=$(wal); t0=$(now)
# One session: two would interleave bursts of ids made ahead of their
# INSERT and split the primary key's pages in the middle.
jobs_ext=$jobs; jobs=1
load base postgres 100000 "SELECT bench.laad_baseline(:lo, :hi, $n, $personen);"
jobs=$jobs_ext
t_base=$(since "$t0"); sleep 1.5; w1=$(wal)
wal_load_base=$(awk -v a="$w0" -v b="$w1" -v n="$n" 'BEGIN { printf "%.0f", (b - a) / n }')
note "loaded the baseline (INSERT ... SELECT, 100,000 per statement, 1 session) in ${t_base}s"

# --verzegel: LDV records in the log, a tenth of the actions again, through
# log_otlp (1,000 spans per call), each about one of the same persons; then
# the whole log sealed once, as a log sealed every second would be.
if [ "$verzegel" -eq 1 ]; then
	t0=$(now)
	ldv=$(( n / 10 ))
	sql >/dev/null <<-SQL
		SET client_min_messages = warning;
		DO \$\$
		BEGIN
		    FOR blok IN 0 .. ($ldv - 1) / 1000 LOOP
		        PERFORM verwerkingenlog.log_otlp(jsonb_build_object('resourceSpans', jsonb_build_array(jsonb_build_object(
		            'scopeSpans', jsonb_build_array(jsonb_build_object('spans', (
		                SELECT jsonb_agg(jsonb_build_object(
		                    'traceId', md5(blok::text), 'spanId', lpad(to_hex(blok * 1000 + g), 16, '0'),
		                    'name', 'Opvragen gegevens',
		                    'startTimeUnixNano', ((1704067200000 + (blok * 1000 + g)::bigint * 300000)::numeric * 1000000)::text,
		                    'endTimeUnixNano', ((1704067200000 + (blok * 1000 + g)::bigint * 300000 + 5)::numeric * 1000000)::text,
		                    'attributes', jsonb_build_array(
		                        jsonb_build_object('key', 'dpl.core.processing_activity_id', 'value',
		                                           jsonb_build_object('stringValue', 'https://register.example.nl/va/bench')),
		                        jsonb_build_object('key', 'dpl.core.data_subject_id', 'value',
		                                           jsonb_build_object('stringValue', bench.bsn(1 + (blok * 1000 + g) % $personen))),
		                        jsonb_build_object('key', 'dpl.core.data_subject_id_type', 'value',
		                                           jsonb_build_object('stringValue', 'BSN')))))
		                  FROM generate_series(0, least(999, $ldv - 1 - blok * 1000)) g)))))));
		        COMMIT;
		    END LOOP;
		END
		\$\$;
	SQL
	# The same records in the baseline, one action with one object each.
	sql >/dev/null <<-SQL
		WITH a AS MATERIALIZED (
		    SELECT verwerkingenlog.uuidv7() AS id, g,
		           to_timestamp((1704067200000 + g::bigint * 300000) / 1000.0) AS t
		      FROM generate_series(0, $ldv - 1) g),
		acties AS (
		    INSERT INTO baseline.verwerkingsactie (actie_id, actie_naam, verwerkingsactiviteit_url,
		                                           vertrouwelijkheid, tijdstip, tijdstip_registratie)
		    SELECT id, 'Opvragen gegevens', 'https://register.example.nl/va/bench', 'normaal', t, clock_timestamp()
		      FROM a)
		INSERT INTO baseline.verwerkt_object (verwerkt_object_id, actie_id, volgorde, tijdstip, objecttype,
		                                      soort_object_id, object_id, verwerkte_soorten_gegevens)
		SELECT verwerkingenlog.uuidv7(), id, 1, t, 'persoon', 'BSN', bench.bsn(1 + g % $personen), '{}'
		  FROM a;
	SQL
	t1=$(now)
	blad=$(sql -c 'SELECT verwerkingenlog.verzegel()')
	note "--verzegel: $ldv LDV records loaded through log_otlp in $(since "$t0")s; the log sealed once ($blad leaves) in $(since "$t1")s; verzegel() every second in a side session during (1)-(4) and the instruction counts"
fi

t0=$(now)
sql -c 'VACUUM (ANALYZE) verwerkingenlog.verwerkingsactie_versie, verwerkingenlog.verwerkt_object, baseline.verwerkingsactie, baseline.verwerkt_object'
sql -c CHECKPOINT
note "VACUUM (ANALYZE) and CHECKPOINT in $(since "$t0")s"

rijen=$(sql -c "SELECT round(count(*)::numeric / $personen, 1) FROM baseline.verwerkt_object WHERE tijdstip >= '2024-01-01' AND tijdstip < '2025-01-01'")
note "a person has on average $rijen verwerkte objecten in 2024 (what (3) and (4) look up; one in ten verwerkingen is vertrouwelijk)"

# ---------------------------------------------------------------- storage
size() { sql -c "SELECT pg_total_relation_size('$1') + pg_total_relation_size('$2')"; }
s_ext=$(size verwerkingenlog.verwerkingsactie_versie verwerkingenlog.verwerkt_object)
s_base=$(size baseline.verwerkingsactie baseline.verwerkt_object)
density() { sql -c "SELECT round(avg_leaf_density::numeric, 1) FROM pgstatindex('$1')"; }
say "storage after the load"
sql -F ' | ' <<-SQL >&2
	SELECT c.oid::regclass, pg_size_pretty(pg_relation_size(c.oid)),
	       round(pg_relation_size(c.oid)::numeric / $n, 1) || ' B/action'
	  FROM pg_class c
	 WHERE c.relnamespace IN ('verwerkingenlog'::regnamespace, 'baseline'::regnamespace)
	   AND c.relkind IN ('r', 'i')
	 ORDER BY c.relnamespace, c.relname;
SQL

# ---------------------------------------------------------------- fixtures
t0=$(now)
# (5) An action with 100 versions (PUTs and PATCHes alternating) and one with
# 1; a person whose 20 actions in 2024 have 100 versions each and one whose
# 20 have 1.  Persons beyond the loaded ones, so that nothing else is listed.
app <<-SQL
	DO \$\$
	DECLARE
	    doc jsonb;
	    diep uuid;
	    vd uuid := md5('bench diep')::uuid;
	    vh uuid := md5('bench historie')::uuid;
	    vs uuid := md5('bench vlak')::uuid;
	    ids uuid[];
	    a uuid;
	BEGIN
	    SELECT bench.doc(x) INTO doc FROM bench.actie(2, $n, $personen) x;
	    doc := jsonb_set(doc || jsonb_build_object('verwerkingId', vd, 'tijdstip', '2024-06-01T12:00:00+01:00'),
	                     '{verwerkteObjecten,0,objectId}', to_jsonb(bench.bsn($personen + 3)));
	    diep := (verwerkingenlog.log_verwerkingsactie(doc)->>'actieId')::uuid;
	    FOR k IN 2..100 LOOP
	        IF k % 2 = 0 THEN
	            PERFORM verwerkingenlog.wijzig_verwerkingsactie(diep, doc || jsonb_build_object('actieNaam', 'Versie ' || k));
	        ELSE
	            PERFORM verwerkingenlog.wijzig_verwerking(vd, jsonb_build_object('bewaartermijn', 'P' || k || 'Y'));
	        END IF;
	    END LOOP;
	    INSERT INTO bench.vast VALUES ('actie_diep', diep),
	        ('actie_vlak', verwerkingenlog.log_verwerkingsactie(jsonb_set(doc, '{verwerkingId}', to_jsonb(vs)))->>'actieId');

	    FOR p IN 1..2 LOOP
	        ids := '{}';
	        FOR k IN 1..20 LOOP
	            ids := ids || (verwerkingenlog.log_verwerkingsactie(jsonb_set(jsonb_set(
	                doc || jsonb_build_object('verwerkingId', CASE p WHEN 1 THEN vh ELSE vs END,
	                                          'tijdstip', to_char(date '2024-01-01' + 17 * k, 'YYYY-MM-DD') || 'T10:00:00+01:00'),
	                '{verwerkteObjecten,0,objectId}', to_jsonb(bench.bsn($personen + p))),
	                '{verwerkteObjecten}', jsonb_build_array(jsonb_set(doc->'verwerkteObjecten'->0, '{objectId}', to_jsonb(bench.bsn($personen + p))))))->>'actieId')::uuid;
	        END LOOP;
	        IF p = 1 THEN
	            FOR k IN 2..100 LOOP
	                IF k % 10 = 0 THEN
	                    FOREACH a IN ARRAY ids LOOP
	                        PERFORM verwerkingenlog.wijzig_verwerkingsactie(a,
	                            (SELECT jsonb_set(d - 'url' - 'actieId' - 'tijdstipRegistratie', '{actieNaam}', to_jsonb('Versie ' || k))
	                               FROM verwerkingenlog.verwerkingsactie(a) d));
	                    END LOOP;
	                ELSE
	                    PERFORM verwerkingenlog.wijzig_verwerking(vh, jsonb_build_object('bewaartermijn', 'P' || k || 'Y'));
	                END IF;
	            END LOOP;
	        END IF;
	    END LOOP;
	    INSERT INTO bench.vast VALUES ('bsn_historie', bench.bsn($personen + 1)), ('bsn_vlak', bench.bsn($personen + 2));
	END
	\$\$;
SQL
# (6) A verwerking of 1,000 actions on both sides: the last 1,000 actions of
# the generator again, under one verwerkingId.
vp=$(sql -c "SELECT md5('bench patch')::uuid")
app -c "SELECT count(verwerkingenlog.log_verwerkingsactie(bench.doc(x) || jsonb_build_object('verwerkingId', '$vp'))) FROM generate_series($n - 999, $n) i CROSS JOIN LATERAL bench.actie(i, $n, $personen) x" >/dev/null
sql -c "SELECT bench.laad_baseline($n - 999, $n, $n, $personen); UPDATE baseline.verwerkingsactie SET verwerking_id = '$vp' WHERE actie_id IN (SELECT actie_id FROM baseline.verwerkingsactie ORDER BY actie_id DESC LIMIT 1000)" >/dev/null
sql -c 'VACUUM (ANALYZE) verwerkingenlog.verwerkingsactie_versie, verwerkingenlog.verwerkt_object, baseline.verwerkingsactie, baseline.verwerkt_object'
note "fixtures (histories of 100 versions, a verwerking of 1,000 actions) in $(since "$t0")s"

# Documents for (1): action 2 of the generator (one object, every attribute),
# its objectId replaced per transaction.
doc=$(sql -c "SELECT jsonb_set(bench.doc(x), '{verwerkteObjecten,0,objectId}', '\"@BSN@\"')::text FROM bench.actie(2, $n, $personen) x")
mapfile -t basevars < <(sql -c "
	SELECT '-D' || k || '=' || v FROM bench.actie(2, $n, $personen) x,
	LATERAL (VALUES ('actie_naam', x.actie_naam), ('handeling_naam', x.handeling_naam),
	    ('verwerking_naam', x.verwerking_naam), ('verwerking_id', x.verwerking_id::text),
	    ('verwerkingsactiviteit_id', x.verwerkingsactiviteit_id::text),
	    ('verwerkingsactiviteit_url', x.verwerkingsactiviteit_url), ('vertrouwelijkheid', x.vertrouwelijkheid),
	    ('bewaartermijn', x.bewaartermijn), ('uitvoerder', x.uitvoerder), ('systeem', x.systeem),
	    ('gebruiker', x.gebruiker), ('gegevensbron', x.gegevensbron), ('soort_afnemer_id', x.soort_afnemer_id),
	    ('afnemer_id', x.afnemer_id), ('verwerkingsactiviteit_id_afnemer', x.verwerkingsactiviteit_id_afnemer::text),
	    ('verwerkingsactiviteit_url_afnemer', x.verwerkingsactiviteit_url_afnemer),
	    ('verwerking_id_afnemer', x.verwerking_id_afnemer::text), ('tijdstip', x.tijdstip),
	    ('objecttype', 'persoon'), ('soort_object_id', 'BSN'), ('betrokkenheid', 'Aanvrager'),
	    ('soorten', '{BSN,Naam,Adres}')) t(k, v)")

# Batch scripts for (2): ten batches of 100 actions from the generator.
batches_ext=(); batches_single=(); batches_base=()
for (( b = 0; b < 10; b++ )); do
	lo=$(( 1 + b * (n / 10) ))
	json=$(sql -c "SELECT bench.batch_json($lo, 100, $n, $personen)")
	printf 'SELECT verwerkingenlog.log_verwerkingsacties($$%s$$::jsonb);\n' "$json" >"$out/bscript_ext.$b.sql"
	printf 'SELECT count(verwerkingenlog.log_verwerkingsactie(e)) FROM jsonb_array_elements($$%s$$::jsonb) e;\n' "$json" >"$out/bscript_single.$b.sql"
	sql -c "SELECT bench.batch_sql($lo, 100, $n, $personen)" >"$out/bscript_base.$b.sql"
	batches_ext+=(-f "$out/bscript_ext.$b.sql"); batches_single+=(-f "$out/bscript_single.$b.sql")
	batches_base+=(-f "$out/bscript_base.$b.sql")
done

# ---------------------------------------------------------------- (i) instructions
# First, on the loaded content alone, like the reads below (the write
# figures add rows to the persons the reads look up).  It restarts the
# cluster and reads both sides' relations into shared buffers again.
if want i; then
	say "(i) instructions per call, callgrind in one backend of the cluster"
	printf '%s\n' "$doc" >"$out/doc"
	printf '%s\n' "${basevars[@]}" >"$out/basevars"
	VWL_VERZEGEL=$verzegel bash "$here/instructies.sh" "$out" "$n" "$personen" "$calls" "$callgrind" >"$out/instructies.out"
	while IFS=$'\t' read -r what a b c d e; do
		case $what in
			row) row "$a" "$b" "$c" "$d" "$e" ;;
			note) note "$a" ;;
		esac
	done <"$out/instructies.out"
fi

# ---------------------------------------------------------------- plans
if [ -n "$explain" ]; then
	bsn=$(sql -c "SELECT bench.bsn(($personen + 1) / 2)")
	say "plans for BSN $bsn into $explain"
	{
		sql -c "EXPLAIN (ANALYZE, BUFFERS) $(sed -e '/^--/d' -e '/^\\set/d' -e "s/:bsn::text/'$bsn'/" "$here/base_inzage.sql")"
		sql -c "EXPLAIN (ANALYZE, BUFFERS) $(sed -e '/^--/d' -e '/^\\set/d' -e "s/:bsn::text/'$bsn'/" "$here/base_lijst.sql")"
		"$BIN/psql" -X -q -v ON_ERROR_STOP=1 2>&1 <<-SQL
			LOAD 'auto_explain';
			SET auto_explain.log_min_duration = 0;
			SET auto_explain.log_nested_statements = on;
			SET auto_explain.log_analyze = on;
			SET auto_explain.log_buffers = on;
			SET auto_explain.log_level = notice;
			SET client_min_messages = notice;
			\o /dev/null
			\echo == verwerkte_objecten
			SELECT * FROM verwerkingenlog.verwerkte_objecten('persoon', 'BSN', '$bsn', '2024-01-01', '2025-01-01');
			\echo == verwerkingsacties
			SELECT * FROM verwerkingenlog.verwerkingsacties('persoon', 'BSN', '$bsn', '2024-01-01', '2025-01-01', '{normaal,vertrouwelijk,opgeheven}');
			\echo == log_verwerkingsactie
			SELECT verwerkingenlog.log_verwerkingsactie(bench.doc(x)) FROM bench.actie(2, $n, $personen) x;
		SQL
	} >"$explain" 2>&1 || say "plans failed, see $explain"
fi

# Reads first, on the loaded content alone: the write runs below add rows to
# one side more than to the other.
# ---------------------------------------------------------------- (3) inzage
zegel_start
if want 3; then
	say "(3) inzage for one BSN over a year, 1 client"
	side_b=(-U postgres -f "$here/base_inzage.sql" -D personen="$personen")
	if [ "$have_inzage" -eq 1 ]; then
		side_a=(-U bench_app -f "$here/ext_inzage.sql" -D personen="$personen")
		compare lat inzage 1 "$duration"
		row "(3) inzage verwerkte_objecten, one BSN, one year, vs the raw read-only query (median ms)" "$med_a" "$med_b" none -
		# Diagnostic: the same without waiting for the WAL flush of the
		# inzage record at commit, to show what the flush costs.
		side_a+=("dbname=$PGDATABASE options=-csynchronous_commit=off")
		compare lat inzage_async 1 "$short"
		row "(3c) diagnostic: (3) with synchronous_commit off (median ms)" "$med_a" "$med_b" none -
		# The fair baseline: what a hand-written log that obeys C3677 does,
		# the raw query and the INSERT of one record of the inzage, committed
		# in the same transaction (base_inzage_fair.sql).
		side_a=(-U bench_app -f "$here/ext_inzage.sql" -D personen="$personen")
		side_b=(-U postgres -f "$here/base_inzage_fair.sql" -D personen="$personen")
		compare lat inzage_fair 1 "$duration"
		row "(3f) inzage vs the raw query + INSERT of its record, one transaction (median ms)" "$med_a" "$med_b" max 1.5
		row "(3p) the same, 99th percentile (ms)" "$(percentile 99 inzage_fair-a1 inzage_fair-a2)" "$(percentile 99 inzage_fair-b1 inzage_fair-b2)" none -
	else
		side_a=("${side_b[@]}")
		compare lat inzage 1 "$duration"
		row "(3) inzage verwerkte_objecten, one BSN, one year, vs the raw read-only query (median ms)" "n/a: function missing" "$med_b" none -
	fi
fi

# ---------------------------------------------------------------- (4) list
if want 4; then
	say "(4) bewerking list for one BSN over a year, 1 client"
	side_a=(-U bench_app -f "$here/ext_lijst.sql" -D personen="$personen")
	side_b=(-U postgres -f "$here/base_lijst.sql" -D personen="$personen")
	compare lat lijst 1 "$duration"
	row "(4) list verwerkingsacties, one BSN, one year (median ms)" "$med_a" "$med_b" max 1.5
	row "(4p) the same, 99th percentile (ms)" "$(percentile 99 lijst-a1 lijst-a2)" "$(percentile 99 lijst-b1 lijst-b2)" none -
fi
zegel_stop

# ---------------------------------------------------------------- (5) history
if want 5; then
	say "(5) history depth, 1 client (the baseline column is the 1-version case)"
	side_a=(-U bench_app -f "$here/ext_actie.sql" -D actie="$(vast actie_diep)")
	side_b=(-U bench_app -f "$here/ext_actie.sql" -D actie="$(vast actie_vlak)")
	compare lat actie 1 "$short"
	row "(5a) current version: 100 versions vs 1 (median ms)" "$med_a" "$med_b" max 1.2
	side_a=(-U bench_app -f "$here/ext_lijst_persoon.sql" -D bsn="$(vast bsn_historie)")
	side_b=(-U bench_app -f "$here/ext_lijst_persoon.sql" -D bsn="$(vast bsn_vlak)")
	compare lat historie 1 "$short"
	row "(5b) list of 20 actions: 100 versions each vs 1 (median ms)" "$med_a" "$med_b" max 1.2
fi

# ---------------------------------------------------------------- (10) paging
# GET /verwerkingsacties through the REST layer (as PostgREST calls it, the
# query string in request.headers), 100 per page: page 1 and page 50 of a
# person with 10,000 actions over ten years, against page 1 of a person
# with 10.  Keyset paging: a page is LIMIT 101 on the person index, so page
# 50 costs what page 1 costs; count stays exact and is counted on the
# index without building documents (10c shows its share).
if want 10; then
	say "(10) paging: a person with 10,000 actions and one with 10, 1 client"
	app >/dev/null <<-SQL
		SELECT count(*) FROM verwerkingenlog.log_verwerkingsacties((
		    SELECT jsonb_agg(jsonb_set(jsonb_set(bench.doc(x) - 'verwerkingId',
		               '{tijdstip}', to_jsonb(to_char(timestamptz '2015-01-01 12:00+00' + k * interval '8 hours 45 minutes',
		                                              'YYYY-MM-DD"T"HH24:MI:SS"+00:00"'))),
		               '{verwerkteObjecten}', jsonb_build_array(jsonb_set(bench.doc(x)->'verwerkteObjecten'->0, '{objectId}',
		                                                                  to_jsonb(bench.bsn($personen + 11))))) ORDER BY k)
		      FROM generate_series(1, 10000) k CROSS JOIN LATERAL bench.actie(k, $n, $personen) x));
		SELECT count(*) FROM verwerkingenlog.log_verwerkingsacties((
		    SELECT jsonb_agg(jsonb_set(jsonb_set(bench.doc(x) - 'verwerkingId',
		               '{tijdstip}', to_jsonb(to_char(timestamptz '2024-01-01 12:00+00' + k * interval '9 days',
		                                              'YYYY-MM-DD"T"HH24:MI:SS"+00:00"'))),
		               '{verwerkteObjecten}', jsonb_build_array(jsonb_set(bench.doc(x)->'verwerkteObjecten'->0, '{objectId}',
		                                                                  to_jsonb(bench.bsn($personen + 12))))) ORDER BY k)
		      FROM generate_series(1, 10) k CROSS JOIN LATERAL bench.actie(k, $n, $personen) x));
	SQL
	sql -c 'VACUUM (ANALYZE) verwerkingenlog.verwerkingsactie_versie, verwerkingenlog.verwerkt_object'
	groot=$(sql -c "SELECT bench.bsn($personen + 11)"); klein=$(sql -c "SELECT bench.bsn($personen + 12)")
	# The cursor of page 50: the key of the 4,900th action, as the next link
	# of page 49 carries it.
	cursor=$(sql -c "SELECT verwerkingenlog._http_cursor_from('n', (d->>'tijdstip')::timestamptz, (d->>'actieId')::uuid)
	                   FROM verwerkingenlog.verwerkingsacties('persoon', 'BSN', '$groot') WITH ORDINALITY t(d, i) WHERE i = 4900")
	pagina() {    # pagina FILE QUERYSTRING [count]: one REST call per transaction
		if [ "${3:-}" = count ]; then
			printf "SELECT verwerkingenlog._verwerkingsacties_count('persoon', 'BSN', '%s', NULL, NULL, NULL, NULL);\n" "$4" >"$1"
		else
			printf "BEGIN READ ONLY;\nSELECT set_config('request.headers', '{\"verwerkingenlog-query\": \"%s\"}', true);\nSELECT verwerkingenlog_api.verwerkingsactie_list()->'count';\nCOMMIT;\n" "$2" >"$1"
		fi
	}
	pagina "$out/p1_groot.sql" "objecttype=persoon&soortObjectId=BSN&objectId=$groot"
	pagina "$out/p50_groot.sql" "objecttype=persoon&soortObjectId=BSN&objectId=$groot&cursor=$cursor"
	pagina "$out/p1_klein.sql" "objecttype=persoon&soortObjectId=BSN&objectId=$klein"
	pagina "$out/count_groot.sql" - count "$groot"
	pagina "$out/count_klein.sql" - count "$klein"
	note "(10) $(app -f "$out/p50_groot.sql" | sed -n 2p) actions for the big person; page 50 starts at cursor $cursor"
	side_a=(-U bench_app -f "$out/p1_groot.sql"); side_b=(-U bench_app -f "$out/p1_klein.sql")
	compare lat pagina1 1 "$short"
	row "(10a) list page 1 of 100: person with 10,000 actions vs 10 (median ms)" "$med_a" "$med_b" none -
	p1=$med_a
	side_a=(-U bench_app -f "$out/p50_groot.sql"); side_b=(-U bench_app -f "$out/p1_groot.sql")
	compare lat pagina50 1 "$short"
	row "(10b) list page 50 vs page 1, person with 10,000 actions (median ms)" "$med_a" "$med_b" max 1.2
	side_a=(-U postgres -f "$out/count_groot.sql"); side_b=(-U postgres -f "$out/count_klein.sql")
	compare lat telling 1 "$short"
	row "(10c) diagnostic: count alone, 10,000 actions vs 10 (median ms)" "$med_a" "$med_b" none -
fi

# ---------------------------------------------------------------- (1) logging
if want 1; then
	say "(1) logging one action per transaction, 8 clients"
	side_a=(-U bench_app -f "$here/ext_log.sql" -D personen="$personen" -D doc="$doc")
	side_b=(-U postgres -f "$here/base_log.sql" -D personen="$personen" "${basevars[@]}")
	zegel_start
	compare tps log 8 "$duration"
	row "(1) log one action, 8 clients (tps)" "$tps_a" "$tps_b" min 0.95
	walcompare log 8 1000
	wal_ext=$wal_a; wal_base=$wal_b
	# Diagnostic: both sides without waiting for the WAL flush, to show the
	# CPU cost apart from the disk's.
	side_a+=("dbname=$PGDATABASE options=-csynchronous_commit=off")
	side_b+=("dbname=$PGDATABASE options=-csynchronous_commit=off")
	compare tps log_async 8 "$short"
	row "(1c) diagnostic: (1) with synchronous_commit off (tps)" "$tps_a" "$tps_b" none -
	zegel_stop
fi

# ---------------------------------------------------------------- (2) batch
if want 2; then
	say "(2) batch logging, 100 actions per statement, 2 clients"
	per_action() { awk -v t="$1" 'BEGIN { printf "%.0f", t * 100 }'; }
	side_b=(-U postgres "${batches_base[@]}")
	zegel_start
	if [ "$have_batch" -eq 1 ]; then
		side_a=(-U bench_app "${batches_ext[@]}")
		compare tps batch 2 "$duration"
		row "(2) batch: log_verwerkingsacties, 100 per call (actions/s)" "$(per_action "$tps_a")" "$(per_action "$tps_b")" min 0.9
		walcompare batch 2 50
		row "(9b) WAL bytes per action, 10,000 in batches of 100 after a CHECKPOINT" "$(( wal_a / 100 ))" "$(( wal_b / 100 ))" max 1.1
	else
		# Without the batch function: 100 single calls in one statement stand in.
		side_a=(-U bench_app "${batches_single[@]}")
		compare tps batch 2 "$duration"
		row "(2) batch: log_verwerkingsacties, 100 per call (actions/s)" "n/a: function missing" "$(per_action "$tps_b")" min 0.9
		row "(2b) instead: 100 × log_verwerkingsactie in one statement (actions/s)" "$(per_action "$tps_a")" "$(per_action "$tps_b")" none -
		walcompare batch 2 50
		row "(9b) WAL bytes per action, (2b) vs the baseline's batch, 10,000 after a CHECKPOINT" "$(( wal_a / 100 ))" "$(( wal_b / 100 ))" none -
	fi
	zegel_stop
fi

# ---------------------------------------------------------------- (6) PATCH
if want 6; then
	say "(6) PATCH of a verwerking with 1,000 actions, 1 client"
	pgb patch_ext-warm 1 "-t 2" -U bench_app -f "$here/ext_patch.sql" -D verwerking="$vp"
	pgb patch_base-warm 1 "-t 2" -U postgres -f "$here/base_patch.sql" -D verwerking="$vp"
	pgb patch_ext 1 "-t 9" -U bench_app -f "$here/ext_patch.sql" -D verwerking="$vp"
	pgb patch_base 1 "-t 9" -U postgres -f "$here/base_patch.sql" -D verwerking="$vp"
	row "(6) PATCH verwerking of 1,000 actions (median of 9, ms)" "$(median patch_ext)" "$(median patch_base)" below 200
fi

# ---------------------------------------------------------------- storage
row "(7) storage per action, heap + indexes + TOAST (bytes)" \
	"$(( s_ext / n ))" "$(( s_base / n ))" max 1.5
row "(8a) leaf density, verwerkingsactie_versie_pkey vs actie pkey (%)" \
	"$(density verwerkingenlog.verwerkingsactie_versie_pkey)" "$(density baseline.verwerkingsactie_pkey)" atleast 85
row "(8b) leaf density, verwerkt_object_pkey vs object pkey (%)" \
	"$(density verwerkingenlog.verwerkt_object_pkey)" "$(density baseline.verwerkt_object_pkey)" atleast 85
want 1 && row "(9a) WAL bytes per action, 8,000 single actions after a CHECKPOINT" "$wal_ext" "$wal_base" max 1.1
row "(9c) WAL bytes per action, the bulk load" "$wal_load_ext" "$wal_load_base" none -

# ---------------------------------------------------------------- report
cat <<-EOF

	## Benchmark: $n actions, $personen persons ($(awk -v n="$n" -v f=$FULL 'BEGIN { printf "%g", n / f }') of the 5,000,000 target), ${duration}s per run

	| figure | extension | baseline | ratio | target | met? |
	|---|---|---|---|---|---|
EOF
printf '%s\n' "${rows[@]}" | sort -s -t'	' -k1,1 | cut -f2-
echo
for x in "${notes[@]}"; do echo "- $x"; done
echo "- machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) memory, $(sql -c 'SELECT version()' | sed 's/ on .*//'); synchronous_commit $(sql -c 'SHOW synchronous_commit'), fsync $(sql -c 'SHOW fsync'), shared_buffers $(sql -c 'SHOW shared_buffers')"
echo "- total run time: $(since "$t_all")s"
if [ "$hold" -gt 0 ]; then
	say "holding the cluster for ${hold}s: export PGHOST=$PGHOST PGPORT=$PGPORT PGUSER=$PGUSER PGDATABASE=$PGDATABASE"
	sleep "$hold"
fi

#!/usr/bin/env bash
# test/bench/verzegeling.sh -- the cost of tamper evidence (issue 12).  Run it
# through the front door, which builds the extension and starts a throwaway
# cluster (synchronous_commit and fsync on):
#
#   ./test/run.sh bench-verzegeling [--scale N] [--duration S] [--clients C]
#
#   --scale N     actions in the log before the figures (default 200000;
#                 every action has one object, so 2N rows)
#   --duration S  seconds per side of the throughput comparison (default 20,
#                 run as two halves alternating the sides)
#   --clients C   pgbench clients logging single actions (default 8)
#
# Figures, each with its ratio or target:
#   (T1) logging throughput (tps, one action per transaction) with verzegel()
#        running every second beside it, against the same without (>= 0.97x);
#        (T1b) what the queue trigger itself costs: on against off
#   (T2) sealing: rows per second of one verzegel() over a backlog of 2N
#        rows (>= 100,000 rows/s)
#   (T3) storage of the tree (seal_* and verzegel_* tables with indexes) against the log
#        (versions, objects, journal, with indexes and TOAST) (<= 10 %)
#   (T4) inclusion proof: median and 95th percentile of bewijs_opname (a
#        version and its object) and of the bare proof _tree_path, over 500
#        random versions (< 1 ms)
#   (T5) the offline verifier over the export of the whole log (1 million
#        rows in < 10 s)
# Nothing here asserts: benchmarks are not tests.
set -euo pipefail
BIN=/usr/lib/postgresql/15/bin
scale=200000
duration=20
clients=8
while [ $# -gt 0 ]; do
	case $1 in
		--scale) scale=$2; shift 2 ;;
		--duration) duration=$2; shift 2 ;;
		--clients) clients=$2; shift 2 ;;
		*) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
	esac
done
psql() { command psql -X -q -v ON_ERROR_STOP=1 -At "$@"; }
say() { printf '== %s\n' "$*" >&2; }
work=$(mktemp -d /tmp/vwl_bench_verzegel.XXXXXX)
chmod 777 "$work"
sealer=
trap '[ -n "$sealer" ] && kill "$sealer" 2>/dev/null; rm -rf "$work"' EXIT

db=bench_verzegel
psql -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
psql -d $db -c 'SET client_min_messages = error' -c 'CREATE EXTENSION verwerkingenlog' -c 'SELECT verwerkingenlog.verzegel()' >/dev/null

say "loading $scale actions (batches of 1000)"
psql -d $db -c "
DO \$\$
BEGIN
  FOR i IN 0 .. ($scale - 1) / 1000 LOOP
    PERFORM verwerkingenlog.log_verwerkingsacties((SELECT jsonb_agg(jsonb_build_object(
      'actieNaam', 'bench', 'vertrouwelijkheid', 'normaal', 'tijdstip', '2024-04-05T14:35:42+01:00',
      'verwerkingId', '11111111-1111-4111-8111-111111111111', 'gebruiker', 'medewerker ' || (g % 50),
      'verwerkteObjecten', jsonb_build_array(jsonb_build_object('objecttype', 'persoon', 'soortObjectId', 'BSN',
                                                                 'objectId', (100000000 + i * 1000 + g)::text))))
      FROM generate_series(1, least(1000, $scale - i * 1000)) g));
    COMMIT;
  END LOOP;
END \$\$;"
psql -d $db -c 'CHECKPOINT' -c 'VACUUM ANALYZE'

say "(T2) sealing the backlog"
# the first backlog (the load) is sealed untimed; then a second one of the
# same size, timed, onto a tree that already has 2N leaves
psql -d $db -c 'SELECT verwerkingenlog.verzegel()' >/dev/null
psql -d $db -c "
DO \$\$
BEGIN
  FOR i IN 0 .. ($scale - 1) / 1000 LOOP
    PERFORM verwerkingenlog.log_verwerkingsacties((SELECT jsonb_agg(jsonb_build_object(
      'actieNaam', 'bench', 'vertrouwelijkheid', 'normaal', 'tijdstip', '2024-04-05T14:35:42+01:00',
      'verwerkingId', '11111111-1111-4111-8111-111111111111', 'gebruiker', 'medewerker ' || (g % 50),
      'verwerkteObjecten', jsonb_build_array(jsonb_build_object('objecttype', 'persoon', 'soortObjectId', 'BSN',
                                                                 'objectId', (300000000 + i * 1000 + g)::text))))
      FROM generate_series(1, least(1000, $scale - i * 1000)) g));
    COMMIT;
  END LOOP;
END \$\$;"
psql -d $db -c 'CHECKPOINT' -c 'VACUUM ANALYZE'
rijen=$(psql -d $db -c 'SELECT count(*) FROM verwerkingenlog.seal_queue')
sec=$(psql -d $db -c "
CREATE TEMP TABLE t0 AS SELECT clock_timestamp() AS a;
SELECT verwerkingenlog.verzegel();
SELECT extract(epoch FROM clock_timestamp() - a) FROM t0;" | tail -1)
rate=$(awk -v r="$rijen" -v s="$sec" 'BEGIN { printf "%.0f", r / s }')

say "(T3) storage"
# the queue's dead entries are vacuumed away, as autovacuum does
psql -d $db -c 'VACUUM verwerkingenlog.seal_queue'
read -r boom log < <(psql -F ' ' -d $db -c "
SELECT sum(pg_total_relation_size(c.oid)) FILTER (WHERE c.relname LIKE 'verzegel\_%' OR c.relname LIKE 'seal\_%'),
       sum(pg_total_relation_size(c.oid)) FILTER (WHERE c.relname IN ('verwerkingsactie_versie', 'verwerkt_object', 'vernietiging_journaal'))
  FROM pg_class c WHERE c.relnamespace = 'verwerkingenlog'::regnamespace AND c.relkind = 'r'")
bladen=$(psql -d $db -c 'SELECT max(grootte) FROM verwerkingenlog.verzegel_controlepunt')

say "(T4) inclusion proofs"
read -r p50 p95 q50 q95 < <(psql -F ' ' -d $db -c "
CREATE TEMP TABLE d (soort text, ms float8);
DO \$\$
DECLARE a uuid; t timestamptz; b bigint; n bigint := (SELECT max(grootte) FROM verwerkingenlog.verzegel_controlepunt);
BEGIN
  FOR i IN 1 .. 500 LOOP
    SELECT actie_id INTO a FROM verwerkingenlog.verwerkingsactie_versie TABLESAMPLE SYSTEM (1) LIMIT 1;
    CONTINUE WHEN a IS NULL;
    t := clock_timestamp();
    PERFORM verwerkingenlog.bewijs_opname(a, 1);
    INSERT INTO d VALUES ('opname', extract(epoch FROM clock_timestamp() - t) * 1000);
    b := (random() * (n - 1))::bigint;
    t := clock_timestamp();
    PERFORM verwerkingenlog._tree_path('opname', b, n);
    INSERT INTO d VALUES ('pad', extract(epoch FROM clock_timestamp() - t) * 1000);
  END LOOP;
END \$\$;
SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FILTER (WHERE soort = 'opname')::numeric, 3),
       round(percentile_cont(0.95) WITHIN GROUP (ORDER BY ms) FILTER (WHERE soort = 'opname')::numeric, 3),
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FILTER (WHERE soort = 'pad')::numeric, 3),
       round(percentile_cont(0.95) WITHIN GROUP (ORDER BY ms) FILTER (WHERE soort = 'pad')::numeric, 3)
  FROM d")

say "(T5) the offline verifier"
psql -d $db -c 'SELECT verwerkingenlog.publieke_sleutel()' >"$work/log.pub"
psql -d $db -c 'COPY (SELECT * FROM verwerkingenlog.verificatie_export()) TO STDOUT' >"$work/log.export"
verifier=$PGHOST/inst/usr/lib/postgresql/15/bin/verwerkingenlog-verifieer
[ -x "$verifier" ] || verifier=$(dirname "$0")/../../src/verifieer/verwerkingenlog-verifieer
v0=$(date +%s.%N)
"$verifier" --sleutel "$work/log.pub" "$work/log.export" >&2
v1=$(date +%s.%N)
vsec=$(awk -v a="$v0" -v b="$v1" 'BEGIN { printf "%.2f", b - a }')
vmb=$(awk -v b="$(stat -c %s "$work/log.export")" 'BEGIN { printf "%.0f", b / 1048576 }')
rm -f "$work/log.export"

say "(T1) logging throughput, $clients clients, ${duration}s per side, with and without verzegel() every second"
cat >"$work/log.sql" <<'SQL'
\set p random(100000000, 999999999)
SELECT verwerkingenlog.log_verwerkingsactie(('{"actieNaam": "bench", "vertrouwelijkheid": "normaal", "tijdstip": "2024-04-05T14:35:42+01:00", "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "' || :p || '"}]}')::jsonb);
SQL
# what the load and the sealing left (autovacuum, dirty buffers) done first
psql -d $db -c 'VACUUM ANALYZE' -c 'CHECKPOINT'
half=$(( duration / 2 ))
tps() {
	"$BIN/pgbench" -n -M prepared -c "$clients" -j 2 -T "$half" -f "$work/log.sql" $db 2>&1 \
		| sed -n 's/^tps = \([0-9.]*\).*/\1/p' | head -1
}
zegelaar() {
	while :; do psql -d $db -c 'SELECT verwerkingenlog.verzegel()' >/dev/null; sleep 1; done
}
"$BIN/pgbench" -n -M prepared -c "$clients" -j 2 -T 3 -f "$work/log.sql" $db >/dev/null 2>&1
zonder1=$(tps)
zegelaar & sealer=$!
met1=$(tps)
kill "$sealer"; wait "$sealer" 2>/dev/null || true; sealer=
psql -d $db -c 'SELECT verwerkingenlog.verzegel()' >/dev/null
zegelaar & sealer=$!
met2=$(tps)
kill "$sealer"; wait "$sealer" 2>/dev/null || true; sealer=
zonder2=$(tps)
# The queue trigger's own cost: the same without it (the row goes unsealed).
queue() {
	psql -d $db -c 'ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_end DISABLE' \
		-c "ALTER TABLE verwerkingenlog.verwerkingsactie_versie $1 TRIGGER verwerkingsactie_versie_seal_insert" \
		-c "ALTER TABLE verwerkingenlog.verwerkt_object $1 TRIGGER verwerkt_object_seal_insert" \
		-c 'ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_end ENABLE'
}
queue DISABLE
geen1=$(tps)
queue 'ENABLE ALWAYS'
zonder3=$(tps)
queue DISABLE
geen2=$(tps)
queue 'ENABLE ALWAYS'
geen=$(awk -v a="$geen1" -v b="$geen2" 'BEGIN { printf "%.1f", (a + b) / 2 }')
zonder=$(awk -v a="$zonder1" -v b="$zonder2" 'BEGIN { printf "%.1f", (a + b) / 2 }')
zonder3=$(awk -v a="$zonder3" 'BEGIN { printf "%.1f", a }')
met=$(awk -v a="$met1" -v b="$met2" 'BEGIN { printf "%.1f", (a + b) / 2 }')

echo
echo "tamper evidence, $scale + $scale actions (2 rows each), $(nproc) cores, PostgreSQL $(psql -d $db -c 'SHOW server_version')"
printf '| %-62s | %12s | %12s | %6s | %-10s |\n' figure value "beside" ratio target
printf '|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..64})" "$(printf -- '-%.0s' {1..14})" "$(printf -- '-%.0s' {1..14})" "$(printf -- '-%.0s' {1..8})" "$(printf -- '-%.0s' {1..12})"
printf '| %-62s | %12s | %12s | %6s | %-10s |\n' "(T1) log one action, $clients clients, verzegel() every second (tps)" "$met" "$zonder" \
	"$(awk -v a="$met" -v b="$zonder" 'BEGIN { printf "%.2f", a / b }')" ">= 0.97x"
printf '| %-62s | %12s | %12s | %6s | %-10s |\n' "(T1b) the same, queue trigger on vs off (no sealing at all) (tps)" "$zonder3" "$geen" \
	"$(awk -v a="$zonder3" -v b="$geen" 'BEGIN { printf "%.2f", a / b }')" "report"
printf '| %-62s | %12s | %12s | %6s | %-10s |\n' "(T2) sealing a backlog of $rijen rows (rows/s)" "$rate" "${sec}s" "" ">= 100000"
printf '| %-62s | %12s | %12s | %6s | %-10s |\n' "(T3) tree storage vs log, $bladen leaves (MB)" \
	"$(awk -v b="$boom" 'BEGIN { printf "%.1f", b / 1048576 }')" "$(awk -v b="$log" 'BEGIN { printf "%.1f", b / 1048576 }')" \
	"$(awk -v a="$boom" -v b="$log" 'BEGIN { printf "%.2f", a / b }')" "<= 0.10"
printf '| %-62s | %12s | %12s | %6s | %-10s |\n' "(T5) verifier, $bladen leaves, ${vmb} MB export (seconds)" "$vsec" "" "" "1M < 10 s"
printf '| %-62s | %12s | %12s | %6s | %-10s |\n' "(T4) bewijs_opname, version + object (median / p95 ms)" "$p50" "$p95" "" "< 1 ms"
printf '| %-62s | %12s | %12s | %6s | %-10s |\n' "(T4) bare inclusion proof _tree_path (median / p95 ms)" "$q50" "$q95" "" "< 1 ms"
psql -d postgres -c "DROP DATABASE $db"

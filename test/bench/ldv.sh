#!/usr/bin/env bash
# test/bench/ldv.sh -- the two LDV figures, each beside its baseline in the
# same run (issue 14).  Run it through the front door, which builds the
# extension and starts a throwaway cluster with the bench settings
# (synchronous_commit and fsync on):
#
#   ./test/run.sh bench-ldv [--spans N] [--duration SECONDS]
#
#   (L1) OTLP ingest: log_otlp with 100 spans per request, against
#        log_verwerkingsacties with 100 one-object actions per call
#        (spans or actions per second, 2 clients); target >= 0.8x.
#   (L2) LDV read by subject: logregels(data_subject_id => ...), against the
#        inzage verwerkte_objecten for the same person over the same records
#        (mean latency, 1 client); target <= 1.5x.  Both log an inzage.
#
#   --spans N      records in the log before (L2) (default 200000, logged
#                  through log_otlp; persons = N / 20)
#   --duration S   seconds per side of a comparison (default 20, as two
#                  halves alternating with the other side)
#
# Nothing here asserts: benchmarks are not tests.
set -euo pipefail

BIN=/usr/lib/postgresql/15/bin
spans=200000
duration=20
while [ $# -gt 0 ]; do
	case $1 in
		--spans) spans=$2; shift 2 ;;
		--duration) duration=$2; shift 2 ;;
		*) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
	esac
done
personen=$(( spans / 20 ))
half=$(( duration / 2 > 1 ? duration / 2 : 1 ))
out=$(mktemp -d /tmp/vwl-bench-ldv.XXXXXX)
chmod 755 "$out"
trap 'rm -rf "$out"' EXIT
say() { printf '== %s\n' "$*" >&2; }
sql() { "$BIN/psql" -X -q -At -v ON_ERROR_STOP=1 "$@"; }

say "setting up"
sql <<SQL
SET client_min_messages = warning;
CREATE EXTENSION verwerkingenlog;
DO \$\$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'bench_app') THEN CREATE ROLE bench_app LOGIN; END IF;
END \$\$;
GRANT verwerkingenlog_create_normal, verwerkingenlog_read_confidential TO bench_app;
CREATE SCHEMA bench;
GRANT USAGE ON SCHEMA bench TO bench_app;
-- The payloads, built once, so that both sides pay only the call.
CREATE TABLE bench.payload (naam text PRIMARY KEY, p jsonb NOT NULL);
-- 100 spans of one trace about 100 persons, as an SDK would send them.
INSERT INTO bench.payload
SELECT 'otlp', jsonb_build_object('resourceSpans', jsonb_build_array(jsonb_build_object(
    'resource', jsonb_build_object('attributes', jsonb_build_array(
        jsonb_build_object('key', 'service.name', 'value', jsonb_build_object('stringValue', 'bench')))),
    'scopeSpans', jsonb_build_array(jsonb_build_object('scope', jsonb_build_object('name', 'bench'),
        'spans', jsonb_agg(jsonb_build_object(
            'traceId', '4bf92f3577b34da6a3ce929d0e0e4736', 'spanId', lpad(to_hex(g), 16, '0'),
            'parentSpanId', '00f067aa0ba902b7', 'name', 'Opvragen gegevens', 'kind', 1,
            'startTimeUnixNano', '1735725600123000000', 'endTimeUnixNano', '1735725600223000000',
            'status', jsonb_build_object('code', 0),
            'attributes', jsonb_build_array(
                jsonb_build_object('key', 'dpl.core.processing_activity_id', 'value',
                                   jsonb_build_object('stringValue', 'https://register.example.nl/va/bench')),
                jsonb_build_object('key', 'dpl.core.data_subject_id', 'value',
                                   jsonb_build_object('stringValue', (900000000 + g)::text)),
                jsonb_build_object('key', 'dpl.core.data_subject_id_type', 'value',
                                   jsonb_build_object('stringValue', 'BSN'))))))))))
  FROM generate_series(1, 100) g;
-- The same content as 100 one-object verwerkingsacties.
INSERT INTO bench.payload
SELECT 'acties', jsonb_agg(jsonb_build_object(
    'actieNaam', 'Opvragen gegevens', 'vertrouwelijkheid', 'normaal', 'tijdstip', '2025-01-01T10:00:00.123Z',
    'verwerkingId', '4bf92f35-77b3-4da6-a3ce-929d0e0e4736', 'systeem', 'bench',
    'verwerkingsactiviteitUrl', 'https://register.example.nl/va/bench',
    'verwerkteObjecten', jsonb_build_array(jsonb_build_object(
        'objecttype', 'persoon', 'soortObjectId', 'BSN', 'objectId', (900000000 + g)::text))))
  FROM generate_series(1, 100) g;
GRANT SELECT ON bench.payload TO bench_app;
SQL
echo 'SELECT verwerkingenlog.log_otlp(p) FROM bench.payload WHERE naam = '"'otlp'"';' >"$out/otlp.sql"
echo 'SELECT count(*) FROM bench.payload, verwerkingenlog.log_verwerkingsacties(p) WHERE naam = '"'acties'"';' >"$out/acties.sql"
cat >"$out/ldv_lezen.sql" <<SQL
\set p random(1, $personen)
SELECT count(*) FROM verwerkingenlog.logregels(data_subject_id => (800000000 + :p)::text);
SQL
cat >"$out/inzage.sql" <<SQL
\set p random(1, $personen)
SELECT count(*) FROM verwerkingenlog.verwerkte_objecten('persoon', 'BSN', (800000000 + :p)::text, '2000-01-01', '2100-01-01');
SQL

# pgb NAME CLIENTS SECONDS: the tps of one pgbench run (appends its latency to NAME.lat).
pgb() {
	local naam=$1 clients=$2 s=$3
	"$BIN/pgbench" -n -M prepared -U bench_app -c "$clients" -j "$clients" -T "$s" -f "$out/$naam.sql" \
		>"$out/$naam.$s.out" 2>&1 || { tail -20 "$out/$naam.$s.out" >&2; exit 1; }
	sed -n 's/^latency average = \([0-9.]*\) ms$/\1/p' "$out/$naam.$s.out" >>"$out/$naam.lat"
	sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$out/$naam.$s.out" >>"$out/$naam.tps"
}
gem() { awk '{ s += $1; n++ } END { printf "%.3f", s / n }' "$1"; }

say "(L1) ingest, 2 clients, ${duration}s per side"
pgb otlp 2 2; pgb acties 2 2; rm -f "$out"/otlp.tps "$out"/acties.tps "$out"/*.lat   # warm-up
pgb otlp 2 "$half"; pgb acties 2 "$half"; pgb acties 2 "$half"; pgb otlp 2 "$half"
otlp=$(awk '{ s += $1 * 100; n++ } END { printf "%.0f", s / n }' "$out/otlp.tps")
acties=$(awk '{ s += $1 * 100; n++ } END { printf "%.0f", s / n }' "$out/acties.tps")

say "loading $spans records through log_otlp ($personen persons, 20 records each)"
sql <<SQL
SET client_min_messages = warning;
DO \$\$
DECLARE
    blok integer;
BEGIN
    FOR blok IN 0 .. ($spans / 1000) - 1 LOOP
        PERFORM verwerkingenlog.log_otlp(jsonb_build_object('resourceSpans', jsonb_build_array(jsonb_build_object(
            'scopeSpans', jsonb_build_array(jsonb_build_object('spans', (
                SELECT jsonb_agg(jsonb_build_object(
                    'traceId', md5(blok::text), 'spanId', lpad(to_hex(blok * 1000 + g), 16, '0'),
                    'name', 'Opvragen gegevens',
                    'startTimeUnixNano', ((1700000000000 + (blok * 1000 + g)::bigint * 60000)::numeric * 1000000)::text,
                    'endTimeUnixNano', ((1700000000000 + (blok * 1000 + g)::bigint * 60000 + 5)::numeric * 1000000)::text,
                    'attributes', jsonb_build_array(
                        jsonb_build_object('key', 'dpl.core.processing_activity_id', 'value',
                                           jsonb_build_object('stringValue', 'https://register.example.nl/va/bench')),
                        jsonb_build_object('key', 'dpl.core.data_subject_id', 'value',
                                           jsonb_build_object('stringValue', (800000001 + (blok * 1000 + g) % $personen)::text)),
                        jsonb_build_object('key', 'dpl.core.data_subject_id_type', 'value',
                                           jsonb_build_object('stringValue', 'BSN')))))
                  FROM generate_series(0, 999) g)))))));
    END LOOP;
END
\$\$;
VACUUM ANALYZE verwerkingenlog.verwerkingsactie_versie, verwerkingenlog.verwerkt_object;
SQL

say "(L2) read by subject, 1 client, ${duration}s per side"
pgb ldv_lezen 1 2; pgb inzage 1 2; rm -f "$out"/*.lat "$out"/ldv_lezen.tps "$out"/inzage.tps   # warm-up
pgb ldv_lezen 1 "$half"; pgb inzage 1 "$half"; pgb inzage 1 "$half"; pgb ldv_lezen 1 "$half"
lezen=$(gem "$out/ldv_lezen.lat")
inzage=$(gem "$out/inzage.lat")
per=$(sql -c "SELECT count(*) FROM verwerkingenlog.verwerkt_object WHERE object_pseudoniem = verwerkingenlog._pseudoniem('BSN', '800000001')")

printf '\n| figure | LDV | baseline | ratio | target | met? |\n|---|---|---|---|---|---|\n'
awk -v a="$otlp" -v b="$acties" 'BEGIN { r = a / b; printf "| (L1) ingest, 100 per call, 2 clients (records/s): log_otlp vs log_verwerkingsacties | %d | %d | %.2f | >= 0.8x | %s |\n", a, b, r, (r >= 0.8 ? "yes" : "no") }'
awk -v a="$lezen" -v b="$inzage" -v n="$per" 'BEGIN { r = a / b; printf "| (L2) read by subject (~%d records), 1 client (mean ms): logregels vs verwerkte_objecten | %.3f | %.3f | %.2f | <= 1.5x | %s |\n", n, a, b, r, (r <= 1.5 ? "yes" : "no") }'

#!/usr/bin/env bash
# test/bench/vernietiging.sh [N] [--verzegel] -- the cost of the retention purge.
#
# Against the cluster in PGHOST etc. (e.g. one kept with ./test/run.sh bench
# --hold 3600, or any PostgreSQL 15 with the extension installed): three
# databases with the same content, N expired actions (one version, two
# objects each) and N that do not expire, then
#   (a) SELECT vernietig_verlopen()                 one transaction
#   (b) CALL vernietig_verlopen_per_batch()         a commit per batch of 1000
#   (c) baseline: two plain tables with the same rows and the indexes a
#       hand-written log would need, DELETE ... USING in one transaction
# each after a CHECKPOINT: seconds, WAL, and for (b) the longest batch (how
# long any lock of the purge is held).  Nothing asserts; default N 200000.
# With --verzegel the log is sealed (verzegel()) before the purge, so that
# (a) and (b) include keeping the destroyed leaves' hashes (issue 12).
set -euo pipefail
n=${1:-200000}
verzegel=${2:-}
psql() { command psql -X -q -v ON_ERROR_STOP=1 -At "$@"; }
nu() { date +%s.%N; }

laad() {
	local db=$1
	psql -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
	psql -d $db -c 'SET client_min_messages = warning' -c 'CREATE EXTENSION verwerkingenlog' \
		-c "ALTER DATABASE $db SET verwerkingenlog.minimale_bewaartermijn = ''"
	psql -d $db >/dev/null <<SQL
DO \$\$
BEGIN
  FOR i IN 0 .. ($n * 2 / 1000) - 1 LOOP
    PERFORM count(*) FROM verwerkingenlog.log_verwerkingsacties((
      SELECT jsonb_agg(jsonb_build_object('actieNaam', 'bench', 'vertrouwelijkheid', 'normaal',
               'tijdstip', '1950-01-01T00:00:00Z', 'bewaartermijn', CASE WHEN g % 2 = 0 THEN 'P1Y' ELSE 'P1000Y' END,
               'verwerkteObjecten', jsonb_build_array(
                  jsonb_build_object('objecttype', 'persoon', 'soortObjectId', 'BSN', 'objectId', (i * 1000 + g)::text),
                  jsonb_build_object('objecttype', 'persoon', 'soortObjectId', 'BSN', 'objectId', (i * 1000 + g + 1)::text))))
        FROM generate_series(1, 1000) g));
    COMMIT;
  END LOOP;
END
\$\$;
VACUUM ANALYZE;
SQL
	if [ "$verzegel" = --verzegel ]; then
		psql -d $db -c 'SET client_min_messages = error' -c 'SELECT verwerkingenlog.verzegel()' -c 'VACUUM ANALYZE' >/dev/null
	fi
}

meet() {
	local db=$1 sql=$2 lsn t0 t1 wal
	psql -d $db -c CHECKPOINT
	lsn=$(psql -d $db -c 'SELECT pg_current_wal_lsn()')
	t0=$(nu)
	psql -d $db -c "$sql" >/dev/null
	t1=$(nu)
	wal=$(psql -d $db -c "SELECT pg_size_pretty(pg_current_wal_lsn() - '$lsn')")
	printf '%-60s %8.2f s  WAL %s\n' "$3" "$(echo "$t1 - $t0" | bc)" "$wal"
}

echo "loading 3 x $((n * 2)) actions ($n expired) ..."
laad vwl_bench_a
laad vwl_bench_b
psql -d postgres -c "DROP DATABASE IF EXISTS vwl_bench_c" -c "CREATE DATABASE vwl_bench_c"
psql -d vwl_bench_c >/dev/null <<SQL
CREATE TABLE versie (actie_id uuid, volgnummer integer, tijdstip timestamptz, bewaartermijn interval,
                     PRIMARY KEY (actie_id, volgnummer));
CREATE TABLE object (object_id uuid PRIMARY KEY, actie_id uuid, volgnummer integer, pseudoniem bytea, versleuteld bytea);
CREATE INDEX ON object (actie_id, volgnummer);
CREATE INDEX ON object (pseudoniem);
SQL
# The baseline's rows: the same shape as the log's, generated directly.
psql -d vwl_bench_c >/dev/null <<SQL
INSERT INTO versie SELECT gen_random_uuid(), 1, '1950-01-01T00:00:00Z',
                          CASE WHEN g % 2 = 0 THEN interval '1 year' ELSE interval '1000 years' END
  FROM generate_series(1, $n * 2) g;
INSERT INTO object SELECT gen_random_uuid(), v.actie_id, 1, sha256(v.actie_id::text::bytea || k::text::bytea),
                          sha256(v.actie_id::text::bytea) || '\\x00000000000000'::bytea
  FROM versie v, generate_series(1, 2) k;
VACUUM ANALYZE;
SQL
meet vwl_bench_a 'SELECT verwerkingenlog.vernietig_verlopen()' "(a) vernietig_verlopen(), one transaction"
meet vwl_bench_b 'CALL verwerkingenlog.vernietig_verlopen_per_batch()' "(b) vernietig_verlopen_per_batch(), commit per batch"
meet vwl_bench_c "BEGIN; DELETE FROM object o USING versie v WHERE o.actie_id = v.actie_id AND v.tijdstip + v.bewaartermijn <= now(); DELETE FROM versie v WHERE v.tijdstip + v.bewaartermijn <= now(); COMMIT" \
	"(c) baseline: plain DELETE ... USING, one transaction"
psql -d vwl_bench_b -c "SELECT 'batches ' || count(*) || ', longest ' || round(max(d) * 1000) || ' ms, median ' || round(percentile_cont(0.5) WITHIN GROUP (ORDER BY d) * 1000) || ' ms'
                          FROM (SELECT extract(epoch FROM geeindigd - lag(geeindigd) OVER (ORDER BY id)) AS d
                                  FROM verwerkingenlog.vernietiging_batch) s"
psql -d vwl_bench_a -c "SELECT 'destroyed (a) ' || totaal FROM verwerkingenlog.vernietiging_journaal"
psql -d vwl_bench_b -c "SELECT 'destroyed (b) ' || sum(totaal) FROM verwerkingenlog.vernietiging_journaal"
for db in vwl_bench_a vwl_bench_b vwl_bench_c; do psql -d postgres -c "DROP DATABASE $db"; done

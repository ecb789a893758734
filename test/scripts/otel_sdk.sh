#!/usr/bin/env bash
# The real OpenTelemetry JavaScript SDK logs into the log: test/otel (versions
# pinned in package-lock.json, installed here with npm ci) makes three spans
# with the dpl.core.* attributes of LDV, its OTLP/HTTP exporter (JSON) sends
# them to a capture server on a loopback port, and exactly those bodies go to
# log_otlp.  Then they are read back through the LDV read function and
# through the citizen's inzage.  Runs against the cluster of test/run.sh.
set -euo pipefail
here=$(cd "$(dirname "$0")/../otel" && pwd)
psql() { command psql -X -q -v ON_ERROR_STOP=1 -At "$@"; }
db=vwl_otel_sdk
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; command psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true' EXIT

command -v node >/dev/null && command -v npm >/dev/null || { echo "node and npm are needed (test/run.sh installs them)"; exit 1; }
# npm ci installs exactly the locked versions into test/otel/node_modules
# (ignored by git), again whenever package-lock.json changed.
stempel="$here/node_modules/.verwerkingenlog-lock"
if [ "$(cat "$stempel" 2>/dev/null)" != "$(sha256sum <"$here/package-lock.json")" ]; then
	(cd "$here" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
	sha256sum <"$here/package-lock.json" >"$stempel"
fi
ids=$(cd "$here" && node spans.js "$tmp/export")
echo "sdk: $ids"
trace=$(node -e 'console.log(JSON.parse(process.argv[1]).kind.traceId)' "$ids")
kind=$(node -e 'console.log(JSON.parse(process.argv[1]).kind.spanId)' "$ids")
ouder=$(node -e 'console.log(JSON.parse(process.argv[1]).ouder.spanId)' "$ids")

psql -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
psql -d $db -c 'SET client_min_messages = warning' -c 'CREATE EXTENSION verwerkingenlog'
psql -d $db <<'SQL'
DO $$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'otel_app') THEN CREATE ROLE otel_app; END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'otel_portaal') THEN CREATE ROLE otel_portaal; END IF;
END $$;
GRANT verwerkingenlog_create_normal TO otel_app;
GRANT verwerkingenlog_read_normal TO otel_portaal;
SQL

# Every request exactly as the exporter sent it.
for f in "$tmp"/export.*; do
	antwoord=$(psql -d $db -v body="$(cat "$f")" <<<"SET ROLE otel_app; SELECT verwerkingenlog.log_otlp(:'body');")
	echo "log_otlp($(basename "$f")): $antwoord"
	[ "$antwoord" = "{}" ] || { echo "the log did not accept every span"; exit 1; }
done

# The LDV read function, by trace: three records with the SDK's ids.
lees=$(psql -d $db -c "SET ROLE otel_portaal" -c "SELECT r->>'spanId', coalesce(r->>'parentSpanId', '-'), r->>'name', r->>'status',
           r->'attributes'->>'dpl.core.data_subject_id', r->'resource'->'attributes'->>'service.name',
           (r->>'endTime')::bigint >= (r->>'startTime')::bigint
      FROM verwerkingenlog.logregels(trace_id => '$trace') r ORDER BY r->>'name'")
echo "$lees"
verwacht="$ouder|-|Beoordelen aanvraag|Unset|999001111|toeslagen-sdk-test|t
$kind|$ouder|Opvragen inkomen|Error|999001111|toeslagen-sdk-test|t"
grep -qxF "$(echo "$verwacht" | sed -n 1p)" <<<"$lees" || { echo "parent span not read back"; exit 1; }
grep -qxF "$(echo "$verwacht" | sed -n 2p)" <<<"$lees" || { echo "child span not read back"; exit 1; }
grep -q '|Opvragen inkomen partner|Ok|999002222|' <<<"$lees" || { echo "partner span not read back"; exit 1; }
[ "$(wc -l <<<"$lees")" = 3 ] || { echo "expected 3 records"; exit 1; }

# By subject (an inzage, logged) and through the citizen's inzage.
n=$(psql -d $db -c "SET ROLE otel_portaal" -c "SELECT count(*) FROM verwerkingenlog.logregels(data_subject_id => '999001111') r WHERE r->>'traceId' = '$trace'")
[ "$n" = 2 ] || { echo "by subject: $n records instead of 2"; exit 1; }
inzage=$(psql -d $db -c "SET ROLE otel_portaal" -c "SELECT d->'verwerkingsactie'->>'actieNaam', d->'verwerkingsactie'->>'verwerkingId'
      FROM verwerkingenlog.verwerkte_objecten('persoon', 'BSN', '999001111', current_date - 1, current_date + 2) d
     WHERE d->'verwerkingsactie'->>'verwerkingsactiviteitUrl' = 'https://register.example.nl/va/toeslagen'
     ORDER BY 1")
echo "inzage: $inzage"
trace_uuid=$(sed -E 's/(.{8})(.{4})(.{4})(.{4})(.{12})/\1-\2-\3-\4-\5/' <<<"$trace")
[ "$inzage" = "Beoordelen aanvraag|$trace_uuid
Opvragen inkomen|$trace_uuid" ] || { echo "the inzage does not show the spans"; exit 1; }
# The inzage of the subject read above was logged too.
gelogd=$(psql -d $db -c "SELECT count(*) FROM verwerkingenlog.verwerkingsacties('persoon', 'BSN', '999001111') d WHERE d->>'verwerkingNaam' = 'Inzage verwerkingen'")
[ "$gelogd" = 2 ] || { echo "inzagen logged: $gelogd instead of 2"; exit 1; }
echo "the OpenTelemetry SDK's spans are in the log, readable as LDV records and in the inzage"

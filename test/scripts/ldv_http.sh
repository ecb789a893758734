#!/usr/bin/env bash
# LDV and OpenTelemetry over HTTP: Debian's nginx with test/deploy/nginx.conf
# in front of a STAND-IN for PostgREST (PostgREST is not installable here),
# which plays PostgREST's documented per-request SQL for a function with one
# unnamed jsonb parameter: BEGIN, set_config of role (here taken from
# "Authorization: Bearer <role>", where PostgREST would verify a JWT) and of
# request.headers, SELECT f($body::jsonb), read response.status and
# response.headers, COMMIT.  Checks POST /v1/traces and
# GET /processing-activities end to end.  Runs against the cluster of
# test/run.sh; loopback only; cleans up.
set -euo pipefail
hier=$(cd "$(dirname "$0")/../deploy" && pwd)
nginx=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$nginx" ] || { echo "nginx is not installed (test/run.sh installs it)"; exit 1; }
db=vwl_ldv_http
werk=$(mktemp -d /tmp/vwl-ldv-http.XXXXXX)
chmod 755 "$werk"
poort=$((20000 + RANDOM % 20000))
upstream=$((poort + 1))
nginx_pid=""; stand_in_pid=""
opruimen() {
	[ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null || true
	[ -n "$stand_in_pid" ] && kill "$stand_in_pid" 2>/dev/null || true
	command psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
	rm -rf "$werk"
}
trap opruimen EXIT
psql() { command psql -X -q -v ON_ERROR_STOP=1 -At "$@"; }

psql -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
psql -d $db <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION verwerkingenlog;
DO $$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'http_app') THEN CREATE ROLE http_app; END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'http_portaal') THEN CREATE ROLE http_portaal; END IF;
END $$;
GRANT verwerkingenlog_create_normal TO http_app;
GRANT verwerkingenlog_read_normal TO http_portaal;
SQL

# The PostgREST stand-in.
cat >"$werk/stand_in.py" <<'PY'
import json, subprocess, sys
from http.server import BaseHTTPRequestHandler, HTTPServer
DB = sys.argv[2]
SQL = r"""
\set ON_ERROR_STOP 1
\o /dev/null
BEGIN;
SELECT set_config('role', :'rol', true);
SELECT set_config('request.headers', :'koppen', true);
SELECT verwerkingenlog_api.%s(:'body'::jsonb) AS body \gset
\o
SELECT coalesce(current_setting('response.status', true), '200') || chr(30) ||
       coalesce(nullif(current_setting('response.headers', true), ''), '[]') || chr(30) || :'body';
COMMIT;
"""
class StandIn(BaseHTTPRequestHandler):
    def do_POST(self):
        fn = self.path.split('?')[0]
        if not fn.startswith('/rpc/') or fn[5:] not in ('otlp_traces', 'processing_activities_list'):
            self.send_error(404); return
        n = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(n).decode()
        auth = self.headers.get('Authorization') or ''
        rol = auth[7:] if auth.startswith('Bearer ') else 'none'
        koppen = json.dumps({k.lower(): v for k, v in self.headers.items()})
        p = subprocess.run(['psql', '-X', '-q', '-At', '-d', DB, '-v', 'rol=' + rol, '-v', 'koppen=' + koppen,
                            '-v', 'body=' + body], input=SQL % fn[5:], capture_output=True, text=True)
        if p.returncode != 0:
            data = json.dumps({'message': p.stderr}).encode(); status = 500; extra = []
        else:
            status, headers, uit = p.stdout.rstrip('\n').split('\x1e', 2)
            status = int(status); data = uit.encode()
            extra = [list(h.items())[0] for h in json.loads(headers)]
        self.send_response(status)
        if not any(k.lower() == 'content-type' for k, _ in extra):
            self.send_header('Content-Type', 'application/json')
        for k, v in extra:
            self.send_header(k, v)
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)
    def log_message(self, *a): pass
HTTPServer(('127.0.0.1', int(sys.argv[1])), StandIn).serve_forever()
PY
python3 "$werk/stand_in.py" "$upstream" "$db" & stand_in_pid=$!

sed -e "s/server 127.0.0.1:3000;/server 127.0.0.1:$upstream;/" \
    -e "s/listen 8080;/listen 127.0.0.1:$poort;/" "$hier/nginx.conf" >"$werk/verwerkingenlog.conf"
cat >"$werk/nginx.conf" <<EOF
daemon off;
pid $werk/nginx.pid;
error_log $werk/error.log warn;
events {}
http {
    access_log off;
    client_body_temp_path $werk/body;
    proxy_temp_path $werk/proxy;
    fastcgi_temp_path $werk/fastcgi;
    uwsgi_temp_path $werk/uwsgi;
    scgi_temp_path $werk/scgi;
    include $werk/verwerkingenlog.conf;
}
EOF
"$nginx" -t -q -c "$werk/nginx.conf" -p "$werk"
"$nginx" -c "$werk/nginx.conf" -p "$werk" & nginx_pid=$!
u="http://127.0.0.1:$poort"
for _ in $(seq 100); do
	curl -s -o /dev/null "$u/" && curl -s -o /dev/null "http://127.0.0.1:$upstream/" && break
	sleep 0.1
done

fouten=0
# verwacht <what> <substrings of "headers body status", |-separated> <curl args...>
verwacht() {
	local naam=$1 moet=$2; shift 2
	local uit ok=1 deel
	uit=$(curl -s -i -w ' %{http_code}' "$@" | tr -d '\r')
	IFS='|' read -ra delen <<<"$moet"
	for deel in "${delen[@]}"; do
		[[ "$uit" == *"$deel"* ]] || ok=0
	done
	if [ $ok -eq 1 ]; then
		echo "ok    $naam"
	else
		echo "FOUT  $naam"; echo "      kreeg:  $uit"; echo "      moet:   $moet"
		fouten=$((fouten + 1))
	fi
}

span='{"resourceSpans": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "http-test"}}]},
  "scopeSpans": [{"spans": [{"traceId": "7b8efff798038103d269b633813fc60c", "spanId": "aee19b7ec3c1b174",
  "name": "Opvragen", "startTimeUnixNano": "1735725600123000000", "endTimeUnixNano": "1735725600124000000",
  "attributes": [{"key": "dpl.core.processing_activity_id", "value": {"stringValue": "https://register.example.nl/va/http"}},
                 {"key": "dpl.core.data_subject_id", "value": {"stringValue": "999003333"}},
                 {"key": "dpl.core.data_subject_id_type", "value": {"stringValue": "BSN"}}]}]}]}]}'
verwacht "POST /v1/traces: 200 {}" 'Content-Type: application/json|{}| 200' \
	-X POST -H 'Authorization: Bearer http_app' -H 'Content-Type: application/json' -d "$span" "$u/v1/traces"
verwacht "POST /v1/traces with a bad span: 200 partialSuccess" '"rejectedSpans": 1| 200' \
	-X POST -H 'Authorization: Bearer http_app' -H 'Content-Type: application/json' \
	-d '{"resourceSpans": [{"scopeSpans": [{"spans": [{"traceId": "x"}]}]}]}' "$u/v1/traces"
verwacht "POST /v1/traces not an export: 400 Status" '"code": 3| 400' \
	-X POST -H 'Authorization: Bearer http_app' -H 'Content-Type: application/json' -d '[]' "$u/v1/traces"
verwacht "POST /v1/traces without create:normal: 403 Status" '"code": 7| 403' \
	-X POST -H 'Authorization: Bearer http_portaal' -H 'Content-Type: application/json' -d "$span" "$u/v1/traces"
verwacht "POST /v1/traces as protobuf: 415" 'Collector| 415' \
	-X POST -H 'Content-Type: application/x-protobuf' --data-binary 'x' "$u/v1/traces"
verwacht "GET /v1/traces: 405" 'Allow: POST| 405' "$u/v1/traces"

verwacht "GET /processing-activities by trace: 1.0 array, API-Version" \
	'API-Version: 1.0.0|[{"name": "Opvragen"|"spanId": "aee19b7ec3c1b174"| 200' \
	-H 'Authorization: Bearer http_portaal' "$u/processing-activities?traceId=7b8efff798038103d269b633813fc60c"
verwacht "GET /processing-activities by subject, apiVersion=1.1: the 1.1 shape" \
	'API-Version: 1.1.0|{"processingActivities": [{|"dpl.core.data_subject_id": "999003333"| 200' \
	-H 'Authorization: Bearer http_portaal' \
	"$u/processing-activities?dpl.core.data_subject_id=999003333&startTime=1735725600000&endTime=1735725600200&apiVersion=1.1"
verwacht "GET /processing-activities by activity (percent-encoded URI)" '"traceId": "7b8efff798038103d269b633813fc60c"| 200' \
	-H 'Authorization: Bearer http_portaal' \
	"$u/processing-activities?dpl.core.processingActivityId=https%3A%2F%2Fregister.example.nl%2Fva%2Fhttp"
verwacht "GET /processing-activities without trace, activity or subject: 400 LDV problem" \
	'Content-Type: application/problem+json|API-Version: 1.0.0|"errors": {"in": "query", "detail": "at least one of traceId| 400' \
	-H 'Authorization: Bearer http_portaal' "$u/processing-activities?startTime=1"
verwacht "GET /processing-activities with a bad traceId: 400" '"in": "query"|traceId: must be 32 hexadecimal digits| 400' \
	-H 'Authorization: Bearer http_portaal' "$u/processing-activities?traceId=abc"
verwacht "GET /processing-activities with a quote in the query: 400" 'percent-encoded| 400' \
	-H 'Authorization: Bearer http_portaal' "$u/processing-activities?traceId=%22&x=\""
verwacht "GET /processing-activities without a read scope: 403" '"status": 403| 403' \
	-H 'Authorization: Bearer http_app' "$u/processing-activities?traceId=7b8efff798038103d269b633813fc60c"
verwacht "POST /processing-activities: 405" 'Allow: GET| 405' -X POST -d '{}' "$u/processing-activities"

# The read by subject was an inzage, logged with the caller's OIN header too.
curl -s -o /dev/null -H 'Authorization: Bearer http_portaal' -H 'OIN: 00000001234567890000' \
	"$u/processing-activities?dpl.core.data_subject_id=999003333"
gelogd=$(psql -d $db -c "SELECT count(*) FILTER (WHERE d->>'afnemerId' = '00000001234567890000'), count(*)
  FROM verwerkingenlog.verwerkingsacties('persoon', 'BSN', '999003333') d WHERE d->>'verwerkingNaam' = 'Inzage verwerkingen'")
echo "inzagen logged (with OIN, all): $gelogd"
[ "$gelogd" = "1|2" ] || { echo "FOUT  the reads by subject were not logged as inzagen"; fouten=$((fouten + 1)); }

[ $fouten -eq 0 ] || { echo "ldv_http: $fouten failed"; exit 1; }
echo "ldv_http: POST /v1/traces and GET /processing-activities work through nginx"

#!/usr/bin/env bash
# LDV and OpenTelemetry over HTTP: Debian's nginx with test/deploy/nginx.conf
# in front of test/deploy/postgrest_standin.py (the STAND-IN for PostgREST,
# which is not installable here, that plays PostgREST's per-request SQL),
# end to end: POST /v1/traces and GET /processing-activities.  Runs against
# the cluster of test/run.sh; loopback only; nginx as an unprivileged user
# (nobody when root); cleans up.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
nginx=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$nginx" ] || { echo "nginx is not installed (test/run.sh installs it)"; exit 1; }
db=vwl_ldv_http_$$
werk=$(mktemp -d /tmp/vwl-ldv-http.XXXXXX)
chmod 755 "$werk"
nginx_pid=""; standin_pid=""
opruimen() {
	local rc=$?
	set +e
	[ -s "$werk/nginx.pid" ] && kill -QUIT "$(cat "$werk/nginx.pid")" 2>/dev/null
	[ -n "$nginx_pid" ] && wait "$nginx_pid" 2>/dev/null
	[ -n "$standin_pid" ] && kill "$standin_pid" 2>/dev/null && wait "$standin_pid" 2>/dev/null
	if [ $rc -ne 0 ] && [ -s "$werk/error.log" ]; then echo "nginx error log:"; tail -20 "$werk/error.log"; fi
	if [ $rc -ne 0 ] && [ -s "$werk/standin.log" ]; then echo "stand-in log:"; tail -20 "$werk/standin.log"; fi
	command psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1
	rm -rf "$werk"
	exit $rc
}
trap opruimen EXIT
psql() { command psql -X -q -v ON_ERROR_STOP=1 -At "$@"; }
vrije_poort() { /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
poort=$(vrije_poort)
upstream=$(vrije_poort)

# The database with the deployment's roles (test/deploy/roles.sql):
# basisregistratie may only log, burgerportaal only read what is normaal.
psql -d postgres -c "CREATE DATABASE $db"
psql -d $db >/dev/null <<SQL
SET client_min_messages = warning;
CREATE EXTENSION verwerkingenlog;
\i $top/test/deploy/roles.sql
SQL

PGDATABASE=$db PGUSER=authenticator /usr/bin/python3 "$top/test/deploy/postgrest_standin.py" "$upstream" \
	>"$werk/standin.log" 2>&1 & standin_pid=$!

sed -e "s/server 127.0.0.1:3000;/server 127.0.0.1:$upstream;/" \
    -e "s/listen 8080;/listen 127.0.0.1:$poort;/" "$top/test/deploy/nginx.conf" >"$werk/verwerkingenlog.conf"
gebruiker=()
if [ "$(id -u)" -eq 0 ]; then
	chown nobody "$werk"
	gebruiker=(runuser -u nobody --)
fi
cat >"$werk/nginx.conf" <<CONF
daemon off;
master_process on;
worker_processes 1;
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
CONF
"${gebruiker[@]}" "$nginx" -t -q -c "$werk/nginx.conf" -p "$werk" -e "$werk/error.log"
"${gebruiker[@]}" "$nginx" -c "$werk/nginx.conf" -p "$werk" -e "$werk/error.log" & nginx_pid=$!
u="http://127.0.0.1:$poort"
for _ in $(seq 100); do
	/usr/bin/python3 -c "import socket, sys; [socket.create_connection(('127.0.0.1', p), 0.2).close() for p in (int(sys.argv[1]), int(sys.argv[2]))]" \
		"$poort" "$upstream" 2>/dev/null && break
	sleep 0.1
done

# An unsigned JWT with a role claim: the stand-in decodes it, it does not verify.
jwt() { printf 'e30.%s.x' "$(printf '{"role":"%s"}' "$1" | base64 -w0 | tr '+/' '-_' | tr -d '=')"; }
app="Authorization: Bearer $(jwt basisregistratie)"
portaal="Authorization: Bearer $(jwt burgerportaal)"

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
	-X POST -H "$app" -H 'Content-Type: application/json' -d "$span" "$u/v1/traces"
verwacht "POST /v1/traces with a bad span: 200 partialSuccess" '"rejectedSpans": 1| 200' \
	-X POST -H "$app" -H 'Content-Type: application/json' \
	-d '{"resourceSpans": [{"scopeSpans": [{"spans": [{"traceId": "x"}]}]}]}' "$u/v1/traces"
verwacht "POST /v1/traces not an export: 400 Status" '"code": 3| 400' \
	-X POST -H "$app" -H 'Content-Type: application/json' -d '[]' "$u/v1/traces"
verwacht "POST /v1/traces without create:normal: 403 Status" '"code": 7| 403' \
	-X POST -H "$portaal" -H 'Content-Type: application/json' -d "$span" "$u/v1/traces"
verwacht "POST /v1/traces as protobuf: 415" 'Collector| 415' \
	-X POST -H 'Content-Type: application/x-protobuf' --data-binary 'x' "$u/v1/traces"
verwacht "GET /v1/traces: 405" 'Allow: POST, OPTIONS| 405' "$u/v1/traces"

verwacht "GET /processing-activities by trace: 1.0 array, API-Version" \
	'API-Version: 1.0.0|[{"name": "Opvragen"|"spanId": "aee19b7ec3c1b174"| 200' \
	-H "$portaal" "$u/processing-activities?traceId=7b8efff798038103d269b633813fc60c"
verwacht "GET /processing-activities by subject, apiVersion=1.1: the 1.1 shape" \
	'API-Version: 1.1.0|{"processingActivities": [{|"dpl.core.data_subject_id": "999003333"| 200' \
	-H "$portaal" \
	"$u/processing-activities?dpl.core.data_subject_id=999003333&startTime=1735725600000&endTime=1735725600200&apiVersion=1.1"
verwacht "GET /processing-activities by activity (percent-encoded URI)" '"traceId": "7b8efff798038103d269b633813fc60c"| 200' \
	-H "$portaal" \
	"$u/processing-activities?dpl.core.processingActivityId=https%3A%2F%2Fregister.example.nl%2Fva%2Fhttp"
verwacht "GET /processing-activities without trace, activity or subject: 400 LDV problem" \
	'Content-Type: application/problem+json|API-Version: 1.0.0|"errors": {"in": "query", "detail": "traceId: at least one of traceId| 400' \
	-H "$portaal" "$u/processing-activities?startTime=1"
verwacht "GET /processing-activities with a bad traceId: 400" '"in": "query"|traceId: must be 32 hexadecimal digits| 400' \
	-H "$portaal" "$u/processing-activities?traceId=abc"
verwacht "GET /processing-activities with an unknown parameter: 400" 'x: is not a parameter| 400' \
	-H "$portaal" "$u/processing-activities?traceId=7b8efff798038103d269b633813fc60c&x=1"
verwacht "GET /processing-activities without a read scope: 403" '"status": 403| 403' \
	-H "$app" "$u/processing-activities?traceId=7b8efff798038103d269b633813fc60c"
verwacht "POST /processing-activities: 405 with API-Version" 'Allow: GET|API-Version: 1.0.0| 405' -X POST -d '{}' "$u/processing-activities"

# The read by subject was an inzage, logged with the caller's OIN header too.
curl -s -o /dev/null -H "$portaal" -H 'OIN: 00000001234567890000' \
	"$u/processing-activities?dpl.core.data_subject_id=999003333"
gelogd=$(psql -d $db -c "SELECT count(*) FILTER (WHERE d->>'afnemerId' = '00000001234567890000'), count(*)
  FROM verwerkingenlog.verwerkingsacties('persoon', 'BSN', '999003333') d WHERE d->>'verwerkingNaam' = 'Inzage verwerkingen'")
echo "inzagen logged (with OIN, all): $gelogd"
[ "$gelogd" = "1|2" ] || { echo "FOUT  the reads by subject were not logged as inzagen"; fouten=$((fouten + 1)); }

[ $fouten -eq 0 ] || { echo "ldv_http: $fouten failed"; exit 1; }
echo "ldv_http: POST /v1/traces and GET /processing-activities work through nginx"

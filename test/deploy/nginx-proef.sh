#!/usr/bin/env bash
# test/deploy/nginx-proef.sh -- checks what nginx.conf sends to PostgREST.
#
# Starts nginx with nginx.conf (ports moved to free ones) in front of a fake
# PostgREST that answers every request with what it received (method, path
# with query string, Content-Type, body, the headers that matter, among them
# Verwerkingenlog-Query and Verwerkingenlog-Id), sends the standard's
# requests and compares with what PostgREST must get.  Needs nginx, curl and
# python3; touches nothing outside a temporary folder.  (The end-to-end test
# through nginx and the SQL is test/scripts/http_nginx.sh.)
#
#   test/deploy/nginx-proef.sh        exit 0 when every request maps as documented
set -euo pipefail

hier=$(cd "$(dirname "$0")" && pwd)
command -v nginx >/dev/null || { echo "nginx is not installed (apt-get install nginx)" >&2; exit 2; }
werk=$(mktemp -d /tmp/vwl-nginx.XXXXXX)
poort=$((20000 + RANDOM % 20000))
upstream=$((poort + 1))
nginx_pid=""; echo_pid=""
opruimen() {
	[ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null || true
	[ -n "$echo_pid" ] && kill "$echo_pid" 2>/dev/null || true
	rm -rf "$werk"
}
trap opruimen EXIT

# The fake PostgREST.
cat >"$werk/echo.py" <<'PY'
import json, sys
from http.server import BaseHTTPRequestHandler, HTTPServer
class Echo(BaseHTTPRequestHandler):
    def antwoord(self):
        n = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(n).decode() if n else ''
        out = {'method': self.command, 'path': self.path,
               'content-type': self.headers.get('Content-Type'), 'body': body,
               'prefer': self.headers.get('Prefer'), 'accept': self.headers.get('Accept'),
               'authorization': self.headers.get('Authorization'), 'oin': self.headers.get('OIN'),
               'query': self.headers.get('Verwerkingenlog-Query'), 'id': self.headers.get('Verwerkingenlog-Id')}
        data = json.dumps(out, sort_keys=True).encode()
        self.send_response(200)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)
    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = antwoord
    def log_message(self, *a): pass
HTTPServer(('127.0.0.1', int(sys.argv[1])), Echo).serve_forever()
PY
python3 "$werk/echo.py" "$upstream" & echo_pid=$!
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$upstream/" && break; sleep 0.1; done

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
nginx -t -q -c "$werk/nginx.conf" -p "$werk"
nginx -c "$werk/nginx.conf" -p "$werk" & nginx_pid=$!
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$poort/" && break; sleep 0.1; done

fouten=0
# verzoek <what> <expected: status + JSON fields as jq-free substring checks> <curl args...>
verwacht() {
	local naam=$1 moet=$2; shift 2
	local uit
	uit=$(curl -s -w ' %{http_code}' "$@")
	local ok=1 deel
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
u="http://127.0.0.1:$poort"
id=0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b

verwacht "GET list: GET without query string, the query string in a header" \
	'"method": "GET"|"path": "/rpc/verwerkingsactie_list"|"query": "objecttype=persoon&soortObjectId=BSN&objectId=1&vertrouwelijkheid=normaal&vertrouwelijkheid=vertrouwelijk"| 200' \
	"$u/verwerkingsacties?objecttype=persoon&soortObjectId=BSN&objectId=1&vertrouwelijkheid=normaal&vertrouwelijkheid=vertrouwelijk"
verwacht "the same under /api/v1" '"path": "/rpc/verwerkingsactie_list"| 200' "$u/api/v1/verwerkingsacties?objectId=1"
verwacht "HEAD list: GET upstream" '200' -I "$u/verwerkingsacties?objectId=1"
verwacht "POST create: body as is, JSON, no query string" \
	'"method": "POST"|"path": "/rpc/verwerkingsactie_create"|"content-type": "application/json"|"body": "{\"actieNaam\": \"x\"}"|"prefer": null|"query": null' \
	-X POST -H 'Content-Type: text/plain' -H 'Prefer: params=single-object' -d '{"actieNaam": "x"}' "$u/verwerkingsacties?select=x"
verwacht "PATCH: POST, body untouched, verwerkingId in the query header" \
	'"method": "POST"|"path": "/rpc/verwerkingsactie_list_patch"|"body": "{\"bewaartermijn\": \"P1Y\"}"|"query": "verwerkingId='"$id"'"' \
	-X PATCH -H 'Content-Type: application/json' -d '{"bewaartermijn": "P1Y"}' "$u/verwerkingsacties?verwerkingId=$id"
verwacht "GET one: GET, the id in a header" \
	"\"method\": \"GET\"|\"path\": \"/rpc/verwerkingsactie_read\"|\"id\": \"$id\"|\"query\": null" \
	"$u/verwerkingsacties/$id?extra=1"
verwacht "PUT: POST, body untouched (a splice stays text), the id in a header" \
	'"method": "POST"|"path": "/rpc/verwerkingsactie_update"|"content-type": "application/json"|"body": "{\"a\": 1}, \"actieId\": \"x\""|"id": "'"$id"'"' \
	-X PUT -d '{"a": 1}, "actieId": "x"' "$u/verwerkingsacties/$id"
verwacht "PUT: a client's own Verwerkingenlog-Id is replaced" '"id": "'"$id"'"' \
	-X PUT -H 'Verwerkingenlog-Id: anders' -d '{}' "$u/verwerkingsacties/$id"
verwacht "DELETE: POST {} with the id in a header" \
	'"method": "POST"|"path": "/rpc/verwerkingsactie_delete"|"body": "{}"|"id": "'"$id"'"' \
	-X DELETE "$u/verwerkingsacties/$id"
verwacht "GET verwerkte-objecten: POST {}, query string in a header, headers along" \
	'"method": "POST"|"path": "/rpc/verwerkte_objecten_list"|"content-type": "application/json"|"body": "{}"|"query": "objecttype=persoon&soortObjectId=BSN&objectId=1&beginDatum=2024-01-01&eindDatum=2025-01-01"|"authorization": "Bearer t"|"oin": "00000001234567890000"|"accept": "application/json"' \
	-H 'Authorization: Bearer t' -H 'OIN: 00000001234567890000' -H 'Accept: application/problem+json' \
	"$u/verwerkte-objecten?objecttype=persoon&soortObjectId=BSN&objectId=1&beginDatum=2024-01-01&eindDatum=2025-01-01"
verwacht "GET verwerkt object: POST {}, the id in a header" \
	"\"method\": \"POST\"|\"path\": \"/rpc/verwerktobject_read\"|\"body\": \"{}\"|\"id\": \"$id\"" \
	"$u/api/v1/verwerkte-objecten/$id"
verwacht "POST to verwerkte-objecten: 405 problem" \
	'"code":"method_not_allowed"| 405' -X POST -d 'x' "$u/verwerkte-objecten"
verwacht "PUT to the list: 405 problem" '"status":405| 405' -X PUT -d '{}' "$u/verwerkingsacties"
verwacht "DELETE a verwerkt object: 405" ' 405' -X DELETE "$u/verwerkte-objecten/$id"
verwacht "OPTIONS: 204 with Allow" 'Allow: GET, HEAD, POST, PATCH, OPTIONS| 204' -i -X OPTIONS "$u/verwerkingsacties"
verwacht "/rpc is not reachable: 404 problem" '"code":"not_found"| 404' "$u/rpc/verwerkingsactie_list"
verwacht "a path id with other characters: 404" ' 404' "$u/verwerkingsacties/%22x"
verwacht "the internal locations are not reachable: 404 problem" '"code":"not_found"| 404' "$u/_vwl/verwerkingsactie_read"
verwacht "405 carries Allow" 'Allow: GET, HEAD, POST, PATCH, OPTIONS' -i -X PUT -d '{}' "$u/verwerkingsacties"
verwacht "nginx's own answers are application/problem+json with API-version" 'Content-Type: application/problem+json|API-version: 0.9.0' -i "$u/onbekend"
{ printf '{"a": "'; head -c 16000000 /dev/zero | tr '\0' x; printf 'EINDE"}'; } >"$werk/groot.json"
verwacht "a PUT body of almost 16 MB passes whole" 'xxxxxEINDE\"}"| 200' -X PUT --data-binary @"$werk/groot.json" "$u/verwerkingsacties/$id"
verwacht "a body over 16 MB: 413 problem" '"code":"too_large"| 413' -X POST --data-binary @<(head -c 17000000 /dev/zero | tr '\0' 'x') "$u/verwerkingsacties"

kill "$echo_pid"; wait "$echo_pid" 2>/dev/null || true; echo_pid=""
verwacht "PostgREST down: 503 problem" '"code":"unavailable"| 503' "$u/verwerkingsacties/$id"

if [ -s "$werk/error.log" ] && grep -v 'connect() failed\|too large body' "$werk/error.log" | grep -q .; then
	echo "nginx error log:"; cat "$werk/error.log"
fi
echo
[ $fouten -eq 0 ] && echo "nginx-proef: every request maps as documented" || echo "nginx-proef: $fouten failed"
[ $fouten -eq 0 ]

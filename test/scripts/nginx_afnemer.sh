#!/usr/bin/env bash
# The nginx routes of the consumer's verwerking (B8157; test/deploy/nginx.conf):
# GET and PATCH /verwerkingsacties/afnemer/{verwerkingIdAfnemer} reach
# PostgREST as GET /rpc/verwerkingsactie_afnemer_list and POST
# /rpc/verwerkingsactie_afnemer_patch with the id and the body wrapped.
# Debian's nginx in front of a stand-in for PostgREST that answers with what
# it received; loopback only, everything in a temporary folder.
set -euo pipefail
hier=$(cd "$(dirname "$0")/../deploy" && pwd)
command -v nginx >/dev/null || { echo "nginx is not installed"; exit 1; }
werk=$(mktemp -d /tmp/vwl-afnemer.XXXXXX)
poort=$((20000 + RANDOM % 20000))
upstream=$((poort + 1))
nginx_pid=""; echo_pid=""
opruimen() {
	[ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null || true
	[ -n "$echo_pid" ] && kill "$echo_pid" 2>/dev/null || true
	wait 2>/dev/null || true
	rm -rf "$werk"
}
trap opruimen EXIT
cat >"$werk/echo.py" <<'PY'
import json, sys
from http.server import BaseHTTPRequestHandler, HTTPServer
class Echo(BaseHTTPRequestHandler):
    def antwoord(self):
        n = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(n).decode() if n else ''
        data = json.dumps({'method': self.command, 'path': self.path, 'body': body,
                           'content-type': self.headers.get('Content-Type')}, sort_keys=True).encode()
        self.send_response(200)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)
    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = antwoord
    def log_message(self, *a): pass
HTTPServer(('127.0.0.1', int(sys.argv[1])), Echo).serve_forever()
PY
python3 "$werk/echo.py" "$upstream" & echo_pid=$!
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$upstream/" && break; sleep 0.1; done
sed -e "s/server 127.0.0.1:3000;/server 127.0.0.1:$upstream;/" \
    -e "s/listen 8080;/listen 127.0.0.1:$poort;/" "$hier/nginx.conf" >"$werk/verwerkingenlog.conf"
cat >"$werk/nginx.conf" <<CONF
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
CONF
nginx -t -q -c "$werk/nginx.conf" -p "$werk"
nginx -c "$werk/nginx.conf" -p "$werk" & nginx_pid=$!
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$poort/" && break; sleep 0.1; done

fouten=0
verwacht() {
	local naam=$1 moet=$2; shift 2
	local uit ok=1 deel
	uit=$(curl -s -w ' %{http_code}' "$@")
	IFS='|' read -ra delen <<<"$moet"
	for deel in "${delen[@]}"; do [[ "$uit" == *"$deel"* ]] || ok=0; done
	if [ $ok -eq 1 ]; then echo "ok    $naam"; else
		echo "FOUT  $naam"; echo "      kreeg:  $uit"; echo "      moet:   $moet"; fouten=$((fouten + 1)); fi
}
u="http://127.0.0.1:$poort"
id=0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b
verwacht "GET: GET with verwerkingIdAfnemer" \
	"\"method\": \"GET\"|\"path\": \"/rpc/verwerkingsactie_afnemer_list?verwerkingIdAfnemer=$id\"| 200" \
	"$u/verwerkingsacties/afnemer/$id"
verwacht "GET: page goes along, nothing else" \
	"\"path\": \"/rpc/verwerkingsactie_afnemer_list?verwerkingIdAfnemer=$id&page=2\"" \
	"$u/verwerkingsacties/afnemer/$id?page=2&verwerkingIdAfnemer=x&select=*"
verwacht "GET: a page that is not a number is dropped" \
	"\"path\": \"/rpc/verwerkingsactie_afnemer_list?verwerkingIdAfnemer=$id\"" \
	"$u/verwerkingsacties/afnemer/$id?page=%22"
verwacht "PATCH: POST with the id and the body wrapped" \
	'"method": "POST"|"path": "/rpc/verwerkingsactie_afnemer_patch"|"content-type": "application/json"|"body": "{\"verwerkingIdAfnemer\": \"'"$id"'\", \"body\": {\"bewaartermijn\": \"P1Y\"}}"' \
	-X PATCH -H 'Content-Type: text/plain' -d '{"bewaartermijn": "P1Y"}' "$u/verwerkingsacties/afnemer/$id"
verwacht "PATCH without body: null" \
	'"body": "{\"verwerkingIdAfnemer\": \"'"$id"'\", \"body\": null}"' \
	-X PATCH "$u/verwerkingsacties/afnemer/$id"
verwacht "PUT: 405 with Allow" \
	'"status":405| 405' -X PUT -d '{}' "$u/verwerkingsacties/afnemer/$id"
verwacht "an id that could break the JSON: 404 from nginx" \
	'"status":404| 404' -X PATCH -d '{}' "$u/verwerkingsacties/afnemer/%22%7D"
verwacht "the standard's paths still map: GET one" \
	"\"path\": \"/rpc/verwerkingsactie_read?actieId=$id\"" "$u/verwerkingsacties/$id"
[ "$fouten" -eq 0 ] || { echo "$fouten route(s) wrong"; exit 1; }
echo "the routes of the consumer's verwerking map as documented"

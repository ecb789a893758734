#!/usr/bin/env bash
# test/scripts/http_nginx.sh -- the REST layer over real HTTP: Debian's nginx
# with the shipped test/deploy/nginx.conf on a free loopback port, in front of
# test/deploy/postgrest_standin.py (a STAND-IN for PostgREST that plays its
# per-request SQL), against a database of the cluster run.sh started.  The
# client (http_nginx.py, Python's http.client) drives every operation of both
# OpenAPI files and validates every body against their schemas.
#
# nginx runs as an unprivileged user (nobody when started as root); all its
# files live in a temporary folder that is removed at the end, with the
# database.
set -euo pipefail

hier=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$hier/../.." && pwd)
command -v nginx >/dev/null || { echo "nginx is not installed" >&2; exit 1; }
werk=$(mktemp -d /tmp/vwl-http.XXXXXX)
chmod 755 "$werk"
db=vwl_http_$$
nginx_pid=""; standin_pid=""
opruimen() {
	local rc=$?
	# The master itself (runuser, when root, would only report the signal).
	set +e
	[ -s "$werk/nginx.pid" ] && kill -QUIT "$(cat "$werk/nginx.pid")" 2>/dev/null
	[ -n "$nginx_pid" ] && wait "$nginx_pid" 2>/dev/null
	[ -n "$standin_pid" ] && kill "$standin_pid" 2>/dev/null && wait "$standin_pid" 2>/dev/null
	if [ $rc -ne 0 ] && [ -s "$werk/error.log" ]; then echo "nginx error log:"; tail -20 "$werk/error.log"; fi
	if [ -s "$werk/standin.log" ]; then echo "stand-in log:"; tail -20 "$werk/standin.log"; fi
	psql -X -q -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
	rm -rf "$werk"
	exit $rc
}
trap opruimen EXIT

vrije_poort() { /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
poort=$(vrije_poort)
upstream=$(vrije_poort)

# The database: the extension, the deployment's roles, the settings.
psql -X -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE $db" >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -d "$db" >/dev/null <<-SQL
	SET client_min_messages = warning;
	CREATE EXTENSION verwerkingenlog;
	\i $top/test/deploy/roles.sql
	ALTER DATABASE $db SET verwerkingenlog.base_url = 'http://127.0.0.1:$poort/api/v1';
	ALTER DATABASE $db SET verwerkingenlog.inzage_verwerkingsactiviteit_id = '5f0bef4c-f66f-4311-84a5-19e8bf359eaf';
	ALTER DATABASE $db SET verwerkingenlog.inzage_uitvoerder = '00000001821002193000';
	ALTER DATABASE $db SET verwerkingenlog.inzage_bewaartermijn = 'P1Y';
	ALTER DATABASE $db SET verwerkingenlog.page_size = 3;
SQL

# The stand-in logs in as authenticator, as PostgREST does.
PGDATABASE=$db PGUSER=authenticator /usr/bin/python3 "$top/test/deploy/postgrest_standin.py" "$upstream" \
	>"$werk/standin.log" 2>&1 & standin_pid=$!

# nginx: the shipped configuration, only the ports moved.
sed -e "s/server 127.0.0.1:3000;/server 127.0.0.1:$upstream;/" \
    -e "s/listen 8080;/listen 127.0.0.1:$poort;/" "$top/test/deploy/nginx.conf" >"$werk/verwerkingenlog.conf"
gebruiker=()
if [ "$(id -u)" -eq 0 ]; then
	chown nobody "$werk"
	gebruiker=(runuser -u nobody --)
fi
cat >"$werk/nginx.conf" <<EOF
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
EOF
"${gebruiker[@]}" nginx -t -q -c "$werk/nginx.conf" -p "$werk" -e "$werk/error.log"
"${gebruiker[@]}" nginx -c "$werk/nginx.conf" -p "$werk" -e "$werk/error.log" & nginx_pid=$!

for _ in $(seq 100); do
	/usr/bin/python3 -c "import socket, sys; [socket.create_connection(('127.0.0.1', p), 0.2).close() for p in (int(sys.argv[1]), int(sys.argv[2]))]" \
		"$poort" "$upstream" 2>/dev/null && break
	sleep 0.1
done

PGDATABASE=$db /usr/bin/python3 "$hier/http_nginx.py" "http://127.0.0.1:$poort" "$top/test/deploy/oas"

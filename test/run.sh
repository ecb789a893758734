#!/usr/bin/env bash
# test/run.sh -- the front door.
#
#   test/run.sh check   install what is missing, build, run every test on a throwaway cluster
#   test/run.sh demo    the same cluster, loaded with the standard's quickstart stories
#   test/run.sh bench [args]   the benchmarks (test/bench/run.sh)
#   test/run.sh bench-ldv [args]   the LDV benchmarks (test/bench/ldv.sh)
#   test/run.sh bench-verzegeling [args]   the cost of tamper evidence (test/bench/verzegeling.sh)
#   test/run.sh bench-vernietiging [N] [--verzegel]   the cost of the retention purge (test/bench/vernietiging.sh)
#   test/run.sh shell   a psql prompt on a throwaway cluster with the extension
#   test/run.sh crash [args]   kill -9 the server under load, count acknowledged writes lost (test/crash)
#   test/run.sh fuzz [args]    the libFuzzer harnesses (test/fuzz)
#   test/run.sh pakket  build the Debian package, install it into a fresh Debian 12 root (test/release)
#
# Works on a fresh Debian 12 machine: as root it installs the Debian packages it
# needs and starts PostgreSQL as the unprivileged user "postgres"; as another
# user it uses sudo for the installs.  The cluster lives in a temporary folder
# and is removed on exit.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cmd=${1:-check}
[ $# -gt 0 ] && shift
PGBIN=/usr/lib/postgresql/15/bin
export PG_CONFIG=$PGBIN/pg_config

say() { printf '== %s\n' "$*" >&2; }

as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Debian packages: the server (with its contrib modules and pgbench), its headers
# and PGXS, a compiler and the C library's headers, OpenSSL's headers, libpq's
# headers, clang with its libFuzzer and sanitizer runtimes, Node.js, curl,
# nginx and python3 with the modules of the HTTP tests, Go with its sumdb
# packages.
ensure_packages() {
	local missing=()
	[ -x "$PGBIN/postgres" ] || missing+=(postgresql-15)
	{ [ -f /usr/lib/postgresql/15/lib/pgxs/src/makefiles/pgxs.mk ] && [ -f /usr/include/postgresql/15/server/postgres.h ]; } || missing+=(postgresql-server-dev-15)
	{ command -v gcc && command -v make && [ -f /usr/include/stdio.h ]; } >/dev/null || missing+=(build-essential)
	[ -f /usr/include/openssl/evp.h ] || missing+=(libssl-dev)
	# The OpenTelemetry SDK test (test/scripts/otel_sdk.sh) runs on Node.js;
	# the LDV HTTP test (test/scripts/ldv_http.sh) needs curl too.
	{ command -v node && command -v npm; } >/dev/null || missing+=(nodejs npm)
	command -v curl >/dev/null || missing+=(curl)
	# The HTTP test (test/scripts/http_nginx.sh): Debian's nginx, and for the
	# PostgREST stand-in and the client Debian's python3 with psycopg2, PyYAML
	# and jsonschema (the OpenAPI files are YAML).
	command -v nginx >/dev/null || missing+=(nginx)
	/usr/bin/python3 -c 'import psycopg2' 2>/dev/null || missing+=(python3-psycopg2)
	/usr/bin/python3 -c 'import yaml' 2>/dev/null || missing+=(python3-yaml)
	/usr/bin/python3 -c 'import jsonschema' 2>/dev/null || missing+=(python3-jsonschema)
	# The benchmarks' instruction counts run callgrind.
	if [ "$cmd" = bench ]; then command -v valgrind >/dev/null || missing+=(valgrind); fi
	# The package test (test/release/pakket.sh, also in check as
	# test/scripts/pakket.sh): Debian's packaging tools for PostgreSQL
	# extensions and debootstrap.
	if [ "$cmd" = pakket ] || [ "$cmd" = check ]; then
		command -v dh >/dev/null || missing+=(debhelper)
		command -v pg_buildext >/dev/null || missing+=(postgresql-server-dev-all)
		command -v debootstrap >/dev/null || missing+=(debootstrap)
	fi
	# The interoperability test (test/scripts/c2sp_go.sh): Go and Go's
	# checksum-database packages (sumdb/note, sumdb/tlog), used offline in
	# GOPATH mode; about 81 MB to download, 450 MB installed.
	if [ "$cmd" = check ]; then
		command -v go >/dev/null || missing+=(golang-go)
		[ -f /usr/share/gocode/src/golang.org/x/mod/sumdb/tlog/tlog.go ] || missing+=(golang-golang-x-mod-dev)
	fi
	# The crash test's writers (libpq) and the fuzz harnesses (clang, libFuzzer, ASan).
	[ -f /usr/include/postgresql/libpq-fe.h ] || missing+=(libpq-dev)
	command -v clang >/dev/null || missing+=(clang)
	ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer_no_main-x86_64.a >/dev/null 2>&1 || missing+=(libclang-rt-14-dev)
	if [ ${#missing[@]} -gt 0 ]; then
		say "installing ${missing[*]}"
		as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
		as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			"${missing[@]}" >/dev/null
	fi
}

build() {
	say "building"
	make -C "$top" -s COPT="-Werror" all
}

# A private copy of the PostgreSQL installation with the extension installed
# into it (DESTDIR), as PostgreSQL's own temporary installs do: the server finds
# its lib and share folders relative to its binary, so nothing outside the
# temporary folder is touched and parallel runs from other trees do not clash.
install_private() {
	local inst=$work/inst lib=/usr/lib/postgresql/15 share=/usr/share/postgresql/15
	mkdir -p "$inst$lib" "$inst$share"
	cp -a "$lib/bin" "$inst$lib/"
	cp -rs "$lib/lib" "$inst$lib/"
	cp -rs "$share/." "$inst$share/"
	rm -f "$inst$lib"/lib/verwerkingenlog.so "$inst$share"/extension/verwerkingenlog*
	make -C "$top" -s install DESTDIR="$inst" >/dev/null
	SRVBIN=$inst$lib/bin
}

# A throwaway cluster: data and socket in one temporary folder.
start_cluster() {
	work=$(mktemp -d /tmp/verwerkingenlog.XXXXXX)
	chmod 755 "$work"
	runas=()
	if [ "$(id -u)" -eq 0 ]; then
		id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql postgres
		chown postgres "$work"
		runas=(runuser -u postgres --)
	fi
	trap stop_cluster EXIT
	install_private
	chmod -R a+rX "$work"
	say "starting a throwaway PostgreSQL 15 in $work"
	"${runas[@]}" "$SRVBIN/initdb" -D "$work/data" -A trust -U postgres -E UTF8 \
		--locale=C.UTF-8 --no-sync >"$work/initdb.log" 2>&1 \
		|| { cat "$work/initdb.log"; exit 1; }
	# The pseudonymisation key file (see README, "Keys"): made here so that
	# the tests do not depend on the one-time creation warning.
	hex32() { head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
	printf '1 %s %s\n' "$(hex32)" "$(hex32)" >"$work/data/verwerkingenlog.sleutels"
	chmod 600 "$work/data/verwerkingenlog.sleutels"
	[ ${#runas[@]} -gt 0 ] && chown postgres "$work/data/verwerkingenlog.sleutels"
	cat >>"$work/data/postgresql.conf" <<-CONF
		listen_addresses = ''
		unix_socket_directories = '$work'
		max_connections = 50
		shared_buffers = 256MB
		max_prepared_transactions = 10
		log_min_messages = warning
		${VWL_PGCONF:-}
	CONF
	"${runas[@]}" "$SRVBIN/pg_ctl" -D "$work/data" -l "$work/server.log" -w start >/dev/null
	export PGHOST=$work PGPORT=5432 PGUSER=postgres PGDATABASE=postgres
}

stop_cluster() {
	local rc=$?
	if [ -n "${work:-}" ] && [ -d "$work" ]; then
		"${runas[@]}" "$SRVBIN/pg_ctl" -D "$work/data" -m immediate stop >/dev/null 2>&1 || true
		rm -rf "$work"
	fi
	exit $rc
}

run_check() {
	local failed=0 passed=0 out
	cd "$top"
	rm -rf results output_iso regression.diffs regression.out
	local rc=0
	out=$(make -s installcheck PG_CONFIG="$PG_CONFIG" 2>&1) || rc=$?
	printf '%s\n' "$out"
	passed=$(grep -c '\.\.\. ok' <<<"$out" || true)
	failed=$(grep -c '\.\.\. FAILED' <<<"$out" || true)
	[ "$rc" -ne 0 ] && [ "$failed" -eq 0 ] && failed=1
	for f in regression.diffs output_iso/regression.diffs; do
		[ -s "$f" ] && { say "differences in $f"; head -200 "$f"; }
	done
	# Scripted tests: each test/scripts/*.sh runs against the cluster and exits non-zero on failure.
	for t in "$top"/test/scripts/*.sh; do
		[ -e "$t" ] || continue
		if bash "$t" >"$work/script.out" 2>&1; then
			passed=$((passed + 1)); echo "script $(basename "$t") ... ok"
		else
			failed=$((failed + 1)); echo "script $(basename "$t") ... FAILED"; tail -40 "$work/script.out"
		fi
	done
	echo
	echo "check: $passed passed, $failed failed"
	[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
}

ensure_packages
build
case "$cmd" in
	check)
		start_cluster
		run_check
		;;
	demo)
		start_cluster
		psql -X -q -v ON_ERROR_STOP=1 -f "$top/test/demo.sql"
		;;
	shell)
		start_cluster
		psql -X -c 'CREATE EXTENSION verwerkingenlog' && psql -X
		;;
	bench|bench-ldv)
		# Durable commits as the targets say (fsync and synchronous_commit on);
		# memory and WAL room for a 5-million-action load on this machine.
		VWL_PGCONF=${VWL_PGCONF:-"synchronous_commit = on
fsync = on
shared_buffers = 2GB
max_wal_size = 8GB
checkpoint_timeout = 30min
track_io_timing = on"} start_cluster
		if [ "$cmd" = bench-ldv ]; then
			bash "$top/test/bench/ldv.sh" "$@"
		else
			bash "$top/test/bench/run.sh" "$@"
		fi
		;;
	crash)
		# The crash test runs its own cluster from the private installation.
		start_cluster
		bash "$top/test/crash/crash.sh" "$@"
		;;
	fuzz)
		# Single-user backends and standalone programs; no cluster needed.
		bash "$top/test/fuzz/fuzz.sh" "$@"
		;;
	pakket)
		# The Debian package, built and installed into a fresh Debian 12 root.
		bash "$top/test/release/pakket.sh" "$@"
		;;
	bench-verzegeling)
		# The cost of tamper evidence (issue 12), durable commits as in bench.
		VWL_PGCONF=${VWL_PGCONF:-"synchronous_commit = on
fsync = on
shared_buffers = 1GB
max_wal_size = 4GB"} start_cluster
		bash "$top/test/bench/verzegeling.sh" "$@"
		;;
	bench-vernietiging)
		# The cost of the retention purge, durable commits as in bench.
		VWL_PGCONF=${VWL_PGCONF:-"synchronous_commit = on
fsync = on
shared_buffers = 1GB
max_wal_size = 4GB"} start_cluster
		bash "$top/test/bench/vernietiging.sh" "$@"
		;;
	*)
		echo "usage: $0 check|demo|bench|bench-ldv|bench-verzegeling|bench-vernietiging|shell|crash|fuzz|pakket" >&2
		exit 2
		;;
esac

#!/usr/bin/env bash
# test/release/pakket.sh -- ./test/run.sh pakket
#
# Builds the Debian package postgresql-15-verwerkingenlog from this tree
# (dpkg-buildpackage, debian/), makes a fresh Debian 12 root with debootstrap
# from the mirror apt uses here, installs only postgresql-15 into it from that
# mirror, then the package with dpkg -i (so it needs nothing beyond what
# postgresql-15 brings), and as the user postgres in that root runs CREATE
# EXTENSION and the demo (test/demo.sql) against the packaged files.
# Needs root (debootstrap, chroot); test/run.sh installs debhelper,
# postgresql-server-dev-all and debootstrap for this command.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
say() { printf '== %s\n' "$*" >&2; }
[ "$(id -u)" -eq 0 ] || { echo "pakket: debootstrap and chroot need root" >&2; exit 2; }
t0=$SECONDS
versie=$(sed -n "s/^default_version[[:space:]]*=[[:space:]]*'\([^']*\)'.*/\1/p" "$top/verwerkingenlog.control")
deb_versie=$(dpkg-parsechangelog -l "$top/debian/changelog" -S Version)
[ "$deb_versie" = "$versie" ] || { echo "FAILED: debian/changelog is at $deb_versie, the control file at $versie"; exit 1; }

tmp=$(mktemp -d /tmp/vwl_pakket.XXXXXX)
root=$tmp/root
opruimen() {
	local rc=$?
	if [ -x "$root/usr/lib/postgresql/15/bin/pg_ctl" ] && [ -d "$root/tmp/pgdata" ]; then
		chroot "$root" runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D /tmp/pgdata -m immediate stop >/dev/null 2>&1 || true
	fi
	local m
	for m in $(findmnt -rn -o TARGET | grep "^$root/" | sort -r); do umount -l "$m" || true; done
	if findmnt -rn -o TARGET | grep -q "^$root/"; then
		echo "pakket: mounts left under $root, not removing $tmp" >&2
	else
		rm -rf "$tmp"
	fi
	exit $rc
}
trap opruimen EXIT

# 1. The package, built from a copy of the tree (tracked and new files, as
# `git archive` would take them, without build products).
say "building the package (version $versie)"
bron=$tmp/verwerkingenlog-$versie
mkdir -p "$bron"
(cd "$top" && git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$bron" 2>/dev/null || true)
(cd "$bron" && dpkg-buildpackage -us -uc -b >"$tmp/bouw.log" 2>&1) || { tail -40 "$tmp/bouw.log"; exit 1; }
deb=$(ls "$tmp"/postgresql-15-verwerkingenlog_"$versie"_*.deb)
say "built $(basename "$deb") ($(du -k "$deb" | cut -f1) kB, $((SECONDS - t0)) s)"
dpkg-deb -c "$deb" | awk '{print "  " $6}' | grep -v '/$'

# 2. A fresh Debian 12 root from the mirror apt uses on this machine.
mirror=$({ cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null || true; } \
	| awk '/security/ { next }
		$1 == "URIs:" { print $2; exit }
		$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }')
[ -n "$mirror" ] || { echo "FAILED: no Debian mirror in /etc/apt/sources.list*"; exit 1; }
t1=$SECONDS
say "debootstrap bookworm from $mirror"
if ! debootstrap --variant=minbase bookworm "$root" "$mirror" >"$tmp/debootstrap.log" 2>&1; then
	tail -30 "$tmp/debootstrap.log"
	# In check (test/scripts/pakket.sh) a machine that cannot make a Debian
	# root (no mirror, no chroot) skips the install part, saying so; the
	# package was built above.  Alone, it fails.
	if [ -n "${VWL_PAKKET_OVERSLAAN_ZONDER_ROOT:-}" ]; then
		echo "skipped: debootstrap could not make a Debian 12 root on this machine; the package was built, not installed"
		exit 0
	fi
	exit 1
fi
say "debootstrap: $((SECONDS - t1)) s"
# apt in the root: the same sources and mirror settings as here; services
# are not started (policy-rc.d) and no main cluster is made.
cp /etc/apt/sources.list.d/*.sources "$root/etc/apt/sources.list.d/" 2>/dev/null || true
[ -s /etc/apt/sources.list ] && cp /etc/apt/sources.list "$root/etc/apt/"
cp /etc/apt/apt.conf.d/99artifact-registry "$root/etc/apt/apt.conf.d/" 2>/dev/null || true
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod +x "$root/usr/sbin/policy-rc.d"
mkdir -p "$root/etc/postgresql-common/createcluster.d"
echo 'create_main_cluster = false' >"$root/etc/postgresql-common/createcluster.d/geen-main.conf"
mount -t proc proc "$root/proc"
t1=$SECONDS
say "installing postgresql-15 from the mirror"
chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >"$tmp/apt.log" 2>&1 || { cat "$tmp/apt.log"; exit 1; }
chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql-15 >>"$tmp/apt.log" 2>&1 \
	|| { tail -30 "$tmp/apt.log"; exit 1; }
say "postgresql-15 $(chroot "$root" dpkg-query -W -f '${Version}' postgresql-15): $((SECONDS - t1)) s"

# 3. The package, with nothing else: dpkg -i fails on a missing dependency.
cp "$deb" "$root/tmp/"
chroot "$root" dpkg -i "/tmp/$(basename "$deb")" >"$tmp/dpkg.log" 2>&1 || { cat "$tmp/dpkg.log"; exit 1; }
chroot "$root" dpkg -s postgresql-15-verwerkingenlog | grep -E '^(Status|Version|Depends):' | sed 's/^/  /'

# 4. CREATE EXTENSION and the demo, as postgres, against the packaged files.
# The demo includes deploy/roles.sql relative to itself.
mkdir -p "$root/tmp/deploy"
cp "$top/test/demo.sql" "$root/tmp/demo.sql"
cp "$top/test/deploy/roles.sql" "$root/tmp/deploy/roles.sql"
chmod 644 "$root/tmp/demo.sql" "$root/tmp/deploy/roles.sql"
alspg() { chroot "$root" runuser -u postgres -- "$@"; }
alspg /usr/lib/postgresql/15/bin/initdb -D /tmp/pgdata -U postgres -E UTF8 --locale=C.UTF-8 -A trust >"$tmp/initdb.log" 2>&1 \
	|| { cat "$tmp/initdb.log"; exit 1; }
printf "listen_addresses = ''\nunix_socket_directories = '/tmp'\n" >>"$root/tmp/pgdata/postgresql.conf"
alspg /usr/lib/postgresql/15/bin/pg_ctl -D /tmp/pgdata -l /tmp/pgdata/server.log -w start >/dev/null
psqlpg() { alspg /usr/bin/psql -X -h /tmp -v ON_ERROR_STOP=1 "$@"; }
psqlpg -q -d postgres -c 'CREATE DATABASE proef' -c 'CREATE DATABASE demo'
uit=$(psqlpg -At -d proef -c 'CREATE EXTENSION verwerkingenlog' \
	-c "SELECT extversion FROM pg_extension WHERE extname = 'verwerkingenlog'" 2>&1)
echo "$uit" | sed 's/^/  /'
[ "$(tail -1 <<<"$uit")" = "$versie" ] || { echo "FAILED: CREATE EXTENSION did not install version $versie"; exit 1; }
psqlpg -q -d demo -f /tmp/demo.sql >"$tmp/demo.out" 2>&1 || { tail -40 "$tmp/demo.out"; echo "FAILED: the demo"; exit 1; }
say "demo: $(grep -c '^== ' "$tmp/demo.out" || true) stories, $(wc -l <"$tmp/demo.out") lines of output"
grep '^== ' "$tmp/demo.out" | sed 's/^/  /'
# The packaged verifier (when the Makefile installs one) on the demo's log,
# sealed first.
verifier=/usr/lib/postgresql/15/bin/verwerkingenlog-verifieer
if [ -x "$root$verifier" ]; then
	psqlpg -q -At -d demo -c 'SET client_min_messages = error' -c 'SELECT verwerkingenlog.verzegel()' >/dev/null
	psqlpg -q -At -d demo -c 'SELECT verwerkingenlog.publieke_sleutel()' >"$root/tmp/demo.pub"
	psqlpg -q -At -d demo -c 'COPY (SELECT * FROM verwerkingenlog.verificatie_export()) TO STDOUT' >"$root/tmp/demo.export"
	uit=$(chroot "$root" runuser -u postgres -- "$verifier" --sleutel /tmp/demo.pub /tmp/demo.export 2>&1) \
		|| { echo "$uit"; echo "FAILED: the packaged verifier on the demo's log"; exit 1; }
	echo "  packaged verifier on the demo's log: $uit"
fi
echo "pakket: ok, $(basename "$deb") installs into a fresh Debian 12 beside only postgresql-15; CREATE EXTENSION and the demo ran ($((SECONDS - t0)) s in all)"

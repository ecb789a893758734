#!/usr/bin/env bash
# The Debian package test in check: test/release/pakket.sh builds
# postgresql-15-verwerkingenlog, installs it into a fresh Debian 12 root made
# with debootstrap, and runs CREATE EXTENSION, the demo and the packaged
# verifier there (about two minutes).  Needs root, as CI runs; skipped,
# saying so, otherwise.  It runs its own cluster inside that root, so the
# check cluster's connection settings are not passed on.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
if [ "$(id -u)" -ne 0 ]; then
	echo "skipped: the package test needs root (debootstrap, chroot); run ./test/run.sh pakket as root"
	exit 0
fi
exec env -u PGHOST -u PGPORT -u PGUSER -u PGDATABASE VWL_PAKKET_OVERSLAAN_ZONDER_ROOT=1 \
	bash "$top/test/release/pakket.sh"

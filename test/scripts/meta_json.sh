#!/usr/bin/env bash
# META.json follows the PGXN Meta Spec 1.0.0 and names the same version as
# the control file, debian/changelog and CHANGELOG.md (test/release/meta_check.py).
set -euo pipefail
exec /usr/bin/python3 "$(dirname "$0")/../release/meta_check.py" "$(dirname "$0")/../.."

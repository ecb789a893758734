#!/usr/bin/env bash
# make dist: verwerkingenlog-VERSION.zip of the committed tree, as PGXN takes
# it, with everything under verwerkingenlog-VERSION/: META.json of the same
# version, the control file, every frozen and upgrade script, the parts, the
# sources and debian/; no build products.  Skipped outside a git checkout.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
git -C "$top" rev-parse --git-dir >/dev/null 2>&1 || { echo "skipped: not a git checkout"; exit 0; }
versie=$(sed -n "s/^default_version[[:space:]]*=[[:space:]]*'\([^']*\)'.*/\1/p" "$top/verwerkingenlog.control")
zip=$top/verwerkingenlog-$versie.zip
rm -f "$zip"
make -C "$top" -s dist PG_CONFIG="${PG_CONFIG:-pg_config}" >/dev/null
trap 'rm -f "$zip"' EXIT
/usr/bin/python3 - "$zip" "$versie" "$top" <<'PY'
import json, os, subprocess, sys, zipfile
zip_path, versie, top = sys.argv[1:]
prefix = f"verwerkingenlog-{versie}/"
z = zipfile.ZipFile(zip_path)
names = z.namelist()
fouten = [n for n in names if not n.startswith(prefix)]
if fouten:
    sys.exit(f"FAILED: outside {prefix}: {fouten[:5]}")
files = {n[len(prefix):] for n in names if not n.endswith("/")}
tracked = set(subprocess.run(["git", "-C", top, "ls-files"], capture_output=True, text=True, check=True).stdout.split())
nodig = {"META.json", "verwerkingenlog.control", "Makefile", "README.md", "CHANGELOG.md",
         "debian/control", "debian/rules", "debian/changelog"}
nodig |= {f for f in tracked if f.startswith("sql/verwerkingenlog--") or f.startswith("sql/install/") or f.startswith("src/")}
ontbreekt = sorted(nodig - files)
if ontbreekt:
    sys.exit(f"FAILED: missing from the archive: {ontbreekt[:10]}")
gebouwd = sorted(f for f in files if f.endswith((".o", ".so", ".bc", ".deb")) or f.startswith(("results/", "verwerkingenlog--")))
if gebouwd:
    sys.exit(f"FAILED: build products in the archive: {gebouwd[:10]}")
meta = json.loads(z.read(prefix + "META.json"))
semver = versie + ".0" if versie.count(".") == 1 else versie
if meta["version"] != semver:
    sys.exit(f"FAILED: META.json in the archive says {meta['version']}, the control file {versie}")
print(f"ok: {os.path.basename(zip_path)}: {len(files)} files under {prefix}, META.json {meta['version']}")
PY

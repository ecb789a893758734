#!/usr/bin/env bash
# Tamper evidence (issue 12) read by an implementation that is not ours: Go's
# checksum-database packages golang.org/x/mod/sumdb/note (C2SP signed notes)
# and golang.org/x/mod/sumdb/tlog (RFC 6962 trees and proofs), from Debian's
# golang-go and golang-golang-x-mod-dev, offline.  test/interop/c2sp_go.go is
# built into a temporary folder.  On a log with checkpoints at powers of two
# and at odd sizes, a purge that destroyed rows and a re-encryption, Go opens
# every checkpoint with note.Open and a verifier made by note.NewVerifier
# from publieke_sleutel(), rebuilds the tree from the export's leaves
# (tlog.RecordHash of the canonical bytes) and compares tlog.TreeHash with
# every checkpoint, and checks every bewijs_opname and opname_verwijzing
# with tlog.CheckRecord and bewijs_consistentie between every two
# checkpoints with tlog.CheckTree (and each equal to tlog's own proof).
# Then it must refuse a changed checkpoint byte, a changed proof hash, a
# changed leaf and a key with a wrong key ID.
set -euo pipefail
. "$(dirname "$0")/verzegeling.bash"
trap 'rm -rf "$tmp"' EXIT

command -v go >/dev/null || { echo "FAILED: go is not installed (test/run.sh installs golang-go)"; exit 1; }
start=$(date +%s%N)
GO111MODULE=off GOPATH=/usr/share/gocode GOCACHE=$tmp/gocache GOFLAGS= \
	go build -o "$tmp/c2sp_go" "$here/../interop/c2sp_go.go"
echo "built test/interop/c2sp_go.go in $((($(date +%s%N) - start) / 1000000)) ms"

db=vwl_c2sp
nieuwe_db $db
pgq() { psql -d $db -c 'SET client_min_messages = error' -c "$1"; }

# Leaves in the tree or waiting for the next checkpoint.
blaadjes() {
	pgq "SELECT count(*) FILTER (WHERE soort = 'blad' OR status = 'wachtrij') FROM verwerkingenlog.verificatie_export()"
}

# One action with n objects (1 + n leaves); expired ones (2020, P1D) are
# destroyed by the purge.
actie() { # actie OBJECTS [verlopen]
	local tijd="'2024-04-05T14:35:42+01:00'" termijn=
	[ "${2:-}" = verlopen ] && { tijd="'2020-01-01T10:00:00+01:00'"; termijn="'bewaartermijn', 'P1D',"; }
	pgq "SELECT verwerkingenlog.log_verwerkingsactie(jsonb_build_object(
	  'actieNaam', 'c2sp', 'vertrouwelijkheid', 'normaal', 'tijdstip', $tijd, $termijn
	  'verwerkteObjecten', (SELECT jsonb_agg(jsonb_build_object('objecttype', 'persoon', 'soortObjectId', 'BSN',
	                                          'objectId', (100000000 + 1000 * g + $RANDOM % 1000)::text))
	                          FROM generate_series(1, $1) g)))" >/dev/null
}

# naar SIZE [EXPIRED]: log EXPIRED expired actions of one object, then one
# action that brings the tree to SIZE leaves, seal, and keep every proof
# the log now gives: bewijs_opname of every version, opname_verwijzing of
# every verwerkt object, against the new checkpoint.
naar() {
	local i
	for ((i = 0; i < ${2:-0}; i++)); do actie 1 verlopen; done
	local rest=$(($1 - $(blaadjes)))
	[ "$rest" -ge 2 ] || { echo "FAILED: the tree is at $(blaadjes) leaves, cannot reach $1"; exit 1; }
	actie $((rest - 1))
	local n
	n=$(verzegel $db)
	[ "$n" = "$1" ] || { echo "FAILED: verzegel() sealed to $n leaves, not $1"; exit 1; }
	bewijzen >>"$tmp/bewijzen"
}

bewijzen() {
	pgq "SELECT p FROM (
	       SELECT verwerkingenlog.bewijs_opname(split_part(sleutel, '/', 1)::uuid, split_part(sleutel, '/', 2)::integer)
	         FROM verwerkingenlog.verificatie_export() WHERE soort = 'blad' AND tabel = 'verwerkingsactie_versie'
	       UNION ALL
	       SELECT verwerkingenlog.opname_verwijzing(k::uuid)
	         FROM (SELECT DISTINCT sleutel FROM verwerkingenlog.verificatie_export()
	                WHERE soort = 'blad' AND tabel = 'verwerkt_object' AND status = 'aanwezig') o(k)) x(p)
	      WHERE p IS NOT NULL"
}

: >"$tmp/bewijzen"
naar 2
naar 4
naar 7
naar 9
naar 16 2
naar 21 1
echo "purge (verwerkingenlog.minimale_bewaartermijn = ''):"
psql -d $db -c "SET verwerkingenlog.minimale_bewaartermijn = ''" -c 'SELECT verwerkingenlog.vernietig_verlopen()' >/dev/null
naar 32
echo "re-encryption under a new key version:"
pgq 'SELECT verwerkingenlog._rotate_key()' >/dev/null
pgq 'SELECT verwerkingenlog.herversleutel()' >/dev/null
# (it seals what it re-encrypted at once, with a checkpoint of its own)
bewijzen >>"$tmp/bewijzen"
# to an odd size: the re-encryption sealed every object again
oneven=$(($(blaadjes) + 2))
[ $((oneven % 2)) -eq 1 ] || oneven=$((oneven + 1))
naar $oneven
naar 64
exporteer $db
vernietigd=$(grep -c $'^blad\t[0-9]*\t[a-z_]*\t[^\t]*\tvernietigd\t' "$tmp/$db.export" || true)
vervangen=$(grep -c $'^blad\t[0-9]*\t[a-z_]*\t[^\t]*\tvervangen\t' "$tmp/$db.export" || true)
echo "  leaves destroyed by the purge: $vernietigd, superseded by re-encryption: $vervangen"
[ "$vernietigd" -ge 4 ] || { echo "FAILED: the purge should have destroyed the leaves of 3 expired actions"; exit 1; }
[ "$vervangen" -ge 10 ] || { echo "FAILED: the re-encryption should have superseded every object's leaf"; exit 1; }
# consistency between every two checkpoints, each with itself too
pgq "SELECT verwerkingenlog.bewijs_consistentie(a.positie, b.positie)
       FROM verwerkingenlog.verificatie_export() a, verwerkingenlog.verificatie_export() b
      WHERE a.soort = 'controlepunt' AND b.soort = 'controlepunt' AND a.positie <= b.positie
      ORDER BY 1" >>"$tmp/bewijzen"
echo "  $(wc -l <"$tmp/bewijzen") proof documents"

# go_ok / go_fout PATTERN EXPORT PROOFS [KEY]
go_run() {
	rc=0
	uit=$("$tmp/c2sp_go" "${3:-$tmp/$db.key}" "$1" "$2" 2>&1) || rc=$?
	echo "  $uit"
}
go_ok() {
	go_run "$@"
	[ "$rc" -eq 0 ] || { echo "FAILED: Go's packages refused the log (exit $rc)"; exit 1; }
}
go_fout() {
	local patroon=$1
	shift
	go_run "$@"
	[ "$rc" -eq 1 ] || { echo "FAILED: Go's packages should have refused this (exit $rc)"; exit 1; }
	grep -Eq -- "$patroon" <<<"$uit" || { echo "FAILED: expected /$patroon/"; exit 1; }
}

echo "the whole log, checked with Go's sumdb packages:"
start=$(date +%s%N)
go_ok "$tmp/$db.export" "$tmp/bewijzen"
echo "  (checked in $((($(date +%s%N) - start) / 1000000)) ms)"
n=$(grep -c '^controlepunt' "$tmp/$db.export")
grep -Eq "; $n checkpoints \(sizes 2 4 7 9 16 21 32 ([0-9]+ )?$oneven 64\)" <<<"$uit" ||
	{ echo "FAILED: expected the checkpoints 2 4 7 9 16 21 32 (the re-encryption's) $oneven 64"; exit 1; }
grep -q " against $n tree sizes pass tlog.CheckRecord" <<<"$uit" || { echo "FAILED: expected inclusion proofs at all $n sizes"; exit 1; }
grep -q " $((n * (n + 1) / 2)) consistency proofs between $((n * (n + 1) / 2)) pairs of sizes" <<<"$uit" ||
	{ echo "FAILED: expected a consistency proof for every two of the $n checkpoints"; exit 1; }

# Tampering, each change made with Python to one copy (the export's text
# format and the proofs' JSON).
knoei() { # knoei INPUT OUTPUT PYTHON-BODY (line by line; l is the line, i its number)
	/usr/bin/python3 - "$1" "$2" "$3" <<'PY'
import base64, hashlib, json, sys
src, dst, body = sys.argv[1:]
def flip_b64(s, at=0):
    b = bytearray(base64.b64decode(s)); b[at] ^= 1
    return base64.b64encode(bytes(b)).decode()
done = [False]
out = []
for i, l in enumerate(open(src).read().split('\n')):
    f = l.split('\t')
    exec(body)
    out.append(l)
open(dst, 'w').write('\n'.join(out))
if not done[0]:
    sys.exit('nothing was changed')
PY
}
echo "a checkpoint's root hash changed by one byte (the export's checkpoint of size 16):"
knoei "$tmp/$db.export" "$tmp/t.export" '
if f[0] == "controlepunt" and f[1] == "16" and not done[0]:
    t = bytes.fromhex(f[5]).decode().split("\n"); t[2] = flip_b64(t[2], 5)
    f[5] = "\n".join(t).encode().hex(); l = "\t".join(f); done[0] = True'
go_fout "checkpoint at size 16: note.Open refuses it: invalid signature for key verwerkingenlog-" "$tmp/t.export" /dev/null
echo "a checkpoint's signature changed by one byte:"
knoei "$tmp/$db.export" "$tmp/t.export" '
if f[0] == "controlepunt" and f[1] == "'$oneven'" and not done[0]:
    t = bytes.fromhex(f[5]).decode().split("\n"); naam, sig = t[4].rsplit(" ", 1); t[4] = naam + " " + flip_b64(sig, 40)
    f[5] = "\n".join(t).encode().hex(); l = "\t".join(f); done[0] = True'
go_fout "checkpoint at size $oneven: note.Open refuses it: invalid signature" "$tmp/t.export" /dev/null
echo "a checkpoint's tree size changed (16 to 17):"
knoei "$tmp/$db.export" "$tmp/t.export" '
if f[0] == "controlepunt" and f[1] == "16" and not done[0]:
    f[5] = bytes.fromhex(f[5]).decode().replace("\n16\n", "\n17\n").encode().hex(); l = "\t".join(f); done[0] = True'
go_fout "checkpoint at size 16: note.Open refuses it: invalid signature" "$tmp/t.export" /dev/null
echo "one hash of an inclusion proof changed by one byte:"
knoei "$tmp/bewijzen" "$tmp/t.bewijzen" '
if l.startswith("{") and "\"versie\"" in l and not done[0]:
    p = json.loads(l)
    if len(p["versie"]["pad"]) >= 3:
        p["versie"]["pad"][1] = flip_b64(p["versie"]["pad"][1], 31); l = json.dumps(p); done[0] = True'
go_fout "versie, leaf [0-9]+: tlog.CheckRecord against size [0-9]+: invalid transparency proof" "$tmp/$db.export" "$tmp/t.bewijzen"
echo "one hash of a consistency proof changed by one byte:"
knoei "$tmp/bewijzen" "$tmp/t.bewijzen" '
if l.startswith("{") and "\"oud\"" in l and not done[0]:
    p = json.loads(l)
    if p["oud"]["boomgrootte"] == 21 and p["nieuw"]["boomgrootte"] == '$oneven':
        p["pad"][0] = flip_b64(p["pad"][0], 0); l = json.dumps(p); done[0] = True'
go_fout "bewijs_consistentie 21 $oneven\): tlog.CheckTree: invalid transparency proof" "$tmp/$db.export" "$tmp/t.bewijzen"
echo "a consistency proof with one hash left out:"
knoei "$tmp/bewijzen" "$tmp/t.bewijzen" '
if l.startswith("{") and "\"oud\"" in l and not done[0]:
    p = json.loads(l)
    if p["oud"]["boomgrootte"] == 9 and p["nieuw"]["boomgrootte"] == 64:
        del p["pad"][-1]; l = json.dumps(p); done[0] = True'
go_fout "bewijs_consistentie 9 64\): tlog.CheckTree: invalid transparency proof" "$tmp/$db.export" "$tmp/t.bewijzen"
# a leaf present in the export, and the first checkpoint that covers it
blad=$(awk -F'\t' '$1 == "blad" && $2 >= 4 && $5 == "aanwezig" { print $2; exit }' "$tmp/$db.export")
dekkend=$(awk -F'\t' -v b="$blad" '$1 == "controlepunt" && $2 > b { print $2; exit }' "$tmp/$db.export")
echo "one byte of a leaf's canonical bytes changed (leaf $blad):"
knoei "$tmp/$db.export" "$tmp/t.export" '
if f[0] == "blad" and f[1] == "'$blad'":
    b = bytearray.fromhex(f[5]); b[-1] ^= 1; f[5] = b.hex(); l = "\t".join(f); done[0] = True'
go_fout "leaf $blad .*: tlog.RecordHash of its bytes is" "$tmp/t.export" /dev/null
echo "the same, with the leaf's vinger beside it made to match:"
knoei "$tmp/$db.export" "$tmp/t.export" '
if f[0] == "blad" and f[1] == "'$blad'":
    b = bytearray.fromhex(f[5]); b[-1] ^= 1; f[5] = b.hex()
    f[6] = hashlib.sha256(b"\0" + bytes(b)).hexdigest()[:len(f[6])]; l = "\t".join(f); done[0] = True'
go_fout "checkpoint at size $dekkend: tlog.TreeHash of the export.s first $dekkend leaves is" "$tmp/t.export" /dev/null
echo "a verifier key with a wrong key ID:"
knoei "$tmp/$db.key" "$tmp/t.key" '
if "+" in l:
    n, h, k = l.split("+", 2); l = n + "+" + ("%08x" % (int(h, 16) ^ 1)) + "+" + k; done[0] = True'
go_fout "note.NewVerifier refuses .*: invalid verifier hash" "$tmp/$db.export" /dev/null "$tmp/t.key"
psql -d postgres -c "DROP DATABASE $db"
echo "Go's sumdb packages read the log"

#!/usr/bin/env bash
# Tamper evidence (issue 12) and the purge that commits per batch
# (vernietig_verlopen_per_batch, what pg_cron runs): while a run is under way,
# or after a crash or cancel interrupted it, its committed batches have
# destroyed rows but the run has no journal row yet.  The verifier must
# count those leaves as destroyed by that run (not finished), from the
# run's committed batches, never report them as removed; and still catch a
# leaf said to be destroyed beyond what those batches destroyed.
set -euo pipefail
. "$(dirname "$0")/verzegeling.bash"
trap 'rm -rf "$tmp"' EXIT
db=vwl_onderbroken
nieuwe_db $db
psql -d $db -c "SELECT count(verwerkingenlog.log_verwerkingsactie(jsonb_build_object(
  'actieNaam', 'kort ' || g, 'vertrouwelijkheid', 'normaal', 'tijdstip', '2020-01-01T10:00:00+01:00', 'bewaartermijn', 'P1D',
  'verwerkteObjecten', jsonb_build_array(jsonb_build_object('objecttype', 'persoon', 'soortObjectId', 'BSN', 'objectId', '999' || g)))))
  FROM generate_series(1, 6) g" >/dev/null
verzegel $db >/dev/null
# The procedure's own steps, each committed as it commits them: the run,
# then its first batch of 2 actions; then nothing more, as after a kill.
echo "a per-batch purge run interrupted after its first batch:"
run=$(psql -d $db -c "SET verwerkingenlog.minimale_bewaartermijn = ''" -c "SELECT verwerkingenlog._vernietiging_start(now(), 2)" | tail -1)
psql -d $db -c "SET verwerkingenlog.minimale_bewaartermijn = ''" -c "SELECT verwerkingenlog._vernietiging_batch($run)" >/dev/null
[ "$(psql -d $db -c "SELECT count(*) FROM verwerkingenlog.vernietiging_journaal WHERE run = $run")" = 0 ] ||
	{ echo "FAILED: the run should have no journal row yet"; exit 1; }
exporteer $db
verwacht_ok "$tmp/$db.key" "$tmp/$db.export"
grep -q "(4 destroyed by purge run $run (not finished)," <<<"$uit" ||
	{ echo "FAILED: expected 4 leaves destroyed by the unfinished run $run"; exit 1; }
echo "and after the next checkpoint:"
verzegel $db >/dev/null
exporteer $db
verwacht_ok "$tmp/$db.key" "$tmp/$db.export"
echo "a present row passed off as destroyed by that run is caught:"
# The first present version: its leaf's hash stays, so the tree is unchanged
# (the export gives a present leaf's vinger; its full hash, which a destroyed
# leaf's line carries, is that of the row's bytes).
/usr/bin/python3 - "$tmp/$db.export" "$tmp/vals.export" "$run" <<'PY'
import hashlib, sys
src, dst, run = sys.argv[1:]
out, klaar = [], False
for l in open(src).read().split('\n'):
    f = l.split('\t')
    if not klaar and len(f) == 8 and f[0] == 'blad' and f[2] == 'verwerkingsactie_versie' and f[4] == 'aanwezig':
        f[6] = hashlib.sha256(b'\0' + bytes.fromhex(f[5])).hexdigest()
        f[4], f[5], f[7], klaar = 'vernietigd', '\\N', run, True
        l = '\t'.join(f)
    out.append(l)
open(dst, 'w').write('\n'.join(out))
PY
cmp -s "$tmp/$db.export" "$tmp/vals.export" && { echo "FAILED: nothing was changed"; exit 1; }
verwacht_fout "removed: purge run $run destroyed 2 rows of verwerkingsactie_versie by its committed batches \(it has not finished\), but more leaves say it destroyed them" \
	"$tmp/$db.key" "$tmp/vals.export"
echo "the run resumed and finished:"
psql -d $db -c 'SET client_min_messages = warning' -c "SET verwerkingenlog.minimale_bewaartermijn = ''" \
	-c 'CALL verwerkingenlog.vernietig_verlopen_per_batch(now(), 2)' >/dev/null
verzegel $db >/dev/null
exporteer $db
verwacht_ok "$tmp/$db.key" "$tmp/$db.export"
grep -q "(12 destroyed by purge run $run," <<<"$uit" || { echo "FAILED: expected 12 leaves destroyed by the finished run $run"; exit 1; }
psql -d postgres -c "DROP DATABASE $db"
echo "an unfinished purge run is no tampering"

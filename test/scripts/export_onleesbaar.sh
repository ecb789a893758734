#!/usr/bin/env bash
# The export reports what it cannot decrypt instead of aborting: a key
# version missing from the key file (a restore without the rotated key)
# leaves the versions it encrypted out, each named by its record id in a
# WARNING; everything else is exported; then the export fails (XX001), so
# nothing is left out silently.  Runs against the cluster of test/run.sh
# (PGHOST etc. set), with a key file of its own for one database.
set -euo pipefail
psql() { command psql -X -q -v ON_ERROR_STOP=1 -At "$@"; }
db=vwl_export_onleesbaar
sleutels=$PGHOST/export_onleesbaar.sleutels
opruimen() { command psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true; rm -f "$sleutels"; }
trap opruimen EXIT
opruimen
hex32() { head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
printf '1 %s %s\n' "$(hex32)" "$(hex32)" >"$sleutels"
chmod 600 "$sleutels"
[ "$(id -u)" -eq 0 ] && chown postgres "$sleutels"
psql -d postgres -c "CREATE DATABASE $db" -c "ALTER DATABASE $db SET verwerkingenlog.sleutelbestand = '$sleutels'"
log() {
	psql -d $db -c "SELECT count(*) FROM verwerkingenlog.log_verwerkingsacties((SELECT jsonb_agg(jsonb_build_object(
	  'actieNaam', '$1 ' || g, 'vertrouwelijkheid', 'normaal', 'tijdstip', '2024-04-05T14:35:42+01:00',
	  'verwerkteObjecten', jsonb_build_array(jsonb_build_object('objecttype', 'persoon', 'soortObjectId', 'BSN',
	                                                            'objectId', '77700' || g)))) FROM generate_series(1, $2) g))" >/dev/null
}
psql -d $db -c 'SET client_min_messages = warning' -c 'CREATE EXTENSION verwerkingenlog'
log leesbaar 3
psql -d $db -c 'SELECT verwerkingenlog._rotate_key()' >/dev/null
log onleesbaar 2
verwacht=$(psql -d $db -c "SELECT string_agg(versie_id::text, ' ' ORDER BY versie_id) FROM verwerkingenlog.verwerkingsactie_versie WHERE actie_naam LIKE 'onleesbaar%'")
# The key file loses version 2 (same file, same owner and mode).
head -1 "$sleutels" >"$sleutels.nieuw"
cat "$sleutels.nieuw" >"$sleutels"
rm -f "$sleutels.nieuw"

rc=0
command psql -X -q -d $db -At -c 'COPY (SELECT verwerkingenlog.exporteer_verwerkingsacties()) TO STDOUT' \
	>"$PGHOST/export.out" 2>"$PGHOST/export.err" || rc=$?
cat "$PGHOST/export.err"
[ "$rc" -ne 0 ] || { echo "the export succeeded although two versions could not be decrypted"; exit 1; }
rijen=$(wc -l <"$PGHOST/export.out")
[ "$rijen" -eq 3 ] || { echo "expected the 3 readable versions, got $rijen rows"; exit 1; }
grep -q '"actieNaam": "onleesbaar' "$PGHOST/export.out" && { echo "an unreadable version was exported"; exit 1; }
for id in $verwacht; do
	grep -q "WARNING:  version with record id $id left out of the export" "$PGHOST/export.err" \
		|| { echo "no warning names record id $id"; exit 1; }
done
grep -q 'ERROR:  export incomplete: 2 version(s) could not be decrypted' "$PGHOST/export.err" \
	|| { echo "the final error is missing"; exit 1; }
grep -q "DETAIL:  Left out, by record id (versie_id): ${verwacht// /, }." "$PGHOST/export.err" \
	|| { echo "the final error does not list the record ids"; exit 1; }
# No identifier in the messages.
grep -q '77700' "$PGHOST/export.err" && { echo "an identifier appears in the messages"; exit 1; }
rm -f "$PGHOST/export.out" "$PGHOST/export.err"
echo "the export names the $(wc -w <<<"$verwacht") versions it could not decrypt and fails at the end"

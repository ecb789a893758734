#!/usr/bin/env bash
# pg_dump / pg_restore into a new database: the settings come along
# (verwerkingenlog.instelling), and so do the check values of the keys
# (verwerkingenlog.sleutelcontrole).  With the right key file the restored
# log behaves like the original; with another one (here: the one CREATE
# EXTENSION made during the restore, because the database's key file was
# missing) every read and write is VL001 -- never an empty answer -- until
# the right key file is put in place.  Runs against the cluster of
# test/run.sh (PGHOST etc. set).
set -euo pipefail
psql() { command psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
for d in vwl_herstel_bron vwl_herstel_doel vwl_herstel_ander; do
	psql -d postgres -c "DROP DATABASE IF EXISTS $d" 2>/dev/null
done
psql -d postgres -c 'CREATE DATABASE vwl_herstel_bron' -c 'CREATE DATABASE vwl_herstel_doel' \
	-c 'CREATE DATABASE vwl_herstel_ander'
data=$(psql -d postgres -c 'SHOW data_directory')
rm -f "$data/vwl_herstel.sleutels"
psql -d vwl_herstel_bron <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION verwerkingenlog;
SELECT verwerkingenlog.instellen('verwerkingenlog.base_url', 'https://log.gemeente.example/api/v1');
SELECT verwerkingenlog.instellen('verwerkingenlog.inzage_uitvoerder', '00000001234567890000');
SELECT verwerkingenlog.instellen('verwerkingenlog.maximale_bewaartermijn', 'P20Y');
SELECT verwerkingenlog.log_verwerkingsactie('{"actieNaam": "voor de dump", "vertrouwelijkheid": "normaal",
  "tijdstip": "2024-04-05T14:35:42+01:00",
  "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "555111222"}]}') IS NOT NULL;
SQL
pg_dump -d vwl_herstel_bron -Fc -f "$PGHOST/herstel.dump"

# The same cluster, the same key file: like the original.
pg_restore -d vwl_herstel_doel "$PGHOST/herstel.dump"
vraag="SELECT verwerkingenlog.base_url(), current_setting('verwerkingenlog.inzage_uitvoerder'),
              current_setting('verwerkingenlog.maximale_bewaartermijn'),
              (SELECT count(*) FROM verwerkingenlog.verwerkingsacties('persoon', 'BSN', '555111222')),
              (SELECT count(*) FROM verwerkingenlog.verwerkte_objecten('persoon', 'BSN', '555111222', '2024-01-01', '2025-01-01'))"
bron=$(psql -d vwl_herstel_bron -c "$vraag")
doel=$(psql -d vwl_herstel_doel -c "$vraag")
echo "original: $bron"
echo "restored: $doel"
[ "$bron" = "$doel" ] || { echo "the restored database behaves differently"; exit 1; }
[ "$(cut -d'|' -f1 <<<"$doel")" = https://log.gemeente.example/api/v1 ] || { echo "base url lost"; exit 1; }

# Another database whose key file does not exist: CREATE EXTENSION (in the
# restore) creates a new one, whose keys the restored check values refuse.
psql -d postgres -c "ALTER DATABASE vwl_herstel_ander SET verwerkingenlog.sleutelbestand = 'vwl_herstel.sleutels'"
pg_restore -d vwl_herstel_ander "$PGHOST/herstel.dump" 2>"$PGHOST/herstel.err" || { cat "$PGHOST/herstel.err"; exit 1; }
[ -f "$data/vwl_herstel.sleutels" ] || { echo "expected CREATE EXTENSION to create a new key file"; cat "$PGHOST/herstel.err"; exit 1; }
for q in "SELECT count(*) FROM verwerkingenlog.verwerkingsacties('persoon', 'BSN', '555111222')" \
	"SELECT count(*) FROM verwerkingenlog.verwerkte_objecten('persoon', 'BSN', '555111222', '2024-01-01', '2025-01-01')" \
	"SELECT count(*) FROM verwerkingenlog.exporteer_verwerkingsacties()" \
	"SELECT count(*) FROM verwerkingenlog.actuele_verwerkte_objecten WHERE object_id IS NOT NULL" \
	"SELECT verwerkingenlog.log_verwerkingsactie('{\"vertrouwelijkheid\": \"normaal\", \"tijdstip\": \"2024-04-05T14:35:42Z\", \"verwerkteObjecten\": [{\"objecttype\": \"persoon\", \"soortObjectId\": \"BSN\", \"objectId\": \"1\"}]}') IS NOT NULL"; do
	uit=$(command psql -X -At -d vwl_herstel_ander -v VERBOSITY=verbose -c "$q" 2>&1 || true)
	grep -q 'VL001' <<<"$uit" || { echo "not refused with VL001: $q -> $uit"; exit 1; }
done
echo "wrong key file: every read and write refused (VL001)"
[ "$(psql -d vwl_herstel_ander -c 'SELECT count(*) FROM verwerkingenlog.verwerkingsactie_versie')" = 1 ] \
	|| { echo "something was written under the wrong key"; exit 1; }
# Put the right key file in place: the log works again, as the original.
cp -p "$data/verwerkingenlog.sleutels" "$data/vwl_herstel.sleutels"
ander=$(psql -d vwl_herstel_ander -c "$vraag")
echo "right key file: $ander"
[ "$(cut -d'|' -f4,5 <<<"$ander")" = "1|1" ] || { echo "not found with the right key file"; exit 1; }
rm -f "$data/vwl_herstel.sleutels"
for d in vwl_herstel_bron vwl_herstel_doel vwl_herstel_ander; do psql -d postgres -c "DROP DATABASE $d"; done
echo "dump and restore keep settings and key checks"

#!/usr/bin/env bash
# pg_dump and restore keep the log: every version, the objects (still
# findable by the plain BSN with the same key file), the retention register
# and journal, and where the record ids stand.  Runs against the cluster of
# test/run.sh (PGHOST etc. set).
set -euo pipefail
psql() { command psql -X -q -v ON_ERROR_STOP=1 -At "$@"; }
psql -d postgres -c 'DROP DATABASE IF EXISTS vwl_dump_bron' -c 'DROP DATABASE IF EXISTS vwl_dump_doel'
psql -d postgres -c 'CREATE DATABASE vwl_dump_bron' -c 'CREATE DATABASE vwl_dump_doel'
psql -d vwl_dump_bron <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION verwerkingenlog;
SELECT verwerkingenlog.log_verwerkingsactie(jsonb_build_object(
  'actieNaam', 'voor de dump ' || g, 'vertrouwelijkheid', 'normaal', 'tijdstip', '2024-04-05T14:35:42+01:00',
  'verwerkingId', '11111111-1111-4111-8111-111111111111',
  'verwerkteObjecten', jsonb_build_array(jsonb_build_object('objecttype', 'persoon', 'soortObjectId', 'BSN', 'objectId', '55500' || g))))
  FROM generate_series(1, 5) g;
SELECT verwerkingenlog.wijzig_bewaartermijn_verwerking('11111111-1111-4111-8111-111111111111', 'P7Y');
SQL
pg_dump -d vwl_dump_bron -Fc -f "$PGHOST/log.dump"
pg_restore -d vwl_dump_doel "$PGHOST/log.dump"
tel='SELECT count(*), max(versie_id), count(*) FILTER (WHERE bewaartermijn IS NOT NULL) FROM verwerkingenlog.verwerkingsactie_versie'
bron=$(psql -d vwl_dump_bron -c "$tel")
doel=$(psql -d vwl_dump_doel -c "$tel")
echo "bron: $bron  doel: $doel"
[ "$bron" = "$doel" ] || { echo "restored log differs"; exit 1; }
gevonden=$(psql -d vwl_dump_doel -c "SELECT count(*) FROM verwerkingenlog.verwerkingsacties('persoon', 'BSN', '555003')")
[ "$gevonden" = 1 ] || { echo "restored log does not find BSN 555003 ($gevonden)"; exit 1; }
# New versions after the restore get new record ids, not the old ones again.
volgende=$(psql -d vwl_dump_doel -c "SELECT verwerkingenlog.log_verwerkingsactie('{\"vertrouwelijkheid\": \"normaal\", \"tijdstip\": \"2024-04-05T14:35:42Z\", \"verwerkteObjecten\": [{\"objecttype\": \"persoon\", \"soortObjectId\": \"BSN\", \"objectId\": \"1\"}]}') IS NOT NULL" \
  -c "SELECT count(DISTINCT versie_id) = count(*) FROM verwerkingenlog.verwerkingsactie_versie")
echo "after restore, ids distinct: $volgende"
[ "$(echo "$volgende" | tail -1)" = t ] || { echo "record ids repeat after restore"; exit 1; }
psql -d postgres -c 'DROP DATABASE vwl_dump_bron' -c 'DROP DATABASE vwl_dump_doel'
echo "dump and restore keep the log"

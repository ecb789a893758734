#!/usr/bin/env bash
# No BSN in the clear in the server log or the WAL, after failed calls as
# well as successful ones (issue 9).  With PostgreSQL's default settings
# (log_min_error_statement = error) a failed statement is logged with its
# text; the extension's functions run with log_min_error_statement = panic
# and their messages never quote an identifier.  The extension notes once
# per backend, in the server log, that the server's settings would leak
# statements it does not control.  Also: the key file's owner is checked.
# Runs against the cluster of test/run.sh (PGHOST etc. set; the server log
# is $PGHOST/server.log).
set -euo pipefail
log=$PGHOST/server.log
[ -f "$log" ] || { echo "no server log at $log"; exit 1; }
psql() { command psql -X -q -At -v ON_ERROR_STOP=0 "$@"; }
db=vwl_serverlog
psql -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
psql -d $db -c 'SET client_min_messages = warning' -c 'CREATE EXTENSION verwerkingenlog' \
	-c 'DROP ROLE IF EXISTS vwl_log_lezer' \
	-c 'CREATE ROLE vwl_log_lezer' -c 'GRANT verwerkingenlog_read_normal TO vwl_log_lezer' >/dev/null
data=$(psql -d $db -c 'SHOW data_directory')
wal_voor=$(psql -d $db -c 'SELECT pg_walfile_name(pg_current_wal_lsn())')
begin=$(stat -c %s "$log")

# One session: a successful call, then every kind of failure, each with
# BSNs 9010000nn in its text.
psql -d $db >/dev/null 2>&1 <<'SQL' || true
SELECT verwerkingenlog.log_verwerkingsactie('{"vertrouwelijkheid": "normaal", "tijdstip": "2024-04-05T14:35:42+01:00",
  "soortAfnemerId": "BSN ", "afnemerId": "901000010",
  "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "901000001"}]}');
-- validation error
SELECT verwerkingenlog.log_verwerkingsactie('{"vertrouwelijkheid": "normaal", "tijdstip": "gisteren",
  "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "901000002"}]}');
-- a batch error: every BSN of the batch is in the statement
SELECT verwerkingenlog.log_verwerkingsacties('[
  {"vertrouwelijkheid": "normaal", "tijdstip": "2024-04-05T14:35:42Z", "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "901000003"}]},
  {"vertrouwelijkheid": "geheim", "tijdstip": "2024-04-05T14:35:42Z", "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "901000004"}]}]');
-- an unknown element whose name is a BSN
SELECT verwerkingenlog.log_verwerkingsactie('{"vertrouwelijkheid": "normaal", "tijdstip": "2024-04-05T14:35:42Z", "901000005": true,
  "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "1", "901000006": "x"}]}');
-- a read-only inzage
BEGIN READ ONLY;
SELECT * FROM verwerkingenlog.verwerkte_objecten('persoon', 'BSN', '901000007', '2024-01-01', '2025-01-01');
ROLLBACK;
-- scope refusals (by the extension: the role may call the function, its
-- scopes do not allow the operation)
SET ROLE vwl_log_lezer;
SELECT verwerkingenlog.log_verwerkingsactie('{"vertrouwelijkheid": "normaal", "tijdstip": "2024-04-05T14:35:42Z",
  "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "901000008"}]}');
RESET ROLE;
SET ROLE vwl_log_lezer;
SELECT * FROM verwerkingenlog.verwerkingsacties('persoon', 'BSN', '901000009');
RESET ROLE;
-- a PATCH whose unknown element is a BSN, a list with a BSN as level
SELECT verwerkingenlog.wijzig_verwerking('00000000-0000-4000-8000-000000000000', '{"901000012": "P1Y"}');
SELECT * FROM verwerkingenlog.verwerkingsacties('persoon', 'BSN', '901000013', vertrouwelijkheid => '{901000014}');
-- a PUT that fails
SELECT verwerkingenlog.wijzig_verwerkingsactie('00000000-0000-4000-8000-000000000000', '{"vertrouwelijkheid": "normaal",
  "tijdstip": "2024-04-05T14:35:42Z", "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "901000011"}]}');
SQL
psql -d $db -c 'CHECKPOINT' >/dev/null
wal_na=$(psql -d $db -c 'SELECT pg_walfile_name(pg_current_wal_lsn())')

nieuw=$(tail -c +$((begin + 1)) "$log")
fouten=$(grep -c 'ERROR:' <<<"$nieuw" || true)
echo "errors logged: $fouten"
[ "$fouten" -ge 9 ] || { echo "expected the failed calls in the server log"; printf '%s\n' "$nieuw"; exit 1; }
if grep -n '9010000[0-9][0-9]' <<<"$nieuw"; then
	echo "a BSN reached the server log"; exit 1
fi
# Once per backend, a note that the server's own settings would leak.
meldingen=$(grep -c 'verwerkingenlog: the server log may receive identifiers' <<<"$nieuw" || true)
echo "leak notes: $meldingen"
[ "$meldingen" -eq 1 ] || { echo "expected one note about leaking settings"; printf '%s\n' "$nieuw"; exit 1; }
grep -q 'log_min_error_statement = error' <<<"$nieuw" || { echo "the note does not name log_min_error_statement"; exit 1; }
# ... and none with settings that do not leak.
begin=$(stat -c %s "$log")
PGOPTIONS='-c log_min_error_statement=panic' psql -d $db -c "SELECT verwerkingenlog.scopes()" >/dev/null
[ "$(tail -c +$((begin + 1)) "$log" | grep -c 'may receive identifiers' || true)" -eq 0 ] \
	|| { echo "a note although nothing leaks"; exit 1; }

# The WAL written meanwhile holds no BSN either (the afnemer "BSN " too).
for seg in $(ls "$data/pg_wal" | grep -E '^[0-9A-F]{24}$' | sort); do
	[[ "$seg" < "$wal_voor" || "$seg" > "$wal_na" ]] && continue
	if grep -c -a '9010000[0-9][0-9]' "$data/pg_wal/$seg" >/dev/null; then
		echo "a BSN is in WAL segment $seg"; exit 1
	fi
	echo "WAL segment $seg: clean"
done

# The key file's owner is checked, not only its mode (as root: a copy owned
# by root that the server can read through its group).
if [ "$(id -u)" -eq 0 ] && id postgres >/dev/null 2>&1; then
	cp -p "$data/verwerkingenlog.sleutels" "$data/vwl_andere_eigenaar"
	chown root:"$(id -gn postgres)" "$data/vwl_andere_eigenaar"
	chmod 640 "$data/vwl_andere_eigenaar"
	uit=$(psql -d $db -c "SET verwerkingenlog.sleutelbestand = 'vwl_andere_eigenaar'" \
		-c "SELECT verwerkingenlog.sleutel_info()" 2>&1 || true)
	rm -f "$data/vwl_andere_eigenaar"
	grep -q 'is not owned by the server' <<<"$uit" || { echo "owner not checked: $uit"; exit 1; }
	echo "key file owner checked"
fi
psql -d postgres -c "DROP DATABASE $db" -c 'DROP ROLE vwl_log_lezer' >/dev/null
echo "no BSN in the server log or the WAL"

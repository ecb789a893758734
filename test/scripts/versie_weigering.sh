#!/usr/bin/env bash
# The library refuses to serve an SQL install of another version (issue 16):
# in a database whose extension says another version than the library's, the
# first operation of the log (write, read, purge) fails with SQLSTATE 55000, the message
# names both versions and the hint says what to do; nothing is written.  Once
# the versions agree again, the same call in a new session works.  (The real
# case, SQL 1.0 beside a newer library, is in upgrade.sh.)  Runs against the
# cluster of test/run.sh (PGHOST etc. set).
set -euo pipefail
psql() { command psql -X -q -v ON_ERROR_STOP=1 -At "$@"; }
db=vwl_versie
psql -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
psql -d $db -c 'SET client_min_messages = warning' -c 'CREATE EXTENSION verwerkingenlog'
echte=$(psql -d $db -c "SELECT extversion FROM pg_extension WHERE extname = 'verwerkingenlog'")
actie="SELECT verwerkingenlog.log_verwerkingsactie('{\"vertrouwelijkheid\": \"normaal\", \"tijdstip\": \"2024-04-05T14:35:42Z\", \"verwerkteObjecten\": [{\"objecttype\": \"persoon\", \"soortObjectId\": \"BSN\", \"objectId\": \"1\"}]}') IS NOT NULL"
[ "$(psql -d $db -c "$actie")" = t ] || { echo "FAILED: logging with matching versions"; exit 1; }

# What a package upgrade without ALTER EXTENSION ... UPDATE leaves behind,
# made here by hand: the database records another version.
psql -d $db -c "UPDATE pg_extension SET extversion = '0.9-test' WHERE extname = 'verwerkingenlog'"
lees="SELECT verwerkingenlog.verwerkingsactie(verwerkingenlog.uuidv7())"
for sql in "$actie" "$lees" "SELECT verwerkingenlog.vernietig_verlopen()"; do
	rc=0
	uit=$(command psql -X -At -v ON_ERROR_STOP=1 -v VERBOSITY=verbose -d $db \
		-c '\set VERBOSITY verbose' -c "$sql" 2>&1) || rc=$?
	echo "$uit"
	[ $rc -ne 0 ] || { echo "FAILED: the library served SQL of version 0.9-test"; exit 1; }
	grep -q "ERROR:  55000: extension verwerkingenlog is version 0.9-test in this database, its library is version $echte" <<<"$uit" \
		|| { echo "FAILED: expected SQLSTATE 55000 naming both versions"; exit 1; }
	grep -q "HINT:  Run ALTER EXTENSION verwerkingenlog UPDATE TO '$echte', or install the packages of version 0.9-test." <<<"$uit" \
		|| { echo "FAILED: expected the hint"; exit 1; }
done
# The DDL guard (event triggers in the same library) keeps working, so that
# ALTER EXTENSION ... UPDATE can run at all.
psql -d $db -c 'CREATE TABLE los (i int)' -c 'DROP TABLE los'
n=$(psql -d $db -c "SELECT count(*) FROM verwerkingenlog.verwerkingsactie_versie")
[ "$n" = 1 ] || { echo "FAILED: $n versions stored, expected the 1 from before"; exit 1; }

psql -d $db -c "UPDATE pg_extension SET extversion = '$echte' WHERE extname = 'verwerkingenlog'"
[ "$(psql -d $db -c "$actie")" = t ] || { echo "FAILED: logging once the versions agree again"; exit 1; }
psql -d postgres -c "DROP DATABASE $db"
echo "ok: a library of version $echte refuses SQL of version 0.9-test with 55000 and the hint"

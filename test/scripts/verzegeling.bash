# Shared by the verzegeling_*.sh scripts (sourced, not run by itself):
# databases with a sealed log, the export, and the offline verifier.
psql() { command psql -X -q -v ON_ERROR_STOP=1 -At "$@"; }

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# The verifier as `make install` put it into the private installation of
# test/run.sh (PGHOST is its folder), else the one built in the tree.
verifier=$PGHOST/inst/usr/lib/postgresql/15/bin/verwerkingenlog-verifieer
[ -x "$verifier" ] || verifier=$here/../../src/verifieer/verwerkingenlog-verifieer
tmp=$(mktemp -d /tmp/vwl_verzegel.XXXXXX)
chmod 777 "$tmp"

# n actions, each with one object (BSN prefix), in database $1.
log_acties() {
	psql -d "$1" -c "SELECT count(verwerkingenlog.log_verwerkingsactie(jsonb_build_object(
	  'actieNaam', 'actie ' || g, 'vertrouwelijkheid', 'normaal', 'tijdstip', '2024-04-05T14:35:42+01:00',
	  'verwerkingId', '11111111-1111-4111-8111-111111111111',
	  'verwerkteObjecten', jsonb_build_array(jsonb_build_object('objecttype', 'persoon', 'soortObjectId', 'BSN', 'objectId', '${3:-555}' || g)))))
	  FROM generate_series(1, $2) g" >/dev/null
}

nieuwe_db() {
	psql -d postgres -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1"
	psql -d "$1" -c 'SET client_min_messages = error' -c 'CREATE EXTENSION verwerkingenlog'
}

verzegel() { psql -d "$1" -c 'SET client_min_messages = error' -c 'SELECT verwerkingenlog.verzegel()'; }

# Database $1: the public key to $tmp/$1.key, the export to $tmp/$1.export.
exporteer() {
	psql -d "$1" -c 'SELECT verwerkingenlog.publieke_sleutel()' >"$tmp/$1.key"
	psql -d "$1" -c 'COPY (SELECT * FROM verwerkingenlog.verificatie_export()) TO STDOUT' >"$tmp/$1.export"
}

# A witness's copy of every checkpoint of database $1 so far: $tmp/$2/<size>.
getuige() {
	mkdir -p "$tmp/$2"
	local g
	for g in $(psql -d "$1" -c 'SELECT grootte FROM verwerkingenlog.verzegel_controlepunt ORDER BY 1'); do
		psql -d "$1" -c "SELECT tekst FROM verwerkingenlog.verzegel_controlepunt WHERE grootte = $g" >"$tmp/$2/$g"
	done
}

# verifieer KEY EXPORT [CHECKPOINTS...]: prints the verifier's output; $rc is its status.
verifieer() {
	rc=0
	uit=$("$verifier" --sleutel "$@" 2>&1) || rc=$?
	echo "  $uit"
}

verwacht_ok() {
	verifieer "$@"
	[ "$rc" -eq 0 ] || { echo "FAILED: the verifier should have found nothing (exit $rc)"; exit 1; }
}

# verwacht_fout PATTERN KEY EXPORT [CHECKPOINTS...]
verwacht_fout() {
	local patroon=$1
	shift
	verifieer "$@"
	[ "$rc" -eq 1 ] || { echo "FAILED: the verifier should have exited 1 (exit $rc)"; exit 1; }
	grep -Eq -- "$patroon" <<<"$uit" || { echo "FAILED: expected /$patroon/"; exit 1; }
}

#!/usr/bin/env bash
# The upgrade path (issue 16), for every consecutive pair of versions A -> B:
# A is each frozen release (sql/verwerkingenlog--A.sql), B the next release
# or the version in development (default_version, built from the parts).
#
#   1. The library of release A is built from the repository at A (tag vA,
#      else the last commit that changed sql/verwerkingenlog--A.sql: its
#      freeze), compiled to serve version A, into an installation of its own,
#      and a cluster of its own starts on it.
#   2. CREATE EXTENSION ... VERSION 'A'; actions are logged (their returned
#      documents kept), the retention of some is changed (new versions), and
#      checkpoints are sealed with verzegel() if the release has it: then
#      also after a purge of other actions and a key rotation with
#      re-encryption (herversleutel), so that the sealed tree holds
#      destroyed and superseded leaves (the 1.2 migration keeps their hashes).
#   3. The packages of B replace those of A (library, control file, scripts),
#      the server restarts: before the update the library refuses the SQL of
#      A (55000); then ALTER EXTENSION verwerkingenlog UPDATE TO 'B'.
#   4. pg_dump --schema-only --binary-upgrade (which, unlike a plain dump,
#      prints every member of the extension with its comment and privileges)
#      of the upgraded database equals that of a fresh CREATE EXTENSION
#      VERSION 'B'.  Normalised: only the OIDs pg_dump prints in binary-upgrade
#      mode, the transaction horizons it sets for each table, where the
#      sequences stand, and the random key of \restrict (the config
#      tables it names by OID are compared separately, by name).
#   5. Every action reads back as it was acknowledged, the verifier (if B has
#      one) finds the sealed log whole, the inclusion proof of every
#      acknowledged version checks out (if B has bewijs_opname), a new action
#      can be logged, and the retention purge destroys every action.
#
# Runs beside the cluster of test/run.sh, from its private installation
# ($PGHOST/inst); needs the git history (skipped, saying so, outside a git
# checkout, e.g. in a `make dist` archive).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
inst_nu=${PGHOST:?run through test/run.sh}/inst
lib=/usr/lib/postgresql/15
share=/usr/share/postgresql/15
PG_CONFIG=${PG_CONFIG:-$lib/bin/pg_config}
export PG_CONFIG

if ! git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
	echo "skipped: $top is not a git checkout, so the earlier releases cannot be built"
	exit 0
fi
if [ "$(git -C "$top" rev-parse --is-shallow-repository)" = true ]; then
	echo "skipped: $top is a shallow clone, so the commits of the earlier releases are missing (git fetch --unshallow)"
	exit 0
fi

versie_van() { sed -n "s/^default_version[[:space:]]*=[[:space:]]*'\([^']*\)'.*/\1/p" "$1"; }
ontwikkeling=$(versie_van "$top/verwerkingenlog.control")
mapfile -t versies < <(
	{
		cd "$top/sql" && for f in verwerkingenlog--*.sql; do
			v=${f#verwerkingenlog--}
			v=${v%.sql}
			case $v in *--*) ;; *) echo "$v" ;; esac
		done
		echo "$ontwikkeling"
	} | sort -uV)
# A frozen version is never changed: when the version in development is
# frozen already, the parts must still be exactly its script.
if [ -f "$top/sql/verwerkingenlog--$ontwikkeling.sql" ] \
	&& ! (cd "$top" && LC_ALL=C cat $(printf '%s\n' sql/install/*.sql | LC_ALL=C sort)) | cmp -s - "$top/sql/verwerkingenlog--$ontwikkeling.sql"; then
	echo "FAILED: the parts in sql/install differ from the frozen sql/verwerkingenlog--$ontwikkeling.sql:"
	echo "a released script never changes; move default_version on and add an upgrade script"
	exit 1
fi
if [ ${#versies[@]} -lt 2 ]; then
	echo "skipped: only version ${versies[*]}, nothing to upgrade from"
	exit 0
fi

tmp=$(mktemp -d /tmp/vwl_upgrade.XXXXXX)
chmod 755 "$tmp"
runas=()
if [ "$(id -u)" -eq 0 ]; then
	chown postgres "$tmp"
	runas=(runuser -u postgres --)
fi
data=$tmp/data
bin=$tmp/inst$lib/bin
stop() {
	[ -d "$data" ] && "${runas[@]}" "$bin/pg_ctl" -D "$data" -m immediate stop >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap stop EXIT
psql() { command psql -X -q -v ON_ERROR_STOP=1 -At -h "$tmp" -p 5432 -U postgres "$@"; }
faal() { echo "FAILED ($a -> $b): $*"; exit 1; }

# The commit of release $1: tag v$1, else the last commit that changed its
# frozen script (the freeze).
release_commit() {
	local c
	if c=$(git -C "$top" rev-parse -q --verify "refs/tags/v$1^{commit}"); then
		echo "$c"
		return
	fi
	c=$(git -C "$top" log -1 --format=%H -- "sql/verwerkingenlog--$1.sql")
	[ -n "$c" ] || { echo "FAILED: no commit of release $1 in the git history (a shallow clone?)" >&2; exit 1; }
	echo "$c"
}

# Install version $1 (its library, control file and scripts) into the
# upgrade installation, replacing whatever version was there: the current
# tree's build for the version in development, else a build of the release.
installeer() {
	rm -f "$tmp/inst$lib/lib/verwerkingenlog.so" "$tmp/inst$share"/extension/verwerkingenlog* \
		"$tmp/inst$lib/bin/verwerkingenlog-verifieer"
	if [ "$1" = "$ontwikkeling" ]; then
		cp "$inst_nu$lib/lib/verwerkingenlog.so" "$tmp/inst$lib/lib/"
		cp "$inst_nu$share"/extension/verwerkingenlog* "$tmp/inst$share/extension/"
		[ -x "$inst_nu$lib/bin/verwerkingenlog-verifieer" ] && cp "$inst_nu$lib/bin/verwerkingenlog-verifieer" "$tmp/inst$lib/bin/"
	else
		local c src=$tmp/bron-$1
		c=$(release_commit "$1")
		if [ ! -d "$src" ]; then
			mkdir -p "$src"
			git -C "$top" archive "$c" | tar -x -C "$src"
			cmp -s "$src/sql/verwerkingenlog--$1.sql" "$top/sql/verwerkingenlog--$1.sql" \
				|| { echo "FAILED: sql/verwerkingenlog--$1.sql at commit $c differs from today's: a released script changed"; exit 1; }
			# The library of that commit, serving version $1 (the commit that
			# froze $1 again may already be at the next version).
			make -C "$src" -s -j2 all EXTVERSION="$1" >"$tmp/bouw-$1.log" 2>&1 || { cat "$tmp/bouw-$1.log"; exit 1; }
		fi
		make -C "$src" -s install EXTVERSION="$1" DESTDIR="$tmp/inst" >/dev/null
	fi
	chmod -R a+rX "$tmp/inst"
}

start() { "${runas[@]}" "$bin/pg_ctl" -D "$data" -l "$tmp/server.log" -w start >/dev/null; }
herstart() { "${runas[@]}" "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null; start; }

# The installation: a copy of run.sh's (PostgreSQL itself linked, not copied).
mkdir -p "$tmp/inst$lib" "$tmp/inst$share"
cp -a "$inst_nu$lib/bin" "$inst_nu$lib/lib" "$tmp/inst$lib/"
cp -a "$inst_nu$share/." "$tmp/inst$share/"

dump() {
	command "$lib/bin/pg_dump" -h "$tmp" -p 5432 -U postgres --schema-only --binary-upgrade -d "$1" \
		| sed -E -e '/binary_upgrade_set_next_/d' \
			-e "s/^SET relfrozenxid = '[0-9]+', relminmxid = '[0-9]+'$/SET relfrozenxid = 'XID', relminmxid = 'MXID'/" \
			-e "s/^WHERE oid = '[0-9]+';$/WHERE oid = 'OID';/" \
			-e "s/^(SELECT pg_catalog.setval\('[^']*', )[0-9]+, (true|false)\);$/\1N, B);/" \
			-e 's/^\\(un)?restrict [A-Za-z0-9]+$/\\\1restrict KEY/' \
			-e "s/^(SELECT pg_catalog.binary_upgrade_create_empty_extension\('verwerkingenlog', 'verwerkingenlog', (true|false), '[^']*', )'\{[0-9,]*\}'/\1'{OIDS}'/"
}

actie() { # naam verwerkingId objectId [tijdstip [afnemerId]]
	printf "SELECT d->>'actieId', d FROM verwerkingenlog.log_verwerkingsactie(jsonb_build_object(
	  'actieNaam', '%s', 'vertrouwelijkheid', 'normaal', 'tijdstip', '%s', 'bewaartermijn', 'P1D',
	  'verwerkingId', '%s', 'verwerkteObjecten', jsonb_build_array(jsonb_build_object(
	    'objecttype', 'persoon', 'soortObjectId', 'BSN', 'objectId', '%s')))%s) d;\n" \
		"$1" "${4:-2020-01-02T03:04:05+01:00}" "$2" "$3" \
		"${5:+ || jsonb_build_object('afnemerId', '$5', 'soortAfnemerId', 'BSN')}"
}

for ((i = 0; i + 1 < ${#versies[@]}; i++)); do
	a=${versies[i]}
	b=${versies[i + 1]}
	start_s=$SECONDS
	[ -f "$top/sql/verwerkingenlog--$a--$b.sql" ] || faal "no upgrade script sql/verwerkingenlog--$a--$b.sql"
	installeer "$a"
	rm -rf "$data"
	"${runas[@]}" "$bin/initdb" -D "$data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 --no-sync >"$tmp/initdb.log" 2>&1 \
		|| { cat "$tmp/initdb.log"; exit 1; }
	hex32() { head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
	printf '1 %s %s\n' "$(hex32)" "$(hex32)" >"$data/verwerkingenlog.sleutels"
	chmod 600 "$data/verwerkingenlog.sleutels"
	[ ${#runas[@]} -gt 0 ] && chown postgres "$data/verwerkingenlog.sleutels"
	printf "listen_addresses = ''\nunix_socket_directories = '%s'\nlog_min_messages = warning\n" "$tmp" >>"$data/postgresql.conf"
	start

	# 2. The log at version A.
	psql -d postgres -c 'CREATE DATABASE oud' -c 'CREATE DATABASE vers'
	psql -d oud -c 'SET client_min_messages = warning' -c "CREATE EXTENSION verwerkingenlog VERSION '$a'"
	psql -d oud -c "ALTER DATABASE oud SET verwerkingenlog.minimale_bewaartermijn = ''"
	[ "$(psql -d oud -c "SELECT extversion FROM pg_extension WHERE extname = 'verwerkingenlog'")" = "$a" ] || faal "not installed at $a"
	{
		for g in $(seq 1 10); do actie "blijft $g" 11111111-1111-4111-8111-111111111111 "55500$g"; done
		for g in $(seq 1 10); do actie "termijn $g" 22222222-2222-4222-8222-222222222222 "66600$g"; done
		for g in 1 2; do actie "afnemer $g" 44444444-4444-4444-8444-444444444444 "88800$g" 2020-01-02T03:04:05Z "99900$g"; done
	} | psql -d oud -F $'\t' >"$tmp/bevestigd"
	psql -d oud -c "SELECT verwerkingenlog.wijzig_bewaartermijn_verwerking('22222222-2222-4222-8222-222222222222', 'P2D')" >/dev/null
	verzegeld=no
	if [ "$(psql -d oud -c "SELECT to_regprocedure('verwerkingenlog.verzegel()') IS NOT NULL")" = t ]; then
		psql -d oud -c 'SET client_min_messages = error' -c 'SELECT verwerkingenlog.verzegel()' >/dev/null
		# Destroyed leaves: three actions of 2000, sealed, then purged.
		for g in 1 2 3; do actie "vooraf $g" 55555555-5555-4555-8555-555555555555 "99800$g" 2000-01-02T03:04:05Z; done \
			| psql -d oud >/dev/null
		psql -d oud -c 'SET client_min_messages = error' -c 'SELECT verwerkingenlog.verzegel()' >/dev/null
		weg=$(psql -d oud -c "SELECT verwerkingenlog.vernietig_verlopen('2010-01-01T00:00:00Z')")
		[ "$weg" = 3 ] || faal "the purge at $a destroyed $weg actions, expected 3"
		# Superseded leaves: a key rotation, every ciphertext re-encrypted
		# (the objects and the two afnemers) and sealed again at once.
		psql -d oud -c 'SELECT verwerkingenlog._rotate_key()' >/dev/null
		nieuw=$(psql -d oud -c 'SELECT verwerkingenlog.herversleutel()')
		[ "$nieuw" = 24 ] || faal "herversleutel at $a re-encrypted $nieuw ciphertexts, expected 24"
		psql -d oud -c 'SET client_min_messages = error' -c 'SELECT verwerkingenlog.verzegel()' >/dev/null
		verzegeld=yes
		# a witness's copy of the last checkpoint before the update
		psql -d oud -c 'SELECT verwerkingenlog.controlepunt()' >"$tmp/getuige"
	fi
	n=$(wc -l <"$tmp/bevestigd")
	[ "$n" = 22 ] || faal "$n actions acknowledged, expected 22"

	# 3. The packages of B; the library refuses the SQL of A until the update.
	installeer "$b"
	herstart
	rc=0
	uit=$(command psql -X -At -h "$tmp" -p 5432 -U postgres -d oud -c "$(actie "geweigerd" 11111111-1111-4111-8111-111111111111 1)" 2>&1) || rc=$?
	[ $rc -ne 0 ] && grep -q "extension verwerkingenlog is version $a in this database, its library is version $b" <<<"$uit" \
		|| faal "library $b served SQL $a before the update: $uit"
	psql -d oud -c "ALTER EXTENSION verwerkingenlog UPDATE TO '$b'"
	[ "$(psql -d oud -c "SELECT extversion FROM pg_extension WHERE extname = 'verwerkingenlog'")" = "$b" ] || faal "not updated to $b"

	# 4. The upgraded catalog equals a fresh install of B.
	psql -d vers -c 'SET client_min_messages = warning' -c "CREATE EXTENSION verwerkingenlog VERSION '$b'"
	dump oud >"$tmp/oud.sql"
	dump vers >"$tmp/vers.sql"
	if ! diff -u "$tmp/vers.sql" "$tmp/oud.sql" >"$tmp/dump.diff"; then
		head -60 "$tmp/dump.diff"
		faal "the upgraded catalog (+) differs from a fresh install of $b (-)"
	fi
	config="SELECT extconfig::regclass[]::text, extcondition FROM pg_extension WHERE extname = 'verwerkingenlog'"
	[ "$(psql -d oud -c "$config")" = "$(psql -d vers -c "$config")" ] || faal "the configuration tables differ"

	# 5. Every action reads back as acknowledged (the 10 whose retention was
	# changed as a new version: new bewaartermijn, later tijdstipRegistratie),
	# verifies, and can be purged.
	fout=$(psql -d oud <<-SQL
		CREATE TEMP TABLE bevestigd (actie_id uuid, document jsonb);
		\copy bevestigd FROM '$tmp/bevestigd'
		SELECT count(*) FROM (SELECT b.document, verwerkingenlog.verwerkingsactie(b.actie_id) AS gelezen FROM bevestigd b) s
		 WHERE CASE WHEN document->>'actieNaam' LIKE 'termijn %'
		            THEN gelezen - 'tijdstipRegistratie' IS DISTINCT FROM document - 'tijdstipRegistratie' || '{"bewaartermijn": "P2D"}'
		                 OR (gelezen->>'tijdstipRegistratie')::timestamptz <= (document->>'tijdstipRegistratie')::timestamptz
		            ELSE gelezen IS DISTINCT FROM document END;
	SQL
	)
	[ "$fout" = 0 ] || faal "$fout of 22 actions do not read back as acknowledged"
	verifieer() {
		[ "$verzegeld" = yes ] && [ -x "$bin/verwerkingenlog-verifieer" ] || return 0
		psql -d oud -c 'SET client_min_messages = error' -c 'SELECT verwerkingenlog.verzegel()' >/dev/null
		psql -d oud -c 'SELECT verwerkingenlog.publieke_sleutel()' >"$tmp/log.pub"
		psql -d oud -c 'COPY (SELECT * FROM verwerkingenlog.verificatie_export()) TO STDOUT' >"$tmp/log.export"
		"$bin/verwerkingenlog-verifieer" --sleutel "$tmp/log.pub" "$tmp/log.export" "$tmp/getuige" >"$tmp/verifieer.out" 2>&1 \
			|| { cat "$tmp/verifieer.out"; faal "the verifier finds the upgraded log broken ($1)"; }
		echo "  verifier ($1): $(head -1 "$tmp/verifieer.out")"
	}
	verifieer "after the update"
	# The inclusion proof of every acknowledged first version (and its
	# object) against the latest checkpoint (RFC 9162 section 2.1.3.2).
	if [ "$verzegeld" = yes ] && [ "$(psql -d oud -c "SELECT to_regprocedure('verwerkingenlog.bewijs_opname(uuid,integer)') IS NOT NULL")" = t ]; then
		psql -d oud >"$tmp/opname.json" <<-SQL
			CREATE TEMP TABLE bevestigd (actie_id uuid, document jsonb);
			\copy bevestigd FROM '$tmp/bevestigd'
			SELECT verwerkingenlog.bewijs_opname(actie_id, 1) FROM bevestigd;
		SQL
		python3 - "$tmp/opname.json" <<-'PY' || faal "an inclusion proof of an old row does not check out after the update"
			import base64, hashlib, json, sys
			node = lambda l, r: hashlib.sha256(b"\x01" + l + r).digest()
			def klopt(blad, grootte, h, pad, wortel):
			    fn, sn, r = blad, grootte - 1, h
			    for p in map(base64.b64decode, pad):
			        assert sn != 0
			        if fn & 1 or fn == sn:
			            r = node(p, r)
			            while (fn & 1) == 0 and fn != 0:
			                fn >>= 1; sn >>= 1
			        else:
			            r = node(r, p)
			        fn >>= 1; sn >>= 1
			    return sn == 0 and r == wortel
			n = 0
			for regel in open(sys.argv[1]):
			    b = json.loads(regel)
			    wortel, grootte = base64.b64decode(b["wortel"]), b["boomgrootte"]
			    for d in [b["versie"]] + b["objecten"]:
			        h = base64.b64decode(d["hash"])
			        assert hashlib.sha256(b"\x00" + bytes.fromhex(d["inhoud"])).digest() == h, "content and hash differ"
			        assert klopt(d["blad"], grootte, h, d["pad"], wortel), f"leaf {d['blad']}"
			        n += 1
			assert n == 44, f"{n} proofs, expected 44"
			print(f"  inclusion proofs: {n} leaves of old rows check out")
		PY
	fi
	[ -n "$(psql -d oud -c "$(actie "na de update" 33333333-3333-4333-8333-333333333333 777001)")" ] || faal "no action logged after the update"
	weg=$(psql -d oud -c 'SELECT verwerkingenlog.vernietig_verlopen()')
	[ "$weg" = 23 ] || faal "the purge destroyed $weg actions, expected 23"
	over=$(psql -d oud -c 'SELECT count(*) FROM verwerkingenlog.verwerkingsactie_versie')
	[ "$over" = 0 ] || faal "$over versions left after the purge"
	verifieer "after the purge"
	# The checkpoints after the update extend the one before it: the
	# consistency proof between the two checks out (RFC 9162 section 2.1.4.2).
	if [ "$verzegeld" = yes ] && [ "$(psql -d oud -c "SELECT to_regprocedure('verwerkingenlog.bewijs_consistentie(bigint,bigint)') IS NOT NULL")" = t ]; then
		oud_n=$(sed -n 2p "$tmp/getuige")
		psql -d oud -c "SELECT verwerkingenlog.bewijs_consistentie($oud_n, (SELECT max(grootte) FROM verwerkingenlog.verzegel_controlepunt))" >"$tmp/consistentie.json"
		python3 - "$tmp/consistentie.json" "$(sed -n 3p "$tmp/getuige")" <<-'PY' || faal "the checkpoints after the update do not extend the one before it"
			import base64, hashlib, json, sys
			b = json.load(open(sys.argv[1]))
			m, n = b["oud"]["boomgrootte"], b["nieuw"]["boomgrootte"]
			oud, nieuw = base64.b64decode(sys.argv[2]), base64.b64decode(b["nieuw"]["wortel"])
			pad = [base64.b64decode(h) for h in b["pad"]]
			node = lambda l, r: hashlib.sha256(b"\x01" + l + r).digest()
			assert base64.b64decode(b["oud"]["wortel"]) == oud and 0 < m < n, "not two different checkpoints"
			if m & (m - 1) == 0:
			    pad = [oud] + pad
			fn, sn = m - 1, n - 1
			while fn & 1:
			    fn >>= 1; sn >>= 1
			fr = sr = pad[0]
			for c in pad[1:]:
			    assert sn != 0
			    if fn & 1 or fn == sn:
			        fr, sr = node(c, fr), node(c, sr)
			        while (fn & 1) == 0 and fn != 0:
			            fn >>= 1; sn >>= 1
			    else:
			        sr = node(sr, c)
			    fn >>= 1; sn >>= 1
			assert sn == 0 and fr == oud and sr == nieuw, "the proof does not check out"
			print(f"  consistency proof {m} -> {n}: {len(pad)} hashes, checks out")
		PY
	fi
	echo "ok: $a -> $b: 22 actions at $a (sealed: $verzegeld, with 3 purged and 24 re-encrypted before), catalog equal to a fresh $b ($(wc -l <"$tmp/vers.sql") dump lines), all read back, 23 purged, $((SECONDS - start_s)) s"
	"${runas[@]}" "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null
done

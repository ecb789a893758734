#!/usr/bin/env bash
# test/fuzz/fuzz.sh -- libFuzzer on the moment and bewaartermijn parsers and
# the document validator.
#
#   fuzz.sh [--seconds S] [--only moment,bewaartermijn,document]
#   fuzz.sh --run HARNESS FILE...     run one harness on saved inputs
#
# Two kinds of harness, both libFuzzer from Debian's clang:
#  * in the backend (vwl_fuzz.c): the extension's C files and the harness
#    are built into a module instrumented for libFuzzer's coverage, loaded
#    into a single-user PostgreSQL backend of a throwaway cluster, and
#    vwl_fuzz() hands control to libFuzzer.  Real palloc, ereport and jsonb;
#    crashes, hangs, internal errors and broken properties are found, memory
#    errors only when they fault (AddressSanitizer cannot be preloaded into
#    Debian's postgres: the process hangs in bindtextdomain at start-up).
#    Harnesses: moment, bewaartermijn, document.
#  * standalone with AddressSanitizer (parsers.c): src/moment.c and
#    src/bewaartermijn.c unchanged, linked with libpgcommon/libpgport
#    (palloc on malloc, StringInfo, snprintf) and a shim with the two
#    calendar functions of the backend they use (shim.c; onbereikbaar.c
#    holds aborting stand-ins for what only their SQL entry points call);
#    every overread of
#    the input is caught.  Harnesses: moment_asan, bewaartermijn_asan.
# Prints executions and crashes per harness; exits 1 on any crash (the
# input is printed, base64, and kept in $VWL_FUZZ_ARTIFACTS if set).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
seconds=60 only="" run=""
while [ $# -gt 0 ]; do
	case "$1" in
		--seconds) seconds=$2; shift 2 ;;
		--only) only=$2; shift 2 ;;
		--run) run=$2; shift 2; break ;;
		*) echo "usage: $0 [--seconds S] [--only h1,h2] | --run HARNESS FILE..." >&2; exit 64 ;;
	esac
done
alle=(moment bewaartermijn document moment_asan bewaartermijn_asan)
if [ -n "$run" ]; then harnessen=("$run"); elif [ -n "$only" ]; then IFS=, read -r -a harnessen <<<"$only"; else harnessen=("${alle[@]}"); fi
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
CC=${CC:-clang}

dir=$(mktemp -d /tmp/vwl_fuzz.XXXXXX)
chmod 755 "$dir"
runas=()
if [ "$(id -u)" -eq 0 ]; then
	id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql postgres
	runas=(runuser -u postgres --)
fi
opruimen() { local rc=$?; rm -rf "$dir"; exit $rc; }
trap opruimen EXIT

PG_CONFIG=${PG_CONFIG:-$PGBIN/pg_config}
inc=$("$PG_CONFIG" --includedir-server)
pglib=$("$PG_CONFIG" --pkglibdir)
# -O1 and frame pointers as libFuzzer advises; PostgreSQL's printf attribute
# (gnu_printf) is unknown to clang, the rest as the Makefile's flags.
cflags=(-g -O1 -fno-omit-frame-pointer -Wall -Wextra -Werror -Wno-unused-parameter
	-Wno-missing-field-initializers -Wno-ignored-attributes -I"$inc" -I"$top/src"
	-DVWL_VERSIE="\"$(sed -n "s/^default_version[[:space:]]*=[[:space:]]*'\([^']*\)'.*/\1/p" "$top/verwerkingenlog.control")\"")

bouw_module() {
	mkdir -p "$dir/obj"
	local f
	for f in "$top"/src/*.c "$here/vwl_fuzz.c"; do
		"$CC" "${cflags[@]}" -fPIC -fsanitize=fuzzer-no-link -c "$f" -o "$dir/obj/$(basename "$f" .c).o"
	done
	"$CC" -shared -o "$dir/vwl_fuzz.so" "$dir"/obj/*.o \
		"$("$CC" -print-file-name=libclang_rt.fuzzer_no_main-x86_64.a)" -lstdc++ -lcrypto
	chmod a+rx "$dir/vwl_fuzz.so"
	"${runas[@]}" "$PGBIN/initdb" -D "$dir/data" -A trust -U postgres --no-sync >"$dir/initdb.log" 2>&1 \
		|| { cat "$dir/initdb.log"; exit 1; }
}

bouw_asan() {
	"$CC" "${cflags[@]}" -fsanitize=fuzzer,address \
		"$here/parsers.c" "$here/shim.c" "$here/onbereikbaar.c" "$top/src/moment.c" "$top/src/bewaartermijn.c" \
		"$pglib/libpgcommon.a" "$pglib/libpgport.a" -o "$dir/parsers"
	chmod a+rx "$dir/parsers"
}

[ ${#runas[@]} -gt 0 ] && chown postgres "$dir"
module=0 asan=0
for h in "${harnessen[@]}"; do
	case "$h" in
		moment|bewaartermijn|document) module=1 ;;
		moment_asan|bewaartermijn_asan) asan=1 ;;
		*) echo "unknown harness $h (known: ${alle[*]})" >&2; exit 64 ;;
	esac
done
[ $module -eq 1 ] && bouw_module
[ $asan -eq 1 ] && bouw_asan

# Run harness $1 with libFuzzer arguments $2...; output in $dir/log.$1.
draai() {
	local h=$1; shift
	local a args=""
	case "$h" in
		*_asan)
			"${runas[@]}" env VWL_HARNESS="${h%_asan}" ASAN_OPTIONS=detect_leaks=0 "$dir/parsers" "$@" \
				>"$dir/log.$h" 2>&1
			;;
		*)
			for a in "$@"; do args+="${args:+, }'${a//\'/\'\'}'"; done
			{
				echo "CREATE FUNCTION vwl_fuzz(text, text[]) RETURNS integer AS '$dir/vwl_fuzz.so', 'vwl_fuzz' LANGUAGE C STRICT;"
				echo "SELECT vwl_fuzz('$h', ARRAY[$args]::text[]);"
			} >"$dir/in.$h.sql"
			"${runas[@]}" "$PGBIN/postgres" --single -D "$dir/data" -c shared_buffers=16MB \
				-c log_min_messages=fatal postgres <"$dir/in.$h.sql" >"$dir/log.$h" 2>&1
			;;
	esac
}

if [ -n "$run" ]; then
	rc=0 i=0 kopie=()
	for f in "$@"; do i=$((i + 1)); cp "$f" "$dir/invoer.$i"; chmod a+r "$dir/invoer.$i"; kopie+=("$dir/invoer.$i"); done
	draai "$run" "${kopie[@]}" || rc=$?
	cat "$dir/log.$run"
	exit $rc
fi

fout=0
for h in "${harnessen[@]}"; do
	base=${h%_asan}
	mkdir -p "$dir/corpus.$h" "$dir/art.$h"
	[ ${#runas[@]} -gt 0 ] && chown postgres "$dir/corpus.$h" "$dir/art.$h"
	opties=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
		-artifact_prefix="$dir/art.$h/")
	# The seeds and dictionary are copied, so that user postgres can read
	# them; new inputs go to a scratch corpus, the repository stays as it is.
	cp -r "$here/corpus/$base" "$dir/seeds.$h"
	chmod -R a+rX "$dir/seeds.$h"
	if [ -f "$here/$base.dict" ]; then
		cp "$here/$base.dict" "$dir/$h.dict" && chmod a+r "$dir/$h.dict"
		opties+=(-dict="$dir/$h.dict")
	fi
	rc=0 begin=$SECONDS
	draai "$h" "${opties[@]}" "$dir/corpus.$h" "$dir/seeds.$h" || rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log.$h" | tail -1)
	crashes=$(find "$dir/art.$h" -type f | wc -l)
	if [ "$crashes" -eq 0 ] && [ $rc -ne 0 ]; then crashes=1; fi
	echo "fuzz $h: ${runs:-0} executions in $((SECONDS - begin)) s, $crashes crashes, corpus $(find "$dir/corpus.$h" -type f | wc -l) new inputs"
	if [ "$crashes" -ne 0 ]; then
		fout=1
		grep -E 'vwl_fuzz:|ERROR|SUMMARY|deadly|Test unit written|==[0-9]+==' "$dir/log.$h" | head -30 || true
		tail -5 "$dir/log.$h"
		for f in "$dir/art.$h"/*; do
			[ -f "$f" ] || continue
			echo "input $(basename "$f") (base64): $(base64 -w0 "$f")"
			[ -n "${VWL_FUZZ_ARTIFACTS:-}" ] && mkdir -p "$VWL_FUZZ_ARTIFACTS" && cp "$f" "$VWL_FUZZ_ARTIFACTS/$h-$(basename "$f")"
		done
	fi
done
exit $fout

#!/usr/bin/env bash
# The short version of the benchmarks, in the suite: the runners
# (test/bench/run.sh, test/bench/verzegeling.sh) run end to end on a small
# log and print every figure they are asked for with a number on both sides
# and a ratio.  Nothing is timed or compared against a target here:
# benchmarks are not tests (the long runs: ./test/run.sh bench,
# bench-verzegeling).  What this catches is a runner that no longer works
# against the extension as it is (a renamed function, a changed output).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
db=bench_kort
out=$(mktemp -d /tmp/vwl_bench_kort.XXXXXX)
trap 'rm -rf "$out"; psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true' EXIT
PGOPTIONS=-cclient_min_messages=warning psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
fail() { echo "FAILED: $*"; exit 1; }

# (1) single actions, (3) inzage, (4) list, (7)-(9) storage and WAL, with
# LDV records in the log and verzegel() every second beside them.
PGDATABASE=$db bash "$top/test/bench/run.sh" --scale 10000 --duration 2 --only 1,3,4 --verzegel \
	>"$out/run.md" 2>"$out/run.err" || { tail -30 "$out/run.err"; fail "test/bench/run.sh stopped"; }
for f in '(1) log one action' '(3f) inzage vs the raw query' '(3p) the same, 99th' '(4) list' '(4p) the same, 99th' \
	'(7) storage per action' '(9a) WAL bytes'; do
	line=$(grep -F "| $f" "$out/run.md") || { cat "$out/run.md"; fail "no row $f"; }
	# | figure | extension | baseline | ratio | target | met? |
	awk -F'|' '{ for (i = 3; i <= 5; i++) { gsub(/ /, "", $i); if ($i !~ /^[0-9.]+$/) exit 1 } }' <<<"$line" \
		|| fail "row without numbers: $line"
done
grep -q -- '--verzegel: [0-9]* LDV records loaded' "$out/run.md" || fail "no LDV records loaded"
echo "bench: $(grep -c '^| (' "$out/run.md") rows"

# The cost of tamper evidence: every figure T1-T5 printed with a number.
bash "$top/test/bench/verzegeling.sh" --scale 2000 --duration 2 --clients 2 \
	>"$out/zegel.md" 2>"$out/zegel.err" || { tail -30 "$out/zegel.err"; fail "test/bench/verzegeling.sh stopped"; }
for f in T1 T2 T3 T4 T5; do
	grep -q "($f)[^|]*| *[0-9]" "$out/zegel.md" || { cat "$out/zegel.md"; fail "no figure $f"; }
done
echo "bench-verzegeling: T1-T5 printed"

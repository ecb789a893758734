#!/usr/bin/env bash
# The short fuzz run of ./test/run.sh check: each libFuzzer harness (moment,
# bewaartermijn and the document validator in a backend; the two parsers
# standalone with AddressSanitizer) for 2 seconds, starting from the seeds in
# test/fuzz/corpus (which also replays every input a crash was once found
# with).  The long run is ./test/run.sh fuzz (test/fuzz/fuzz.sh).
set -euo pipefail
exec bash "$(dirname "$0")/../fuzz/fuzz.sh" --seconds 2

#!/usr/bin/env bash
# The short crash test of ./test/run.sh check: three kill -9 cycles under
# writers, a purge and a re-encryption; no acknowledged action may be lost.
# The long run is ./test/run.sh crash (test/crash/crash.sh).
set -euo pipefail
exec bash "$(dirname "$0")/../crash/crash.sh" --cycles 3 --writers 3 --min-ms 200 --max-ms 600

#!/usr/bin/env bash
# The cluster sync on the local runtime (the simulated cluster over real HTTP, DynamoDB Local, the real state
# machine): detection latency (image bump -> its rollout started, p50/p99, at a sync interval of real time),
# the duration and allocation of one pass over N canaries, and the monthly AWS cost of the sync Lambda
# at rate(1 minute) from the measured pass. Figures, not pass/fail.
# Usage: bench/sync.sh [bumps] [interval-seconds] [counts]      (default: 20 bumps, 10 s, 1,50,200 canaries;
#        0 bumps: the pass figures only)
# Set MVN_OFFLINE= (empty) to let Maven download missing dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

BENCH_JAVA_OPTS=-Xmx1g bench_java local dev.flagstep.local.e2e.SyncBench "$@"

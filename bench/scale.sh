#!/usr/bin/env bash
# Many canaries rolling out at once on the local runtime (the real state machine in the interpreter,
# DynamoDB Local, the simulated cluster, loopback receivers that answer at once): per-tick engine
# overhead beyond the webhook and Kubernetes round trips (p50, p99), DynamoDB calls and bytes per tick,
# Step Functions transitions per rollout, next to the targets in docs/deploy.md. Figures, not pass/fail.
# Usage: bench/scale.sh [counts] [speed]      (default: 1,50,200 at speed 20)
# Set MVN_OFFLINE= (empty) to let Maven download missing dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

BENCH_JAVA_OPTS=-Xmx1g bench_java local dev.flagstep.local.e2e.ScaleBench "$@"

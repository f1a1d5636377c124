#!/usr/bin/env bash
# Per-call overhead of WebhookClient next to a bare java.net.http POST, on a loopback server.
# Usage: bench/webhook.sh [measuredCallsPerSide] [warmupCallsPerSide]
# Set MVN_OFFLINE= (empty) to let Maven download missing dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

bench_java functions/core dev.flagstep.bench.WebhookClientBench "$@"

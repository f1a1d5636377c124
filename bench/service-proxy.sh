#!/usr/bin/env bash
# One webhook call through the simulated cluster's service proxy next to a direct call on loopback (p50, p99, ratio),
# all on flagstep's WebhookClient, with the proxy's own hop and issue 11's target (proxied <= 1.2 x direct + hop) as
# figures, and what the API front costs an ordinary Kubernetes call. Figures for this machine, one run.
# Usage: bench/service-proxy.sh [calls] [warmup]
# Set MVN_OFFLINE= (empty) to let Maven download missing dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

bench_java local dev.flagstep.local.sim.ServiceProxyBench "$@"

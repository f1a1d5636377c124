#!/usr/bin/env bash
# How soon a rollout parked on a built-in gate resumes once the gate opens, on `flagstep serve --simulate`.
# The tests prove the gate's token resumed it; this prints how fast, on this machine.
# Usage: bench/gates.sh [rollouts]
# Set MVN_OFFLINE= (empty) to let Maven download missing dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

bench_java local dev.flagstep.local.serve.GateResumeBench "$@"

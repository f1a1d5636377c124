#!/usr/bin/env bash
# Cold start of every function in template.yaml: a fresh JVM with the java21 runtime's flags runs the
# real runtime interface client on the function's deployment zip, against a loopback Runtime API, and
# times launch to the first answer of its sample event from events/ (DynamoDB Local, loopback Step
# Functions and EventBridge; Secrets Manager, CloudWatch and the EKS API fail fast on a closed port),
# next to a bare RequestStreamHandler in the same run. Prints zip size, jar count, first-invoke ms and
# the ratio to the bare handler; no pass/fail. Builds the zips first (./mvnw package, tests skipped).
# Usage: bench/coldstart.sh [--classes]   --classes: also count the classes each JVM loads (logs kept
# in functions/api/target/coldstart-classes/). Set MVN_OFFLINE= (empty) to let Maven download missing dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

# package builds both zips (and the test classes the harness lives in)
BENCH_GOALS="package -DskipTests" BENCH_PL=functions/phases,functions/api bench_java functions/api dev.flagstep.bench.ColdStartBench "$@"

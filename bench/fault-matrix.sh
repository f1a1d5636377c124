#!/usr/bin/env bash
# The fault matrix of docs/retries.md: every phase x every fault (Kubernetes 503 burst, Kubernetes down
# 10 minutes, webhook receiver down, DynamoDB throttling, Lambda killed mid-phase), one rollout each,
# through the real state machine in the local runtime. Prints the table and its totals (also left in
# local/target/fault-matrix.txt). Takes several minutes; the default build runs only its diagonal.
# Usage: bench/fault-matrix.sh [full|diagonal|fm-<row>-<column>,...]     (default: full)
# Set MVN_OFFLINE= (empty) to let Maven download missing dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk.sh

scope=${1:-full}
mkdir -p local/target
rm -f local/target/fault-matrix.txt
start=$(date +%s)
status=0
./mvnw ${MVN_OFFLINE--o} -q -B -pl local -am test -Dtest=FaultMatrixE2ETest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dfault-matrix="$scope" >local/target/fault-matrix.log 2>&1 || status=$?
echo "bench/fault-matrix.sh: $scope matrix, $(( $(date +%s) - start )) s in all (build included); log in local/target/fault-matrix.log"
if [ -f local/target/fault-matrix.txt ]; then
  cat local/target/fault-matrix.txt
else
  tail -40 local/target/fault-matrix.log
fi
exit "$status"

#!/usr/bin/env bash
# How much of Flagger's own catalogue `flagstep validate` accepts: every Canary in Flagger's repository (YAML
# files, the docs' yaml blocks, the e2e scripts' heredocs) with the MetricTemplates it references. Figures, not
# pass/fail: accepted (with the first warning, if any), refused (with the first error), and fragments Flagger's CRD refuses too (no targetRef,
# no name, an old apiVersion) and canaries naming a MetricTemplate the repository never defines, which are
# left out of the rate.
# Usage: bench/flagger-manifests.sh FLAGGER_GIT_DIR [REV]     (REV default v1.44.0, the version the docs name)
set -euo pipefail
cd "$(dirname "$0")/.."
git_dir=${1:?usage: bench/flagger-manifests.sh FLAGGER_GIT_DIR [REV]}
rev=${2:-v1.44.0}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
python3 bench/flagger-manifests.py "$git_dir" "$rev" "$out/docs"
ok=0; warned=0; refused=0; fragment=0; missing=0
for f in "$out"/docs/*.yaml; do
  r=$(./flagstep validate "$f" 2>&1 | grep -v '^flagstep: building' || true)
  name=$(basename "$f" .yaml)
  if grep -q ': valid canary' <<<"$r"; then
    ok=$((ok + 1))
    if grep -q ': warning: ' <<<"$r"; then
      warned=$((warned + 1))   # fields Flagger ignores for the provider, named
      echo "warning  $name: $(grep -m1 ': warning: ' <<<"$r" | sed "s|^$f: warning: ||")"
    fi
  elif grep -qE ': (targetRef: required|metadata.name: required|apiVersion: expected)' <<<"$r"; then
    fragment=$((fragment + 1))
  elif [ "$(grep -c . <<<"$r")" -eq "$(grep -c 'templateRef: no MetricTemplate' <<<"$r")" ]; then
    missing=$((missing + 1))   # a template the repository never defines
    echo "missing  $name: $(head -1 <<<"$r" | sed "s|^$f: ||")"
  else
    refused=$((refused + 1))
    echo "refused  $name: $(head -1 <<<"$r" | sed "s|^$f: ||")"
  fi
done
total=$((ok + refused))
echo "accepted $ok of $total complete Canary manifests ($((100 * ok / total))%), $warned with warnings; left out: $fragment fragments," \
  "$missing referencing a MetricTemplate the repository does not define"

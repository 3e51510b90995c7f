#!/usr/bin/env bash
# npm test: every check of the project, in order of cost. Each stage runs even if an earlier one failed, so one
# run shows everything that is wrong; the exit status is non-zero if any stage failed.
set -uo pipefail
cd "$(dirname "$0")/.."
export CDK8S_CHECK_UPGRADE=false
stages=(typecheck lint test:unit test:go lint:manifests test:imports test:cluster test:e2e pipeline:local)
passed=0 failed=0 failures=()
for stage in "${stages[@]}"; do
  echo "=== npm run $stage"
  start=$(date +%s)
  if npm run -s "$stage"; then
    passed=$((passed + 1)); echo "=== $stage: ok ($(( $(date +%s) - start ))s)"
  else
    failed=$((failed + 1)); failures+=("$stage"); echo "=== $stage: FAILED ($(( $(date +%s) - start ))s)"
  fi
done
[ "$failed" -eq 0 ] || echo "failed stages: ${failures[*]}"
echo "test stages: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

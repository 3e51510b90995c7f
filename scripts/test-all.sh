#!/usr/bin/env bash
# npm test: every check of the project. Each stage runs even if another failed, so one run shows everything that is
# wrong; the exit status is non-zero if any stage failed.
#
# The fast stages run at the same time (their output is printed stage by stage as each ends): they are mostly one
# process each, or wait on processes they spawn, so together they keep both cores busy where one after the other
# they would leave one idle. The slow stages (real servers, builds, the image pipeline) follow one at a time.
# RUNNER_FLEET_SERIAL=1 runs every stage one after the other; --fast runs only the fast stages (npm run bench
# times them that way).
set -uo pipefail
cd "$(dirname "$0")/.."
export CDK8S_CHECK_UPGRADE=false
fast=(typecheck lint test:unit test:go lint:manifests)
slow=(test:integration test:imports lint:renovate test:rules test:cluster test:e2e pipeline:local)
[ "${1:-}" = --fast ] && slow=()
passed=0 failed=0 failures=()
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

# report STAGE STATUS SECONDS
report() {
  if [ "$2" -eq 0 ]; then
    passed=$((passed + 1)); echo "=== $1: ok ($3s)"
  else
    failed=$((failed + 1)); failures+=("$1"); echo "=== $1: FAILED ($3s)"
  fi
}

run_one() {
  local stage=$1 start=$SECONDS status=0
  echo "=== npm run $stage"
  npm run -s "$stage" || status=$?
  report "$stage" "$status" $((SECONDS - start))
}

start=$SECONDS
if [ "${RUNNER_FLEET_SERIAL:-0}" = 1 ]; then
  for stage in "${fast[@]}"; do run_one "$stage"; done
else
  pids=()
  for stage in "${fast[@]}"; do
    ( s=$SECONDS; npm run -s "$stage" >"$logs/$stage.log" 2>&1; status=$?; echo "$status $((SECONDS - s))" >"$logs/$stage.status" ) &
    pids+=($!)
  done
  for i in "${!fast[@]}"; do
    wait "${pids[$i]}"
    stage=${fast[$i]}
    echo "=== npm run $stage"
    cat "$logs/$stage.log"
    read -r status seconds <"$logs/$stage.status"
    report "$stage" "$status" "$seconds"
  done
fi
echo "=== fast stages together: $((SECONDS - start))s"
for stage in "${slow[@]}"; do run_one "$stage"; done

[ "$failed" -eq 0 ] || echo "failed stages: ${failures[*]}"
echo "test stages: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

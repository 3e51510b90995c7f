#!/usr/bin/env bash
# test:rules: `promtool test rules` over every rendered PrometheusRule, with the unit tests tools/alerts writes.
#
# 1. Builds promtool from the Go module proxy at the version pinned in .ci/promtool/go.mod (only the promtool
#    command; cached in $RUNNER_FLEET_CACHE/bin, keyed by a hash of the Go version, go.mod and go.sum).
# 2. Writes the rule files and their tests (scripts/alert-tests.ts: one rule file per PrometheusRule in dist/, one
#    test file per rule file, series that fire each alert and series that must not).
# 3. Runs `promtool check rules` and `promtool test rules` on them.
#
# usage: .ci/promtool/run.sh                 run the checks
#        .ci/promtool/run.sh --print-promtool  build (if needed) and print the binary's path
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cache=${RUNNER_FLEET_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/runner-fleet}
bin="$cache/bin"
mkdir -p "$bin"

log() { printf '%s\n' "$*" >&2; }
die() { log "test:rules: $*"; exit 2; }
command -v go >/dev/null || die "'go' is required on PATH"

key=$( (go version; cat "$here/go.mod" "$here/go.sum") | sha256sum | cut -c1-16)
promtool="$bin/promtool-$key"
if [ ! -x "$promtool" ]; then
  start=$SECONDS
  log "building promtool into $bin (first run only; a few minutes on 2 cores)"
  (cd "$here" && go build -trimpath -o "$promtool.tmp.$$" github.com/prometheus/prometheus/cmd/promtool) || die "building promtool failed"
  mv "$promtool.tmp.$$" "$promtool"   # atomic: a concurrent run sees the old binary or the new one
  find "$bin" -maxdepth 1 -name 'promtool-*' ! -name "promtool-$key" -delete
  log "built promtool in $((SECONDS - start))s"
fi
if [ "${1:-}" = --print-promtool ]; then printf '%s\n' "$promtool"; exit 0; fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/test-rules.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
node "$root/scripts/run-ts.mjs" "$root/scripts/alert-tests.ts" "$tmp" >"$tmp/files.txt"
rules=() tests=()
while read -r kind file; do
  case "$kind" in rules) rules+=("$file") ;; tests) tests+=("$file") ;; esac
done <"$tmp/files.txt"
[ "${#rules[@]}" -gt 0 ] || die "no PrometheusRule in dist/: nothing to test"
"$promtool" check rules "${rules[@]}"
(cd "$tmp" && "$promtool" test rules "${tests[@]}")
log "test:rules: ${#rules[@]} rule file(s), ${#tests[@]} test file(s) passed"

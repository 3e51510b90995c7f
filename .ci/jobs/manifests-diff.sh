#!/usr/bin/env bash
# GitLab job manifests:diff (merge requests): the rendered-manifest diff between the merge
# request's base and HEAD, as manifests-diff.md, and a summary as manifests-summary.md; both are
# artifacts exposed in the merge request, and the summary is printed in the job log.
#
#   .ci/jobs/manifests-diff.sh [BASE]   BASE defaults to $CI_MERGE_REQUEST_DIFF_BASE_SHA
# The diff tool's exit status: 0 no change, 1 changed (not a failure), anything else an error.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
# shellcheck source=lib/common.sh
source "$here/lib/common.sh"
LOG_PREFIX="manifests:diff"
cd "$repo"

base="${1:-${CI_MERGE_REQUEST_DIFF_BASE_SHA:-}}"
[[ -n "$base" ]] || die "give the base commit as an argument or set CI_MERGE_REQUEST_DIFF_BASE_SHA"
if ! git cat-file -e "$base^{commit}" 2>/dev/null; then
  log "fetching $base"
  git fetch --quiet origin "$base" || die "base commit $base is not in the clone and could not be fetched"
fi

if [[ ! -d node_modules || -n "${CI:-}" ]]; then
  log "npm ci"
  npm ci --no-audit --no-fund
fi

status=0
npm run -s diff -- --format markdown "$base" HEAD >manifests-diff.md || status=$?
case "$status" in
  0) verdict="the rendered manifests do not change" ;;
  1) verdict="the rendered manifests change" ;;
  *) die "the diff tool failed (exit $status); its output so far is in manifests-diff.md" ;;
esac
npm run -s summary -- --format markdown >manifests-summary.md

{
  echo "==== $verdict ($(git rev-parse --short "$base")..$(git rev-parse --short HEAD))"
  cat manifests-summary.md
  echo
  lines="$(wc -l <manifests-diff.md)"
  echo "==== diff: $lines lines (full diff: artifact 'rendered manifests diff' in the merge request)"
  head -n 200 manifests-diff.md
  ((lines <= 200)) || echo "… $((lines - 200)) more lines in manifests-diff.md"
} >&2
log "$verdict"

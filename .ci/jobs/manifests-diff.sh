#!/usr/bin/env bash
# GitLab job manifests:diff (merge requests): the rendered-manifest diff between the merge
# request's base and HEAD, as manifests-diff.md, and a summary as manifests-summary.md; both are
# artifacts exposed in the merge request, posted as one merge-request note when MANIFESTS_DIFF_NOTE_TOKEN is set
# (see lib/mr-note.mjs), and the summary is printed in the job log.
#
#   .ci/jobs/manifests-diff.sh [BASE]   BASE defaults to $CI_MERGE_REQUEST_DIFF_BASE_SHA
# The files go to $MANIFESTS_DIFF_DIR (default: the repository root, where the artifact paths point).
# The diff tool's exit status: 0 no change, 1 changed (not a failure), anything else an error.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
# shellcheck source=SCRIPTDIR/lib/common.sh
source "$here/lib/common.sh"
LOG_PREFIX="manifests:diff"
cd "$repo"

base="${1:-${CI_MERGE_REQUEST_DIFF_BASE_SHA:-}}"
[[ -n "$base" ]] || die "give the base commit as an argument or set CI_MERGE_REQUEST_DIFF_BASE_SHA"
if ! git cat-file -e "$base^{commit}" 2>/dev/null; then
  log "fetching $base"
  git fetch --quiet origin "$base" || die "base commit $base is not in the clone and could not be fetched"
fi

out="${MANIFESTS_DIFF_DIR:-$repo}"
mkdir -p "$out"
for script in diff summary; do
  node -e 'process.exit(require("./package.json").scripts?.[process.argv[1]] ? 0 : 1)' "$script" ||
    die "package.json has no '$script' script: the rendered-diff tool is not in this commit"
done

if [[ ! -d node_modules || -n "${CI:-}" ]]; then
  log "npm ci"
  npm ci --no-audit --no-fund
fi

status=0
npm run -s diff -- --format markdown "$base" HEAD >"$out/manifests-diff.md" || status=$?
case "$status" in
  0) verdict="the rendered manifests do not change" ;;
  1) verdict="the rendered manifests change" ;;
  *) die "the diff tool failed (exit $status); its output so far is in manifests-diff.md" ;;
esac
# The pictures of each cluster (runners → pools → capacity) go into the summary only when the fleet's shape changed:
# the base's shape comes from the base's own summary script, run from an export of the base commit.
shape_changed=1
base_tree="$(mktemp -d)"
trap 'rm -rf "$base_tree"' EXIT
git archive "$base" | tar -x -C "$base_tree"
ln -s "$repo/node_modules" "$base_tree/node_modules"
if (cd "$base_tree" && node scripts/run-ts.mjs scripts/summary.ts --format shape >"$base_tree/.shape" 2>/dev/null) &&
  npm run -s summary -- --format shape | cmp -s - "$base_tree/.shape"; then
  shape_changed=0
fi
if ((shape_changed)); then
  log "the fleet's shape changed (or the base cannot tell): the summary shows each cluster's picture"
  npm run -s summary -- --format markdown >"$out/manifests-summary.md"
else
  npm run -s summary -- --format markdown --no-diagram >"$out/manifests-summary.md"
fi

{
  echo "==== $verdict ($(git rev-parse --short "$base")..$(git rev-parse --short HEAD))"
  cat "$out/manifests-summary.md"
  echo
  lines="$(wc -l <"$out/manifests-diff.md")"
  echo "==== diff: $lines lines (full diff: artifact 'rendered manifests diff' in the merge request)"
  head -n 200 "$out/manifests-diff.md"
  ((lines <= 200)) || echo "… $((lines - 200)) more lines in manifests-diff.md"
} >&2
log "$verdict"

# The Markdown is written for a merge-request note: post it there (one note, updated in place) when a token that may
# write notes is configured; otherwise the artifact is the report.
if [[ -n "${MANIFESTS_DIFF_NOTE_TOKEN:-}" && -n "${CI_MERGE_REQUEST_IID:-}" ]]; then
  node "$here/lib/mr-note.mjs" manifests-diff "$out/manifests-summary.md" "$out/manifests-diff.md" >&2 ||
    log "the merge request note could not be written; the report is in the job's artifacts"
else
  log "MANIFESTS_DIFF_NOTE_TOKEN is not set: the report is only in the job's artifacts"
fi

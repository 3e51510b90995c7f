#!/usr/bin/env bash
# GitLab job manifests:verify: the repository's whole test command, then a fresh synth; dist/ must
# be exactly what is committed (a stale dist/ never lands), and nothing deployed may be removed unsafely.
# Needs Node 20 (the job image) and Go (installed from the Go module proxy when missing).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
# shellcheck source=SCRIPTDIR/lib/common.sh
source "$here/lib/common.sh"
LOG_PREFIX="manifests:verify"
cd "$repo"

PATH="$("$here/lib/ensure-go.sh"):$PATH"
export PATH

log "npm ci"
npm ci --no-audit --no-fund
log "npm test"
npm test
# Removals are checked against what is deployed, not against the working tree (which a branch may have rendered
# twice, retiring and removing a runner in one commit): the merge request's target branch at its diff base, or on
# the default branch the commit before this push. Neither exists for a branch's first push: the working tree then.
base="$(removal_base)"
if [[ -n "$base" ]]; then
  if ! git cat-file -e "$base^{commit}" 2>/dev/null; then
    log "fetching the removal base $base"
    git fetch --quiet --no-tags --depth=1 origin "$base" || die "cannot fetch the removal base $base"
  fi
  log "npm run synth (removals checked against $base)"
  RUNNER_FLEET_REMOVAL_BASE="$base" npm run synth
else
  log "npm run synth (no deployed revision known: removals checked against the working tree)"
  npm run synth
fi

changes="$(git status --porcelain --untracked-files=all -- dist/)"
if [[ -n "$changes" ]]; then
  log "dist/ differs from the commit: run 'npm run synth' and commit dist/. Changed files:"
  printf '%s\n' "$changes" >&2
  git --no-pager diff --stat -- dist/ >&2
  git --no-pager diff -- dist/ >&2
  git ls-files --others --exclude-standard -- dist/ | while read -r f; do
    log "new file $f:"
    cat "$f" >&2
  done
  die "dist/ is stale"
fi
log "dist/ matches a fresh synth"

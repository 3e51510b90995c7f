#!/usr/bin/env bash
# GitLab job gitlab:drift: compares every runner in GitLab with the definitions (npm run gitlab:plan) and fails when
# they differ. Runs on schedules (drift made by hand in GitLab) and in merge requests (what apply will change).
# Needs GITLAB_PLAN_TOKEN: an access token with scope read_api (see docs/gitlab-side.md). Writes gitlab-plan.md.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
# shellcheck source=SCRIPTDIR/lib/common.sh
source "$here/lib/common.sh"
LOG_PREFIX="gitlab:drift"
cd "$repo"
require_env GITLAB_PLAN_TOKEN

if [[ ! -d node_modules || -n "${CI:-}" ]]; then
  log "npm ci"
  npm ci --no-audit --no-fund
fi
status=0
GITLAB_TOKEN="$GITLAB_PLAN_TOKEN" npm run -s gitlab:plan -- --markdown gitlab-plan.md || status=$?
case "$status" in
  0) log "GitLab matches the definitions" ;;
  1) die "GitLab differs from the definitions (plan above, and gitlab-plan.md): run the default branch's gitlab:apply, or fix the definitions" ;;
  *) die "the plan failed (exit $status): see the message above" ;;
esac

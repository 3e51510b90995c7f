#!/usr/bin/env bash
# GitLab job gitlab:apply (default branch, after manifests:verify): makes GitLab's runners match the definitions
# (npm run gitlab:apply) and stores new runners' tokens in AWS Secrets Manager. Runners whose token is an
# existing-secret wait for a person (exit 1): their token must be put into the cluster with kubectl.
# Needs GITLAB_APPLY_TOKEN (scopes create_runner, manage_runner, read_api) and, for Secrets Manager, AWS_ROLE_ARN
# (assumed with the job's OIDC token AWS_ID_TOKEN) or other AWS credentials. See docs/gitlab-side.md.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
# shellcheck source=SCRIPTDIR/lib/common.sh
source "$here/lib/common.sh"
LOG_PREFIX="gitlab:apply"
cd "$repo"
require_env GITLAB_APPLY_TOKEN

if [[ -n "${AWS_ROLE_ARN:-}" ]]; then
  require_env AWS_ID_TOKEN
  # The AWS SDK reads the web identity token from a file; it lives in the job's temporary folder only.
  token_file="$(mktemp)"
  trap 'rm -f "$token_file"' EXIT
  printf '%s' "$AWS_ID_TOKEN" >"$token_file"
  export AWS_WEB_IDENTITY_TOKEN_FILE="$token_file" AWS_ROLE_SESSION_NAME="gitlab-apply-${CI_PIPELINE_ID:-local}"
fi

if [[ ! -d node_modules || -n "${CI:-}" ]]; then
  log "npm ci"
  npm ci --no-audit --no-fund
fi
args=()
for cluster in ${GITLAB_APPLY_CLUSTERS:-}; do args+=(--cluster "$cluster"); done
GITLAB_TOKEN="$GITLAB_APPLY_TOKEN" npm run -s gitlab:apply -- ${args[@]+"${args[@]}"} --markdown gitlab-plan.md

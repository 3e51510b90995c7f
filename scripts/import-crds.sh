#!/usr/bin/env bash
# Regenerates imports/ (typed cdk8s constructs) from the upstream CRDs pinned in lib/versions.json.
# usage: npm run import
set -euo pipefail
cd "$(dirname "$0")/.."
export CDK8S_CHECK_UPGRADE=false
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# One import per API group, so each group lands in one file (imports/<group>.ts).
scripts/upstream-crds.sh | while read -r crd; do
  group=$(awk '/^  group: /{print $2; exit}' "$crd")
  cat "$crd" >> "$tmp/$group.yaml"
  printf '\n---\n' >> "$tmp/$group.yaml"
done
rm -rf imports && mkdir imports
for f in "$tmp"/*.yaml; do
  npx cdk8s import "$f" --language typescript --output imports --no-save >/dev/null
done
# The Kubernetes core types come from cdk8s-plus-33's bundled k8s module; nothing else is imported.
ls imports

#!/usr/bin/env bash
# test:imports: imports/ is exactly what `npm run import` generates from the pinned CRDs (lib/versions.json), so
# nobody edits generated code by hand and a pin bump without a re-import fails here.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
node scripts/import-crds.mjs --out "$tmp/imports" >/dev/null
if diff -ru imports "$tmp/imports" >"$tmp/diff"; then
  echo "test:imports: 1 passed, 0 failed (imports/ matches the pinned CRDs)"
else
  head -40 "$tmp/diff" >&2
  echo "test:imports: imports/ differs from what 'npm run import' generates; run it and commit imports/" >&2
  echo "test:imports: 0 passed, 1 failed"
  exit 1
fi

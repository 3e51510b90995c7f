#!/usr/bin/env bash
# lint:renovate: renovate.json must pass renovate-config-validator of the Renovate release pinned in
# .ci/renovate/package.json (installed once into $RUNNER_FLEET_CACHE, keyed by that file's hash; about 70 s and
# 340 MB, which is why it is not a devDependency). --strict also fails on options Renovate would migrate.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cache=${RUNNER_FLEET_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/runner-fleet}
key=$( (node --version; cat "$here/package.json") | sha256sum | cut -c1-16)
prefix="$cache/renovate-$key"
if [ ! -f "$prefix/.complete" ]; then
  echo "installing Renovate ($(node -p 'require(process.argv[1]).devDependencies.renovate' "$here/package.json")) into $prefix (first run only)" >&2
  rm -rf "$prefix" && mkdir -p "$prefix"
  cp "$here/package.json" "$prefix/package.json"
  # No install scripts: the validator needs none (re2 falls back to RegExp with a warning).
  (cd "$prefix" && npm install --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null)
  touch "$prefix/.complete"
  find "$cache" -maxdepth 1 -name 'renovate-*' ! -name "renovate-$key" -exec rm -rf {} +
fi
cd "$root"
# Renovate asks for a newer Node than the project's; the validator runs on it (a failing import in an unused
# module is logged, not fatal), so only its verdict is kept.
out=$(node "$prefix/node_modules/renovate/dist/config-validator.js" --strict 2>&1) && status=0 || status=$?
if [ "$status" -ne 0 ]; then
  printf '%s\n' "$out" | grep -v 're2\|RE2' >&2
  echo "lint:renovate: renovate.json is invalid" >&2
  exit 1
fi
printf '%s\n' "$out" | grep 'validated successfully' >&2

#!/usr/bin/env bash
# Prints the local folder of an upstream Go module at a pinned version, fetching its zip from the Go module
# proxy once (no Go toolchain check: we only read files such as CRDs from it). Cached across runs.
# usage: scripts/upstream-module.sh <module> <version>
set -euo pipefail
mod=$1 ver=$2
cache="${RUNNER_FLEET_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/runner-fleet}/modules"
dir="$cache/$mod@$ver"
if [ ! -d "$dir" ]; then
  proxy=$(go env GOPROXY 2>/dev/null | cut -d, -f1 || true)
  case "$proxy" in ""|direct|off) proxy=https://proxy.golang.org ;; esac
  escaped=$(printf '%s' "$mod" | sed -E 's/([A-Z])/!\L\1/g')   # the proxy's case encoding
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  curl -fsSL --retry 3 "$proxy/$escaped/@v/$ver.zip" -o "$tmp/module.zip"
  python3 -m zipfile -e "$tmp/module.zip" "$tmp/x"
  mkdir -p "$(dirname "$dir")"
  mv "$tmp/x/$mod@$ver" "$dir"
fi
printf '%s\n' "$dir"

#!/usr/bin/env bash
# Prints the path of every upstream CRD file pinned in lib/versions.json (fetched from the Go module proxy once).
# usage: scripts/upstream-crds.sh [name ...]   (names from lib/versions.json upstreamCrds; default: all)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
node -e '
  const v = require(process.argv[1]);
  const want = process.argv.slice(2);
  for (const c of v.upstreamCrds) if (!want.length || want.includes(c.name)) console.log([c.module, c.version, ...c.files].join(" "));
' "$here/lib/versions.json" "$@" | while read -r module version files; do
  dir=$("$here/scripts/upstream-module.sh" "$module" "$version")
  for f in $files; do
    [ -f "$dir/$f" ] || { echo "upstream-crds: $module@$version has no $f" >&2; exit 1; }
    printf '%s\n' "$dir/$f"
  done
done

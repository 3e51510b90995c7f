#!/usr/bin/env bash
# ensure-go.sh: make Go $GO_VERSION available and print the directory that holds its `go`.
#   PATH="$(.ci/jobs/lib/ensure-go.sh):$PATH"
# Uses the `go` on PATH when it is that version. Otherwise it fetches the official toolchain the way
# the go command itself does (GOTOOLCHAIN): the Go module golang.org/toolchain from the Go module
# proxy, checked against the sha256 pinned below (the zips that sum.golang.org vouches for).
set -euo pipefail
# shellcheck source=SCRIPTDIR/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
LOG_PREFIX=ensure-go

# Renovate bumps this with the other Go pins; add the new zips' sums to ZIP_SHA256 on its merge request.
# renovate: datasource=golang-version depName=go
GO_VERSION="${GO_VERSION:-1.26.8}"
declare -A ZIP_SHA256=(
  [1.26.8-amd64]=30c2b1bf7dcc88d3eb0a1364e47ddd9128edb3110a30e8a0ef61cd5856b31de7
  [1.26.8-arm64]=02b36b6787b3ac767668f630e2998df45a3b1f9ffee08d1bf3ef6487cd658d99
)

if command -v go >/dev/null && [[ "$(go env GOVERSION)" == "go$GO_VERSION" ]]; then
  dirname "$(command -v go)"
  exit 0
fi

arch="$(host_arch)"
want="${ZIP_SHA256[$GO_VERSION-$arch]:-}"
[[ -n "$want" ]] || die "no pinned checksum for Go $GO_VERSION linux/$arch: add it to ZIP_SHA256 in $0"
root="${GO_TOOLCHAIN_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/go-toolchain}"
module="golang.org/toolchain@v0.0.1-go$GO_VERSION.linux-$arch"
if [[ ! -x "$root/$module/bin/go" ]]; then
  "$(dirname "${BASH_SOURCE[0]}")/ensure-tools.sh" curl unzip
  proxy="${GOPROXY:-https://proxy.golang.org}"
  proxy="${proxy%%[,|]*}"
  [[ "$proxy" == http* ]] || proxy=https://proxy.golang.org
  mkdir -p "$root"
  zip="$(mktemp "$root/download.XXXXXX")"
  trap 'rm -f "$zip"' EXIT
  log "fetching $module from $proxy"
  curl -fsSL --retry 3 -o "$zip" "$proxy/golang.org/toolchain/@v/v0.0.1-go$GO_VERSION.linux-$arch.zip"
  got="$(sha256sum "$zip" | cut -d' ' -f1)"
  [[ "$got" == "$want" ]] || die "$module: sha256 $got, want $want"
  rm -rf "${root:?}/$module"
  unzip -q "$zip" -d "$root"
  # Module zips do not keep file modes.
  chmod -R a+rX "$root/$module"
  chmod a+x "$root/$module/bin/"* "$root/$module/pkg/tool/"*/*
fi
"$root/$module/bin/go" version >&2
echo "$root/$module/bin"

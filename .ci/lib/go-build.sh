#!/usr/bin/env bash
# Cached Go builds shared by test:cluster (.ci/cluster/run.sh) and test:e2e (.ci/e2e/): source this file.
#
#   build NAME MODULE_DIR PACKAGE INPUT...   prints the path of a cached binary built from PACKAGE in MODULE_DIR
#   kube_ldflags VERSION                     prints the -X flags that stamp a Kubernetes binary with VERSION
#
# The cache key hashes the Go version, $ldflags, $GOARCH (when set), the module's go.mod/go.sum and the given inputs (source files), so
# both test suites find the same binary and nothing is built twice. Binaries live in $bin
# (default ${RUNNER_FLEET_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/runner-fleet}/bin). Each build's wall time is
# appended to $build_times_file (when set) as "NAME SECONDS cold|cached".
cache=${RUNNER_FLEET_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/runner-fleet}
bin=${bin:-$cache/bin}
mkdir -p "$bin"

build() {
  local name=$1 dir=$2 pkg=$3
  shift 3
  local key
  # GOARCH enters the key only when set, so native builds keep the keys they always had.
  key=$( (go version; echo "${ldflags:-}"; [ -z "${GOARCH:-}" ] || echo "GOARCH=$GOARCH"; cat "$dir/go.mod" "$dir/go.sum" "$@") | sha256sum | cut -c1-16)
  local out="$bin/$name-$key" start=$SECONDS state=cached
  if [ ! -x "$out" ]; then
    state=cold
    printf 'building %s (%s) into %s (first run only; several minutes on 2 cores)\n' "$name" "$pkg" "$bin" >&2
    if ! (cd "$dir" && go build -ldflags "${ldflags:-}" -o "$out.tmp.$$" "$pkg"); then
      rm -f "$out.tmp.$$"
      printf 'building %s failed\n' "$name" >&2
      return 2
    fi
    mv "$out.tmp.$$" "$out"   # atomic: a concurrent run sees the old binary or the new one
    find "$bin" -maxdepth 1 -name "$name-*" ! -name "$name-$key" ! -name "*.tmp.*" -delete
    printf 'built %s in %ss\n' "$name" "$((SECONDS - start))" >&2
  fi
  [ -z "${build_times_file:-}" ] || printf '%s %s %s\n' "$name" "$((SECONDS - start))" "$state" >>"$build_times_file"
  printf '%s\n' "$out"
}

kube_ldflags() {
  local version=$1 minor
  minor=${version#v1.}; minor=${minor%%.*}
  printf '%s' "-X k8s.io/component-base/version.gitVersion=$version -X k8s.io/component-base/version.gitMajor=1"
  printf '%s' " -X k8s.io/component-base/version.gitMinor=$minor -X k8s.io/component-base/version.gitTreeState=clean"
}

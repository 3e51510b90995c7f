#!/usr/bin/env bash
# npm run pipeline:local: the sample app's build, test and manifest stages, for real, on this machine.
#
# Runs the same job scripts GitLab runs (.ci/jobs/*.sh) against a real OCI registry on loopback
# (Debian's docker-registry) with buildah/skopeo in a throw-away storage:
#   build linux/amd64 and linux/arm64  go test (arm64 under qemu), static binary, FROM scratch image, push
#   test each pushed image             its binary runs (arm64 under qemu) and answers with its own arch
#   manifest                           multi-arch list pushed, read back with skopeo: both platforms present
#   each entry of the list             pulled through the list by platform, runs, answers with its arch
# Everything it starts (registry, containers, images, storage) is removed on exit, even on failure.
# Needs root on Debian the first time (it installs buildah skopeo docker-registry qemu-user-static).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jobs="$repo/.ci/jobs"
# shellcheck source=SCRIPTDIR/jobs/lib/common.sh
source "$jobs/lib/common.sh"
LOG_PREFIX=pipeline-local

steps_total=7 passed=0 failed=0
summary() { # the closing line, always printed
  local skipped=$((steps_total - passed - failed))
  echo "pipeline-local: $passed passed, $failed failed$( ((skipped > 0)) && echo ", $skipped skipped")"
}

tmp="" registry_pid=""
cleanup() {
  local status=$?
  if [[ -n "$registry_pid" ]] && kill -0 "$registry_pid" 2>/dev/null; then
    kill -TERM "$registry_pid" 2>/dev/null || true
    wait "$registry_pid" 2>/dev/null || true
  fi
  if [[ -n "$tmp" && -d "$tmp" ]]; then
    if [[ -f "$tmp/storage.conf" ]]; then
      buildah rm --all >/dev/null 2>&1 || true
      buildah rmi --all --force >/dev/null 2>&1 || true
    fi
    rm -rf "$tmp"
  fi
  ((status == 0)) || failed=$((failed > 0 ? failed : 1))
  summary
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$jobs/lib/ensure-tools.sh" buildah skopeo docker-registry qemu-user-static jq curl

tmp="$(mktemp -d "${TMPDIR:-/tmp}/pipeline-local.XXXXXX")"
mkdir -p "$tmp/storage" "$tmp/run" "$tmp/registry" "$tmp/out"
# A private containers-storage: nothing of the machine's own images is touched or left behind.
cat >"$tmp/storage.conf" <<CONF
[storage]
driver = "vfs"
graphroot = "$tmp/storage"
runroot = "$tmp/run"
CONF
export CONTAINERS_STORAGE_CONF="$tmp/storage.conf" STORAGE_DRIVER=vfs BUILDAH_ISOLATION=chroot
echo '{}' >"$tmp/auth.json"
export REGISTRY_AUTH_FILE="$tmp/auth.json" OUT_DIR="$tmp/out" REGISTRY_TLS_VERIFY=false

port="$(free_port)"
cat >"$tmp/registry.yml" <<CONF
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $tmp/registry
http:
  addr: 127.0.0.1:$port
CONF
# env -i: the registry reads every REGISTRY_* variable as a configuration override.
env -i PATH="$PATH" docker-registry serve "$tmp/registry.yml" >"$tmp/registry.log" 2>&1 &
registry_pid=$!
if ! wait_http "http://127.0.0.1:$port/v2/" 30 "$registry_pid"; then
  cat "$tmp/registry.log" >&2
  die "docker-registry did not start on 127.0.0.1:$port"
fi
log "OCI registry (docker-registry $(docker-registry --version 2>/dev/null | awk '{print $NF}')) on 127.0.0.1:$port"

export IMAGE="127.0.0.1:$port/sample-app" IMAGE_TAG=local VERSION=local

step() { # step NAME COMMAND...: run one stage, time it, stop the pipeline at the first failure
  local name="$1" start=$SECONDS status=0
  shift
  log "---- $name"
  "$@" || status=$?
  if ((status == 0)); then
    passed=$((passed + 1))
    log "---- PASS $name ($((SECONDS - start))s)"
  else
    failed=$((failed + 1))
    log "---- FAIL $name (exit $status after $((SECONDS - start))s)"
    exit "$status"
  fi
}

for arch in amd64 arm64; do
  step "build linux/$arch" env BUILD_ARCH="$arch" "$jobs/build.sh"
done
for arch in amd64 arm64; do
  step "test linux/$arch image $IMAGE:$IMAGE_TAG-$arch" "$jobs/lib/smoke-image.sh" "docker://$IMAGE:$IMAGE_TAG-$arch" "$arch"
done
step "manifest list $IMAGE:$IMAGE_TAG" "$jobs/manifest.sh"
for arch in amd64 arm64; do
  step "list $IMAGE:$IMAGE_TAG entry linux/$arch runs" "$jobs/lib/smoke-image.sh" "docker://$IMAGE:$IMAGE_TAG" "$arch"
done

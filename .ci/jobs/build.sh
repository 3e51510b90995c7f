#!/usr/bin/env bash
# GitLab job build (parallel:matrix over BUILD_ARCH; runs on a runner of that arch):
#   go vet + go test natively, a static binary, an image FROM scratch with buildah, pushed as
#   $IMAGE:$IMAGE_TAG-$BUILD_ARCH. Its digest goes to $OUT_DIR/image-$BUILD_ARCH.digest for the
#   manifest job, so the multi-arch list references exactly what was built and tested.
#
# Env: BUILD_ARCH (amd64|arm64), IMAGE (default $CI_REGISTRY_IMAGE), IMAGE_TAG (default
# $CI_COMMIT_SHORT_SHA), VERSION (default IMAGE_TAG), OUT_DIR (default sample-app/out),
# REGISTRY_TLS_VERIFY (default true; pipeline-local's loopback registry sets false).
# Registry login happens when CI_REGISTRY, CI_REGISTRY_USER and CI_REGISTRY_PASSWORD are set.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
# shellcheck source=SCRIPTDIR/lib/common.sh
source "$here/lib/common.sh"
LOG_PREFIX="build:${BUILD_ARCH:-?}"

IMAGE="${IMAGE:-${CI_REGISTRY_IMAGE:-}}"
IMAGE_TAG="${IMAGE_TAG:-${CI_COMMIT_SHORT_SHA:-}}"
require_env BUILD_ARCH IMAGE IMAGE_TAG
check_arch "$BUILD_ARCH"
VERSION="${VERSION:-$IMAGE_TAG}"
OUT_DIR="${OUT_DIR:-$repo/sample-app/out}"
ref="$IMAGE:$IMAGE_TAG-$BUILD_ARCH"
# Unprivileged buildah: vfs needs no mounts, chroot isolation no user namespace (and the
# Containerfile has no RUN step, so nothing is ever executed inside the image).
export STORAGE_DRIVER="${STORAGE_DRIVER:-vfs}" BUILDAH_ISOLATION="${BUILDAH_ISOLATION:-chroot}"

"$here/lib/ensure-tools.sh" buildah jq

log "go vet, go test and a static binary for linux/$BUILD_ARCH (host linux/$(host_arch))"
make -C "$repo/sample-app" --no-print-directory test build ARCH="$BUILD_ARCH" VERSION="$VERSION"

if [[ -n "${CI_REGISTRY:-}" && -n "${CI_REGISTRY_USER:-}" && -n "${CI_REGISTRY_PASSWORD:-}" ]]; then
  printf '%s' "$CI_REGISTRY_PASSWORD" | buildah login --username "$CI_REGISTRY_USER" --password-stdin "$CI_REGISTRY"
fi

labels=(--label "org.opencontainers.image.title=sample-app" --label "org.opencontainers.image.version=$VERSION")
[[ -z "${CI_PROJECT_URL:-}" ]] || labels+=(--label "org.opencontainers.image.source=$CI_PROJECT_URL")
[[ -z "${CI_COMMIT_SHA:-}" ]] || labels+=(--label "org.opencontainers.image.revision=$CI_COMMIT_SHA")

log "buildah build $ref (linux/$BUILD_ARCH)"
# --timestamp 0: the same binary always gives the same image digest.
buildah build --quiet --platform "linux/$BUILD_ARCH" --build-arg "TARGETARCH=$BUILD_ARCH" \
  --timestamp 0 "${labels[@]}" -f "$repo/sample-app/Containerfile" -t "$ref" "$repo/sample-app" >/dev/null

config="$(buildah inspect --type image "$ref")"
got="$(jq -r '"\(.OCIv1.os)/\(.OCIv1.architecture) user=\(.OCIv1.config.User)"' <<<"$config")"
[[ "$got" == "linux/$BUILD_ARCH user=65532:65532" ]] || die "$ref: built image is $got, want linux/$BUILD_ARCH user=65532:65532"

mkdir -p "$OUT_DIR"
digest_file="$OUT_DIR/image-$BUILD_ARCH.digest"
log "buildah push docker://$ref"
buildah push --quiet --tls-verify="$(tls_verify)" --digestfile "$digest_file" "$ref" "docker://$ref"
log "pushed $ref ($got) as $(cat "$digest_file")"

#!/usr/bin/env bash
# GitLab job manifest: assemble the multi-arch list $IMAGE:$IMAGE_TAG from the per-arch images
# (by digest when the build jobs left $OUT_DIR/image-<arch>.digest, else by tag), push it, then
# read it back from the registry with skopeo and fail unless it holds linux/amd64 and linux/arm64.
#
# Env: IMAGE (default $CI_REGISTRY_IMAGE), IMAGE_TAG (default $CI_COMMIT_SHORT_SHA),
# ARCHES (default "amd64 arm64"), OUT_DIR (default sample-app/out), REGISTRY_TLS_VERIFY (default true).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
# shellcheck source=SCRIPTDIR/lib/common.sh
source "$here/lib/common.sh"
LOG_PREFIX=manifest

IMAGE="${IMAGE:-${CI_REGISTRY_IMAGE:-}}"
IMAGE_TAG="${IMAGE_TAG:-${CI_COMMIT_SHORT_SHA:-}}"
require_env IMAGE IMAGE_TAG
read -r -a arches <<<"${ARCHES:-amd64 arm64}"
OUT_DIR="${OUT_DIR:-$repo/sample-app/out}"
export STORAGE_DRIVER="${STORAGE_DRIVER:-vfs}" BUILDAH_ISOLATION="${BUILDAH_ISOLATION:-chroot}"
tls="$(tls_verify)"
list="$IMAGE:$IMAGE_TAG"

"$here/lib/ensure-tools.sh" buildah skopeo jq

if [[ -n "${CI_REGISTRY:-}" && -n "${CI_REGISTRY_USER:-}" && -n "${CI_REGISTRY_PASSWORD:-}" ]]; then
  printf '%s' "$CI_REGISTRY_PASSWORD" | buildah login --username "$CI_REGISTRY_USER" --password-stdin "$CI_REGISTRY"
fi

local_list="localhost/manifest-$$:$IMAGE_TAG"
cleanup() { buildah manifest rm "$local_list" >/dev/null 2>&1 || true; }
trap cleanup EXIT
buildah manifest create "$local_list" >/dev/null

declare -A want_digest=()
for arch in "${arches[@]}"; do
  check_arch "$arch"
  if [[ -s "$OUT_DIR/image-$arch.digest" ]]; then
    want_digest[$arch]="$(cat "$OUT_DIR/image-$arch.digest")"
    src="$IMAGE@${want_digest[$arch]}"
  else
    src="$IMAGE:$IMAGE_TAG-$arch"
  fi
  # No --arch/--os: buildah reads the platform from the image's own config, which is what we verify below.
  log "adding docker://$src"
  buildah manifest add --tls-verify="$tls" "$local_list" "docker://$src" >/dev/null
done

log "pushing the list as docker://$list"
buildah manifest push --quiet --tls-verify="$tls" --format oci "$local_list" "docker://$list"

raw="$(skopeo inspect --raw --tls-verify="$tls" "docker://$list")" || die "skopeo could not read docker://$list back"
media_type="$(jq -r '.mediaType // ""' <<<"$raw")"
case "$media_type" in
  application/vnd.oci.image.index.v1+json | application/vnd.docker.distribution.manifest.list.v2+json) ;;
  *) die "docker://$list is not a multi-arch list (mediaType '$media_type'):"$'\n'"$raw" ;;
esac
log "docker://$list ($media_type):"
jq -r '.manifests[] | "  \(.platform.os)/\(.platform.architecture)  \(.digest)"' <<<"$raw" >&2

missing=0
for arch in "${arches[@]}"; do
  digest="$(jq -r --arg a "$arch" '[.manifests[] | select(.platform.os == "linux" and .platform.architecture == $a)] | if length == 1 then .[0].digest else "" end' <<<"$raw")"
  if [[ -z "$digest" ]]; then
    log "FAIL linux/$arch: not in the list exactly once"
    missing=$((missing + 1))
  elif [[ -n "${want_digest[$arch]:-}" && "$digest" != "${want_digest[$arch]}" ]]; then
    log "FAIL linux/$arch: list points at $digest, but the build pushed ${want_digest[$arch]}"
    missing=$((missing + 1))
  else
    log "ok   linux/$arch -> $digest"
  fi
done
((missing == 0)) || die "docker://$list does not hold every platform of: ${arches[*]}"
log "published docker://$list for ${arches[*]/#/linux/}"

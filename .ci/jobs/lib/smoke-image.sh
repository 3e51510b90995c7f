#!/usr/bin/env bash
# smoke-image.sh IMAGE-REF ARCH: check an image's ARCH entry really runs on ARCH and answers with ARCH.
#
# IMAGE-REF is anything buildah can pull: docker://host/repo:tag (a single image or a multi-arch list,
# from which ARCH is selected) or containers-storage:name:tag. The image is FROM scratch and has no
# shell, so its binary is taken out of the image and run here: natively, or under qemu-user-static
# when ARCH is not this machine's; as the image's own user when we are root. Then the test job's
# checks (.ci/jobs/test.sh) run against it, and SIGTERM must stop it cleanly.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=SCRIPTDIR/common.sh
source "$here/common.sh"
LOG_PREFIX="smoke-image"

(($# == 2)) || die "usage: smoke-image.sh IMAGE-REF ARCH"
ref="$1" arch="$2"
check_arch "$arch"
"$here/ensure-tools.sh" buildah jq curl
qemu="$(qemu_for "$arch")"
[[ -z "$qemu" ]] || "$here/ensure-tools.sh" qemu-user-static

work="$(mktemp -d)"
ctr="" pid=""
cleanup() {
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
  if [[ -n "$ctr" ]]; then buildah rm "$ctr" >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

log "$ref: pulling the linux/$arch entry"
ctr="$(buildah from --quiet --pull=always --tls-verify="$(tls_verify)" --os linux --arch "$arch" "$ref")"

config="$(buildah inspect --type container "$ctr")"
got_arch="$(jq -r '.OCIv1.architecture' <<<"$config")"
got_os="$(jq -r '.OCIv1.os' <<<"$config")"
user="$(jq -r '.OCIv1.config.User // ""' <<<"$config")"
entrypoint="$(jq -c '.OCIv1.config.Entrypoint' <<<"$config")"
[[ "$got_os/$got_arch" == "linux/$arch" ]] || die "$ref: image config says $got_os/$got_arch, want linux/$arch"
[[ "$user" == "65532:65532" ]] || die "$ref: image user is '$user', want 65532:65532 (non-root)"
[[ "$entrypoint" == '["/sample-app"]' ]] || die "$ref: entrypoint is $entrypoint, want [\"/sample-app\"]"
log "$ref: config linux/$arch, user $user, entrypoint $entrypoint"

mnt="$(buildah mount "$ctr")"
cp "$mnt/sample-app" "$work/sample-app"
buildah umount "$ctr" >/dev/null
bin_arch="$(elf_arch "$work/sample-app")"
[[ "$bin_arch" == "$arch" ]] || die "$ref: /sample-app is an ELF for $bin_arch, want $arch"

port="$(free_port)"
run=(env -i HOST=127.0.0.1 PORT="$port" SHUTDOWN_TIMEOUT=5s)
if [[ $(id -u) == 0 ]] && command -v setpriv >/dev/null; then
  chmod 0755 "$work" "$work/sample-app"
  run+=(setpriv --reuid 65532 --regid 65532 --clear-groups)
fi
[[ -z "$qemu" ]] || run+=("$(command -v "$qemu")")
log "$ref: running /sample-app (${qemu:-native}) on 127.0.0.1:$port"
"${run[@]}" "$work/sample-app" >"$work/app.log" 2>&1 &
pid=$!
if ! wait_http "http://127.0.0.1:$port/healthz" 60 "$pid"; then
  cat "$work/app.log" >&2
  die "$ref: the linux/$arch binary did not come up"
fi

SAMPLE_APP_URL="http://127.0.0.1:$port" BUILD_ARCH="$arch" "$here/../test.sh"

kill -TERM "$pid"
status=0
wait "$pid" || status=$?
pid=""
if ((status != 0)) || ! grep -q '"msg":"stopped"' "$work/app.log"; then
  cat "$work/app.log" >&2
  die "$ref: the linux/$arch binary did not stop cleanly on SIGTERM (exit $status)"
fi
log "$ref: linux/$arch answered with its own arch and stopped cleanly on SIGTERM"

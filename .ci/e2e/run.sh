#!/usr/bin/env bash
# shellcheck disable=SC2317  # cleanup runs from a trap
# test:e2e: real CI jobs through the rendered fleet on this machine (see docs/end-to-end.md).
#
#  1. packages   containerd, runc, CNI plugins, qemu-user-static, iptables from Debian (apt-get, when missing)
#  2. builds     etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubelet, the pause program (Go module
#                proxy, cached by input hash); the runner images are built in step 5 (.ci/e2e/images/build.sh)
#  3. prepare    render the e2e fixture through the synth code path; plan nodes from its NodePools
#  4. cluster    cluster.sh up: control plane + one containerd/kubelet per planned node on a private test bridge
#  5. scenarios  scenarios-main.ts: GitLab stand-in, images, apply the layers in Flux order, run jobs, prove the harness fails
#                on broken copies
#  Always: cluster.sh down (trap) — nothing left running or mounted.
#
# usage: .ci/e2e/run.sh                       (as root: it starts containerd and kubelets)
#        RUNNER_FLEET_KEEP_E2E=1 .ci/e2e/run.sh   keep the cluster after the scenarios (Ctrl-C stops and cleans)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=network.sh
. "$here/network.sh"   # the test network's addresses and names
log() { printf 'test:e2e: %s\n' "$*" >&2; }
die() { log "$*"; exit 2; }
t_start=$SECONDS

[ "$(id -u)" = 0 ] || die "must run as root (it starts containerd, kubelets, a bridge and iptables rules)"
for tool in go node openssl python3 curl; do command -v "$tool" >/dev/null || die "'$tool' is required on PATH"; done

# --- 1. packages ----------------------------------------------------------------------------------------------------
packages=(containerd runc containernetworking-plugins qemu-user-static iptables)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]} (apt-get)"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# Debian's package may start a system containerd (on machines with an init system); ours are separate instances.

# --- 2. builds ------------------------------------------------------------------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/test-e2e.XXXXXX")
export build_times_file=$work/build-times
: >"$build_times_file"
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ -n "${scenarios_pid:-}" ]; then kill -TERM "$scenarios_pid" 2>/dev/null || true; wait "$scenarios_pid" 2>/dev/null || true; fi
  "$here/cluster.sh" down "$work/state" || true
  if [ "${RUNNER_FLEET_KEEP_E2E_LOGS:-}" = 1 ] || [ "$rc" != 0 ]; then
    mkdir -p "${TMPDIR:-/tmp}/test-e2e-logs"
    rm -rf "${TMPDIR:-/tmp}/test-e2e-logs/last"
    cp -r "$work/state/logs" "${TMPDIR:-/tmp}/test-e2e-logs/last" 2>/dev/null || true
    [ "$rc" = 0 ] || log "logs of the failed run: ${TMPDIR:-/tmp}/test-e2e-logs/last"
  fi
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

t=$SECONDS
eval "$("$here/build-kubernetes.sh")"
# shellcheck source=../lib/go-build.sh
. "$root/.ci/lib/go-build.sh"
for arch in amd64 arm64; do
  binary=$(CGO_ENABLED=0 GOARCH=$arch build "pause-$arch" "$here/pause" . "$here/pause/main.go")
  archive="$bin/pause-$arch-$(sha256sum "$binary" "$here/pause/oci-archive.py" | sha256sum | cut -c1-16).tar"
  [ -f "$archive" ] || python3 "$here/pause/oci-archive.py" "$binary" "$arch" "$E2E_PAUSE_IMAGE" "$archive"
  declare "PAUSE_${arch^^}=$archive"
done
export PAUSE_AMD64 PAUSE_ARM64 ETCD KUBE_APISERVER KUBE_CONTROLLER_MANAGER KUBE_SCHEDULER KUBELET
log "Kubernetes binaries ready in $((SECONDS - t))s"
# Images are built (or found in the cache) by scenarios-main.ts through .ci/e2e/images/build.sh once the GitLab stand-in
# has made its CA; containerd reads these host directories at every pull, so they can be filled then.
# amd64 nodes resolve the multi-arch indexes; emulated arm64 nodes the arm64-only copies (see images/README.md).
export REGISTRY_HOSTS_AMD64=$work/hosts REGISTRY_HOSTS_ARM64=$work/hosts/arm64
mkdir -p "$REGISTRY_HOSTS_AMD64" "$REGISTRY_HOSTS_ARM64"

# --- 3. prepare -----------------------------------------------------------------------------------------------------
"$root/scripts/upstream-crds.sh" >"$work/crds.txt"
node "$root/scripts/run-ts.mjs" "$here/prepare.ts" "$work"

# --- 4. cluster -----------------------------------------------------------------------------------------------------
"$here/cluster.sh" up "$work/state" "$work/node-plan.tsv"

# --- 5. scenarios ---------------------------------------------------------------------------------------------------
status=0
# In the background so a signal runs the cleanup at once (bash defers traps while a foreground child runs).
E2E_FIGURES_FILE=$work/figures node "$root/scripts/run-ts.mjs" "$here/scenarios-main.ts" "$work" &
scenarios_pid=$!
wait "$scenarios_pid" || status=$?
scenarios_pid=""

echo "--- test:e2e figures"
while read -r name secs state; do printf '  build %-24s %4ss (%s)\n' "$name" "$secs" "$state"; done <"$build_times_file"
printf '  cluster start (nothing to %s Ready nodes)  %ss\n' "$(wc -l <"$work/node-plan.tsv")" "$(cat "$work/state/cluster-start-seconds" 2>/dev/null || echo '?')"
sed 's/^/  /' "$work/figures" 2>/dev/null || true
printf '  whole test:e2e  %ss\n' "$((SECONDS - t_start))"

if [ "${RUNNER_FLEET_KEEP_E2E:-}" = 1 ]; then
  log "cluster kept: export KUBECONFIG=$work/state/kubeconfig   (Ctrl-C stops it and cleans up)"
  while sleep 3600; do :; done
fi
exit "$status"

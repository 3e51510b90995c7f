#!/usr/bin/env bash
# ensure-tools.sh PACKAGE...: install what is missing, as Debian package names, quickly when nothing is.
# Works on Debian/Ubuntu (apt-get) and Fedora/RHEL images such as quay.io/buildah/stable (dnf).
# Installing needs root; without it the message says what to install.
set -euo pipefail
# shellcheck source=SCRIPTDIR/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
LOG_PREFIX=ensure-tools

# The commands whose presence means a package is installed.
commands_for() {
  case "$1" in
    qemu-user-static) echo qemu-aarch64-static qemu-x86_64-static ;;
    docker-registry) echo docker-registry ;;
    *) echo "$1" ;;
  esac
}

missing=()
for pkg in "$@"; do
  for cmd in $(commands_for "$pkg"); do
    if ! command -v "$cmd" >/dev/null 2>&1; then
      missing+=("$pkg")
      break
    fi
  done
done
((${#missing[@]} == 0)) && exit 0

[[ $(id -u) == 0 ]] || die "missing ${missing[*]}: install them (as root: apt-get install -y ${missing[*]})"
log "installing ${missing[*]}"
if command -v apt-get >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt_opts=(-o DPkg::Lock::Timeout=300 -o Dpkg::Use-Pty=0)
  if ! apt-get install -y -qq --no-install-recommends "${apt_opts[@]}" "${missing[@]}" >/dev/null 2>&1; then
    apt-get update -qq "${apt_opts[@]}"
    apt-get install -y -qq --no-install-recommends "${apt_opts[@]}" "${missing[@]}" >/dev/null
  fi
elif command -v dnf >/dev/null; then
  fedora=()
  for pkg in "${missing[@]}"; do
    case "$pkg" in
      qemu-user-static) fedora+=(qemu-user-static-aarch64 qemu-user-static-x86) ;;
      docker-registry) fedora+=(docker-distribution) ;;
      *) fedora+=("$pkg") ;;
    esac
  done
  dnf install -y -q "${fedora[@]}"
else
  die "missing ${missing[*]} and no apt-get or dnf to install them"
fi
for pkg in "${missing[@]}"; do
  for cmd in $(commands_for "$pkg"); do
    command -v "$cmd" >/dev/null 2>&1 || die "installed $pkg but $cmd is still not on PATH"
  done
done
log "installed ${missing[*]}"

# shellcheck shell=bash
# Helpers shared by the job scripts in .ci/jobs/. Source it; it defines functions only.

# log MESSAGE...: a timestamped line on stderr, prefixed with the calling script's name.
log() { printf '%s [%s] %s\n' "$(date -u +%H:%M:%S)" "${LOG_PREFIX:-$(basename "$0" .sh)}" "$*" >&2; }

# die MESSAGE...: log and exit 1.
die() { log "ERROR: $*"; exit 1; }

# require_env NAME...: fail with a clear message unless every NAME is set and non-empty.
require_env() {
  local name
  for name in "$@"; do
    [[ -n "${!name:-}" ]] || die "environment variable $name must be set (see .ci/jobs/README in sample-app/README.md)"
  done
}

# check_arch ARCH: the architectures this pipeline builds.
check_arch() {
  case "$1" in
    amd64 | arm64) ;;
    *) die "architecture must be amd64 or arm64, got '$1'" ;;
  esac
}

# host_arch: this machine's architecture in Go/OCI terms (amd64, arm64).
host_arch() {
  case "$(uname -m)" in
    x86_64) echo amd64 ;;
    aarch64 | arm64) echo arm64 ;;
    *) die "unsupported host machine $(uname -m)" ;;
  esac
}

# qemu_for ARCH: the qemu-user-static binary that runs ARCH binaries here, or nothing when native.
qemu_for() {
  [[ "$1" == "$(host_arch)" ]] && return 0
  case "$1" in
    amd64) echo qemu-x86_64-static ;;
    arm64) echo qemu-aarch64-static ;;
  esac
}

# free_port: a TCP port on 127.0.0.1 that nothing listens on right now.
free_port() {
  local port i
  for i in $(seq 1 50); do
    port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  die "no free TCP port found on 127.0.0.1 after $i tries"
}

# wait_http URL SECONDS [PID]: wait until URL answers 2xx; fail early if PID dies.
wait_http() {
  local url="$1" timeout="$2" pid="${3:-}" deadline=$((SECONDS + $2))
  until curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; do
    if [[ -n "$pid" ]] && ! kill -0 "$pid" 2>/dev/null; then
      log "process $pid exited before $url answered"
      return 1
    fi
    if ((SECONDS >= deadline)); then
      log "$url did not answer within ${timeout}s"
      return 1
    fi
    sleep 0.2
  done
}

# elf_arch FILE: the architecture an ELF binary was built for (amd64, arm64), from its e_machine field.
elf_arch() {
  local magic machine
  magic=$(od -An -tx1 -N4 "$1" | tr -d ' \n')
  [[ "$magic" == 7f454c46 ]] || die "$1 is not an ELF binary"
  machine=$(od -An -tu2 -j18 -N2 "$1" | tr -d ' \n')
  case "$machine" in
    62) echo amd64 ;;
    183) echo arm64 ;;
    *) echo "unknown-e_machine-$machine" ;;
  esac
}

# tls_verify: the value for buildah/skopeo --tls-verify (false only for the loopback registry of pipeline-local).
tls_verify() { echo "${REGISTRY_TLS_VERIFY:-true}"; }

# removal_base: the revision whose committed dist/ is deployed, for the synth's removal check: the merge request's
# diff base on its target branch, or on a branch pipeline the commit before this push; nothing for a branch's first
# push (GitLab then gives forty zeros) or outside GitLab.
removal_base() {
  if [[ -n "${CI_MERGE_REQUEST_DIFF_BASE_SHA:-}" ]]; then
    printf '%s\n' "$CI_MERGE_REQUEST_DIFF_BASE_SHA"
  elif [[ -n "${CI_COMMIT_BEFORE_SHA:-}" && ! "$CI_COMMIT_BEFORE_SHA" =~ ^0+$ ]]; then
    printf '%s\n' "$CI_COMMIT_BEFORE_SHA"
  fi
}

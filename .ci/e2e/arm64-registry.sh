#!/usr/bin/env bash
# An arm64 view of the e2e registry for the arm64 nodes. containerd 1.6 (Debian bookworm) always takes the host's
# platform (amd64) from a multi-arch index and has no setting to change it, so an arm64 node pulling the rendered
# references from the multi-arch registry would run amd64 images. This starts a second loopback registry holding
# the arm64 image of every reference as a single-platform manifest (used as is, whatever the host), and writes a
# containerd hosts directory pointing at it.
#
# usage: arm64-registry.sh WORK_DIR HOSTS_DIR SOURCE_REGISTRY REF...
#        prints the registry's pid on stdout; the caller stops it
set -euo pipefail
work=$1 hosts=$2 source=$3
shift 3
mkdir -p "$work/storage" "$hosts"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$work/registry.yml" <<YAML
version: 0.1
log: {level: warn, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $work/storage}}
http: {addr: "127.0.0.1:$port"}
YAML
docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/v2/" >/dev/null 2>&1 && break; sleep 0.1; done
curl -sf "http://127.0.0.1:$port/v2/" >/dev/null || { kill "$pid"; echo "arm64 registry did not start" >&2; exit 2; }
for ref in "$@"; do
  path=${ref#*/}
  skopeo --override-arch arm64 --override-os linux copy --quiet --src-tls-verify=false --dest-tls-verify=false \
    "docker://$source/$path" "docker://127.0.0.1:$port/$path" >&2
done
for host in $(printf '%s\n' "$@" | sed 's|/.*||' | sort -u); do
  mkdir -p "$hosts/$host"
  printf 'server = "http://127.0.0.1:%s"\n\n[host."http://127.0.0.1:%s"]\n  capabilities = ["pull", "resolve"]\n' "$port" "$port" \
    >"$hosts/$host/hosts.toml"
done
echo "$pid"

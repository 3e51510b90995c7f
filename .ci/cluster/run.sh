#!/usr/bin/env bash
# shellcheck disable=SC2317  # stop/cleanup run from traps
# test:cluster: proves dist/ and clusters/ against a real kube-apiserver + etcd with the real, pinned CRDs.
#
# 1. Builds etcd, kube-apiserver and the checker from the Go module proxy at the versions pinned in
#    .ci/cluster/{etcd,apiserver}/go.mod (cached in $RUNNER_FLEET_CACHE/bin, keyed by a hash of the inputs).
# 2. Starts etcd and kube-apiserver on free loopback ports with a throwaway data dir, keys and token.
# 3. clustercheck installs the upstream CRDs (scripts/upstream-crds.sh), waits until they are Established, applies
#    every object as Flux would (server-side apply, dry-run; namespaces for real first) and checks the fixtures.
#
# usage: .ci/cluster/run.sh            run the checks, print "test:cluster: N passed, N failed"
#        RUNNER_FLEET_KEEP_CLUSTER=1 .ci/cluster/run.sh
#                                      same, then keep the server running and print a kubeconfig (Ctrl-C stops)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=../lib/go-build.sh
. "$here/../lib/go-build.sh"   # build (cached, keyed by inputs), kube_ldflags; shared with test:e2e

log() { printf '%s\n' "$*" >&2; }
die() { log "test:cluster: $*"; exit 2; }

for tool in go openssl python3 curl; do
  command -v "$tool" >/dev/null || die "'$tool' is required on PATH"
done

k8s_version=$(awk '$1 == "k8s.io/kubernetes" && $2 ~ /^v[0-9]/ {print $2}' "$here/apiserver/go.mod")
[ -n "$k8s_version" ] || die "cannot read the k8s.io/kubernetes version from $here/apiserver/go.mod"

t0=$SECONDS
etcd=$(build etcd "$here/etcd" . "$here/etcd/main.go") || die "building etcd failed"
ldflags=$(kube_ldflags "$k8s_version")
apiserver=$(build kube-apiserver "$here/apiserver" k8s.io/kubernetes/cmd/kube-apiserver) || die "building kube-apiserver failed"
ldflags=""
clustercheck=$(build clustercheck "$here/apiserver" ./clustercheck "$here"/apiserver/clustercheck/*.go) || die "building clustercheck failed"
log "binaries ready in $((SECONDS - t0))s"

crd_list=$(mktemp)
"$root/scripts/upstream-crds.sh" >"$crd_list" || { rm -f "$crd_list"; die "scripts/upstream-crds.sh failed"; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/test-cluster.XXXXXX")
mv "$crd_list" "$tmp/crds.txt"
etcd_pid=""
apiserver_pid=""
stop() { # stop PID: TERM, then KILL after 10s
  local pid=$1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}
cleanup() {
  local rc=$?
  stop "$apiserver_pid"
  stop "$etcd_pid"
  wait 2>/dev/null || true
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
etcd_client=$(free_port)
etcd_peer=$(free_port)
secure_port=$(free_port)

# Throwaway credentials: serving certificate, service-account signing key, admin token.
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=kube-apiserver" \
  -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
  -keyout "$tmp/serving.key" -out "$tmp/serving.crt" 2>/dev/null
openssl genrsa -out "$tmp/sa.key" 2048 2>/dev/null
openssl rsa -in "$tmp/sa.key" -pubout -out "$tmp/sa.pub" 2>/dev/null
openssl rand -hex 32 >"$tmp/token"
printf '%s,ci-admin,ci-admin,"system:masters"\n' "$(cat "$tmp/token")" >"$tmp/tokens.csv"

"$etcd" --name ci --data-dir "$tmp/etcd" --unsafe-no-fsync --log-level warn \
  --listen-client-urls "http://127.0.0.1:$etcd_client" --advertise-client-urls "http://127.0.0.1:$etcd_client" \
  --listen-peer-urls "http://127.0.0.1:$etcd_peer" --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer" \
  --initial-cluster "ci=http://127.0.0.1:$etcd_peer" >"$tmp/etcd.log" 2>&1 &
etcd_pid=$!

# Flags as on EKS where it matters for admission: RBAC, privileged allowed (Pod Security admission decides),
# default admission plugins (NamespaceLifecycle, ServiceAccount, PodSecurity, ValidatingAdmissionPolicy, ...).
"$apiserver" \
  --etcd-servers "http://127.0.0.1:$etcd_client" \
  --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$secure_port" \
  --tls-cert-file "$tmp/serving.crt" --tls-private-key-file "$tmp/serving.key" --cert-dir "$tmp/certs" \
  --token-auth-file "$tmp/tokens.csv" --authorization-mode Node,RBAC --anonymous-auth=false \
  --service-account-issuer https://kubernetes.default.svc.cluster.local \
  --service-account-key-file "$tmp/sa.pub" --service-account-signing-key-file "$tmp/sa.key" \
  --service-cluster-ip-range 10.96.0.0/16 --allow-privileged=true --profiling=false \
  >"$tmp/kube-apiserver.log" 2>&1 &
apiserver_pid=$!

log "etcd (pid $etcd_pid) on 127.0.0.1:$etcd_client, kube-apiserver $k8s_version (pid $apiserver_pid) on 127.0.0.1:$secure_port"
ready=""
for _ in $(seq 600); do
  if ! kill -0 "$apiserver_pid" 2>/dev/null || ! kill -0 "$etcd_pid" 2>/dev/null; then break; fi
  if curl -sf --cacert "$tmp/serving.crt" -H "Authorization: Bearer $(cat "$tmp/token")" \
    "https://127.0.0.1:$secure_port/readyz" >/dev/null 2>&1; then
    ready=1
    break
  fi
  sleep 0.2
done
if [ -z "$ready" ]; then
  log "--- etcd.log (tail)"; tail -n 20 "$tmp/etcd.log" >&2 || true
  log "--- kube-apiserver.log (tail)"; tail -n 40 "$tmp/kube-apiserver.log" >&2 || true
  die "kube-apiserver did not become ready within 120s"
fi
log "kube-apiserver ready; $((SECONDS - t0))s since start (builds included)"

status=0
"$clustercheck" -server "https://127.0.0.1:$secure_port" -token-file "$tmp/token" -ca "$tmp/serving.crt" \
  -root "$root" -crd-list "$tmp/crds.txt" -fixtures ".ci/cluster/fixtures" || status=$?

if [ "${RUNNER_FLEET_KEEP_CLUSTER:-}" = 1 ]; then
  cat >"$tmp/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters: [{name: ci, cluster: {server: "https://127.0.0.1:$secure_port", certificate-authority: "$tmp/serving.crt"}}]
users: [{name: ci-admin, user: {token: "$(cat "$tmp/token")"}}]
contexts: [{name: ci, context: {cluster: ci, user: ci-admin}}]
current-context: ci
EOF
  log "server kept running: export KUBECONFIG=$tmp/kubeconfig   (Ctrl-C stops it and deletes $tmp)"
  while kill -0 "$apiserver_pid" 2>/dev/null; do sleep 1; done
fi
exit "$status"

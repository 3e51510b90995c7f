#!/usr/bin/env bash
# shellcheck disable=SC2317  # functions run from traps
# A real Kubernetes on this machine for test:e2e: etcd, kube-apiserver, kube-controller-manager, kube-scheduler, and
# one containerd + kubelet per planned node, all on a test bridge whose addresses live only inside this machine.
#
# usage: cluster.sh up STATE_DIR NODE_PLAN   start everything; NODE_PLAN has one line per node:
#                                              NAME<TAB>ARCH<TAB>LABELS(k=v,...)<TAB>TAINTS(k=v:Effect,...)
#        cluster.sh down STATE_DIR           stop everything `up` started and undo every host change (idempotent)
#
# Environment for `up`: ETCD, KUBE_APISERVER, KUBE_CONTROLLER_MANAGER, KUBE_SCHEDULER, KUBELET (binaries),
# PAUSE_AMD64, PAUSE_ARM64 (OCI archives of the sandbox image), and optionally REGISTRY_HOSTS_AMD64 /
# REGISTRY_HOSTS_ARM64 (containerd hosts.toml directories, so each node resolves images for its architecture).
#
# Why one containerd per kubelet: a kubelet removes every pod sandbox its runtime holds that it does not own, so two
# kubelets cannot share one containerd. Each node gets its own containerd root, state, socket, CNI range and cgroup
# root, and its own address on the bridge. Host changes (bridge, iptables chain, ip_forward, binfmt_misc) are
# recorded in STATE_DIR/host so `down` undoes exactly what `up` did.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=network.sh
. "$here/network.sh"

log() { printf 'test:e2e: %s\n' "$*" >&2; }
die() { log "$*"; exit 2; }

# --- stopping -------------------------------------------------------------------------------------------------------

stop_pid() { # stop_pid PID: TERM, then KILL after 10 s
  local pid=$1
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}

down() {
  local state=$1
  [ -d "$state" ] || return 0
  # Kubelets first (they would restart containers), then each node's pods, then containerd, then the control plane.
  local f
  for f in "$state"/pids/kubelet-*; do [ -e "$f" ] && stop_pid "$(cat "$f")"; done
  for f in "$state"/nodes/*/containerd.sock; do
    [ -S "$f" ] || continue
    # Stop every task this node's containerd runs (pods, their shims) before containerd itself.
    local ids
    ids=$(ctr --address "$f" -n k8s.io tasks ls -q 2>/dev/null || true)
    for id in $ids; do ctr --address "$f" -n k8s.io tasks kill -s KILL "$id" >/dev/null 2>&1 || true; done
  done
  for f in "$state"/pids/*; do [ -e "$f" ] && stop_pid "$(cat "$f")"; done
  # containerd-shim processes started by this run's containerds (they outlive containerd by design).
  local shim
  for shim in $(pgrep -f "containerd-shim-runc-v2 .*-address $state/" 2>/dev/null || true); do stop_pid "$shim"; done
  # Mounts under the state dir (pod volumes, rootfs of containers, containerd's shm), deepest first.
  local mounts
  mounts=$(awk -v p="$state/" 'index($2, p) == 1 {print $2}' /proc/self/mounts | sort -r)
  for m in $mounts; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true; done
  # cgroups each kubelet created under its own root (children first).
  if [ -f "$state/host/cgroup-roots" ]; then
    local root dir
    while read -r root; do
      for dir in /sys/fs/cgroup/*/"$root"; do
        [ -d "$dir" ] || continue
        find "$dir" -depth -type d -exec rmdir {} \; 2>/dev/null || true
      done
    done <"$state/host/cgroup-roots"
  fi
  network_down "$state/host"
  binfmt_down "$state/host"
  rm -f "$state"/pids/*
}

# --- starting -------------------------------------------------------------------------------------------------------

started() { # started NAME PID: record a process for `down`
  echo "$2" >"$state/pids/$1"
}

wait_for() { # wait_for SECONDS WHAT COMMAND...: poll until COMMAND succeeds
  local seconds=$1 what=$2
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || { log "$what not ready after ${seconds}s"; return 1; }
    sleep 0.2
  done
}

pki() { # throwaway CA, serving certificate, kubelet client certificate, service-account key, tokens
  local p=$state/pki
  mkdir -p "$p"
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=test-e2e-ca" -keyout "$p/ca.key" -out "$p/ca.crt" 2>/dev/null
  issue() { # issue NAME SUBJECT [SAN]
    openssl req -newkey rsa:2048 -nodes -subj "$2" -keyout "$p/$1.key" -out "$p/$1.csr" 2>/dev/null
    if [ -n "${3:-}" ]; then printf 'subjectAltName=%s\n' "$3" >"$p/$1.ext"; else : >"$p/$1.ext"; fi
    openssl x509 -req -in "$p/$1.csr" -CA "$p/ca.crt" -CAkey "$p/ca.key" -CAcreateserial -days 1 \
      -extfile "$p/$1.ext" -out "$p/$1.crt" 2>/dev/null
  }
  issue apiserver "/CN=kube-apiserver" "IP:$E2E_HOST_IP,IP:$E2E_SERVICE_IP,IP:127.0.0.1,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
  issue apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client"
  openssl genrsa -out "$p/sa.key" 2048 2>/dev/null
  openssl rsa -in "$p/sa.key" -pubout -out "$p/sa.pub" 2>/dev/null
  openssl rand -hex 32 >"$p/admin.token"
  printf '%s,test-e2e-admin,test-e2e-admin,"system:masters"\n' "$(cat "$p/admin.token")" >"$p/tokens.csv"
  # One token per node, known before the API server starts (it reads the token file once).
  local name
  while IFS=$'\t' read -r name _; do
    mkdir -p "$state/nodes/$name"
    openssl rand -hex 32 >"$state/nodes/$name/token"
    printf '%s,system:node:%s,system:node:%s,"system:nodes"\n' "$(cat "$state/nodes/$name/token")" "$name" "$name" >>"$p/tokens.csv"
  done <"$plan"
}

kubeconfig() { # kubeconfig TOKEN_FILE OUT
  cat >"$2" <<EOF
apiVersion: v1
kind: Config
clusters: [{name: e2e, cluster: {server: "https://$E2E_HOST_IP:$apiserver_port", certificate-authority: "$state/pki/ca.crt"}}]
users: [{name: e2e, user: {tokenFile: "$1"}}]
contexts: [{name: e2e, context: {cluster: e2e, user: e2e}}]
current-context: e2e
EOF
}

api_ready() {
  curl -sf --cacert "$state/pki/ca.crt" -H "Authorization: Bearer $(cat "$state/pki/admin.token")" \
    "https://$E2E_HOST_IP:$apiserver_port/readyz"
}

control_plane() {
  local etcd_client etcd_peer
  etcd_client=$(free_port); etcd_peer=$(free_port)
  "$ETCD" --name e2e --data-dir "$state/etcd" --unsafe-no-fsync --log-level warn \
    --listen-client-urls "http://127.0.0.1:$etcd_client" --advertise-client-urls "http://127.0.0.1:$etcd_client" \
    --listen-peer-urls "http://127.0.0.1:$etcd_peer" --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer" \
    --initial-cluster "e2e=http://127.0.0.1:$etcd_peer" >"$state/logs/etcd.log" 2>&1 &
  started etcd $!

  # Every request is audited (metadata only) so the test can prove no manager request was denied.
  cat >"$state/audit-policy.yaml" <<'EOF'
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
  - level: Metadata
EOF
  "$KUBE_APISERVER" \
    --etcd-servers "http://127.0.0.1:$etcd_client" \
    --bind-address "$E2E_HOST_IP" --advertise-address "$E2E_HOST_IP" --secure-port "$apiserver_port" \
    --tls-cert-file "$state/pki/apiserver.crt" --tls-private-key-file "$state/pki/apiserver.key" \
    --client-ca-file "$state/pki/ca.crt" --token-auth-file "$state/pki/tokens.csv" \
    --kubelet-client-certificate "$state/pki/apiserver-kubelet-client.crt" \
    --kubelet-client-key "$state/pki/apiserver-kubelet-client.key" \
    --kubelet-certificate-authority "$state/pki/ca.crt" --kubelet-preferred-address-types InternalIP \
    --authorization-mode Node,RBAC --anonymous-auth=false \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$state/pki/sa.pub" --service-account-signing-key-file "$state/pki/sa.key" \
    --service-cluster-ip-range "$E2E_SERVICE_RANGE" --allow-privileged=true --profiling=false \
    --audit-policy-file "$state/audit-policy.yaml" --audit-log-path "$state/logs/audit.log" \
    --audit-log-format json --audit-log-mode blocking \
    --feature-gates MutatingAdmissionPolicy=true --runtime-config admissionregistration.k8s.io/v1beta1=true \
    >"$state/logs/kube-apiserver.log" 2>&1 &
  started kube-apiserver $!
  kubeconfig "$state/pki/admin.token" "$state/kubeconfig"
  wait_for 120 kube-apiserver api_ready || { tail -n 30 "$state/logs/kube-apiserver.log" >&2; return 1; }

  emulated_node_arch || return 1

  "$KUBE_CONTROLLER_MANAGER" --kubeconfig "$state/kubeconfig" --leader-elect=false --secure-port 0 \
    --root-ca-file "$state/pki/ca.crt" --service-account-private-key-file "$state/pki/sa.key" \
    --controllers '*,-service-lb-controller,-cloud-node-lifecycle-controller,-node-route-controller' \
    >"$state/logs/kube-controller-manager.log" 2>&1 &
  started kube-controller-manager $!
  "$KUBE_SCHEDULER" --kubeconfig "$state/kubeconfig" --leader-elect=false --secure-port 0 \
    >"$state/logs/kube-scheduler.log" 2>&1 &
  started kube-scheduler $!
}

# An arm64 node here is an amd64 kubelet whose containers run arm64 images under qemu. The kubelet stamps
# kubernetes.io/arch with its own build's architecture on every status update, over --node-labels; this admission
# policy gives such a node its planned architecture back on every write (status.nodeInfo still says amd64).
emulated_node_arch() {
  local host_arch names="" name arch
  host_arch=$(dpkg --print-architecture)
  while IFS=$'\t' read -r name arch _; do
    [ "$arch" = "$host_arch" ] || names+="${names:+, }'$name': '$arch'"
  done <"$plan"
  [ -n "$names" ] || return 0
  api() { curl -sf --cacert "$state/pki/ca.crt" -H "Authorization: Bearer $(cat "$state/pki/admin.token")" \
    -H 'Content-Type: application/json' "$@"; }
  local base="https://$E2E_HOST_IP:$apiserver_port/apis/admissionregistration.k8s.io/v1beta1"
  api -X POST "$base/mutatingadmissionpolicies" -d @- >/dev/null <<EOF || { log "cannot create the emulated-node policy"; return 1; }
{"apiVersion": "admissionregistration.k8s.io/v1beta1", "kind": "MutatingAdmissionPolicy",
 "metadata": {"name": "test-e2e-emulated-node-arch"},
 "spec": {
   "matchConstraints": {"resourceRules": [{"apiGroups": [""], "apiVersions": ["v1"], "operations": ["CREATE", "UPDATE"],
                                           "resources": ["nodes", "nodes/status"]}]},
   "variables": [{"name": "arch", "expression": "{$names}[object.metadata.name]"}],
   "matchConditions": [{"name": "emulated", "expression": "object.metadata.name in {$names}"}],
   "failurePolicy": "Fail", "reinvocationPolicy": "Never",
   "mutations": [{"patchType": "ApplyConfiguration", "applyConfiguration": {"expression":
     "Object{metadata: Object.metadata{labels: {'kubernetes.io/arch': variables.arch, 'beta.kubernetes.io/arch': variables.arch}}}"}}]}}
EOF
  api -X POST "$base/mutatingadmissionpolicybindings" -d '{"apiVersion": "admissionregistration.k8s.io/v1beta1",
    "kind": "MutatingAdmissionPolicyBinding", "metadata": {"name": "test-e2e-emulated-node-arch"},
    "spec": {"policyName": "test-e2e-emulated-node-arch"}}' >/dev/null || { log "cannot bind the emulated-node policy"; return 1; }
}

node_up() { # node_up INDEX NAME ARCH LABELS TAINTS
  local index=$1 name=$2 arch=$3 labels=$4 taints=$5
  local n=$state/nodes/$name ip=${E2E_NODE_IP_PREFIX}$((10 + index)) cgroup_root=/rfe2e-$name
  mkdir -p "$n/cni" "$n/kubelet" "$n/containerd"
  ip addr add "$ip/16" dev "$E2E_BRIDGE"
  echo "$cgroup_root" >>"$state/host/cgroup-roots"
  # The kubelet refuses a cgroup root that does not exist; make it in every v1 hierarchy (cpuset needs its values).
  local hierarchy
  for hierarchy in /sys/fs/cgroup/*/; do
    [ -e "${hierarchy}cgroup.controllers" ] && continue   # the (empty) cgroup v2 mount of a hybrid host
    mkdir -p "$hierarchy${cgroup_root#/}"
  done
  if [ -e /sys/fs/cgroup/cpuset/cpuset.cpus ]; then
    cat /sys/fs/cgroup/cpuset/cpuset.cpus >"/sys/fs/cgroup/cpuset$cgroup_root/cpuset.cpus"
    cat /sys/fs/cgroup/cpuset/cpuset.mems >"/sys/fs/cgroup/cpuset$cgroup_root/cpuset.mems"
  fi
  local hosts_var=REGISTRY_HOSTS_${arch^^} pause_var=PAUSE_${arch^^}
  local hosts_dir=${!hosts_var:-} pause_archive=${!pause_var}

  cat >"$n/containerd.toml" <<EOF
version = 2
root = "$n/containerd/root"
state = "$n/containerd/state"
[grpc]
  address = "$n/containerd.sock"
[plugins."io.containerd.internal.v1.opt"]
  path = "$n/containerd/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$E2E_PAUSE_IMAGE"
  # root here lacks CAP_SYS_RESOURCE: lowering a sandbox's oom_score_adj would fail.
  restrict_oom_score_adj = true
  stream_server_address = "127.0.0.1"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$n/cni"
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "$hosts_dir"
EOF
  # Pods of node INDEX get 10.213.INDEX.2-254 of the bridge's one subnet, with the host as their gateway (the
  # bridge plugin refuses a second gateway address on a bridge).
  cat >"$n/cni/10-e2e.conflist" <<EOF
{"cniVersion": "1.0.0", "name": "e2e", "plugins": [
  {"type": "bridge", "bridge": "$E2E_BRIDGE", "isGateway": true, "isDefaultGateway": true, "ipMasq": false, "hairpinMode": true,
   "ipam": {"type": "host-local", "dataDir": "$n/cni-ipam",
            "ranges": [[{"subnet": "$E2E_SUBNET", "gateway": "$E2E_HOST_IP",
                         "rangeStart": "${E2E_POD_PREFIX}$index.2", "rangeEnd": "${E2E_POD_PREFIX}$index.254"}]]}}]}
EOF
  containerd --config "$n/containerd.toml" >"$state/logs/containerd-$name.log" 2>&1 &
  started "containerd-$name" $!
  wait_for 30 "containerd of $name" ctr --address "$n/containerd.sock" version
  ctr --address "$n/containerd.sock" -n k8s.io images import --platform "linux/$arch" "$pause_archive" >/dev/null

  # The kubelet's serving certificate, signed by the run's CA (the API server verifies it for exec, attach, logs).
  local p=$state/pki
  openssl req -newkey rsa:2048 -nodes -subj "/CN=$name" -keyout "$n/kubelet.key" -out "$n/kubelet.csr" 2>/dev/null
  printf 'subjectAltName=IP:%s,DNS:%s\n' "$ip" "$name" >"$n/kubelet.ext"
  openssl x509 -req -in "$n/kubelet.csr" -CA "$p/ca.crt" -CAkey "$p/ca.key" -CAcreateserial -days 1 \
    -extfile "$n/kubelet.ext" -out "$n/kubelet.crt" 2>/dev/null
  kubeconfig "$n/token" "$n/kubeconfig"

  local taint_yaml="" t key value effect
  IFS=, read -r -a taint_list <<<"$taints"
  for t in "${taint_list[@]}"; do
    [ -n "$t" ] || continue
    key=${t%%=*}; value=${t#*=}; value=${value%%:*}; effect=${t##*:}
    taint_yaml+="  - {key: \"$key\", value: \"$value\", effect: \"$effect\"}"$'\n'
  done
  cat >"$n/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
# This machine has cgroup v1 only.
failCgroupV1: false
cgroupDriver: cgroupfs
cgroupRoot: $cgroup_root
containerRuntimeEndpoint: unix://$n/containerd.sock
address: $ip
port: 10250
readOnlyPort: 0
healthzPort: 0
tlsCertFile: $n/kubelet.crt
tlsPrivateKeyFile: $n/kubelet.key
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: false}
  x509: {clientCAFile: $p/ca.crt}
authorization: {mode: AlwaysAllow}
failSwapOn: false
# Each kubelet removes log folders of pods it does not run: one folder per node, not the shared /var/log/pods.
podLogsDir: $n/pod-logs
resolvConf: /etc/resolv.conf
serializeImagePulls: false
evictionHard: {memory.available: 100Mi, nodefs.available: 1%, imagefs.available: 1%, nodefs.inodesFree: 1%}
imageGCHighThresholdPercent: 100
registerWithTaints:
${taint_yaml:-  []}
EOF
  "$KUBELET" --config "$n/kubelet.yaml" --kubeconfig "$n/kubeconfig" --root-dir "$n/kubelet" \
    --hostname-override "$name" --node-ip "$ip" --node-labels "$labels" \
    >"$state/logs/kubelet-$name.log" 2>&1 &
  started "kubelet-$name" $!
}

nodes_ready() { # every planned node registered and Ready
  local want=$1 ready
  ready=$(curl -sf --cacert "$state/pki/ca.crt" -H "Authorization: Bearer $(cat "$state/pki/admin.token")" \
    "https://$E2E_HOST_IP:$apiserver_port/api/v1/nodes" |
    python3 -c 'import json,sys; print(sum(1 for n in json.load(sys.stdin)["items"] for c in n["status"].get("conditions",[]) if c["type"]=="Ready" and c["status"]=="True"))')
  [ "$ready" = "$want" ]
}

up() {
  state=$1
  plan=$2
  for v in ETCD KUBE_APISERVER KUBE_CONTROLLER_MANAGER KUBE_SCHEDULER KUBELET PAUSE_AMD64 PAUSE_ARM64; do
    [ -n "${!v:-}" ] || die "cluster.sh up: \$$v is not set"
  done
  mkdir -p "$state/pids" "$state/logs" "$state/host" "$state/nodes"
  local t0=$SECONDS
  network_up "$state/host"
  binfmt_up "$state/host"
  pki
  apiserver_port=6443
  echo "$apiserver_port" >"$state/apiserver-port"
  # Pods reach the API server at the `kubernetes` Service's address, as kube-proxy would route it.
  service_route_up "$state/host" "$apiserver_port"
  control_plane
  local index=0 name arch labels taints
  while IFS=$'\t' read -r name arch labels taints; do
    index=$((index + 1))
    node_up "$index" "$name" "$arch" "$labels" "$taints"
  done <"$plan"
  wait_for 120 "$index nodes" nodes_ready "$index" || {
    for f in "$state"/logs/kubelet-*.log; do log "--- $f"; tail -n 15 "$f" >&2; done
    return 1
  }
  log "cluster up: control plane and $index Ready nodes in $((SECONDS - t0))s"
  echo "$((SECONDS - t0))" >"$state/cluster-start-seconds"
}

case "${1:-}" in
  up) [ $# -eq 3 ] || die "usage: cluster.sh up STATE_DIR NODE_PLAN"; up "$2" "$3" ;;
  down) [ $# -eq 2 ] || die "usage: cluster.sh down STATE_DIR"; down "$2" ;;
  *) die "usage: cluster.sh up STATE_DIR NODE_PLAN | cluster.sh down STATE_DIR" ;;
esac

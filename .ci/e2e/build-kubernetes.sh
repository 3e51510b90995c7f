#!/usr/bin/env bash
# Builds (or finds in the cache) every Kubernetes binary test:e2e runs, at the version pinned in
# .ci/cluster/apiserver/go.mod, and prints one "NAME=PATH" line per binary on stdout.
#
# etcd and kube-apiserver come from test:cluster's modules with test:cluster's cache keys (one build serves both);
# kube-controller-manager, kube-scheduler and kubelet from .ci/e2e/kubernetes, which must pin the same version.
# Build times go to $build_times_file when set ("NAME SECONDS cold|cached").
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cluster=$(cd "$here/../cluster" && pwd)
# shellcheck source=../lib/go-build.sh
. "$here/../lib/go-build.sh"

die() { printf 'test:e2e: %s\n' "$*" >&2; exit 2; }
command -v go >/dev/null || die "'go' is required on PATH"

module_version() { awk '$1 == "k8s.io/kubernetes" && $2 ~ /^v[0-9]/ {print $2}' "$1"; }
k8s_version=$(module_version "$cluster/apiserver/go.mod")
node_version=$(module_version "$here/kubernetes/go.mod")
[ -n "$k8s_version" ] || die "cannot read the k8s.io/kubernetes version from $cluster/apiserver/go.mod"
[ "$node_version" = "$k8s_version" ] ||
  die "k8s.io/kubernetes is $k8s_version in .ci/cluster/apiserver/go.mod but '$node_version' in .ci/e2e/kubernetes/go.mod; pin both to one version"

echo "K8S_VERSION=$k8s_version"
echo "ETCD=$(build etcd "$cluster/etcd" . "$cluster/etcd/main.go")"
ldflags=$(kube_ldflags "$k8s_version")
echo "KUBE_APISERVER=$(build kube-apiserver "$cluster/apiserver" k8s.io/kubernetes/cmd/kube-apiserver)"
echo "KUBE_CONTROLLER_MANAGER=$(build kube-controller-manager "$here/kubernetes" k8s.io/kubernetes/cmd/kube-controller-manager)"
echo "KUBE_SCHEDULER=$(build kube-scheduler "$here/kubernetes" k8s.io/kubernetes/cmd/kube-scheduler)"
echo "KUBELET=$(build kubelet "$here/kubernetes" k8s.io/kubernetes/cmd/kubelet)"

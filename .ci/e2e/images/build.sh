#!/usr/bin/env bash
# shellcheck disable=SC2317  # cleanup runs from a trap
# Images for the end-to-end test (issue 9): the real GitLab Runner and its helper built from the runner's Go module,
# and the job default image, for linux/amd64 and linux/arm64, served by a loopback OCI registry under the exact
# names the rendered manifests and the runner use. See README.md beside this file.
#
# 1. Installs its Debian packages (buildah, skopeo, docker-registry, qemu-user-static, containerd) when missing, and
#    fetches busybox-static and bash-static for both architectures (apt-get download; cached).
# 2. Builds gitlab-runner and gitlab-runner-helper for amd64 and arm64 from runner/ (the runner module plus the
#    stand-ins listed in README.md), cached in $RUNNER_FLEET_CACHE/e2e-images/bin/<hash of the inputs>.
# 3. Builds the images with buildah (vfs storage of its own; cached as OCI layouts keyed by their inputs).
# 4. Starts docker-registry on a free loopback port (or uses --registry) and pushes: the runner and job images as
#    multi-architecture indexes, each helper tag as one architecture (as upstream), and per-architecture copies
#    under arch/<arch>/. Writes containerd registry host configuration for CRI `config_path`:
#    <hosts-dir>/<registry host>/hosts.toml resolves the names to the indexes (for a containerd whose platform is
#    the node's), <hosts-dir>/<arch>/<registry host>/hosts.toml to the <arch> images (for a containerd on this
#    amd64 machine that serves an emulated arm64 node: CRI picks an index entry by the platform containerd runs
#    on). Every registry the images name goes to the loopback registry and nowhere else.
# 5. Prints KEY=value lines (shell-quoted) on stdout: registry, hosts folders, image references, binaries, runner
#    module/commit. Everything else goes to stderr.
#
# usage: build.sh [--dist DIR] [--registry HOST:PORT] [--hosts-dir DIR] [--ca-file FILE] [--env-file FILE]
#                 [--serve] [--check]
#   --dist DIR        rendered output to read image references from (default: <repo>/dist)
#   --registry ADDR   push to this registry (plain HTTP, loopback) instead of starting one
#   --hosts-dir DIR   write containerd hosts.toml files here (default: a folder in the cache, printed)
#   --ca-file FILE    add this PEM CA to the runner image's trust store (/etc/ssl/certs), e.g. the stand-in
#                     GitLab's per-run CA; the runner image is then rebuilt on top of the cached one (seconds)
#   --env-file FILE   also write the KEY=value lines to FILE (written last: its presence means "ready")
#   --serve           keep the registry this script started running until SIGTERM/SIGINT
#   --check           after pushing, pull every image for both platforms with buildah and run the binaries in
#                     them (arm64 under qemu-aarch64-static), and pull every name through each per-architecture
#                     hosts folder with a containerd of its own, checking the platform it gets
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../.." && pwd)
cache=${RUNNER_FLEET_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/runner-fleet}/e2e-images
module_dir=$here/runner
arches=(amd64 arm64)

log() { printf 'e2e-images: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 2; }

dist=$root/dist registry="" hosts_dir="" ca_file="" env_file="" serve="" check=""
while [ $# -gt 0 ]; do
  case "$1" in
    --dist) dist=${2:?--dist needs a directory}; shift 2 ;;
    --registry) registry=${2:?--registry needs HOST:PORT}; shift 2 ;;
    --hosts-dir) hosts_dir=${2:?--hosts-dir needs a directory}; shift 2 ;;
    --ca-file) ca_file=${2:?--ca-file needs a file}; shift 2 ;;
    --env-file) env_file=${2:?--env-file needs a file}; shift 2 ;;
    --serve) serve=1; shift ;;
    --check) check=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done
[ -d "$dist" ] || die "--dist '$dist' is not a directory"
[ -z "$ca_file" ] || [ -r "$ca_file" ] || die "--ca-file '$ca_file' is not a readable file"
case "$registry" in
  ""|127.*:[0-9]*|localhost:[0-9]*|\[::1\]:[0-9]*) ;;
  *) die "--registry '$registry' must be a loopback HOST:PORT (127.x.x.x:N, localhost:N or [::1]:N)" ;;
esac
[ "$(id -u)" = 0 ] || die "must run as root (apt-get, buildah with vfs storage)"
command -v go >/dev/null || die "'go' is required on PATH"
mkdir -p "$cache"
t0=$SECONDS

# --- 1. Debian packages --------------------------------------------------------------------------------------
need=()
for pair in buildah:buildah skopeo:skopeo docker-registry:docker-registry qemu-aarch64-static:qemu-user-static \
  containerd:containerd; do
  command -v "${pair%%:*}" >/dev/null || need+=("${pair#*:}")
done
if [ ${#need[@]} -gt 0 ]; then
  log "installing Debian packages: ${need[*]}"
  apt-get update -qq -o DPkg::Lock::Timeout=600 >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=600 \
    "${need[@]}" >&2
fi

# busybox-static and bash-static for each architecture, unpacked from the Debian packages (not installed).
# Cached by the package versions apt offers; the arm64 ones need the arm64 architecture in dpkg.
debs_for() { # debs_for ARCH -> prints the folder holding bin/busybox and bin/bash-static for ARCH
  local arch=$1 versions dir tmp pkg
  if [ "$arch" != "$(dpkg --print-architecture)" ] && ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
    log "adding the $arch architecture to dpkg (for apt-get download of ${arch} packages)"
    dpkg --add-architecture "$arch"
    apt-get update -qq -o DPkg::Lock::Timeout=600 >&2
  fi
  versions=$(apt-cache policy "busybox-static:$arch" "bash-static:$arch" | awk '/Candidate:/ {print $2}' | paste -sd_)
  case "$versions" in *"(none)"*|"") apt-get update -qq -o DPkg::Lock::Timeout=600 >&2
    versions=$(apt-cache policy "busybox-static:$arch" "bash-static:$arch" | awk '/Candidate:/ {print $2}' | paste -sd_) ;;
  esac
  case "$versions" in *"(none)"*|"") die "apt offers no busybox-static/bash-static for $arch" ;; esac
  dir="$cache/debs/$arch-${versions//[:~+]/_}"
  if [ ! -x "$dir/bin/busybox" ] || [ ! -x "$dir/bin/bash-static" ]; then
    tmp=$(mktemp -d "$cache/debs.tmp.XXXXXX")
    (cd "$tmp" && apt-get download -qq -o APT::Sandbox::User=root "busybox-static:$arch" "bash-static:$arch" >&2) \
      || { rm -rf "$tmp"; die "apt-get download busybox-static:$arch bash-static:$arch failed"; }
    mkdir -p "$tmp/root"
    for pkg in "$tmp"/*.deb; do dpkg-deb -x "$pkg" "$tmp/root"; done
    rm -rf "$dir" && mkdir -p "$(dirname "$dir")" && mv "$tmp/root" "$dir" && rm -rf "$tmp"
  fi
  printf '%s\n' "$dir"
}
declare -A debs
for arch in "${arches[@]}"; do debs[$arch]=$(debs_for "$arch"); done
log "busybox-static + bash-static: ${debs[amd64]##*/} ${debs[arm64]##*/}"

# --- 2. Runner binaries ------------------------------------------------------------------------------------
runner_module=gitlab.com/gitlab-org/gitlab-runner
runner_pseudo=$(awk -v m="$runner_module" '$1 == "require" && $2 == m {print $3} $1 == m {print $2}' "$module_dir/go.mod" | head -1)
[ -n "$runner_pseudo" ] || die "cannot read the $runner_module version from $module_dir/go.mod"
runner_src=$(cd "$module_dir" && go mod download -json "$runner_module@$runner_pseudo" | awk -F'"' '$2 == "Dir" {print $4}')
[ -f "$runner_src/VERSION" ] || die "go mod download $runner_module@$runner_pseudo gave no VERSION file"
runner_version=$(tr -d ' \n' <"$runner_src/VERSION")
runner_commit=${runner_pseudo##*-}
# The pseudo-version's timestamp (vX.Y.Z-0.YYYYMMDDhhmmss-commit) is the commit time: BUILT, like upstream's.
runner_time=$(echo "$runner_pseudo" | sed -n 's/.*[.-]\([0-9]\{14\}\)-[0-9a-f]\{12\}$/\1/p')
[ -n "$runner_time" ] || die "cannot read the commit time from the pseudo-version $runner_pseudo"
ldflags="-s -w -X $runner_module/common.NAME=gitlab-runner -X $runner_module/common.VERSION=$runner_version"
ldflags+=" -X $runner_module/common.REVISION=${runner_commit:0:8} -X $runner_module/common.BRANCH=main"
ldflags+=" -X $runner_module/common.BUILT=${runner_time:0:4}-${runner_time:4:2}-${runner_time:6:2}T${runner_time:8:2}:${runner_time:10:2}:${runner_time:12:2}Z"

bin_key=$( (go version; echo "$ldflags"; cd "$module_dir" && cat go.mod go.sum &&
  find stubs -type f | LC_ALL=C sort | while read -r f; do echo "== $f"; cat "$f"; done) | sha256sum | cut -c1-16)
bin="$cache/bin/$bin_key"
if [ ! -f "$bin/.complete" ]; then
  mkdir -p "$bin"
  for arch in "${arches[@]}"; do
    [ -x "$bin/gitlab-runner-linux-$arch" ] && [ -x "$bin/gitlab-runner-helper-linux-$arch" ] && continue
    start=$SECONDS
    log "building gitlab-runner + gitlab-runner-helper ($runner_module@$runner_pseudo) for linux/$arch" \
      "(first run only; about 20 minutes per architecture on 2 busy cores)"
    out=$(mktemp -d "$bin/.out.XXXXXX")
    (cd "$module_dir" && CGO_ENABLED=0 GOOS=linux GOARCH=$arch go build -trimpath -ldflags "$ldflags" -o "$out/" \
      "$runner_module" "$runner_module/apps/gitlab-runner-helper") || { rm -rf "$out"; die "building for $arch failed"; }
    mv "$out/gitlab-runner-helper" "$bin/gitlab-runner-helper-linux-$arch"
    mv "$out/gitlab-runner" "$bin/gitlab-runner-linux-$arch"
    rm -rf "$out"
    log "built linux/$arch binaries in $((SECONDS - start))s"
  done
  touch "$bin/.complete"
  find "$cache/bin" -mindepth 1 -maxdepth 1 ! -name "$bin_key" -exec rm -rf {} +
fi
log "runner module $runner_module@$runner_pseudo: VERSION $runner_version, commit $runner_commit (main branch)"
log "binaries: $bin"

# --- Image references --------------------------------------------------------------------------------------
# normalize REF: a Docker reference as containerd resolves it (docker.io/library/ for bare names, :latest).
normalize() {
  local ref=$1 first=${1%%/*}
  case "$ref" in
    */*) case "$first" in *.*|*:*|localhost) ;; *) ref="docker.io/$ref" ;; esac ;;
    *) ref="docker.io/library/$ref" ;;
  esac
  case "${ref##*/}" in *:*|*@*) ;; *) ref="$ref:latest" ;; esac
  printf '%s\n' "$ref"
}
mapfile -t manager_images < <(grep -rhoE '^\s+image: \S+' "$dist" --include='Deployment.*' | awk '{print $2}' |
  while read -r r; do normalize "$r"; done | LC_ALL=C sort -u)
[ ${#manager_images[@]} -ge 1 ] || die "no Deployment in $dist names an image"
# Job default images: `image = "…"` in the runners' config (ConfigMap data config.template.toml).
mapfile -t job_images < <(grep -rhoE '^\s+image = "[^"]+"' "$dist" --include='ConfigMap.*' | sed 's/.*"\(.*\)"/\1/' |
  while read -r r; do normalize "$r"; done | LC_ALL=C sort -u)
[ ${#job_images[@]} -ge 1 ] || die "no runner config in $dist sets [runners.kubernetes] image"
if grep -rqE '^\s+helper_image = ' "$dist" --include='ConfigMap.*'; then
  die "the rendered config sets helper_image; this script only provides the helper image the runner computes"
fi
# The helper image the runner computes (helpers/container/helperimage): <name>:<arch>-v<X.Y.Z>, arch from the
# node selector's kubernetes.io/arch (amd64 -> x86_64).
helper_name=registry.gitlab.com/gitlab-org/gitlab-runner/gitlab-runner-helper
helper_semver=$(echo "$runner_version" | grep -oE '^[0-9]+\.[0-9]+\.[0-9]+')
declare -A helper_image=([amd64]="$helper_name:x86_64-v$helper_semver" [arm64]="$helper_name:arm64-v$helper_semver")
for ref in "${manager_images[@]}"; do
  case "$ref" in
    registry.gitlab.com/gitlab-org/gitlab-runner:*) ;;
    *) die "Deployment image '$ref' is not a gitlab-runner image; only the runner manager image is provided" ;;
  esac
done

# --- 3. Images -----------------------------------------------------------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/e2e-images.XXXXXX")
registry_pid="" ctrd_pid=""
cleanup() {
  local rc=$?
  if [ -n "$ctrd_pid" ]; then kill "$ctrd_pid" 2>/dev/null || true; fi
  if [ -n "$registry_pid" ] && kill -0 "$registry_pid" 2>/dev/null; then
    kill -TERM "$registry_pid" 2>/dev/null || true
    wait "$registry_pid" 2>/dev/null || true
  fi
  buildah_ rm --all >/dev/null 2>&1 || true
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# buildah with storage of its own (vfs: no overlay mounts needed), so nothing is shared with other users of buildah.
export STORAGE_DRIVER=vfs
buildah_() { buildah --root "$work/storage" --runroot "$work/run" --storage-driver vfs "$@"; }

# rootfs_busybox DIR ARCH: busybox at /bin/busybox with a symlink for each applet (as busybox --install -s would).
rootfs_busybox() {
  local dir=$1 arch=$2 applet run=()
  [ "$arch" = amd64 ] || run=(qemu-aarch64-static)
  mkdir -p "$dir/bin"
  install -m 0755 "${debs[$arch]}/bin/busybox" "$dir/bin/busybox"
  "${run[@]}" "$dir/bin/busybox" --list-full | while read -r applet; do
    [ "$applet" = bin/busybox ] && continue
    mkdir -p "$dir/$(dirname "$applet")"
    ln -sf /bin/busybox "$dir/$applet"
  done
  mkdir -p "$dir/tmp" && chmod 1777 "$dir/tmp"
}

# commit NAME ARCH ROOTFS ENTRYPOINT_JSON CMD_JSON: an image from scratch holding ROOTFS, in the local storage.
commit() {
  local name=$1 arch=$2 rootfs=$3 entrypoint=$4 cmd=$5 ctr
  ctr=$(buildah_ from --arch "$arch" --os linux scratch)
  buildah_ add --quiet "$ctr" "$rootfs/" / >/dev/null
  buildah_ config --arch "$arch" --os linux \
    --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --entrypoint "$entrypoint" --cmd "$cmd" \
    --label "org.opencontainers.image.source=runner-fleet .ci/e2e/images (end-to-end test image)" \
    --label "org.opencontainers.image.version=$runner_module@$runner_pseudo" "$ctr"
  buildah_ commit --quiet --rm --timestamp 0 --format oci "$ctr" "$name" >/dev/null
}

# build_images DIR: per-architecture OCI layouts DIR/<kind>-<arch> of the job, runner and helper images.
build_images() {
  local dir=$1 arch r kind
  for arch in "${arches[@]}"; do
    # Job default image: a shell and the usual applets, nothing else.
    r="$work/rootfs-job-$arch"; rootfs_busybox "$r" "$arch"
    commit "localhost/e2e/job:$arch" "$arch" "$r" '[]' '["/bin/sh"]'
    # Runner manager: what the rendered entrypoint/drain scripts use (/bin/sh, kill, sleep) and the runner.
    r="$work/rootfs-runner-$arch"; rootfs_busybox "$r" "$arch"
    install -D -m 0755 "$bin/gitlab-runner-linux-$arch" "$r/usr/bin/gitlab-runner"
    mkdir -p "$r/etc/ssl/certs"
    commit "localhost/e2e/runner:$arch" "$arch" "$r" '["/usr/bin/gitlab-runner"]' \
      '["run","--working-directory=/home/gitlab-runner"]'
    # Helper: the runner runs `bash -c '… gitlab-runner-build <<< script'` and `gitlab-runner-helper …` in it.
    r="$work/rootfs-helper-$arch"; rootfs_busybox "$r" "$arch"
    install -D -m 0755 "${debs[$arch]}/bin/bash-static" "$r/bin/bash"
    install -D -m 0755 "$bin/gitlab-runner-helper-linux-$arch" "$r/usr/bin/gitlab-runner-helper"
    install -D -m 0755 "$here/rootfs/gitlab-runner-build" "$r/usr/bin/gitlab-runner-build"
    install -D -m 0755 "$here/rootfs/git" "$r/usr/bin/git"   # stand-in: `git config` only (rootfs/git)
    commit "localhost/e2e/helper:$arch" "$arch" "$r" '[]' '["/bin/bash"]'
    for kind in job runner helper; do
      rm -rf "$dir/$kind-$arch"
      buildah_ push --quiet "localhost/e2e/$kind:$arch" "oci:$dir/$kind-$arch" >/dev/null
    done
  done
}

# Cache key: the binaries, the Debian packages, and the recipe itself (the functions above, the helper's script).
image_key=$( (echo "$bin_key ${debs[amd64]##*/} ${debs[arm64]##*/} $runner_pseudo"; declare -f rootfs_busybox commit \
  build_images; cat "$here/rootfs/gitlab-runner-build" "$here/rootfs/git") | sha256sum | cut -c1-16)
oci="$cache/oci/$image_key"
if [ ! -f "$oci/.complete" ]; then
  start=$SECONDS
  mkdir -p "$oci"
  build_images "$oci"
  touch "$oci/.complete"
  find "$cache/oci" -mindepth 1 -maxdepth 1 ! -name "$image_key" -exec rm -rf {} +
  log "built images in $((SECONDS - start))s into $oci"
fi

# --- 4. Registry, push, containerd hosts ---------------------------------------------------------------------
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
if [ -z "$registry" ]; then
  port=$(free_port)
  registry=127.0.0.1:$port
  mkdir -p "$cache/registry"
  cat >"$work/registry.yml" <<EOF
version: 0.1
log: {level: warn, accesslog: {disabled: true}}
storage:
  filesystem: {rootdirectory: $cache/registry}
  delete: {enabled: true}
http: {addr: "$registry"}
EOF
  docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
  registry_pid=$!
  for _ in $(seq 100); do
    curl -sf "http://$registry/v2/" >/dev/null 2>&1 && break
    kill -0 "$registry_pid" 2>/dev/null || { cat "$work/registry.log" >&2; die "docker-registry exited"; }
    sleep 0.1
  done
  curl -sf "http://$registry/v2/" >/dev/null || die "docker-registry did not answer on $registry"
  log "docker-registry (pid $registry_pid) on $registry, storage $cache/registry"
fi

# source_of KIND ARCH: the transport reference of the KIND image for ARCH (the CA variant of the runner if any).
source_of() {
  if [ "$1" = runner ] && [ -n "$ca_file" ]; then echo "oci:$work/runner-ca-$2"; else echo "oci:$oci/$1-$2"; fi
}
# push_index REF KIND: one index (manifest list) of the KIND images of every architecture, at REF's path.
push_index() {
  local ref=$1 kind=$2 list arch
  list="localhost/e2e/list-$kind-$RANDOM$RANDOM"
  buildah_ manifest create "$list" >/dev/null
  for arch in "${arches[@]}"; do
    buildah_ manifest add --arch "$arch" --os linux "$list" "$(source_of "$kind" "$arch")" >/dev/null
  done
  buildah_ manifest push --quiet --all --format v2s2 --tls-verify=false "$list" "docker://$registry/${ref#*/}" >/dev/null
  buildah_ manifest rm "$list" >/dev/null
  log "pushed $ref (index: ${arches[*]})"
}
# push_image REF KIND ARCH PATH: the single-architecture KIND image for ARCH (a plain manifest) at PATH.
push_image() {
  local ref=$1 kind=$2 arch=$3 path=$4
  local src
  src=$(source_of "$kind" "$arch")
  case "$src" in
    oci:*) skopeo copy --quiet --format v2s2 --dest-tls-verify=false "$src" "docker://$registry/$path" >/dev/null ;;
    *) buildah_ push --quiet --format v2s2 --tls-verify=false "$src" "docker://$registry/$path" >/dev/null ;;
  esac
  log "pushed $ref ($arch) as $registry/$path"
}

if [ -n "$ca_file" ]; then
  # The runner trusts the stand-in GitLab's CA through the system store Go reads (/etc/ssl/certs/*): one more layer
  # on the cached runner image, written directly into a copy of its OCI layout.
  for arch in "${arches[@]}"; do
    python3 "$here/add-file-layer.py" "$oci/runner-$arch" "$work/runner-ca-$arch" "$ca_file" /etc/ssl/certs/e2e-ca.pem \
      || die "adding the CA to the runner image for $arch failed"
  done
fi
start=$SECONDS
# As upstream: the runner and job images are multi-architecture indexes, each helper tag one architecture.
for ref in "${manager_images[@]}"; do push_index "$ref" runner; done
for ref in "${job_images[@]}"; do push_index "$ref" job; done
for arch in "${arches[@]}"; do push_image "${helper_image[$arch]}" helper "$arch" "${helper_image[$arch]#*/}"; done
# Per-architecture copies under arch/<arch>/: containerd's CRI resolves an index for the platform it runs on, so
# a containerd on this amd64 machine that serves an emulated arm64 node must be pointed at the arm64 images
# (hosts.d/<arch>/ below); a real arm64 node would pick the same image out of the index.
for arch in "${arches[@]}"; do
  for ref in "${manager_images[@]}"; do push_image "$ref" runner "$arch" "arch/$arch/${ref#*/}"; done
  for ref in "${job_images[@]}"; do push_image "$ref" job "$arch" "arch/$arch/${ref#*/}"; done
  for helper_arch in "${arches[@]}"; do
    push_image "${helper_image[$helper_arch]}" helper "$helper_arch" "arch/$arch/${helper_image[$helper_arch]#*/}"
  done
done
log "pushed in $((SECONDS - start))s"

[ -n "$hosts_dir" ] || hosts_dir="$cache/hosts.d"
mkdir -p "$hosts_dir"
mapfile -t registry_hosts < <(for ref in "${manager_images[@]}" "${job_images[@]}" "${helper_image[@]}"; do
  echo "${ref%%/*}"; done | LC_ALL=C sort -u)
# write_hosts DIR PATH_PREFIX WHAT: DIR/<registry host>/hosts.toml sending every pull to the loopback registry,
# under /v2/PATH_PREFIX when given. `server` is the loopback registry too, because containerd falls back from the
# [host] entries to `server`, and there must be no fallback (not to the real registry, not from one architecture
# to the index). The [host] entry is needed anyway: containerd 1.6 rejects a hosts.toml without a `host` tree
# ("invalid `host` tree") and then resolves against the real registry.
write_hosts() {
  local dir=$1 prefix=$2 what=$3 host url override=""
  url="http://$registry${prefix:+/v2/$prefix}"
  [ -z "$prefix" ] || override="override_path = true"
  for host in "${registry_hosts[@]}"; do
    mkdir -p "$dir/$host"
    cat >"$dir/$host/hosts.toml" <<EOF
# Written by .ci/e2e/images/build.sh: pulls from $host go to the loopback e2e registry ($what), nowhere else.
server = "$url"
capabilities = ["pull", "resolve"]
$override

[host."$url"]
  capabilities = ["pull", "resolve"]
  $override
EOF
  done
}
write_hosts "$hosts_dir" "" "multi-architecture indexes, for a containerd whose platform is the node's"
declare -A hosts_dir_for
for arch in "${arches[@]}"; do
  hosts_dir_for[$arch]="$hosts_dir/$arch"
  write_hosts "${hosts_dir_for[$arch]}" "arch/$arch" "linux/$arch images, for a containerd serving a $arch node"
done
log "containerd hosts: $hosts_dir (indexes), $hosts_dir/<arch> (one architecture); use as config_path under [plugins.\"io.containerd.grpc.v1.cri\".registry]"

# --- 5. Optional check: pull each image for both platforms and run what is in it --------------------------------
if [ -n "$check" ]; then
  run_in() { # run_in ARCH ROOT CMD...: runs ROOT/CMD natively or under qemu-aarch64-static (-L ROOT)
    local arch=$1 rootdir=$2; shift 2
    if [ "$arch" = arm64 ]; then qemu-aarch64-static -L "$rootdir" "$rootdir$1" "${@:2}"; else "$rootdir$1" "${@:2}"; fi
  }
  for arch in "${arches[@]}"; do
    for ref in "${manager_images[@]}" "${job_images[@]}" "${helper_image[$arch]}"; do
      ctr=$(buildah_ from --quiet --pull-always --tls-verify=false --arch "$arch" --os linux "docker://$registry/${ref#*/}")
      mnt=$(buildah_ mount "$ctr")
      got=$(buildah_ inspect --format '{{.OCIv1.Architecture}}' "$ctr")
      [ "$got" = "$arch" ] || die "$ref for $arch has architecture '$got'"
      machine=$(run_in "$arch" "$mnt" /bin/busybox uname -m) || die "busybox does not run in $ref for $arch"
      case "$ref" in
        "${helper_image[$arch]}") what=$(run_in "$arch" "$mnt" /usr/bin/gitlab-runner-helper --version | head -1) \
            || die "gitlab-runner-helper --version fails in $ref for $arch"
          run_in "$arch" "$mnt" /bin/bash -c 'read -r x <<<ok; echo "$x"' | grep -qx ok || die "bash here-string fails in $ref" ;;
        registry.gitlab.com/gitlab-org/gitlab-runner:*)
          what=$(run_in "$arch" "$mnt" /usr/bin/gitlab-runner --version | sed -n '1,3p;5p' | tr -s ' ' | paste -sd';') \
            || die "gitlab-runner --version fails in $ref for $arch"
          [ -z "$ca_file" ] || cmp -s "$ca_file" "$mnt/etc/ssl/certs/e2e-ca.pem" || die "$ref for $arch lacks the --ca-file CA"
          ;;
        *) # /bin/sh is a symlink to /bin/busybox, absolute inside the image: run its target directly.
          [ "$(readlink "$mnt/bin/sh")" = /bin/busybox ] || die "/bin/sh is not busybox in $ref for $arch"
          what=$(run_in "$arch" "$mnt" /bin/busybox sh -c 'echo shell ok') || die "busybox sh fails in $ref for $arch" ;;
      esac
      log "check $ref linux/$arch: uname -m=$machine; $what"
      buildah_ umount "$ctr" >/dev/null; buildah_ rm "$ctr" >/dev/null
    done
  done
  # The consumer of the hosts config is containerd: pull every reference through each hosts folder with a
  # containerd of our own (CRI off, state in $work) and check the platform it got.
  ctrd="$work/containerd"
  mkdir -p "$ctrd"
  cat >"$ctrd/config.toml" <<EOF
version = 2
root = "$ctrd/root"
state = "$ctrd/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$ctrd/containerd.sock"
[ttrpc]
  address = "$ctrd/containerd.sock.ttrpc"
EOF
  containerd --config "$ctrd/config.toml" >"$ctrd/log" 2>&1 &
  ctrd_pid=$!
  ctr_() { ctr --address "$ctrd/containerd.sock" --namespace e2e-check "$@"; }
  for _ in $(seq 100); do ctr_ version >/dev/null 2>&1 && break; sleep 0.1; done
  for arch in "${arches[@]}"; do
    for ref in "${manager_images[@]}" "${job_images[@]}" "${helper_image[$arch]}"; do
      ctr_ images pull --hosts-dir "${hosts_dir_for[$arch]}" "$ref" >"$ctrd/pull.log" 2>&1 \
        || { cat "$ctrd/pull.log" >&2; die "containerd cannot pull $ref with ${hosts_dir_for[$arch]}"; }
      got=$(ctr_ images ls | awk -v r="$ref" '$1 == r {print ($NF == "-" ? $(NF-1) : $NF)}')
      [ "$got" = "linux/$arch" ] || die "containerd pulled $ref as '$got' with ${hosts_dir_for[$arch]}"
      ctr_ images rm "$ref" >/dev/null
    done
    log "check containerd with hosts $(basename "${hosts_dir_for[$arch]}")/: every image pulled as linux/$arch"
  done
  kill "$ctrd_pid"; wait "$ctrd_pid" 2>/dev/null || true; ctrd_pid=""
fi

# --- Output --------------------------------------------------------------------------------------------------
q() { printf '%s=%q\n' "$1" "$2"; }
output=$(
  q E2E_REGISTRY "$registry"
  q E2E_REGISTRY_PID "$registry_pid"   # empty with --registry; stopped by this script's exit otherwise
  q E2E_HOSTS_DIR "$hosts_dir"
  for arch in "${arches[@]}"; do q "E2E_HOSTS_DIR_${arch^^}" "${hosts_dir_for[$arch]}"; done
  q E2E_RUNNER_MODULE "$runner_module@$runner_pseudo"
  q E2E_RUNNER_VERSION "$runner_version"
  q E2E_RUNNER_COMMIT "$runner_commit"
  q E2E_MANAGER_IMAGES "${manager_images[*]}"
  q E2E_JOB_IMAGES "${job_images[*]}"
  q E2E_HELPER_IMAGE_AMD64 "${helper_image[amd64]}"
  q E2E_HELPER_IMAGE_ARM64 "${helper_image[arm64]}"
  for arch in "${arches[@]}"; do
    q "E2E_RUNNER_BIN_${arch^^}" "$bin/gitlab-runner-linux-$arch"
    q "E2E_HELPER_BIN_${arch^^}" "$bin/gitlab-runner-helper-linux-$arch"
  done
)
printf '%s\n' "$output"
if [ -n "$env_file" ]; then printf '%s\n' "$output" >"$env_file.tmp" && mv "$env_file.tmp" "$env_file"; fi
log "ready in $((SECONDS - t0))s"

if [ -n "$serve" ]; then
  [ -n "$registry_pid" ] || die "--serve needs the registry this script starts (drop --registry)"
  log "serving $registry until SIGTERM/SIGINT"
  wait "$registry_pid"
fi

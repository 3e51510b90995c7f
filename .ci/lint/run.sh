#!/usr/bin/env bash
# lint:manifests: real linters, pinned, over the rendered manifests (dist/ and clusters/).
#
#   kubeconform -strict  every object against the JSON schema of its kind: built-in kinds from the swagger.json of
#                        the same Kubernetes release test:cluster runs, custom kinds from the pinned upstream CRDs.
#   kube-score           reliability and security checks;   exceptions: .ci/lint/kube-score.conf
#   checkov              security checks (CKV_K8S_*);        exceptions: .ci/lint/checkov.yaml
#
# kube-linter, which the issue asked for, cannot be installed here (golang.stackrox.io/kube-linter is refused by the
# Go module proxy and no registry reachable from CI ships it): kube-score and checkov cover its checks.
# Every exception names a one-line reason; an exception without one fails this script.
#
# usage: .ci/lint/run.sh [PATH...]      default: dist clusters
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cache=${RUNNER_FLEET_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/runner-fleet}
bin="$cache/bin"
mkdir -p "$bin"

# renovate: datasource=github-releases depName=yannh/kubeconform
KUBECONFORM_VERSION=v0.8.0
# renovate: datasource=github-releases depName=zegl/kube-score
KUBE_SCORE_VERSION=v1.20.0
CHECKOV_VERSION=$(sed -n 's/^checkov==//p' "$here/checkov-requirements.txt")
K8S_VERSION=$(awk '$1 == "k8s.io/kubernetes" && $2 ~ /^v[0-9]/ {print $2}' "$root/.ci/cluster/apiserver/go.mod")

log() { printf '%s\n' "$*" >&2; }
die() { log "lint:manifests: $*"; exit 2; }
for tool in go python3; do command -v "$tool" >/dev/null || die "'$tool' is required on PATH"; done
if [ -z "$K8S_VERSION" ] || [ -z "$CHECKOV_VERSION" ]; then die "cannot read the pinned versions"; fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lint-manifests.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# go_tool NAME PACKAGE@VERSION: prints the path of a cached `go install` of it.
go_tool() {
  local name=$1 pkg=$2 out="$bin/$1-${2##*@}"
  if [ ! -x "$out" ]; then
    log "building $name ($pkg), first run only"
    GOBIN="$tmp/gobin" go install "$pkg" || die "building $pkg failed"
    mv "$tmp/gobin/$name" "$out"
  fi
  printf '%s\n' "$out"
}
module_dir() { go mod download -json "$1" | python3 -c 'import json, sys; print(json.load(sys.stdin)["Dir"])'; }

# --- targets
targets=()
if [ $# -gt 0 ]; then
  targets=("$@")
else
  for d in dist clusters; do
    if [ -n "$(find "$root/$d" -name '*.yaml' -print -quit 2>/dev/null)" ]; then targets+=("$root/$d"); fi
  done
  [ ${#targets[@]} -gt 0 ] || die "no rendered manifests in dist/ or clusters/ (run npm run synth)"
fi
mapfile -t files < <(find "${targets[@]}" -type f \( -name '*.yaml' -o -name '*.yml' \) | sort)
[ ${#files[@]} -gt 0 ] || die "no manifests under ${targets[*]}"
# kube-score and checkov judge our own rendering only: clusters/*/flux-system/ is written by `flux bootstrap`
# (Flux's upstream controllers), schema-checked by kubeconform but not ours to restyle.
own=()
for f in "${files[@]}"; do case "$f" in */flux-system/*) ;; *) own+=("$f") ;; esac; done
[ ${#own[@]} -gt 0 ] || die "only bootstrap output (flux-system/) found: nothing rendered by this project to lint"
log "linting ${#files[@]} files under: ${targets[*]#"$root/"} (${#own[@]} rendered by this project)"

# --- every exception carries a reason
bad=$(grep -nE '^\s*(ignore|enable|pending)\s' "$here/kube-score.conf" | grep -v '#' || true)
bad+=$(grep -nE '^\s*-\s*CKV' "$here/checkov.yaml" | grep -v '#' || true)
[ -z "$bad" ] || die "exceptions without a '# reason':"$'\n'"$bad"

pending=$( (grep -E '^\s*pending\s' "$here/kube-score.conf" | sed -E 's/^\s*pending\s+/kube-score /'
  grep -E '^\s*-\s*CKV.*#\s*PENDING' "$here/checkov.yaml" | sed -E 's/^\s*-\s*/checkov /') || true)

failed=0
passed=0
report() { # report NAME STATUS
  if [ "$2" -eq 0 ]; then passed=$((passed + 1)); log "== $1: ok"; else failed=$((failed + 1)); log "== $1: FAILED"; fi
}

# --- kubeconform
kubeconform=$(go_tool kubeconform "github.com/yannh/kubeconform/cmd/kubeconform@$KUBECONFORM_VERSION")
k8s_schemas="$cache/schemas/kubernetes"
if [ ! -d "$k8s_schemas/$K8S_VERSION-standalone-strict" ]; then
  k8s_dir=$(module_dir "k8s.io/kubernetes@$K8S_VERSION")
  python3 "$here/k8s-schemas.py" "$k8s_dir/api/openapi-spec/swagger.json" "$tmp/k8s" >&2
  mkdir -p "$k8s_schemas" && rm -rf "${k8s_schemas:?}/$K8S_VERSION-standalone-strict"
  mv "$tmp/k8s" "$k8s_schemas/$K8S_VERSION-standalone-strict"
fi
"$root/scripts/upstream-crds.sh" >"$tmp/crds.txt"
crd_key=$( (echo "$KUBECONFORM_VERSION"; xargs cat <"$tmp/crds.txt") | sha256sum | cut -c1-16)
crd_schemas="$cache/schemas/crds-$crd_key"
if [ ! -d "$crd_schemas" ]; then
  python3 -c 'import yaml' 2>/dev/null || die "python3 needs PyYAML (Debian: python3-yaml) to convert CRDs to JSON schemas"
  converter="$(module_dir "github.com/yannh/kubeconform@$KUBECONFORM_VERSION")/scripts/openapi2jsonschema.py"
  while read -r crd; do
    group=$(python3 -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["spec"]["group"])' "$crd")
    mkdir -p "$tmp/crds/$group"
    # DENY_ROOT_ADDITIONAL_PROPERTIES: strict at the top level too (a misspelt `spce:` fails).
    (cd "$tmp/crds/$group" && DENY_ROOT_ADDITIONAL_PROPERTIES=1 FILENAME_FORMAT='{kind}_{version}' \
      python3 "$converter" "$crd" >/dev/null) || die "converting $crd failed"
  done <"$tmp/crds.txt"
  find "$cache/schemas" -maxdepth 1 -name 'crds-*' -exec rm -rf {} +
  mv "$tmp/crds" "$crd_schemas"
fi
log "== kubeconform $KUBECONFORM_VERSION -strict (Kubernetes $K8S_VERSION schemas + $(wc -l <"$tmp/crds.txt") pinned CRDs)"
status=0
"$kubeconform" -strict -summary -output text -kubernetes-version "${K8S_VERSION#v}" \
  -schema-location "$k8s_schemas" \
  -schema-location "$crd_schemas/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json" \
  "${files[@]}" || status=$?
report kubeconform "$status"

# --- kube-score
kube_score=$(go_tool kube-score "github.com/zegl/kube-score/cmd/kube-score@$KUBE_SCORE_VERSION")
ks_args=()
while read -r action test _; do
  case "$action" in
    ignore) ks_args+=(--ignore-test "$test") ;;
    pending) ks_args+=(--ignore-test "$test") ;;
    enable) ks_args+=(--enable-optional-test "$test") ;;
    *) die "kube-score.conf: unknown action '$action'" ;;
  esac
done < <(grep -vE '^\s*(#|$)' "$here/kube-score.conf")
log "== kube-score $KUBE_SCORE_VERSION (exceptions: .ci/lint/kube-score.conf)"
status=0
"$kube_score" score --output-format ci --kubernetes-version "$(echo "$K8S_VERSION" | cut -d. -f1,2)" --exit-one-on-warning \
  "${ks_args[@]}" "${own[@]}" >"$tmp/kube-score.out" || status=$?
grep -vE '^\[(OK|SKIPPED)\]' "$tmp/kube-score.out" >&2 || true
log "kube-score: $(grep -c '^\[OK\]' "$tmp/kube-score.out" || true) checks ok, $(grep -cvE '^\[(OK|SKIPPED)\]' "$tmp/kube-score.out" || true) findings"
report kube-score "$status"

# --- checkov
venv="$cache/venv/checkov-$CHECKOV_VERSION-$(sha256sum "$here/checkov-requirements.txt" | cut -c1-12)"
if [ ! -x "$venv/bin/checkov" ]; then
  log "installing checkov $CHECKOV_VERSION from PyPI into $venv, first run only"
  rm -rf "$venv"
  python3 -m venv "$venv" || die "python3 -m venv failed (Debian: python3-venv)"
  "$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps -r "$here/checkov-requirements.txt" \
    || { rm -rf "$venv"; die "installing checkov failed"; }
fi
log "== checkov $CHECKOV_VERSION (exceptions: .ci/lint/checkov.yaml)"
status=0
(cd "$root" && "$venv/bin/checkov" --config-file "$here/checkov.yaml" --file "${own[@]}" >"$tmp/checkov.out" 2>&1) || status=$?
grep -vE '^\s*$' "$tmp/checkov.out" >&2 || true
report checkov "$status"

if [ -n "$pending" ]; then
  log ""
  log "PENDING: genuine findings reported, not accepted (skipped until the manifests are fixed; see the configs):"
  while IFS= read -r line; do log "  $line"; done <<<"$pending"
fi
echo "lint:manifests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

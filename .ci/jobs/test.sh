#!/usr/bin/env bash
# GitLab job test:<arch>: check the service running from the image just built answers correctly.
#
# In GitLab the image runs as a service of the job (same pod, same node, so same arch) and
# SAMPLE_APP_URL points at it; pipeline-local runs the image's binary and calls this with its URL.
# Env: SAMPLE_APP_URL (e.g. http://sample-app:8080), BUILD_ARCH (amd64|arm64).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=SCRIPTDIR/lib/common.sh
source "$here/lib/common.sh"
LOG_PREFIX="test:${BUILD_ARCH:-?}"

require_env SAMPLE_APP_URL BUILD_ARCH
check_arch "$BUILD_ARCH"
"$here/lib/ensure-tools.sh" curl
url="${SAMPLE_APP_URL%/}"

wait_http "$url/healthz" "${SAMPLE_APP_WAIT_SECONDS:-60}" || die "$url/healthz never answered"

# fetch CURL-ARGS...: print the HTTP status (000 when there is no answer); the body goes to $tmp/body.
fetch() { : >"$tmp/body"; curl -sS --max-time 10 -o "$tmp/body" -w '%{http_code}' "$@" || true; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
failures=0
pass() { log "ok   $1"; }
fail() { log "FAIL $1: $2"; failures=$((failures + 1)); }

want="Hello World from $BUILD_ARCH"
code="$(fetch "$url/")"
body="$(cat "$tmp/body")"
name="GET / answers '$want'"
if [[ "$code" == 200 && "$body" == "$want" ]]; then pass "$name"; else fail "$name" "got HTTP $code '$body'"; fi

code="$(fetch -H 'Accept: application/json' "$url/")"
json="$(cat "$tmp/body")"
name="GET / (Accept: application/json) says arch $BUILD_ARCH, os linux"
if [[ "$code" == 200 && "$json" == *"\"arch\":\"$BUILD_ARCH\""* && "$json" == *'"os":"linux"'* ]]; then
  pass "$name"
else
  fail "$name" "got HTTP $code $json"
fi

code="$(fetch "$url/healthz")"
body="$(cat "$tmp/body")"
if [[ "$code" == 200 && "$body" == ok ]]; then pass "GET /healthz answers ok"; else fail "GET /healthz answers ok" "got HTTP $code '$body'"; fi

code="$(fetch "$url/no-such-page")"
if [[ "$code" == 404 ]]; then pass "GET /no-such-page is 404"; else fail "GET /no-such-page is 404" "got HTTP $code"; fi

((failures == 0)) || die "$failures check(s) failed against $url (linux/$BUILD_ARCH)"
log "the linux/$BUILD_ARCH service at $url passed every check"

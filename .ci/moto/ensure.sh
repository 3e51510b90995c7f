#!/usr/bin/env bash
# ensure.sh: prints the path of moto_server (the AWS emulator moto, in server mode), installing it from PyPI on first
# use into a virtualenv cached under ${RUNNER_FLEET_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/runner-fleet}, keyed by a
# hash of requirements.txt (every dependency pinned). About 40 s the first time here, nothing afterwards.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${RUNNER_FLEET_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/runner-fleet}"
venv="$cache/venv/moto-$(sha256sum "$here/requirements.txt" | cut -c1-12)"
mkdir -p "$cache/venv"
# Test files start moto in parallel: one installs, the others wait for it.
exec 9>"$venv.lock"
flock 9
if [ ! -x "$venv/bin/moto_server" ]; then
  echo "installing moto from PyPI into $venv, first run only" >&2
  rm -rf "$venv"
  python3 -m venv "$venv" >&2 || { echo "python3 -m venv failed (Debian: apt-get install python3-venv)" >&2; exit 1; }
  "$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps -r "$here/requirements.txt" >&2 \
    || { rm -rf "$venv"; echo "installing moto failed" >&2; exit 1; }
fi
echo "$venv/bin/moto_server"

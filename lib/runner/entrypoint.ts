/**
 * Shell scripts of the runner manager pod, shipped in its ConfigMap. Both run in the gitlab-runner image's /bin/sh.
 */
import { TOKEN_PLACEHOLDER } from './config-toml';

/** Where the pod mounts what the entrypoint reads and writes. */
export const MANAGER_PATHS = {
  /** ConfigMap: config.template.toml, entrypoint.sh, drain.sh. */
  template: '/etc/gitlab-runner-template',
  /** Secret with the runner token, one file. */
  tokenDir: '/var/run/secrets/gitlab-runner',
  /** Memory-backed emptyDir: the real config.toml (with the token) and .runner_system_id. */
  config: '/etc/gitlab-runner',
  /** emptyDir: the runner's home and working directory. */
  home: '/home/gitlab-runner',
} as const;

/** Longest a new manager waits for its token Secret to carry the expected revision (see the entrypoint). */
export const TOKEN_REVISION_WAIT_SECONDS = 150;

/**
 * Builds config.toml from the rendered template and the token Secret, in memory-backed storage, then becomes
 * gitlab-runner as PID 1, so that drain.sh's SIGQUIT reaches the runner itself. Refuses anything but a `glrt-`
 * runner authentication token. Paths can be overridden by environment for the script's own tests.
 */
export const ENTRYPOINT_SCRIPT = `#!/bin/sh
# Rendered by cdk8s from lib/runner/entrypoint.ts.
set -eu
template="\${RUNNER_TEMPLATE:-${MANAGER_PATHS.template}/config.template.toml}"
token_file="\${RUNNER_TOKEN_FILE:-${MANAGER_PATHS.tokenDir}/token}"
config="\${RUNNER_CONFIG:-${MANAGER_PATHS.config}/config.toml}"
fail() { printf '{"level":"fatal","msg":"%s"}\\n' "$1" >&2; exit 1; }

# After a rotation (TOKEN_REVISION set), start only on the new token: wait until External Secrets has copied it
# and the kubelet has refreshed the mounted Secret, rather than start on the old one and be refused by GitLab.
if [ -n "\${TOKEN_REVISION:-}" ]; then
  revision_file="\${RUNNER_TOKEN_REVISION_FILE:-${MANAGER_PATHS.tokenDir}/revision}"
  waited=0
  while :; do
    current=""
    [ -r "$revision_file" ] && { IFS= read -r current < "$revision_file" || true; }
    [ "$current" = "$TOKEN_REVISION" ] && break
    [ "$waited" -lt "\${TOKEN_REVISION_WAIT_SECONDS:-${TOKEN_REVISION_WAIT_SECONDS}}" ] ||
      fail "the token Secret carries revision '$current', not '$TOKEN_REVISION': has the new token reached the secret store, and can External Secrets read it?"
    sleep 2
    waited=$((waited + 2))
  done
fi

[ -r "$token_file" ] || fail "runner token file $token_file is missing or unreadable"
token=""
IFS= read -r token < "$token_file" || true
[ -n "$token" ] || fail "runner token in $token_file is empty"
case "$token" in
  glrt-*) ;;
  *) fail "runner token is not a runner authentication token (glrt-...); registration tokens are not supported" ;;
esac
case "$token" in
  *[!A-Za-z0-9._-]*) fail "runner token contains characters a runner token cannot contain" ;;
esac

# Only shell built-ins see the token: it never appears in a process's arguments.
umask 077
while IFS= read -r line || [ -n "$line" ]; do
  case "$line" in
    *${TOKEN_PLACEHOLDER}*) printf '%s%s%s\\n' "\${line%%${TOKEN_PLACEHOLDER}*}" "$token" "\${line#*${TOKEN_PLACEHOLDER}}" ;;
    *) printf '%s\\n' "$line" ;;
  esac
done < "$template" > "$config"
token=""

exec gitlab-runner run --config "$config" --working-directory "\${RUNNER_HOME:-${MANAGER_PATHS.home}}"
`;

/**
 * preStop hook: Kubernetes stops containers with SIGTERM, which gitlab-runner treats as "abort every job".
 * SIGQUIT makes it stop taking jobs and wait for the running ones; this hook sends it and waits until the runner
 * has exited, within the pod's termination grace period (the longest job plus a margin).
 */
export const DRAIN_SCRIPT = `#!/bin/sh
# Rendered by cdk8s from lib/runner/entrypoint.ts.
pid="\${1:-1}"
kill -QUIT "$pid" 2>/dev/null || exit 0
while kill -0 "$pid" 2>/dev/null; do sleep 1; done
`;

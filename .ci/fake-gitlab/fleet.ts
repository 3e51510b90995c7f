/**
 * The fleet's runners in the fake GitLab, made by the real `gitlab:apply` code (tools/gitlab) from resolved
 * clusters, so that what a test registers (tags, run-untagged, maximum timeout, paused, access level, scope) is
 * exactly what the definition implies. Tokens come back in memory, by runner key; nothing is written anywhere.
 */
import type { ResolvedCluster } from '../../lib/model/resolved';
import { applyCommand, rotateCommand } from '../../tools/gitlab/commands';
import { ownerKey } from '../../tools/gitlab/ownership';
import type { FakeGitLab } from './server';

export interface AppliedRunner {
  /** The runner's id in the fake GitLab. */
  readonly id: number;
  /** Its authentication token, for the managers' Secret. */
  readonly token: string;
}

/**
 * Runs gitlab:apply for `clusters` against `gitlab` (its plain loopback URL when it serves HTTPS: start it with
 * `plainLoopback: true`), as an administrator, after adding the groups and projects the runners' scopes name. Returns every runner of the clusters by key (`<cluster>/<runner>`); throws with the
 * tool's own message if apply does not complete.
 */
export async function applyFleet(gitlab: FakeGitLab, clusters: readonly ResolvedCluster[]): Promise<Map<string, AppliedRunner>> {
  const url = gitlab.url.startsWith('https:') ? gitlab.loopbackUrl : gitlab.url;
  if (!url) throw new Error('applyFleet: the fake GitLab serves HTTPS only; start it with plainLoopback: true');
  // The groups and projects the definitions name exist in the fake, as they would in GitLab.
  for (const runner of clusters.flatMap((c) => c.runners)) {
    const scope = runner.gitlab.scope;
    if (scope.type === 'group') gitlab.addGroup(scope.path);
    if (scope.type === 'project') gitlab.addProject(scope.path);
  }
  gitlab.addUser({ username: 'runner-fleet-apply', admin: true });
  const accessToken = gitlab.addAccessToken('runner-fleet-apply', ['create_runner', 'manage_runner', 'read_api']);
  const tokens = new Map<string, string>();
  let output = '';
  const status = await applyCommand({
    fleet: clusters,
    env: { RUNNER_FLEET_GITLAB_URL: url, GITLAB_TOKEN: accessToken },
    io: { out: (text) => (output += text), err: (text) => (output += text) },
    tokenStore: () => ({
      unavailable: () => undefined,
      store: async (runner, token) => {
        tokens.set(runner.key, token);
        return { where: 'the test (in memory)' };
      },
      afterRotation: () => '',
    }),
  });
  if (status !== 0) throw new Error(`gitlab:apply against the fake GitLab exited ${status}:\n${output}`);
  const applied = new Map<string, AppliedRunner>();
  for (const runner of gitlab.runners()) {
    const key = ownerKey(runner.maintenanceNote);
    if (key && clusters.some((c) => key.startsWith(`${c.name}/`))) applied.set(key, { id: runner.id, token: tokens.get(key) ?? runner.token });
  }
  return applied;
}

/**
 * Runs gitlab:rotate for runner `<cluster>/<runner>` against `gitlab` (after applyFleet): the real rotate code
 * resets the token, then hands the new one to `store` with `revision`, which writes it where the managers read it
 * and says where. Returns the new token; throws with the tool's own message if rotate does not complete.
 */
export async function rotateRunner(gitlab: FakeGitLab, cluster: ResolvedCluster, runner: string, revision: string, store: (token: string) => Promise<string>): Promise<string> {
  const url = gitlab.url.startsWith('https:') ? gitlab.loopbackUrl : gitlab.url;
  if (!url) throw new Error('rotateRunner: the fake GitLab serves HTTPS only; start it with plainLoopback: true');
  gitlab.addUser({ username: 'runner-fleet-rotate', admin: true });
  const accessToken = gitlab.addAccessToken('runner-fleet-rotate', ['manage_runner', 'read_api']);
  let output = '';
  let stored: string | undefined;
  const status = await rotateCommand({
    fleet: [cluster],
    runner: `${cluster.name}/${runner}`,
    env: { RUNNER_FLEET_GITLAB_URL: url, GITLAB_TOKEN: accessToken },
    io: { out: (text) => (output += text), err: (text) => (output += text) },
    tokenStore: () => ({
      unavailable: () => undefined,
      store: async (_desired, token) => {
        const where = await store(token);
        stored = token;
        return { where, revision };
      },
      afterRotation: () => '',
    }),
  });
  if (status !== 0 || !stored) throw new Error(`gitlab:rotate against the fake GitLab exited ${status}:\n${output}`);
  return stored;
}

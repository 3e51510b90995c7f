/** The GitLab side of a runner in the definition: defaults, derivations and validation. */
import { resolveCluster } from './resolve';
import { cluster, problemsOf } from './testing';

describe('GitLab settings of a runner, resolved', () => {
  test('default to an active, unlocked instance runner taking jobs of any ref', () => {
    const { gitlab } = resolveCluster(cluster()).runners[0];
    expect(gitlab).toMatchObject({ scope: { type: 'instance' }, locked: false, paused: false, accessLevel: 'not_protected', runUntagged: false });
  });

  test.each(['10m', '45m', '1h', '3h', '1h30m', '24h'])('the maximum job timeout is the jobTimeout %s, in seconds, never a second number', (jobTimeout) => {
    const runner = resolveCluster(cluster({}, { jobTimeout })).runners[0];
    expect(runner.gitlab.maximumTimeout).toBe(runner.jobTimeoutSeconds);
    expect(runner.drainSeconds).toBeGreaterThan(runner.gitlab.maximumTimeout);
  });

  test('tags and run-untagged are the ones config and docs already use: the architecture first', () => {
    const runner = resolveCluster(cluster({}, { arch: 'arm64', tags: ['linux', 'arm64', 'big'], runUntagged: true })).runners[0];
    expect(runner.gitlab.tagList).toEqual(['arm64', 'linux', 'big']);
    expect(runner.gitlab.tagList).toEqual(runner.tags);
    expect(runner.gitlab.runUntagged).toBe(true);
  });

  test('the key and the description name the cluster and the runner, distinct for every runner of a cluster', () => {
    const resolved = resolveCluster(
      cluster({
        name: 'prod',
        runners: [
          { arch: 'amd64', token: { source: 'existing-secret', secretName: 'a' } },
          { arch: 'amd64', name: 'amd64-large', archTag: false, tags: ['amd64-large'], token: { source: 'existing-secret', secretName: 'b' } },
          { arch: 'arm64', token: { source: 'existing-secret', secretName: 'c' } },
        ],
      }),
    );
    const keys = resolved.runners.map((r) => r.gitlab.key);
    expect(keys).toEqual(['prod/amd64', 'prod/amd64-large', 'prod/arm64']);
    for (const runner of resolved.runners) {
      expect(runner.gitlab.description).toContain(`prod/${runner.name}`);
      expect(runner.gitlab.description).toContain(runner.arch);
      expect(runner.gitlab.tagList).toEqual(runner.tags);
    }
  });

  test('scope, locked, paused and access level come from the definition', () => {
    const { gitlab } = resolveCluster(
      cluster({}, { gitlab: { scope: { type: 'project', path: 'platform/app' }, locked: true, paused: true, accessLevel: 'ref_protected' } }),
    ).runners[0];
    expect(gitlab).toMatchObject({ scope: { type: 'project', path: 'platform/app' }, locked: true, paused: true, accessLevel: 'ref_protected' });
  });

  test('a GitLab CA reference resolves with its default key; none means the image trust store', () => {
    expect(resolveCluster(cluster({ gitlabCa: { source: 'config-map', name: 'gitlab-ca' } })).gitlabCa).toEqual({ source: 'config-map', name: 'gitlab-ca', key: 'ca.crt' });
    expect(resolveCluster(cluster({ gitlabCa: { source: 'secret', name: 'gitlab-ca', key: 'bundle.pem' } })).gitlabCa).toEqual({ source: 'secret', name: 'gitlab-ca', key: 'bundle.pem' });
    expect(resolveCluster(cluster()).gitlabCa).toBeUndefined();
  });
});

describe('GitLab settings of a runner, rejected with the field, the value and what is allowed', () => {
  test('a scope of an unknown type, or without its path', () => {
    expect(problemsOf(cluster({}, { gitlab: { scope: { type: 'shared' } as never } }))).toEqual([
      'runners[0].gitlab.scope.type: must have type "instance", "group" (with path) or "project" (with path), got "shared"',
    ]);
    expect(problemsOf(cluster({}, { gitlab: { scope: { type: 'group' } as never } }))[0]).toMatch(/^runners\[0\]\.gitlab\.scope\.path: must be a group full path/);
  });

  test.each(['', '/platform', 'platform/', 'platform//ci', 'plat form', '-platform', 'platform/app.git', 'a,b'])('the group path %j', (path) => {
    expect(problemsOf(cluster({}, { gitlab: { scope: { type: 'group', path } } }))).toEqual([
      `runners[0].gitlab.scope.path: must be a group full path such as "platform" or "platform/ci" (letters, digits, "_", "-", "." per segment, no leading or trailing "/"), got ${JSON.stringify(path)}`,
    ]);
  });

  test.each(['platform', 'platform/', 'platform/app.atom'])('the project path %j (a project is always inside a namespace)', (path) => {
    expect(problemsOf(cluster({}, { gitlab: { scope: { type: 'project', path } } }))[0]).toMatch(/^runners\[0\]\.gitlab\.scope\.path: must be a project full path such as "platform\/app"/);
  });

  test.each(['platform', 'platform/ci', 'a.b/c_d/e-f'])('accepts the group path %j', (path) => {
    expect(resolveCluster(cluster({}, { gitlab: { scope: { type: 'group', path } } })).runners[0].gitlab.scope).toEqual({ type: 'group', path });
  });

  test('an access level, locked or paused of the wrong kind, and an unknown key', () => {
    expect(problemsOf(cluster({}, { gitlab: { accessLevel: 'protected' as never, locked: 'yes' as never, paused: 1 as never } }))).toEqual([
      'runners[0].gitlab.locked: must be true or false, got "yes"',
      'runners[0].gitlab.paused: must be true or false, got 1',
      'runners[0].gitlab.accessLevel: must be one of "not_protected", "ref_protected", got "protected"',
    ]);
    expect(problemsOf(cluster({}, { gitlab: { tags: ['x'] } as never }))).toEqual(['runners[0].gitlab: unknown key "tags"; allowed: scope, locked, paused, accessLevel']);
  });

  test.each(['1m', '5m', '9m', '599s', '721h'])('a jobTimeout of %s, outside what GitLab allows as a maximum job timeout', (jobTimeout) => {
    expect(problemsOf(cluster({}, { jobTimeout }))).toEqual([expect.stringMatching(new RegExp(`^runners\\[0\\]\\.jobTimeout: must be a duration from 10m .* to 720h .*, got "${jobTimeout}"$`))]);
  });

  test('a GitLab CA that is not a ConfigMap or Secret reference', () => {
    expect(problemsOf(cluster({ gitlabCa: { source: 'file', name: 'ca' } as never }))).toEqual(['gitlabCa.source: must be one of "config-map", "secret", got "file"']);
    expect(problemsOf(cluster({ gitlabCa: { source: 'secret', name: 'Gitlab_CA' } }))[0]).toMatch(/^gitlabCa\.name: must be a Kubernetes object name/);
    expect(problemsOf(cluster({ gitlabCa: { source: 'secret', name: 'ca', pem: '-----BEGIN CERTIFICATE-----' } as never }))).toEqual(['gitlabCa: unknown key "pem"; allowed: source, name, key']);
  });
});

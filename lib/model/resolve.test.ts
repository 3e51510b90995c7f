import { resolveCluster } from './resolve';
import { cluster, problemsOf } from './testing';

describe('a minimal definition', () => {
  const resolved = resolveCluster(cluster());
  const runner = resolved.runners[0];

  test('gets the documented defaults', () => {
    expect(resolved.kubernetesVersion).toBe('1.35');
    expect(resolved.gitlabUrl).toBe('https://gitlab.com');
    expect(resolved.metrics).toBe(true);
    expect(runner).toMatchObject({
      name: 'amd64',
      tags: ['amd64'],
      concurrent: 10,
      replicas: 2,
      jobTimeoutSeconds: 3600,
      defaultImage: 'alpine:3.22',
      jobDefaults: { cpu: '1', memory: '2Gi', ephemeralStorage: '10Gi' },
      jobMaximum: { cpu: '4', memory: '8Gi', ephemeralStorage: '50Gi' },
    });
    expect(runner.jobPool).toMatchObject({ capacityTypes: ['spot'], instanceCategories: ['c', 'm', 'r'], expireAfter: '168h' });
  });

  test('derives every name from the cluster and runner names', () => {
    expect(runner.names).toEqual({ manager: 'gitlab-runner-amd64', jobServiceAccount: 'gitlab-ci-job-amd64', gitlab: 'test-amd64' });
    expect(runner.jobPool.name).toBe('gitlab-ci-jobs-amd64');
    expect(resolved.nodeClass.nodeRole).toBe('KarpenterNodeRole-test');
    expect(resolved.nodeClass.discoveryTag).toEqual({ key: 'karpenter.sh/discovery', value: 'test' });
  });

  test('gives drains and pool grace periods the job timeout plus a margin', () => {
    expect(runner.drainSeconds).toBeGreaterThan(runner.jobTimeoutSeconds);
    expect(runner.jobPool.terminationGracePeriod).toBe(`${runner.drainSeconds / 60}m`);
  });
});

test('the architecture is always one of the tags, first, once', () => {
  expect(resolveCluster(cluster({}, { arch: 'arm64', tags: ['docker', 'arm64'] })).runners[0].tags).toEqual(['arm64', 'docker']);
});

test('a Secrets Manager token makes a Secret named after the manager; an existing Secret is used as named', () => {
  const fromAws = resolveCluster(cluster({}, { token: { source: 'aws-secrets-manager', secretId: 'runners/amd64' } }));
  expect(fromAws.runners[0].tokenSecret).toEqual({ name: 'gitlab-runner-amd64-token', key: 'token' });
  const existing = resolveCluster(cluster({}, { token: { source: 'existing-secret', secretName: 'mine', key: 'runner-token' } }));
  expect(existing.runners[0].tokenSecret).toEqual({ name: 'mine', key: 'runner-token' });
});

test('a cache without a region uses the cluster region', () => {
  expect(resolveCluster(cluster({ cache: { bucket: 'ci-cache' } })).cache).toEqual({ bucket: 'ci-cache', region: 'eu-west-1' });
});

describe('bad input is rejected naming the field, the value and what is allowed', () => {
  test('every problem of a definition is reported at once, not only the first', () => {
    expect(problemsOf(cluster({ region: 'nowhere' }, { concurrent: 0, tags: ['a b'] }))).toHaveLength(3);
  });

  test('the error message names the cluster', () => {
    expect(() => resolveCluster(cluster({}, { concurrent: 0 }))).toThrow(/^cluster definition "test" is invalid:\n {2}- runners\[0\]\.concurrent/);
  });
});

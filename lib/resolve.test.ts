import type { ClusterDefinition, RunnerDefinition } from './definition';
import { DefinitionError, resolveCluster } from './resolve';

const token = { source: 'existing-secret', secretName: 'runner-token' } as const;

function cluster(overrides: Partial<ClusterDefinition> = {}, runner: Partial<RunnerDefinition> = {}): ClusterDefinition {
  return { name: 'test', region: 'eu-west-1', runners: [{ arch: 'amd64', token, ...runner }], ...overrides };
}

/** The problems a definition is rejected with, as "path: message" lines. */
function problemsOf(definition: unknown): string[] {
  try {
    resolveCluster(definition as ClusterDefinition);
  } catch (error) {
    if (error instanceof DefinitionError) return error.problems.map((p) => `${p.path}: ${p.message}`);
    throw error;
  }
  throw new Error('the definition was accepted');
}

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
  test.each<[string, unknown, RegExp]>([
    ['an unknown architecture', cluster({}, { arch: 'x86' as never }), /^runners\[0\]\.arch: must be one of "amd64", "arm64", got "x86"$/],
    ['zero concurrency', cluster({}, { concurrent: 0 }), /^runners\[0\]\.concurrent: must be a whole number from 1 to 500, got 0$/],
    ['negative concurrency', cluster({}, { concurrent: -3 }), /^runners\[0\]\.concurrent: .* got -3$/],
    ['fractional concurrency', cluster({}, { concurrent: 2.5 }), /^runners\[0\]\.concurrent: must be a whole number .* got 2\.5$/],
    ['a malformed GitLab URL', cluster({ gitlabUrl: 'gitlab.example.com' }), /^gitlabUrl: must be an https URL .* got "gitlab\.example\.com"$/],
    ['a plain-http GitLab URL', cluster({ gitlabUrl: 'http://gitlab.example.com' }), /^gitlabUrl: must be an https URL/],
    ['a tag with a comma', cluster({}, { tags: ['docker,linux'] }), /^runners\[0\]\.tags\[0\]: .*no commas, no spaces.* got "docker,linux"$/],
    ['a tag with a space', cluster({}, { tags: ['big job'] }), /^runners\[0\]\.tags\[0\]: .* got "big job"$/],
    ['a CPU quantity like 2cores', cluster({}, { jobMaximum: { cpu: '2cores' } }), /^runners\[0\]\.jobMaximum\.cpu: must be a Kubernetes quantity .* got "2cores"$/],
    ['a Kubernetes version EKS does not offer', cluster({ kubernetesVersion: '1.21' }), /^kubernetesVersion: must be a Kubernetes version EKS offers: .*"1\.35".* got "1\.21"$/],
    ['an unknown region', cluster({ region: 'europe-1' }), /^region: must be an AWS region .* got "europe-1"$/],
    ['an uppercase cluster name', cluster({ name: 'Prod' }), /^name: must be lowercase .* got "Prod"$/],
    ['an unpinned default image', cluster({}, { defaultImage: 'alpine:latest' }), /^runners\[0\]\.defaultImage: must be pinned .* got "alpine:latest"$/],
    ['an unknown capacity type', cluster({}, { nodePool: { capacityTypes: ['reserved' as never] } }), /^runners\[0\]\.nodePool\.capacityTypes\[0\]: must be one of "spot", "on-demand", got "reserved"$/],
    ['an AMI alias on @latest', cluster({ nodeClass: { amiAlias: 'al2023@latest' } }), /^nodeClass\.amiAlias: must be a pinned EKS AMI alias .* got "al2023@latest"$/],
    ['a token source that is neither kind', cluster({}, { token: { source: 'vault' } as never }), /^runners\[0\]\.token\.source: must have source "aws-secrets-manager" .* got "vault"$/],
    ['no runners', cluster({ runners: [] }), /^runners: must list at least one runner, got \[\]$/],
  ])('%s', (_, definition, expected) => {
    expect(problemsOf(definition)).toEqual([expect.stringMatching(expected)]);
  });

  test('a job maximum below its default', () => {
    expect(problemsOf(cluster({}, { jobDefaults: { memory: '4Gi' }, jobMaximum: { memory: '2Gi' } }))).toEqual([
      'runners[0].jobMaximum.memory: must be at least jobDefaults.memory (4Gi), got "2Gi"',
    ]);
  });

  test('duplicate runner names', () => {
    const definition = cluster({ runners: [{ arch: 'amd64', token }, { arch: 'amd64', token }] });
    expect(problemsOf(definition)).toEqual([
      'runners[1].name: "amd64" is already the name of runners[0]; runner names must be unique (name the second runner of an architecture)',
    ]);
  });

  test('an unknown key in a definition loaded from plain data', () => {
    const fromJson = JSON.parse('{"name":"test","region":"eu-west-1","runners":[{"arch":"arm64","concurency":4,"token":{"source":"existing-secret","secretName":"t"}}]}');
    expect(problemsOf(fromJson)).toEqual([expect.stringMatching(/^runners\[0\]: unknown key "concurency"; allowed: arch, name, tags, .*concurrent/)]);
  });

  test('a job larger than the largest instance its pool may launch', () => {
    const problems = problemsOf(cluster({}, { jobMaximum: { cpu: '16', memory: '8Gi' }, nodePool: { maxInstanceCpu: 16 } }));
    expect(problems).toEqual([expect.stringMatching(/^runners\[0\]\.jobMaximum\.cpu: the largest job \(16 plus the helper\) needs 16\.2 CPU but the largest node of pool gitlab-ci-jobs-amd64 \(16 vCPU\)/)]);
  });

  test('an instance family of the other architecture', () => {
    expect(problemsOf(cluster({}, { arch: 'amd64', nodePool: { instanceFamilies: ['c7g'] } }))).toEqual([
      'runners[0].nodePool.instanceFamilies: "c7g" is an arm64 (Graviton) family but the runner\'s arch is amd64',
    ]);
  });

  test('every problem of a definition is reported at once, not only the first', () => {
    expect(problemsOf(cluster({ region: 'nowhere' }, { concurrent: 0, tags: ['a b'] }))).toHaveLength(3);
  });

  test('the error message names the cluster', () => {
    expect(() => resolveCluster(cluster({}, { concurrent: 0 }))).toThrow(/^cluster definition "test" is invalid:\n {2}- runners\[0\]\.concurrent/);
  });
});

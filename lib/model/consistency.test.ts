import { capacityWarnings } from './consistency';
import { resolveCluster } from './resolve';
import { cluster, problemsOf, TEST_TOKEN as token } from './testing';

describe('cross-field rules: each violation names the runner, the field and the fix', () => {
  test('a job maximum below its default', () => {
    expect(problemsOf(cluster({}, { jobDefaults: { memory: '4Gi' }, jobMaximum: { memory: '2Gi' } }))).toEqual([
      'runners[0].jobMaximum.memory: must be at least jobDefaults.memory (4Gi), got "2Gi"',
    ]);
  });

  test('duplicate runner names', () => {
    const definition = cluster({
      runners: [
        { arch: 'amd64', token },
        { arch: 'amd64', token: { source: 'existing-secret', secretName: 'other-token' } },
      ],
    });
    expect(problemsOf(definition)).toEqual([
      'runners[1].name: "amd64" is already the name of runners[0]; runner names must be unique (name the second runner of an architecture)',
    ]);
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

});

describe('two runners never read one token', () => {
  const asm = (secretId: string, property?: string) => ({ source: 'aws-secrets-manager' as const, secretId, ...(property ? { property } : {}) });
  const existing = (secretName: string, key?: string) => ({ source: 'existing-secret' as const, secretName, ...(key ? { key } : {}) });
  test.each<[string, boolean, object, object]>([
    ['one Secrets Manager id', true, asm('ci/token'), asm('ci/token')],
    ['one Secrets Manager id and property', true, asm('ci/token', 'token'), asm('ci/token', 'token')],
    ['one Secrets Manager id, other properties', false, asm('ci/token', 'amd64'), asm('ci/token', 'arm64')],
    ['other Secrets Manager ids', false, asm('ci/amd64'), asm('ci/arm64')],
    ['one existing Secret', true, existing('runner-token'), existing('runner-token')],
    ['one existing Secret, same key written two ways', true, existing('runner-token'), existing('runner-token', 'token')],
    ['one existing Secret, other keys', false, existing('runner-token', 'amd64'), existing('runner-token', 'arm64')],
    ['the reviewer\'s case: another key of a Secret named for the other runner', false, existing('gitlab-runner-arm64-token', 'amd64'), existing('gitlab-runner-arm64-token')],
    ['an ARN and the plain name of one secret', true, asm('arn:aws:secretsmanager:eu-west-1:123456789012:secret:gitlab-runner/production/amd64-AbC123'), asm('gitlab-runner/production/amd64')],
    ['a partial ARN and the plain name of one secret', true, asm('gitlab-runner/production/amd64'), asm('arn:aws:secretsmanager:eu-west-1:123456789012:secret:gitlab-runner/production/amd64')],
    ['an ARN and the plain name, same property', true, asm('arn:aws:secretsmanager:eu-west-1:123456789012:secret:ci/token-AbC123', 'token'), asm('ci/token', 'token')],
    ['an ARN and the plain name, other properties', false, asm('arn:aws:secretsmanager:eu-west-1:123456789012:secret:ci/token-AbC123', 'amd64'), asm('ci/token', 'arm64')],
    ['an ARN in another region than the cluster\'s', false, asm('arn:aws:secretsmanager:us-east-1:123456789012:secret:ci/token-AbC123'), asm('ci/token')],
    ['names that differ only by an ARN-like suffix, neither an ARN', false, asm('ci/token-AbC123'), asm('ci/token')],
    ['other existing Secrets', false, existing('amd64-token'), existing('arm64-token')],
    ['an existing Secret named like the Secret another runner\'s ExternalSecret makes', true, asm('ci/amd64'), existing('gitlab-runner-amd64-token')],
  ])('%s: refused %s', (_, refused, first, second) => {
    const definition = cluster({ runners: [{ arch: 'amd64', token: first as never }, { arch: 'arm64', token: second as never }] });
    const expected = refused ? [expect.stringMatching(/^runners\[1\]\.token: reads the same token as runners\[0\] \((Secrets Manager secret|Secret) ".+\): each runner needs its own token/)] : [];
    if (refused) expect(problemsOf(definition)).toEqual(expected);
    else expect(() => problemsOf(definition)).toThrow('the definition was accepted');
  });
});

describe('capacity: a pool must admit a node for the largest job and hold every job at its default size', () => {
  test.each<[string, object, object, RegExp[]]>([
    ['a CPU limit below the smallest node that holds the largest job', { concurrent: 1, replicas: 1, jobMaximum: { cpu: '6' } }, { cpuLimit: '4' }, [/^runners\[0\]\.nodePool\.cpuLimit: admits no node that holds the largest job \(6\.2 CPU.*the smallest such node has 8 vCPU/]],
    ['a memory limit below the smallest node that holds the largest job', { concurrent: 1, replicas: 1, jobMaximum: { memory: '30Gi' } }, { memoryLimit: '16Gi' }, [/^runners\[0\]\.nodePool\.memoryLimit: admits no node that holds the largest job .*allow at least that, got "16Gi"$/]],
    ['both limits too low', { concurrent: 1, replicas: 1, jobMaximum: { cpu: '6', memory: '30Gi' } }, { cpuLimit: '4', memoryLimit: '16Gi' }, [/cpuLimit: admits no node/, /memoryLimit: admits no node/]],
    ['concurrency whose default-size jobs exceed the CPU limit', { concurrent: 40, replicas: 2 }, { cpuLimit: '64' }, [/^runners\[0\]\.nodePool\.cpuLimit: cannot hold the 80 jobs the runner takes at once \(concurrent 40 × replicas 2\) at their default size: they request 96 CPU/]],
    ['concurrency whose default-size jobs exceed the memory limit', { concurrent: 100, replicas: 1 }, { cpuLimit: '512', memoryLimit: '128Gi' }, [/^runners\[0\]\.nodePool\.memoryLimit: cannot hold the 100 jobs .* they request 225Gi/]],
  ])('%s', (_, runner, nodePool, expected) => {
    expect(problemsOf(cluster({}, { ...runner, nodePool }))).toEqual(expected.map((e) => expect.stringMatching(e)));
  });

  test('every pool limit from 1 to 64 vCPU: refused exactly when no node holding the largest job fits under it', () => {
    // The largest job (4 CPU + helper) needs an 8 vCPU node: 4 vCPU nodes keep about 3.6 allocatable.
    for (let limit = 2; limit <= 64; limit++) {
      const definition = cluster({}, { concurrent: 1, replicas: 1, nodePool: { cpuLimit: String(limit) } });
      if (limit < 8) expect(problemsOf(definition)).toEqual([expect.stringMatching(/^runners\[0\]\.nodePool\.cpuLimit: admits no node/)]);
      else expect(resolveCluster(definition).runners[0].jobPool.cpuLimit).toBe(String(limit));
    }
  });

  test('unset limits are derived from concurrency at the maximum job size during a rollout (twice the jobs), never below 64 CPU and 256Gi', () => {
    const pool = (runner: object) => resolveCluster(cluster({}, runner)).runners[0].jobPool;
    expect(pool({})).toMatchObject({ cpuLimit: '168', memoryLimit: '330Gi' }); // 2 × 10 × 2 jobs × (4.2 CPU, 8.25Gi)
    expect(pool({ concurrent: 1, replicas: 1 })).toMatchObject({ cpuLimit: '64', memoryLimit: '256Gi' });
    expect(pool({ concurrent: 50, replicas: 2, jobMaximum: { cpu: '2', memory: '4Gi' } })).toMatchObject({ cpuLimit: '440', memoryLimit: '850Gi' });
    for (const concurrent of [1, 5, 10, 50, 200]) {
      for (const replicas of [1, 2, 3]) {
        const cluster_ = resolveCluster(cluster({}, { concurrent, replicas }));
        expect(capacityWarnings(cluster_)).toEqual([]);
      }
    }
  });

  test.each([
    ['the CPU limit', { cpuLimit: '40' }, 'cpuLimit', /^"40" is less than a rollout of the managers needs: the old managers drain up to 20 jobs \(for up to 1h\) while the new ones take up to 20 more, 40 jobs requesting 48 CPU at their default size.*raise cpuLimit to at least that, or leave it unset/],
    ['the memory limit', { memoryLimit: '60Gi' }, 'memoryLimit', /^"60Gi" is less than a rollout .* 40 jobs requesting 90Gi at their default size/],
  ] as const)('%s below what a rollout needs at the default job size, but above the maximum size at steady state: a warning', (_, limits, field, message) => {
    // concurrent 10 × replicas 2 jobs of at most 1 CPU + helper and 2Gi + helper: 20 × (1.2 CPU, 2.25Gi) at their maximum.
    const resolved = resolveCluster(cluster({}, { jobMaximum: { cpu: '1', memory: '2Gi' }, nodePool: { cpuLimit: '64', memoryLimit: '256Gi', ...limits } }));
    expect(capacityWarnings(resolved)).toEqual([{ path: `runners[0].nodePool.${field}`, message: expect.stringMatching(message) }]);
  });

  test('a limit that holds a rollout at the default size and every job at its maximum: no warning', () => {
    const resolved = resolveCluster(cluster({}, { jobMaximum: { cpu: '1', memory: '2Gi' }, nodePool: { cpuLimit: '48', memoryLimit: '90Gi' } }));
    expect(capacityWarnings(resolved)).toEqual([]);
  });

  test('a limit that holds the jobs at their default size but not at their maximum is a warning, not a refusal', () => {
    const resolved = resolveCluster(cluster({}, { concurrent: 10, replicas: 2, nodePool: { cpuLimit: '64', memoryLimit: '128Gi' } }));
    expect(capacityWarnings(resolved)).toEqual([
      { path: 'runners[0].nodePool.cpuLimit', message: expect.stringMatching(/^"64" is less than the 20 jobs .* request at their maximum size \(84 CPU with their helpers\)/) },
      { path: 'runners[0].nodePool.memoryLimit', message: expect.stringMatching(/^"128Gi" is less than the 20 jobs .* \(165Gi with their helpers\)/) },
    ]);
  });
});

describe('a root volume too small for the largest job is blamed on rootVolumeSize, with the size that would do', () => {
  // The default largest job: 50Gi plus the helper's 1Gi = 51Gi; (51Gi + 20Gi) / 0.9 = 78.9Gi, so 79Gi is enough.
  test.each([
    ['the reviewer\'s case, 1Gi: nothing left', '1Gi', /^nodeClass\.rootVolumeSize: "1Gi" leaves nothing of ephemeral storage for jobs on a node .* runner "amd64" \(runners\[0\]\.jobMaximum\.ephemeralStorage 50Gi plus the helper's 1Gi\) needs 51Gi: raise rootVolumeSize to at least 79Gi, or lower that jobMaximum\.ephemeralStorage$/],
    ['22Gi: nothing left', '22Gi', /^nodeClass\.rootVolumeSize: "22Gi" leaves nothing .* at least 79Gi/],
    ['60Gi: some left, not enough', '60Gi', /^nodeClass\.rootVolumeSize: "60Gi" leaves about 34Gi of ephemeral storage .* at least 79Gi/],
    ['78Gi: just short', '78Gi', /^nodeClass\.rootVolumeSize: "78Gi" leaves about 50.2Gi .* at least 79Gi/],
  ])('%s', (_, rootVolumeSize, message) => {
    expect(problemsOf(cluster({ nodeClass: { rootVolumeSize } }))).toEqual([expect.stringMatching(message)]);
  });

  test('the size named is enough, and one Gi less is not, for several job sizes', () => {
    for (const storage of [10, 50, 80, 150, 500]) {
      const runner = { jobDefaults: { ephemeralStorage: '1Gi' }, jobMaximum: { ephemeralStorage: `${storage}Gi` } };
      const [problem] = problemsOf(cluster({ nodeClass: { rootVolumeSize: '1Gi' } }, runner));
      const enough = Number(/at least ([0-9]+)Gi/.exec(problem!)![1]);
      expect(() => resolveCluster(cluster({ nodeClass: { rootVolumeSize: `${enough}Gi` } }, runner))).not.toThrow();
      expect(problemsOf(cluster({ nodeClass: { rootVolumeSize: `${enough - 1}Gi` } }, runner))).toEqual([expect.stringMatching(/^nodeClass\.rootVolumeSize: /)]);
    }
  });
});

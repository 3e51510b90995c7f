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
    ['one existing Secret, other keys', true, existing('runner-token', 'amd64'), existing('runner-token', 'arm64')],
    ['other existing Secrets', false, existing('amd64-token'), existing('arm64-token')],
    ['an existing Secret named like the Secret another runner\'s ExternalSecret makes', true, asm('ci/amd64'), existing('gitlab-runner-amd64-token')],
  ])('%s: refused %s', (_, refused, first, second) => {
    const definition = cluster({ runners: [{ arch: 'amd64', token: first as never }, { arch: 'arm64', token: second as never }] });
    const expected = refused ? [expect.stringMatching(/^runners\[1\]\.token: reads the same token as runners\[0\] \(.+\): each runner needs its own token/)] : [];
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

  test('unset limits are derived from concurrency at the maximum job size, never below 64 CPU and 256Gi', () => {
    const pool = (runner: object) => resolveCluster(cluster({}, runner)).runners[0].jobPool;
    expect(pool({})).toMatchObject({ cpuLimit: '84', memoryLimit: '256Gi' }); // 10 × 2 jobs × 4.2 CPU
    expect(pool({ concurrent: 1, replicas: 1 })).toMatchObject({ cpuLimit: '64', memoryLimit: '256Gi' });
    expect(pool({ concurrent: 50, replicas: 2, jobMaximum: { cpu: '2', memory: '4Gi' } })).toMatchObject({ cpuLimit: '220', memoryLimit: '425Gi' });
    for (const concurrent of [1, 5, 10, 50, 200]) {
      for (const replicas of [1, 2, 3]) {
        const cluster_ = resolveCluster(cluster({}, { concurrent, replicas }));
        expect(capacityWarnings(cluster_)).toEqual([]);
      }
    }
  });

  test('a limit that holds the jobs at their default size but not at their maximum is a warning, not a refusal', () => {
    const resolved = resolveCluster(cluster({}, { concurrent: 10, replicas: 2, nodePool: { cpuLimit: '64', memoryLimit: '128Gi' } }));
    expect(capacityWarnings(resolved)).toEqual([
      { path: 'runners[0].nodePool.cpuLimit', message: expect.stringMatching(/^"64" is less than the 20 jobs .* request at their maximum size \(84 CPU with their helpers\)/) },
      { path: 'runners[0].nodePool.memoryLimit', message: expect.stringMatching(/^"128Gi" is less than the 20 jobs .* \(165Gi with their helpers\)/) },
    ]);
  });
});

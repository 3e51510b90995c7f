import { twoArchCluster } from '../model/testing';
import { HELPER_REQUESTS, largestNodeAllocatable } from '../model/capacity';
import versions from '../versions.json';
import runnerFlags from './runner-feature-flags.json';
import { parseQuantity } from '../model/quantity';
import { resolveCluster } from '../model/resolve';
import { FEATURE_FLAGS, runnerConfig } from './config-toml';

const cluster = resolveCluster(
  twoArchCluster({
    runners: [
      {
        arch: 'amd64',
        token: { source: 'existing-secret', secretName: 't' },
        jobDefaults: { cpu: '1', memory: '2Gi', ephemeralStorage: '10Gi' },
        jobMaximum: { cpu: '6', memory: '12Gi', ephemeralStorage: '60Gi' },
      },
    ],
  }),
);
const executor = runnerConfig(cluster, cluster.runners[0]).runners[0].kubernetes as unknown as Record<string, string>;

describe.each([
  ['build', '', ['cpu', 'memory', 'ephemeral_storage']],
  ['service', 'service_', ['memory']],
])('%s containers', (_, prefix, resources) => {
  test.each(resources)('a job may raise its %s request up to the maximum and still get a valid pod (request ≤ limit)', (resource) => {
    const limit = executor[`${prefix}${resource}_limit`];
    const largestRequest = executor[`${prefix}${resource}_request_overwrite_max_allowed`];
    expect(limit).toBeDefined();
    expect(parseQuantity(largestRequest)).toBeLessThanOrEqual(parseQuantity(limit));
    // the default request is within the limit too, and a raised limit stays capped at the maximum
    expect(parseQuantity(executor[`${prefix}${resource}_request`])).toBeLessThanOrEqual(parseQuantity(limit));
    const limitCap = executor[`${prefix}${resource}_limit_overwrite_max_allowed`];
    if (limitCap) expect(parseQuantity(limitCap)).toBe(parseQuantity(largestRequest));
  });
});

test('the helper container requests what the capacity check assumes, within its limit', () => {
  expect(executor.helper_cpu_request).toBe(HELPER_REQUESTS.cpu);
  expect(parseQuantity(executor.helper_memory_request)).toBeLessThanOrEqual(parseQuantity(executor.helper_memory_limit));
});

describe('feature flags: only what differs from the pinned runner, nothing it deprecates', () => {
  const pinned = runnerFlags.flags as ReadonlyArray<{ name: string; default: boolean; deprecated: boolean; toBeRemovedWith?: string }>;
  const known = new Map(pinned.map((f) => [f.name, f]));

  test('the flag list is the pinned runner release\'s (regenerate it with scripts/runner-feature-flags.mjs when the minor moves)', () => {
    const minor = (version: string) => version.split('.').slice(0, 2).join('.');
    expect(minor(runnerFlags.runnerVersion)).toBe(minor(versions.gitlabRunner));
    expect(pinned.length).toBeGreaterThan(40);
  });

  test.each(cluster.runners.map((r) => [r.name, r]))('runner %s sets only known, current flags, each to a value other than its default', (_, runner) => {
    const flags = runnerConfig(cluster, runner).runners[0].feature_flags;
    for (const [name, value] of Object.entries(flags)) {
      const flag = known.get(name);
      expect({ name, known: !!flag }).toEqual({ name, known: true });
      expect({ name, deprecated: flag!.deprecated, toBeRemovedWith: flag!.toBeRemovedWith }).toEqual({ name, deprecated: false, toBeRemovedWith: undefined });
      expect({ name, value }).not.toEqual({ name, value: flag!.default });
    }
  });

  test('the check catches a deprecated flag and a flag set to its default', () => {
    const deprecated = pinned.filter((f) => f.deprecated).map((f) => f.name);
    const onByDefault = pinned.filter((f) => f.default).map((f) => f.name);
    expect(deprecated).toEqual(expect.arrayContaining(['FF_USE_FASTZIP']));
    expect(onByDefault).toEqual(expect.arrayContaining(['FF_USE_POD_ACTIVE_DEADLINE_SECONDS']));
    for (const name of [...deprecated, ...onByDefault]) expect(Object.keys(FEATURE_FLAGS)).not.toContain(name);
  });
});

describe('job pods get the QoS class their requests imply on Kubernetes 1.34+', () => {
  // Pools and job sizes across the range a definition allows.
  const shapes = [
    { jobMaximum: { cpu: '1', memory: '1Gi' }, jobDefaults: { cpu: '500m', memory: '512Mi' }, nodePool: { maxInstanceCpu: 2 } },
    { jobMaximum: { cpu: '4', memory: '8Gi' } },
    { jobMaximum: { cpu: '14', memory: '100Gi' }, nodePool: { maxInstanceCpu: 16, instanceCategories: ['r' as const] } },
    { jobMaximum: { cpu: '30', memory: '56Gi' }, nodePool: { maxInstanceCpu: 32, instanceCategories: ['c' as const] } },
    { jobMaximum: { cpu: '90', memory: '700Gi' }, nodePool: { maxInstanceCpu: 96, instanceCategories: ['r' as const], cpuLimit: '1000', memoryLimit: '8Ti' } },
  ];
  test.each(shapes.map((s) => [JSON.stringify(s.jobMaximum), s]))('maximum %s', (_, shape) => {
    const resolved = resolveCluster(twoArchCluster({ runners: [{ arch: 'amd64', token: { source: 'existing-secret', secretName: 't' }, concurrent: 1, replicas: 1, ...shape }] }));
    const k = runnerConfig(resolved, resolved.runners[0]).runners[0].kubernetes as unknown as Record<string, string>;
    // Pod-level requests are left to the API server, which defaults them to the sum of the containers' requests
    // when pod-level limits are set (k8s.io/kubernetes pkg/apis/core/v1/defaults.go defaultPodRequests): Burstable.
    expect(Object.keys(k).filter((key) => /^pod_(cpu|memory)_/.test(key))).toEqual(['pod_cpu_limit', 'pod_memory_limit']);
    // The API server refuses a pod whose container limit exceeds its pod-level limit: every container limit fits.
    for (const key of ['cpu_limit', 'cpu_limit_overwrite_max_allowed']) expect(parseQuantity(k[key])).toBeLessThanOrEqual(parseQuantity(k.pod_cpu_limit));
    for (const key of ['memory_limit', 'memory_limit_overwrite_max_allowed', 'helper_memory_limit', 'service_memory_limit', 'service_memory_limit_overwrite_max_allowed']) {
      expect({ key, fits: parseQuantity(k[key]) <= parseQuantity(k.pod_memory_limit) }).toEqual({ key, fits: true });
    }
    // and the pod-level limits cap nothing the largest node does not
    const node = largestNodeAllocatable(resolved.runners[0].jobPool, resolved.nodeClass.rootVolumeSize);
    expect(parseQuantity(k.pod_cpu_limit)).toBeLessThanOrEqual(node.cpu + 1e-9);
    expect(parseQuantity(k.pod_memory_limit)).toBeLessThanOrEqual(node.memory);
  });
});

test('the init-permissions container gets its own least-privilege security context', () => {
  const k = runnerConfig(cluster, cluster.runners[0]).runners[0].kubernetes;
  expect(k.init_permissions_container_security_context).toEqual({
    capabilities: { drop: ['ALL'], add: [] },
    privileged: false,
    allow_privilege_escalation: false,
    read_only_root_filesystem: true,
  });
  for (const context of [k.build_container_security_context, k.helper_container_security_context, k.service_container_security_context]) {
    expect(context.capabilities.drop).toEqual(['ALL']);
  }
});

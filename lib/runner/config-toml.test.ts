import { twoArchCluster } from '../model/testing';
import { HELPER_REQUESTS } from '../model/capacity';
import { parseQuantity } from '../model/quantity';
import { resolveCluster } from '../model/resolve';
import { runnerConfig } from './config-toml';

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

describe('job pods as the API server admits them', () => {
  const kubernetes = runnerConfig(cluster, cluster.runners[0]).runners[0].kubernetes;
  const flags = runnerConfig(cluster, cluster.runners[0]).runners[0].feature_flags;

  test('every job container the runner makes, init-permissions included, gets the same hardened security context', () => {
    const contexts = [
      kubernetes.build_container_security_context,
      kubernetes.helper_container_security_context,
      kubernetes.service_container_security_context,
      kubernetes.init_permissions_container_security_context,
    ];
    for (const context of contexts) {
      expect(context.capabilities.drop).toEqual(['ALL']);
      expect(context).toEqual(kubernetes.build_container_security_context);
    }
  });

  test('the empty pod-level resources object is removed, so QoS follows the containers (not BestEffort on Kubernetes 1.34+)', () => {
    // pod_spec patches apply only with this flag on; a JSON merge patch deletes a key set to null.
    expect(flags.FF_USE_ADVANCED_POD_SPEC_CONFIGURATION).toBe(true);
    expect(kubernetes.pod_spec).toHaveLength(1);
    const [patch] = kubernetes.pod_spec;
    expect(patch!.patch_type).toBe('merge');
    expect(JSON.parse(patch!.patch)).toEqual({ resources: null });
  });
});

import { categoryOfFamily, isGravitonFamily, largestJobRequests, largestNodeAllocatable, maxNodes, poolCategories } from './capacity';
import { resolveCluster } from './resolve';
import { cluster } from './testing';

const GIB = 2 ** 30;
const poolOf = (nodePool: object) => resolveCluster(cluster({}, { nodePool })).runners[0].jobPool;

test.each([
  ['c7g', true],
  ['r6gd', true],
  ['c7gn', true],
  ['m8g', true],
  ['c7i', false],
  ['m7i-flex', false],
  ['c7a', false],
  ['r7iz', false],
])('%s is a Graviton family: %s', (family, graviton) => {
  expect(isGravitonFamily(family)).toBe(graviton);
});

test('a family names its category by its first letter', () => {
  expect(['c7g', 'm7i-flex', 'r6gd'].map(categoryOfFamily)).toEqual(['c', 'm', 'r']);
  expect(poolCategories(poolOf({ instanceFamilies: ['c7i', 'c6i', 'm7i'] }))).toEqual(['c', 'm']);
});

test('the largest node of a pool has the memory of its most memory-rich category, less what the node keeps', () => {
  const withR = largestNodeAllocatable(poolOf({ maxInstanceCpu: 16 }), '100Gi');
  const computeOnly = largestNodeAllocatable(poolOf({ maxInstanceCpu: 16, instanceCategories: ['c'] }), '100Gi');
  expect(withR.vcpus).toBe(16);
  // r: 8 GiB per vCPU; c: 2 GiB per vCPU; both lose VM overhead, kubelet reservations and DaemonSets
  expect(withR.memory).toBeLessThan(128 * GIB);
  expect(withR.memory).toBeGreaterThan(110 * GIB);
  expect(computeOnly.memory).toBeLessThan(32 * GIB);
  expect(computeOnly.memory).toBeGreaterThan(26 * GIB);
  // kube-reserved CPU on 16 vCPU is 0.06 + 0.01 + 2 × 0.005 + 12 × 0.0025 = 0.11, plus 0.3 for DaemonSets
  expect(withR.cpu).toBeCloseTo(16 - 0.11 - 0.3, 5);
  // 10% nodefs eviction threshold and 20 GiB for images and the OS
  expect(withR.ephemeralStorage).toBeCloseTo(100 * GIB * 0.9 - 20 * GIB, 0);
});

test('the largest job is the build maximum plus the helper', () => {
  expect(largestJobRequests({ cpu: '4', memory: '8Gi', ephemeralStorage: '50Gi' })).toEqual({
    cpu: 4.2,
    memory: 8 * GIB + 256 * 2 ** 20,
    ephemeralStorage: 51 * GIB,
  });
});

test('a pool can launch at most its CPU limit over its smallest instance', () => {
  expect(maxNodes(poolOf({ cpuLimit: '64', minInstanceCpu: 2 }))).toBe(32);
  expect(maxNodes(poolOf({ cpuLimit: '64', minInstanceCpu: 8, maxInstanceCpu: 16 }))).toBe(8);
});

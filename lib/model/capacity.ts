/**
 * What a node of a job pool can give one job, estimated the way the EKS AMI and Karpenter reserve capacity,
 * so that a job size a runner allows but no node can hold is rejected at synth, not discovered as a job
 * that stays Pending until `poll_timeout`.
 */
import { INSTANCE_CATEGORY_MEMORY_PER_VCPU, type InstanceCategory, type JobResources } from './definition';
import { parseQuantity } from './quantity';
import type { ResolvedJobPool } from './resolved';

const GIB = 2 ** 30;
const MIB = 2 ** 20;

/** Requests of the helper container that runs beside every build container (git, cache, artifacts). */
export const HELPER_REQUESTS: JobResources = { cpu: '200m', memory: '256Mi', ephemeralStorage: '1Gi' };

/** Room kept for DaemonSets on every node (VPC CNI, kube-proxy, EBS CSI, Pod Identity agent, log shipper). */
const DAEMONSET_CPU = 0.3;
const DAEMONSET_MEMORY = 512 * MIB;
/** EC2 reports less memory than the instance type's nominal size (Karpenter's vmMemoryOverheadPercent). */
const VM_MEMORY_OVERHEAD = 0.075;
/** Pods per node assumed for the kubelet's memory reservation (11 MiB each, plus 255 MiB). */
const MAX_PODS = 110;
const EVICTION_MEMORY = 100 * MIB;
/** Images and the OS on the root volume, and the kubelet's 10% nodefs eviction threshold. */
const ROOT_VOLUME_SYSTEM = 20 * GIB;
const NODEFS_EVICTION_SHARE = 0.1;

/** The EKS AMI's kube-reserved CPU: 6% of the first core, 1% of the second, 0.5% of the next two, 0.25% above. */
function kubeReservedCpu(vcpus: number): number {
  const bands: Array<[number, number]> = [
    [1, 0.06],
    [1, 0.01],
    [2, 0.005],
    [Infinity, 0.0025],
  ];
  let left = vcpus;
  let reserved = 0;
  for (const [cores, share] of bands) {
    const used = Math.min(left, cores);
    reserved += used * share;
    left -= used;
  }
  return reserved;
}

/** The instance category of a family name such as "c7g" or "m7i-flex". */
export function categoryOfFamily(family: string): InstanceCategory {
  return family[0] as InstanceCategory;
}

/** Whether an instance family is Graviton (arm64): the letters after the generation include "g" (c7g, r6gd, c7gn). */
export function isGravitonFamily(family: string): boolean {
  const match = /^[a-z]+[0-9]+([a-z]*)/.exec(family);
  return !!match && match[1].includes('g');
}

/** The categories a pool may launch, from its families when it names them. */
export function poolCategories(pool: ResolvedJobPool): InstanceCategory[] {
  return pool.instanceFamilies.length
    ? [...new Set(pool.instanceFamilies.map(categoryOfFamily))]
    : [...pool.instanceCategories];
}

/** Allocatable capacity of a node of `vcpus` with `memoryPerVcpu` GiB per vCPU, in cores and bytes. */
export function nodeAllocatable(vcpus: number, memoryPerVcpu: number, rootVolumeSize: string) {
  const nominalMemory = vcpus * memoryPerVcpu * GIB;
  const kubeReservedMemory = (11 * MAX_PODS + 255) * MIB;
  const rootVolume = parseQuantity(rootVolumeSize);
  return {
    vcpus,
    /** What counts against the pool's `limits.memory`: the memory EC2 reports. */
    capacityMemory: nominalMemory * (1 - VM_MEMORY_OVERHEAD),
    cpu: vcpus - kubeReservedCpu(vcpus) - DAEMONSET_CPU,
    memory: nominalMemory * (1 - VM_MEMORY_OVERHEAD) - kubeReservedMemory - EVICTION_MEMORY - DAEMONSET_MEMORY,
    ephemeralStorage: rootVolume * (1 - NODEFS_EVICTION_SHARE) - ROOT_VOLUME_SYSTEM,
  };
}

/** Allocatable capacity of the largest node the pool may launch, in cores and bytes. */
export function largestNodeAllocatable(pool: ResolvedJobPool, rootVolumeSize: string) {
  const memoryPerVcpu = Math.max(...poolCategories(pool).map((c) => INSTANCE_CATEGORY_MEMORY_PER_VCPU[c]));
  return nodeAllocatable(pool.maxInstanceCpu, memoryPerVcpu, rootVolumeSize);
}

/** EC2 instance sizes, in vCPUs, of the c, m and r families. */
const INSTANCE_SIZES = [1, 2, 4, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192];

/**
 * Every node the pool may launch that holds `job` (in cores and bytes), smallest first: sizes between the pool's
 * smallest and largest instance, in each of its categories.
 */
export function nodesHolding(pool: ResolvedJobPool, rootVolumeSize: string, job: { cpu: number; memory: number }) {
  const sizes = [...new Set([...INSTANCE_SIZES, pool.maxInstanceCpu])]
    .filter((size) => size >= pool.minInstanceCpu && size <= pool.maxInstanceCpu)
    .sort((a, b) => a - b);
  return sizes.flatMap((size) =>
    poolCategories(pool)
      .map((category) => nodeAllocatable(size, INSTANCE_CATEGORY_MEMORY_PER_VCPU[category], rootVolumeSize))
      .filter((node) => node.cpu >= job.cpu && node.memory >= job.memory),
  );
}

/** What the largest job a runner allows asks of one node: its build container maximum plus the helper. */
export function largestJobRequests(jobMaximum: JobResources) {
  return {
    cpu: parseQuantity(jobMaximum.cpu) + parseQuantity(HELPER_REQUESTS.cpu),
    memory: parseQuantity(jobMaximum.memory) + parseQuantity(HELPER_REQUESTS.memory),
    ephemeralStorage: parseQuantity(jobMaximum.ephemeralStorage) + parseQuantity(HELPER_REQUESTS.ephemeralStorage),
  };
}

/** Most nodes the pool can run at once: its CPU limit over its smallest instance. */
export function maxNodes(pool: ResolvedJobPool): number {
  return Math.floor(parseQuantity(pool.cpuLimit) / pool.minInstanceCpu);
}

/** What `count` jobs at the given build container size ask of a pool, helper included, in cores and bytes. */
export function jobsRequests(count: number, build: JobResources) {
  const one = largestJobRequests(build);
  return { cpu: count * one.cpu, memory: count * one.memory };
}

/**
 * Cross-field checks on a resolved cluster: what the shape schema cannot see. Each problem names the runner
 * and the field, the value and what would be allowed.
 */
import type { JobResources } from './definition';
import { formatBytes, parseQuantity } from './quantity';
import { isGravitonFamily, largestJobRequests, largestNodeAllocatable } from './capacity';
import type { DefinitionProblem } from './schema';
import { AWS_NAME_LIMITS, awsNames } from './platform';
import type { ResolvedCluster } from './resolved';

const RESOURCE_KEYS: Array<keyof JobResources> = ['cpu', 'memory', 'ephemeralStorage'];

function show(key: keyof JobResources, value: number): string {
  return key === 'cpu' ? `${Number(value.toFixed(2))} CPU` : formatBytes(value);
}

export function checkConsistency(cluster: ResolvedCluster): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  const seen = new Map<string, number>();

  cluster.runners.forEach((runner, index) => {
    const at = `runners[${index}]`;
    const first = seen.get(runner.name);
    if (first !== undefined) {
      problems.push({
        path: `${at}.name`,
        message: `"${runner.name}" is already the name of runners[${first}]; runner names must be unique (name the second runner of an architecture)`,
      });
    } else {
      seen.set(runner.name, index);
    }

    for (const key of RESOURCE_KEYS) {
      const low = parseQuantity(runner.jobDefaults[key]);
      const high = parseQuantity(runner.jobMaximum[key]);
      if (high < low) {
        problems.push({
          path: `${at}.jobMaximum.${key}`,
          message: `must be at least jobDefaults.${key} (${runner.jobDefaults[key]}), got ${JSON.stringify(runner.jobMaximum[key])}`,
        });
      }
    }

    const pool = runner.jobPool;
    if (pool.minInstanceCpu > pool.maxInstanceCpu) {
      problems.push({
        path: `${at}.nodePool.minInstanceCpu`,
        message: `must not exceed maxInstanceCpu (${pool.maxInstanceCpu}), got ${pool.minInstanceCpu}`,
      });
    }
    for (const family of pool.instanceFamilies) {
      if (isGravitonFamily(family) !== (runner.arch === 'arm64')) {
        problems.push({
          path: `${at}.nodePool.instanceFamilies`,
          message: `"${family}" is ${isGravitonFamily(family) ? 'an arm64 (Graviton)' : 'an amd64'} family but the runner's arch is ${runner.arch}`,
        });
      }
    }
    if (parseQuantity(pool.cpuLimit) < pool.minInstanceCpu) {
      problems.push({
        path: `${at}.nodePool.cpuLimit`,
        message: `must allow at least one node of minInstanceCpu (${pool.minInstanceCpu}), got ${JSON.stringify(pool.cpuLimit)}`,
      });
    }

    if (cluster.cache) {
      const role = awsNames(cluster).runnerCacheRole(runner.name);
      if (role.length > AWS_NAME_LIMITS.role) {
        problems.push({
          path: `${at}.name`,
          message: `the runner's cache IAM role "${role}" would be ${role.length} characters; IAM allows ${AWS_NAME_LIMITS.role}: shorten the runner or cluster name`,
        });
      }
    }

    const node = largestNodeAllocatable(pool, cluster.nodeClass.rootVolumeSize);
    const job = largestJobRequests(runner.jobMaximum);
    for (const key of RESOURCE_KEYS) {
      if (job[key] > node[key]) {
        const where = key === 'ephemeralStorage' ? 'nodeClass.rootVolumeSize' : `${at}.nodePool.maxInstanceCpu`;
        problems.push({
          path: `${at}.jobMaximum.${key}`,
          message:
            `the largest job (${runner.jobMaximum[key]} plus the helper) needs ${show(key, job[key])} but the largest node ` +
            `of pool ${pool.name} (${node.vcpus} vCPU) has about ${show(key, node[key])} allocatable; ` +
            `lower jobMaximum.${key} or raise ${where}`,
        });
      }
    }
  });
  return problems;
}

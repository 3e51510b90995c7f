/**
 * Cross-field checks on a resolved cluster: what the shape schema cannot see. Each problem names the runner
 * and the field, the value and what would be allowed.
 */
import type { JobResources } from './definition';
import { formatBytes, parseQuantity } from './quantity';
import { isGravitonFamily, jobsRequests, largestJobRequests, largestNodeAllocatable, nodesHolding } from './capacity';
import type { DefinitionProblem } from './schema';
import { AWS_NAME_LIMITS, awsNames } from './platform';
import type { ResolvedCluster, ResolvedRunner } from './resolved';

const RESOURCE_KEYS: Array<keyof JobResources> = ['cpu', 'memory', 'ephemeralStorage'];

function show(key: keyof JobResources, value: number): string {
  return key === 'cpu' ? `${Number(value.toFixed(2))} CPU` : formatBytes(value);
}

/** Where a runner's token is read from, as people would name it; two runners must never share one. */
function tokenSources(runner: ResolvedRunner): string[] {
  const secret = `Secret "${runner.tokenSecret.name}"`;
  return runner.token.source === 'aws-secrets-manager'
    ? [`Secrets Manager secret "${runner.token.secretId}"${runner.token.property ? ` property "${runner.token.property}"` : ''}`, secret]
    : [secret];
}

/** The problems that make the job pool unable to run what the runner is declared to run. */
function poolCapacityProblems(cluster: ResolvedCluster, runner: ResolvedRunner, at: string): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  const pool = runner.jobPool;
  const cpuLimit = parseQuantity(pool.cpuLimit);
  const memoryLimit = parseQuantity(pool.memoryLimit);
  const largest = largestJobRequests(runner.jobMaximum);
  const nodes = nodesHolding(pool, cluster.nodeClass.rootVolumeSize, largest);
  if (nodes.length && !nodes.some((node) => node.vcpus <= cpuLimit && node.capacityMemory <= memoryLimit)) {
    const fewestCpus = Math.min(...nodes.map((node) => node.vcpus));
    const leastMemory = Math.min(...nodes.map((node) => node.capacityMemory));
    const what = `admits no node that holds the largest job (${show('cpu', largest.cpu)}, ${show('memory', largest.memory)} with the helper)`;
    if (fewestCpus > cpuLimit) {
      problems.push({ path: `${at}.nodePool.cpuLimit`, message: `${what}: the smallest such node has ${fewestCpus} vCPU; allow at least that, got ${JSON.stringify(pool.cpuLimit)}` });
    }
    if (leastMemory > memoryLimit) {
      problems.push({
        path: `${at}.nodePool.memoryLimit`,
        message: `${what}: the smallest such node has about ${formatBytes(leastMemory)} of memory; allow at least that, got ${JSON.stringify(pool.memoryLimit)}`,
      });
    }
    if (fewestCpus <= cpuLimit && leastMemory <= memoryLimit) {
      problems.push({ path: `${at}.nodePool.cpuLimit`, message: `${what} within both cpuLimit ${JSON.stringify(pool.cpuLimit)} and memoryLimit ${JSON.stringify(pool.memoryLimit)}; raise one of them` });
    }
  }
  // Every job the managers take at once, at its default size: a pool that cannot hold them leaves jobs Pending
  // until poll_timeout fails them, under ordinary load.
  const jobs = runner.concurrent * runner.replicas;
  const atDefaults = jobsRequests(jobs, runner.jobDefaults);
  for (const [key, limit, field] of [['cpu', cpuLimit, 'cpuLimit'], ['memory', memoryLimit, 'memoryLimit']] as const) {
    if (atDefaults[key] > limit) {
      problems.push({
        path: `${at}.nodePool.${field}`,
        message:
          `cannot hold the ${jobs} jobs the runner takes at once (concurrent ${runner.concurrent} × replicas ${runner.replicas}) at their ` +
          `default size: they request ${show(key, atDefaults[key])} with their helpers; raise ${field} to at least that, or lower concurrent, got ${JSON.stringify(pool[field])}`,
      });
    }
  }
  return problems;
}

/**
 * What can work but may not: the runner's jobs at their maximum size need more than the pool may launch, so
 * some wait (and fail at poll_timeout) when many big jobs come at once. The synth prints these and goes on.
 */
export function capacityWarnings(cluster: ResolvedCluster): DefinitionProblem[] {
  return cluster.runners.flatMap((runner, index) => {
    const jobs = runner.concurrent * runner.replicas;
    const atMaximum = jobsRequests(jobs, runner.jobMaximum);
    const atDefaults = jobsRequests(jobs, runner.jobDefaults);
    return (
      [
        ['cpu', 'cpuLimit'],
        ['memory', 'memoryLimit'],
      ] as const
    ).flatMap(([key, field]) => {
      const limit = parseQuantity(runner.jobPool[field]);
      if (atMaximum[key] <= limit || atDefaults[key] > limit) return [];
      return [
        {
          path: `runners[${index}].nodePool.${field}`,
          message:
            `${JSON.stringify(runner.jobPool[field])} is less than the ${jobs} jobs the runner takes at once (concurrent ${runner.concurrent} × ` +
            `replicas ${runner.replicas}) request at their maximum size (${show(key, atMaximum[key])} with their helpers): ` +
            'when many large jobs come at once, some wait for capacity and may fail at poll_timeout',
        },
      ];
    });
  });
}

export function checkConsistency(cluster: ResolvedCluster): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  const seen = new Map<string, number>();
  const tokenReaders = new Map<string, number>();

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

    for (const source of tokenSources(runner)) {
      const reader = tokenReaders.get(source);
      if (reader === undefined) {
        tokenReaders.set(source, index);
      } else if (reader !== index) {
        problems.push({
          path: `${at}.token`,
          message:
            `reads the same token as runners[${reader}] (${source}): each runner needs its own token, or GitLab sends one ` +
            "runner's jobs (another architecture, another pool) to the other",
        });
        break;
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
    const jobFitsLargestNode = RESOURCE_KEYS.every((key) => job[key] <= node[key]);
    if (jobFitsLargestNode && pool.minInstanceCpu <= pool.maxInstanceCpu) problems.push(...poolCapacityProblems(cluster, runner, at));
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

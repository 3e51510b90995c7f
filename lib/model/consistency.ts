/**
 * Cross-field checks on a resolved cluster: what the shape schema cannot see. Each problem names the runner
 * and the field, the value and what would be allowed.
 */
import type { JobResources } from './definition';
import { formatBytes, parseQuantity } from './quantity';
import { HELPER_REQUESTS, isGravitonFamily, jobsRequests, largestJobRequests, largestNodeAllocatable, nodesHolding, ROLLOUT_JOB_FACTOR, rootVolumeGiHolding } from './capacity';
import type { DefinitionProblem } from './schema';
import { AWS_NAME_LIMITS, awsNames } from './platform';
import type { ResolvedCluster, ResolvedRunner } from './resolved';
import { awsSecretRef, kubernetesSecretRef, sameAwsSecret } from './token-identity';

const RESOURCE_KEYS: Array<keyof JobResources> = ['cpu', 'memory', 'ephemeralStorage'];

function show(key: keyof JobResources, value: number): string {
  return key === 'cpu' ? `${Number(value.toFixed(2))} CPU` : formatBytes(value);
}

/**
 * Where this runner reads a token another runner of the cluster reads too, as people would name it: the same
 * Secrets Manager secret and property (however written), or the same Kubernetes Secret key (a Secret an
 * ExternalSecret writes belongs to that runner alone).
 */
function sharedTokenSource(cluster: ResolvedCluster, runner: ResolvedRunner, other: ResolvedRunner): string | undefined {
  const mine = awsSecretRef(runner, cluster.region);
  const theirs = awsSecretRef(other, cluster.region);
  if (mine && theirs && sameAwsSecret(mine, theirs)) {
    return mine.written === theirs.written ? mine.written : `${mine.written}, which is its ${theirs.written}`;
  }
  const a = kubernetesSecretRef(runner);
  const b = kubernetesSecretRef(other);
  if (a.name === b.name && (a.key === undefined || b.key === undefined || a.key === b.key)) {
    return a.written === b.written ? a.written : `${a.written}, which is its ${b.written}`;
  }
  return undefined;
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
 * some wait (and fail at poll_timeout) when many big jobs come at once; or, during a rollout of the managers, the
 * jobs of the draining managers and of their replacements at their default size do. The synth prints these and
 * goes on. (Derived limits hold both; these concern limits written in the definition.)
 */
export function capacityWarnings(cluster: ResolvedCluster): DefinitionProblem[] {
  return cluster.runners.flatMap((runner, index) => {
    const jobs = runner.concurrent * runner.replicas;
    const atMaximum = jobsRequests(jobs, runner.jobMaximum);
    const atDefaults = jobsRequests(jobs, runner.jobDefaults);
    const inRollout = jobsRequests(ROLLOUT_JOB_FACTOR * jobs, runner.jobDefaults);
    return (
      [
        ['cpu', 'cpuLimit'],
        ['memory', 'memoryLimit'],
      ] as const
    ).flatMap(([key, field]) => {
      const limit = parseQuantity(runner.jobPool[field]);
      const path = `runners[${index}].nodePool.${field}`;
      const written = JSON.stringify(runner.jobPool[field]);
      if (atDefaults[key] > limit) return []; // refused by checkConsistency
      if (atMaximum[key] > limit) {
        return [
          {
            path,
            message:
              `${written} is less than the ${jobs} jobs the runner takes at once (concurrent ${runner.concurrent} × ` +
              `replicas ${runner.replicas}) request at their maximum size (${show(key, atMaximum[key])} with their helpers): ` +
              'when many large jobs come at once, some wait for capacity and may fail at poll_timeout',
          },
        ];
      }
      if (inRollout[key] > limit) {
        return [
          {
            path,
            message:
              `${written} is less than a rollout of the managers needs: the old managers drain up to ${jobs} jobs (for up to ` +
              `${runner.jobTimeout}) while the new ones take up to ${jobs} more, ${ROLLOUT_JOB_FACTOR * jobs} jobs requesting ` +
              `${show(key, inRollout[key])} at their default size: new jobs may wait for capacity and fail at poll_timeout ` +
              `until the old ones end; raise ${field} to at least that, or leave it unset (derived), see docs/pool-limits.md`,
          },
        ];
      }
      return [];
    });
  });
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

    // The revision must come from the store itself (a JSON property beside the token), or it proves nothing.
    if (runner.tokenRevision !== undefined && runner.token.source === 'aws-secrets-manager' && !runner.token.property) {
      problems.push({
        path: `${at}.tokenRevision`,
        message:
          `needs a JSON secret: the revision is read from the secret store beside the token, so set token.property ` +
          `(for example "token") and store {"token": …, "revision": …}; got ${JSON.stringify(runner.tokenRevision)} with the plain-string secret "${runner.token.secretId}"`,
      });
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

    for (const [reader, other] of cluster.runners.slice(0, index).entries()) {
      const source = sharedTokenSource(cluster, runner, other);
      if (source) {
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
    if (job.ephemeralStorage > node.ephemeralStorage) {
      // Storage comes from the root volume, the same on every node: the volume is what is short, not the node size.
      const left = node.ephemeralStorage > 0 ? `about ${formatBytes(node.ephemeralStorage)}` : 'nothing';
      problems.push({
        path: 'nodeClass.rootVolumeSize',
        message:
          `${JSON.stringify(cluster.nodeClass.rootVolumeSize)} leaves ${left} of ephemeral storage for jobs on a node (20Gi go to the OS ` +
          `and images, 10% to the kubelet's eviction reserve), but the largest job of runner "${runner.name}" (${at}.jobMaximum.ephemeralStorage ` +
          `${runner.jobMaximum.ephemeralStorage} plus the helper's ${HELPER_REQUESTS.ephemeralStorage}) needs ${formatBytes(job.ephemeralStorage)}: ` +
          `raise rootVolumeSize to at least ${rootVolumeGiHolding(job.ephemeralStorage)}Gi, or lower that jobMaximum.ephemeralStorage`,
      });
    }
    for (const key of ['cpu', 'memory'] as const) {
      if (job[key] > node[key]) {
        const where = `${at}.nodePool.maxInstanceCpu`;
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

/**
 * Turns a cluster definition into a resolved cluster: every default applied once, every name derived once.
 * Charts read only resolved clusters, so a default or a name never has two sources.
 */
import versions from '../versions.json';
import type { ClusterDefinition, JobResources, RunnerDefinition } from './definition';
import { platformVersions } from './versions';
import { DRAIN_MARGIN_SECONDS } from './drain';
import { parseDuration } from './duration';
import { jobsRequests } from './capacity';
import { checkConsistency } from './consistency';
import { checkJobRouting } from './routing';
import { readDefinition, type DefinitionProblem } from './schema';
import { showValue } from './show-value';
import { redactTokens } from './token-shapes';
import { NAMESPACES, type ResolvedCluster, type ResolvedRunner } from './resolved';

export * from './resolved';

const DEFAULT_JOB_DEFAULTS: JobResources = { cpu: '1', memory: '2Gi', ephemeralStorage: '10Gi' };
const DEFAULT_JOB_MAXIMUM: JobResources = { cpu: '4', memory: '8Gi', ephemeralStorage: '50Gi' };

/**
 * Extra time a manager node waits beyond the longest drain. Karpenter deletes a pod, bypassing its
 * PodDisruptionBudget, at the node's deadline minus the pod's grace period: this margin leaves the evictions time to
 * go through the budget, one manager at a time, before that.
 */
export const MANAGER_NODE_MARGIN_SECONDS = 900;

/** A definition that cannot be rendered; the message lists every problem with its cluster, field and value. */
export class DefinitionError extends Error {
  constructor(
    readonly cluster: string,
    readonly problems: readonly DefinitionProblem[],
  ) {
    // Redacted once more as a whole: no message may echo a secret, whichever check wrote it.
    super(
      redactTokens(
        `cluster definition ${cluster} is invalid:\n${problems.map((p) => `  - ${p.path ? `${p.path}: ` : ''}${p.message}`).join('\n')}`,
      ),
    );
    this.name = 'DefinitionError';
  }
}

function seconds(value: number): string {
  // Karpenter and Kubernetes read Go durations; whole minutes read best in review.
  return value % 60 === 0 ? `${value / 60}m` : `${value}s`;
}

function resolveRunner(cluster: ClusterDefinition, runner: RunnerDefinition): ResolvedRunner {
  const name = runner.name ?? runner.arch;
  const jobTimeoutSeconds = parseDuration(runner.jobTimeout ?? '1h');
  const drainSeconds = jobTimeoutSeconds + DRAIN_MARGIN_SECONDS;
  const pool = runner.nodePool ?? {};
  const families = pool.instanceFamilies ?? [];
  const managerName = `gitlab-runner-${name}`;
  const token = runner.token;
  const concurrent = runner.concurrent ?? 10;
  const replicas = runner.replicas ?? 2;
  const jobMaximum = { ...DEFAULT_JOB_MAXIMUM, ...runner.jobMaximum };
  // Unset pool limits are derived: room for every job the managers may run at once, at its maximum size.
  const atMaximum = jobsRequests(concurrent * replicas, jobMaximum);
  return {
    name,
    arch: runner.arch,
    tags:
      runner.archTag === false
        ? [...(runner.tags ?? [])]
        : [runner.arch, ...(runner.tags ?? []).filter((tag) => tag !== runner.arch)],
    sharesJobsWith: [...(runner.sharesJobsWith ?? [])],
    runUntagged: runner.runUntagged ?? false,
    concurrent,
    // A retiring runner's managers drain to zero; its pool keeps room for the jobs they still run (derived above).
    replicas: runner.retiring ? 0 : replicas,
    retiring: runner.retiring ?? false,
    jobTimeout: runner.jobTimeout ?? '1h',
    jobTimeoutSeconds,
    drainSeconds,
    jobDefaults: { ...DEFAULT_JOB_DEFAULTS, ...runner.jobDefaults },
    jobMaximum,
    defaultImage: runner.defaultImage ?? 'alpine:3.22',
    token:
      token.source === 'aws-secrets-manager'
        ? { source: token.source, secretId: token.secretId, ...(token.property ? { property: token.property } : {}) }
        : { source: token.source },
    ...(runner.tokenRevision ? { tokenRevision: runner.tokenRevision } : {}),
    tokenSecret:
      token.source === 'aws-secrets-manager'
        ? { name: `${managerName}-token`, key: 'token' }
        : { name: token.secretName, key: token.key ?? 'token' },
    jobPool: {
      name: `gitlab-ci-jobs-${name}`,
      capacityTypes: pool.capacityTypes ?? ['spot'],
      instanceCategories: families.length ? [] : (pool.instanceCategories ?? ['c', 'm', 'r']),
      minInstanceGeneration: pool.minInstanceGeneration ?? 6,
      instanceFamilies: families,
      minInstanceCpu: pool.minInstanceCpu ?? 2,
      maxInstanceCpu: pool.maxInstanceCpu ?? 16,
      cpuLimit: pool.cpuLimit ?? String(Math.max(64, Math.ceil(Math.round(atMaximum.cpu * 1000) / 1000))),
      memoryLimit: pool.memoryLimit ?? `${Math.max(256, Math.ceil(atMaximum.memory / 2 ** 30))}Gi`,
      consolidationPolicy: pool.consolidationPolicy ?? 'WhenEmpty',
      consolidateAfter: pool.consolidateAfter ?? '5m',
      expireAfter: pool.expireAfter ?? '168h',
      disruptionBudget: pool.disruptionBudget ?? '10%',
      terminationGracePeriod: seconds(drainSeconds),
    },
    names: {
      manager: managerName,
      jobServiceAccount: `gitlab-ci-job-${name}`,
      gitlab: `${cluster.name}-${name}`,
    },
  };
}

/**
 * Validates a definition (shape first, then cross-field consistency) and resolves its defaults.
 * Throws a DefinitionError naming the cluster, each field, its value and what is allowed.
 */
export function resolveCluster(input: ClusterDefinition, position?: number): ResolvedCluster {
  const name = (input as { name?: unknown } | null)?.name;
  const label =
    typeof name === 'string' && /^[a-z0-9-]{1,63}$/.test(name)
      ? `"${name}"`
      : `${position === undefined ? 'without a valid name' : `number ${position + 1} in the list`} (name ${showValue(name)})`;
  const { definition, problems: shapeProblems } = readDefinition(input);
  if (!definition) throw new DefinitionError(label, shapeProblems);

  const runners = definition.runners.map((runner) => resolveRunner(definition, runner));
  const architectures = [...new Set(runners.map((r) => r.arch))].sort();
  const longestDrain = Math.max(...runners.map((r) => r.drainSeconds));
  const resolved: ResolvedCluster = {
    name: definition.name,
    region: definition.region,
    kubernetesVersion: definition.kubernetesVersion ?? versions.kubernetes.default,
    gitlabUrl: (definition.gitlabUrl ?? 'https://gitlab.com').replace(/\/+$/, ''),
    runners,
    nodeClass: {
      name: 'gitlab-ci',
      // The pinned release in lib/versions.json, checked like every pin.
      amiAlias: definition.nodeClass?.amiAlias ?? platformVersions().amiAlias,
      nodeRole: definition.nodeClass?.nodeRole ?? `KarpenterNodeRole-${definition.name}`,
      rootVolumeSize: definition.nodeClass?.rootVolumeSize ?? '100Gi',
      discoveryTag: { key: 'karpenter.sh/discovery', value: definition.name },
    },
    managerPool: {
      name: 'gitlab-runner-managers',
      architectures,
      terminationGracePeriod: seconds(longestDrain + MANAGER_NODE_MARGIN_SECONDS),
    },
    ...(definition.cache
      ? { cache: { bucket: definition.cache.bucket, region: definition.cache.region ?? definition.region } }
      : {}),
    metrics: definition.metrics ?? true,
    monitoringNamespace: definition.monitoringNamespace ?? 'monitoring',
    namespaces: NAMESPACES,
  };

  const problems = checkConsistency(resolved);
  // Routing speaks of runners by name: only meaningful once the names are unique.
  if (new Set(runners.map((r) => r.name)).size === runners.length) problems.push(...checkJobRouting(resolved));
  if (problems.length) throw new DefinitionError(label, problems);
  return resolved;
}

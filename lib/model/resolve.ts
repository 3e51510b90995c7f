/**
 * Turns a cluster definition into a resolved cluster: every default applied once, every name derived once.
 * Charts read only resolved clusters, so a default or a name never has two sources.
 */
import versions from '../versions.json';
import type { ClusterDefinition, JobResources, RunnerDefinition } from './definition';
import { platformVersions } from './versions';
import { DRAIN_MARGIN_SECONDS } from './drain';
import { parseDuration } from './duration';
import { checkConsistency } from './consistency';
import { checkShape, type DefinitionProblem } from './schema';
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
    super(
      `cluster definition "${cluster}" is invalid:\n${problems.map((p) => `  - ${p.path ? `${p.path}: ` : ''}${p.message}`).join('\n')}`,
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
  return {
    name,
    arch: runner.arch,
    tags: [runner.arch, ...(runner.tags ?? []).filter((tag) => tag !== runner.arch)],
    runUntagged: runner.runUntagged ?? false,
    concurrent: runner.concurrent ?? 10,
    replicas: runner.replicas ?? 2,
    jobTimeout: runner.jobTimeout ?? '1h',
    jobTimeoutSeconds,
    drainSeconds,
    jobDefaults: { ...DEFAULT_JOB_DEFAULTS, ...runner.jobDefaults },
    jobMaximum: { ...DEFAULT_JOB_MAXIMUM, ...runner.jobMaximum },
    defaultImage: runner.defaultImage ?? 'alpine:3.22',
    token:
      token.source === 'aws-secrets-manager'
        ? { source: token.source, secretId: token.secretId, ...(token.property ? { property: token.property } : {}) }
        : { source: token.source },
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
      cpuLimit: pool.cpuLimit ?? '64',
      memoryLimit: pool.memoryLimit ?? '256Gi',
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
export function resolveCluster(definition: ClusterDefinition): ResolvedCluster {
  const label =
    typeof (definition as { name?: unknown } | null)?.name === 'string' ? (definition as { name: string }).name : '(unnamed)';
  const shapeProblems = checkShape(definition);
  if (shapeProblems.length) throw new DefinitionError(label, shapeProblems);

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
    namespaces: NAMESPACES,
  };

  const problems = checkConsistency(resolved);
  if (problems.length) throw new DefinitionError(definition.name, problems);
  return resolved;
}

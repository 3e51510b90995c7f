/**
 * Turns a cluster definition into a resolved cluster: every default applied once, every name derived once.
 * Charts read only resolved clusters, so a default or a name never has two sources.
 */
import versions from './versions.json';
import type {
  Architecture,
  CapacityType,
  ClusterDefinition,
  ConsolidationPolicy,
  InstanceCategory,
  GitLabCaCertificate,
  JobResources,
  RunnerAccessLevel,
  RunnerDefinition,
  RunnerScope,
} from './definition';
import { platformVersions } from './bootstrap/versions';
import { DRAIN_MARGIN_SECONDS } from './drain';
import { parseDuration } from './duration';
import { checkConsistency } from './consistency';
import { checkShape, type DefinitionProblem } from './schema';

/** Namespaces every cluster uses: managers and job pods apart, so each gets its own Pod Security level. */
export const NAMESPACES = {
  /** Runner managers; Pod Security "restricted". */
  managers: 'gitlab-runner',
  /** CI job pods; Pod Security "baseline" (jobs run arbitrary images, never privileged). */
  jobs: 'gitlab-ci-jobs',
} as const;

/** Label and taint keys the fleet owns. */
export const FLEET_KEYS = {
  /** Taint on job nodes; only CI job pods tolerate it. */
  jobTaint: 'gitlab-runner-fleet/ci-job',
  /** Taint on manager nodes; only runner managers tolerate it. */
  managerTaint: 'gitlab-runner-fleet/runner-manager',
  /** Job pod labels. */
  arch: 'gitlab-runner-fleet/arch',
  pool: 'gitlab-runner-fleet/pool',
  capacityTypes: 'gitlab-runner-fleet/capacity-types',
  runner: 'gitlab-runner-fleet/runner',
} as const;


const DEFAULT_JOB_DEFAULTS: JobResources = { cpu: '1', memory: '2Gi', ephemeralStorage: '10Gi' };
const DEFAULT_JOB_MAXIMUM: JobResources = { cpu: '4', memory: '8Gi', ephemeralStorage: '50Gi' };


/**
 * Extra time a manager node waits beyond the longest drain. Karpenter deletes a pod, bypassing its
 * PodDisruptionBudget, at the node's deadline minus the pod's grace period: this margin leaves the evictions time to
 * go through the budget, one manager at a time, before that.
 */
export const MANAGER_NODE_MARGIN_SECONDS = 900;

export interface ResolvedJobPool {
  readonly name: string;
  readonly capacityTypes: readonly CapacityType[];
  /** Empty when `instanceFamilies` decides. */
  readonly instanceCategories: readonly InstanceCategory[];
  readonly minInstanceGeneration: number;
  readonly instanceFamilies: readonly string[];
  readonly minInstanceCpu: number;
  readonly maxInstanceCpu: number;
  readonly cpuLimit: string;
  readonly memoryLimit: string;
  readonly consolidationPolicy: ConsolidationPolicy;
  readonly consolidateAfter: string;
  readonly expireAfter: string;
  readonly disruptionBudget: string;
  /** Derived: the longest job plus the drain margin, so an expiring node lets its jobs finish. */
  readonly terminationGracePeriod: string;
}

export type ResolvedToken =
  | { readonly source: 'aws-secrets-manager'; readonly secretId: string; readonly property?: string }
  | { readonly source: 'existing-secret' };

/** The runner object in GitLab, every field derived from the definition: what `gitlab:apply` sets. */
export interface ResolvedRunnerGitLab {
  /** Names the runner across GitLab and this repository: `<cluster>/<runner>`. */
  readonly key: string;
  readonly scope: RunnerScope;
  /** Names the cluster and the runner, as GitLab lists it. */
  readonly description: string;
  /** The runner's tags (its architecture always among them). */
  readonly tagList: readonly string[];
  readonly runUntagged: boolean;
  readonly locked: boolean;
  readonly paused: boolean;
  readonly accessLevel: RunnerAccessLevel;
  /** Seconds: the runner's `jobTimeout`, so that no project's timeout lets a job outlast the managers' drain. */
  readonly maximumTimeout: number;
}

export interface ResolvedRunner {
  readonly name: string;
  readonly arch: Architecture;
  readonly tags: readonly string[];
  readonly runUntagged: boolean;
  readonly concurrent: number;
  readonly replicas: number;
  readonly jobTimeout: string;
  readonly jobTimeoutSeconds: number;
  /** Derived: how long a manager may take to drain (longest job + margin); its pod's termination grace period. */
  readonly drainSeconds: number;
  readonly jobDefaults: JobResources;
  readonly jobMaximum: JobResources;
  readonly defaultImage: string;
  readonly token: ResolvedToken;
  /** The Secret the manager reads its token from, and the key in it. */
  readonly tokenSecret: { readonly name: string; readonly key: string };
  readonly jobPool: ResolvedJobPool;
  /** The runner's settings in GitLab. */
  readonly gitlab: ResolvedRunnerGitLab;
  /** Names derived once. */
  readonly names: {
    /** Manager Deployment, ServiceAccount, ConfigMap, PDB, Role and RoleBinding. */
    readonly manager: string;
    /** ServiceAccount of the job pods (no API token). */
    readonly jobServiceAccount: string;
    /** Name the runner shows in GitLab. */
    readonly gitlab: string;
  };
}

export interface ResolvedCluster {
  readonly name: string;
  readonly region: string;
  readonly kubernetesVersion: string;
  readonly gitlabUrl: string;
  /** The private CA of `gitlabUrl`, when the definition names one; the runner reads it as `tls-ca-file`. */
  readonly gitlabCa?: Required<GitLabCaCertificate>;
  readonly runners: readonly ResolvedRunner[];
  readonly nodeClass: {
    readonly name: string;
    readonly amiAlias: string;
    readonly nodeRole: string;
    readonly rootVolumeSize: string;
    /** Tag that marks the cluster's subnets and security groups for Karpenter. */
    readonly discoveryTag: { readonly key: string; readonly value: string };
  };
  /** The on-demand pool that runs the managers of every architecture in use. */
  readonly managerPool: { readonly name: string; readonly architectures: readonly Architecture[]; readonly terminationGracePeriod: string };
  readonly cache?: { readonly bucket: string; readonly region: string };
  readonly metrics: boolean;
  readonly namespaces: typeof NAMESPACES;
}

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
  const tags = [runner.arch, ...(runner.tags ?? []).filter((tag) => tag !== runner.arch)];
  const runUntagged = runner.runUntagged ?? false;
  return {
    name,
    arch: runner.arch,
    tags,
    runUntagged,
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
    gitlab: {
      key: `${cluster.name}/${name}`,
      scope: runner.gitlab?.scope ?? { type: 'instance' },
      description: `${cluster.name}/${name}: ${runner.arch} runner of EKS cluster ${cluster.name} (runner-fleet)`,
      tagList: tags,
      runUntagged,
      locked: runner.gitlab?.locked ?? false,
      paused: runner.gitlab?.paused ?? false,
      accessLevel: runner.gitlab?.accessLevel ?? 'not_protected',
      maximumTimeout: jobTimeoutSeconds,
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
    ...(definition.gitlabCa ? { gitlabCa: { ...definition.gitlabCa, key: definition.gitlabCa.key ?? 'ca.crt' } } : {}),
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

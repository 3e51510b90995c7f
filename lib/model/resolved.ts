/**
 * What resolving a definition produces: the shapes charts read, and the namespace and label names every cluster
 * shares. Types and constants only, so the model's checks (consistency, capacity, AWS names) can read a resolved
 * cluster without importing the resolver that runs them.
 */
import type { Architecture, CapacityType, ConsolidationPolicy, InstanceCategory, JobResources } from './definition';

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

export interface ResolvedRunner {
  readonly name: string;
  readonly arch: Architecture;
  readonly tags: readonly string[];
  /** Runner names whose jobs this runner may take too (its tags include theirs). */
  readonly sharesJobsWith: readonly string[];
  readonly runUntagged: boolean;
  readonly concurrent: number;
  /** Manager replicas as rendered: 0 while the runner is retiring. */
  readonly replicas: number;
  /** Draining towards removal: no managers, everything they need kept (see RunnerDefinition.retiring). */
  readonly retiring: boolean;
  readonly jobTimeout: string;
  readonly jobTimeoutSeconds: number;
  /** Derived: how long a manager may take to drain (longest job + margin); its pod's termination grace period. */
  readonly drainSeconds: number;
  readonly jobDefaults: JobResources;
  readonly jobMaximum: JobResources;
  readonly defaultImage: string;
  readonly token: ResolvedToken;
  /** Names the token's current value; the managers roll when it changes. */
  readonly tokenRevision?: string;
  /** The Secret the manager reads its token from, and the key in it. */
  readonly tokenSecret: { readonly name: string; readonly key: string };
  readonly jobPool: ResolvedJobPool;
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
  /** The only namespace whose pods may reach the managers' metrics port (none when `metrics` is false). */
  readonly monitoringNamespace: string;
  readonly namespaces: typeof NAMESPACES;
}

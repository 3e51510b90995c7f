/**
 * The typed cluster definition: what a platform team writes, once per EKS cluster, in definitions/<name>.ts.
 * Everything rendered for that cluster (runner managers, node pools, RBAC, token references, Flux objects,
 * the eksctl config) derives from it. Defaults are resolved once, in resolve.ts.
 */

/** CPU architectures the fleet runs CI jobs on. */
export const ARCHITECTURES = ['amd64', 'arm64'] as const;
export type Architecture = (typeof ARCHITECTURES)[number];

/** EC2 capacity types a Karpenter NodePool may launch. */
export const CAPACITY_TYPES = ['spot', 'on-demand'] as const;
export type CapacityType = (typeof CAPACITY_TYPES)[number];

/** EC2 instance categories job pools may use, with their memory per vCPU (GiB), used to check that jobs fit. */
export const INSTANCE_CATEGORY_MEMORY_PER_VCPU = { c: 2, m: 4, r: 8 } as const;
export type InstanceCategory = keyof typeof INSTANCE_CATEGORY_MEMORY_PER_VCPU;

/** Karpenter consolidation policies. */
export const CONSOLIDATION_POLICIES = ['WhenEmpty', 'WhenEmptyOrUnderutilized'] as const;
export type ConsolidationPolicy = (typeof CONSOLIDATION_POLICIES)[number];

/** CPU, memory and ephemeral storage of a CI job's build container, as Kubernetes quantities. */
export interface JobResources {
  /** CPU, for example "1" or "500m". */
  readonly cpu: string;
  /** Memory, for example "2Gi". */
  readonly memory: string;
  /** Ephemeral storage (the build directory, image layers), for example "20Gi". */
  readonly ephemeralStorage: string;
}

/** The runner's authentication token (`glrt-…`) lives in AWS Secrets Manager; External Secrets copies it into a Secret. */
export interface AwsSecretsManagerToken {
  readonly source: 'aws-secrets-manager';
  /** Name (or ARN) of the secret in AWS Secrets Manager, for example "gitlab-runner/staging/amd64". */
  readonly secretId: string;
  /**
   * JSON property holding the token, when the secret is a JSON object.
   * @default - the whole secret string is the token
   */
  readonly property?: string;
}

/** The runner's authentication token is in a Secret created out of band (for example by `kubectl create secret`). */
export interface ExistingSecretToken {
  readonly source: 'existing-secret';
  /** Name of the Secret in the runner managers' namespace. */
  readonly secretName: string;
  /**
   * Key in the Secret that holds the token.
   * @default "token"
   */
  readonly key?: string;
}

/** Where a runner's authentication token comes from. Never the token itself. */
export type RunnerTokenSource = AwsSecretsManagerToken | ExistingSecretToken;

/** The Karpenter NodePool that gives one runner's CI jobs their nodes. */
export interface JobNodePoolOptions {
  /**
   * Capacity types to launch; with both, Karpenter prefers spot and falls back to on-demand.
   * @default ["spot"]
   */
  readonly capacityTypes?: readonly CapacityType[];
  /**
   * Instance categories (c: compute, m: general purpose, r: memory). Ignored when `instanceFamilies` is set.
   * @default ["c", "m", "r"]
   */
  readonly instanceCategories?: readonly InstanceCategory[];
  /**
   * Oldest instance generation to launch. Ignored when `instanceFamilies` is set.
   * @default 6
   */
  readonly minInstanceGeneration?: number;
  /**
   * Exact instance families, for example ["c7g", "m7g"] or ["c7i", "m7i"]; replaces categories and generation.
   * @default - categories and generation decide
   */
  readonly instanceFamilies?: readonly string[];
  /**
   * Smallest instance size, in vCPUs.
   * @default 2
   */
  readonly minInstanceCpu?: number;
  /**
   * Largest instance size, in vCPUs. The largest job must fit on it.
   * @default 16
   */
  readonly maxInstanceCpu?: number;
  /**
   * Total vCPUs the pool may run at once (NodePool `limits.cpu`). Must hold `concurrent × replicas` jobs at their
   * default size (refused otherwise); below what they need at their maximum size, the synth warns.
   * @default - room for `concurrent × replicas` jobs at their maximum size (helper included), at least "64"
   */
  readonly cpuLimit?: string;
  /**
   * Total memory the pool may run at once (NodePool `limits.memory`), with a unit. Checked like `cpuLimit`.
   * @default - room for `concurrent × replicas` jobs at their maximum size (helper included), at least "256Gi"
   */
  readonly memoryLimit?: string;
  /**
   * When Karpenter may remove nodes. Job pods carry `karpenter.sh/do-not-disrupt`, so busy nodes are never consolidated.
   * @default "WhenEmpty"
   */
  readonly consolidationPolicy?: ConsolidationPolicy;
  /**
   * How long a node stays empty before it is removed; keeps a warm node for the next job.
   * @default "5m"
   */
  readonly consolidateAfter?: string;
  /**
   * Maximum node lifetime (fresh AMIs, no drift); "Never" disables expiry. The NodePool's
   * `terminationGracePeriod` is derived from the runner's job timeout so an expiring node lets running jobs finish.
   * @default "168h"
   */
  readonly expireAfter?: string;
  /**
   * Share of the pool's nodes Karpenter may disrupt at once.
   * @default "10%"
   */
  readonly disruptionBudget?: string;
}

/** One GitLab runner manager (a Deployment) and everything its jobs need, for one CPU architecture. */
export interface RunnerDefinition {
  /** CPU architecture of this runner's jobs and of its manager pod. */
  readonly arch: Architecture;
  /**
   * Short name, unique in the cluster, used in resource names (`gitlab-runner-<name>`).
   * @default - the architecture
   */
  readonly name?: string;
  /**
   * Job tags this runner picks up. GitLab gives a job to any runner that has all of the job's tags. The
   * architecture's name is one of them unless `archTag` is false, so `tags: [$BUILD_ARCH]` in a pipeline reaches
   * the right runner.
   * @default - [arch]
   */
  readonly tags?: readonly string[];
  /**
   * Whether the architecture's name is one of the runner's tags. A specialised runner (large memory, long jobs)
   * sets false and carries a distinct tag of its own, so jobs tagged only with the architecture never land on it.
   * @default true
   */
  readonly archTag?: boolean;
  /**
   * Runners of this cluster whose jobs this runner is meant to take too. The synth refuses a runner whose tags
   * include every tag of another runner (it would take that runner's jobs) unless that runner is listed here.
   * @default - none
   */
  readonly sharesJobsWith?: readonly string[];
  /**
   * Whether jobs without tags may run here.
   * @default false
   */
  readonly runUntagged?: boolean;
  /**
   * Jobs one manager runs at once (config.toml `concurrent`).
   * @default 10
   */
  readonly concurrent?: number;
  /**
   * Manager replicas. Each runs up to `concurrent` jobs; with 2 or more, a rollout or a node drain never leaves
   * the architecture without a manager.
   * @default 2
   */
  readonly replicas?: number;
  /**
   * The first step of removing or renaming a runner: its managers scale to zero and drain their running jobs, while
   * everything a draining manager needs (ServiceAccount, RBAC, token, config, job pool) stays. Remove the runner
   * from the definition only once its manager pods are gone (docs/lifecycle.md); the synth refuses to remove a
   * runner whose managers were not retiring in the committed manifests.
   * @default false
   */
  readonly retiring?: boolean;
  /**
   * The longest job timeout any project may use on this runner, for example "1h" or "3h". Drain grace periods and
   * the job pool's `terminationGracePeriod` derive from it.
   * @default "1h"
   */
  readonly jobTimeout?: string;
  /**
   * Build container requests, used when a job does not ask for more.
   * @default { cpu: "1", memory: "2Gi", ephemeralStorage: "10Gi" }
   */
  readonly jobDefaults?: Partial<JobResources>;
  /**
   * Largest build container a job may ask for with KUBERNETES_CPU_REQUEST and friends (`*_overwrite_max_allowed`).
   * @default { cpu: "4", memory: "8Gi", ephemeralStorage: "50Gi" }
   */
  readonly jobMaximum?: Partial<JobResources>;
  /**
   * Image for jobs that name none.
   * @default "alpine:3.22"
   */
  readonly defaultImage?: string;
  /** Where the runner authentication token comes from. */
  readonly token: RunnerTokenSource;
  /**
   * Names the token's current value, for example the date it was rotated ("2026-12-02"). Changing it rolls the
   * managers onto the new token: External Secrets copies the secret at once, and a new manager waits until the
   * copy carries this revision before it starts (docs/lifecycle.md, "Rotate a runner token").
   * @default - no revision: the managers read whatever token the Secret holds when they start
   */
  readonly tokenRevision?: string;
  /**
   * The NodePool for this runner's jobs.
   * @default - spot, c/m/r generation 6+, 2–16 vCPU, pool limits derived from the runner's concurrency
   */
  readonly nodePool?: JobNodePoolOptions;
}

/** The EC2NodeClass shared by the cluster's job and manager NodePools. */
export interface NodeClassOptions {
  /**
   * EKS-optimized AMI alias, pinned to a release (never `@latest`): `al2023@vYYYYMMDD` or `bottlerocket@vX.Y.Z`.
   * @default - the release pinned in lib/versions.json
   */
  readonly amiAlias?: string;
  /**
   * IAM role of the nodes (Karpenter creates their instance profile).
   * @default "KarpenterNodeRole-<cluster name>"
   */
  readonly nodeRole?: string;
  /**
   * Root volume size; holds images and build directories.
   * @default "100Gi"
   */
  readonly rootVolumeSize?: string;
}

/** Shared S3 cache for CI jobs, reached with the manager's IAM identity (EKS Pod Identity), never with keys. */
export interface CacheOptions {
  /** Bucket name. */
  readonly bucket: string;
  /**
   * Bucket region.
   * @default - the cluster's region
   */
  readonly region?: string;
}

/** One EKS cluster and its runner fleet. */
export interface ClusterDefinition {
  /** EKS cluster name; also names the Karpenter discovery tag and prefixes AWS resources. Lowercase, digits, dashes. */
  readonly name: string;
  /** AWS region, for example "eu-west-1". */
  readonly region: string;
  /**
   * Kubernetes version of the EKS control plane ("1.35").
   * @default - the default in lib/versions.json
   */
  readonly kubernetesVersion?: string;
  /**
   * GitLab instance the runners serve.
   * @default "https://gitlab.com"
   */
  readonly gitlabUrl?: string;
  /** The runners: usually one per architecture; more than one per architecture when they need different pools. */
  readonly runners: readonly RunnerDefinition[];
  /**
   * EC2NodeClass settings.
   * @default - pinned AL2023 alias, KarpenterNodeRole-<name>, 100Gi encrypted gp3 root volume
   */
  readonly nodeClass?: NodeClassOptions;
  /**
   * S3 cache shared by all jobs of the cluster.
   * @default - no cache
   */
  readonly cache?: CacheOptions;
  /**
   * Render a PodMonitor so Prometheus scrapes the managers' metrics on :9252.
   * @default true
   */
  readonly metrics?: boolean;
  /**
   * Namespace of the Prometheus that scrapes the managers: the only namespace whose pods may open the managers'
   * metrics port (9252), which also serves the runner's job list and profiling endpoints. Nothing may reach the
   * port when `metrics` is false.
   * @default "monitoring"
   */
  readonly monitoringNamespace?: string;
}

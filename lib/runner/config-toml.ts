/**
 * The runner manager's config.toml as a typed model, rendered with @iarna/toml: never a string template.
 * Key names are GitLab Runner's (docs: "Advanced configuration" and "Kubernetes executor").
 * The token is not in it: the manager's entrypoint puts it in at start, from the Secret (see entrypoint.ts).
 */
import TOML from '@iarna/toml';
import { HELPER_REQUESTS, largestNodeAllocatable } from '../model/capacity';
import { FLEET_KEYS, type ResolvedCluster, type ResolvedRunner } from '../model/resolve';

/** Port of the manager's metrics and health endpoint. */
export const METRICS_PORT = 9252;

/** Stands where the token goes; the entrypoint replaces it in memory-backed storage at pod start. */
export const TOKEN_PLACEHOLDER = '__RUNNER_TOKEN_FROM_SECRET__';

/**
 * How long a job pod may wait for a node: a cold Karpenter node (launch, join, image pull) takes minutes,
 * and the runner's default of 180 s fails jobs on an empty pool.
 */
export const POLL_TIMEOUT_SECONDS = 900;

/** Helper container limit: git clones and cache archives of big repositories need more than its request. */
const HELPER_MEMORY_LIMIT = '1Gi';

/** Service containers (a job's `services:`), sized small; jobs may raise them up to the build maximum. */
const SERVICE_REQUESTS = { cpu: '100m', memory: '128Mi', ephemeralStorage: '1Gi' } as const;

/** `[runners.kubernetes]`: keys and value formats exactly as GitLab Runner's Kubernetes executor documents them. */
export interface KubernetesExecutorConfig {
  readonly namespace: string;
  readonly image: string;
  readonly privileged: boolean;
  readonly allow_privilege_escalation: boolean;
  readonly service_account: string;
  readonly automount_service_account_token: boolean;
  readonly pull_policy: string[];
  readonly poll_interval: number;
  readonly poll_timeout: number;
  readonly cpu_request: string;
  readonly cpu_limit: string;
  readonly memory_request: string;
  readonly memory_limit: string;
  readonly ephemeral_storage_request: string;
  readonly ephemeral_storage_limit: string;
  readonly cpu_request_overwrite_max_allowed: string;
  readonly cpu_limit_overwrite_max_allowed: string;
  readonly memory_request_overwrite_max_allowed: string;
  readonly memory_limit_overwrite_max_allowed: string;
  readonly ephemeral_storage_request_overwrite_max_allowed: string;
  readonly ephemeral_storage_limit_overwrite_max_allowed: string;
  readonly helper_cpu_request: string;
  readonly helper_memory_request: string;
  readonly helper_memory_limit: string;
  readonly helper_ephemeral_storage_request: string;
  readonly pod_cpu_limit: string;
  readonly pod_memory_limit: string;
  readonly service_cpu_request: string;
  readonly service_memory_request: string;
  readonly service_memory_limit: string;
  readonly service_ephemeral_storage_request: string;
  readonly service_cpu_request_overwrite_max_allowed: string;
  readonly service_memory_request_overwrite_max_allowed: string;
  readonly service_memory_limit_overwrite_max_allowed: string;
  readonly print_pod_warning_events?: boolean;
  readonly namespace_per_job?: boolean;
  readonly node_selector: Record<string, string>;
  readonly node_tolerations: Record<string, string>;
  readonly pod_labels: Record<string, string>;
  readonly pod_annotations: Record<string, string>;
  readonly build_container_security_context: ContainerSecurityContext;
  readonly helper_container_security_context: ContainerSecurityContext;
  readonly service_container_security_context: ContainerSecurityContext;
  readonly init_permissions_container_security_context: ContainerSecurityContext;
}

/** `KubernetesContainerSecurityContext` of the runner (common/config.go): the keys this project sets. */
interface ContainerSecurityContext {
  readonly capabilities: { readonly drop: readonly string[]; readonly add: readonly string[] };
  readonly privileged?: boolean;
  readonly allow_privilege_escalation?: boolean;
  readonly read_only_root_filesystem?: boolean;
}

/** One `[[runners]]` entry: one GitLab runner (its token is the placeholder until the entrypoint runs). */
export interface RunnerSection {
  readonly name: string;
  readonly url: string;
  readonly token: string;
  readonly executor: 'kubernetes';
  readonly limit: number;
  readonly request_concurrency: number;
  readonly output_limit: number;
  readonly feature_flags: Record<string, boolean>;
  readonly cache?: {
    readonly Type: 's3';
    readonly Path: string;
    readonly Shared: boolean;
    readonly s3: { readonly ServerAddress: string; readonly BucketName: string; readonly BucketLocation: string; readonly AuthenticationType: 'iam' };
  };
  readonly kubernetes: KubernetesExecutorConfig;
}

/** The whole config.toml of one manager process: global settings and its runners. */
export interface RunnerConfig {
  readonly concurrent: number;
  readonly check_interval: number;
  readonly shutdown_timeout: number;
  readonly log_level: string;
  readonly log_format: 'json';
  readonly listen_address: string;
  readonly runners: RunnerSection[];
}

/**
 * Feature flags that differ from the pinned runner's defaults, and only those: a flag set to its default is noise,
 * and one the runner deprecates breaks when it is removed (lib/runner/runner-feature-flags.json, checked by test).
 */
export const FEATURE_FLAGS: Readonly<Record<string, boolean>> = {
  // The pod's events (scheduling, image pulls) in the job log while it starts: why a job waits for a node.
  FF_PRINT_POD_EVENTS: true,
};

/**
 * Pod-level limits of a job pod: what the largest node of its pool can give (allocatable), so they cap nothing the
 * node does not; the containers' own limits still apply. They exist only so that the API server computes the
 * pod's requests (and so its QoS class) from its containers (see runnerConfig).
 */
export function podLimits(cluster: ResolvedCluster, runner: ResolvedRunner): { pod_cpu_limit: string; pod_memory_limit: string } {
  const node = largestNodeAllocatable(runner.jobPool, cluster.nodeClass.rootVolumeSize);
  return {
    pod_cpu_limit: `${Math.floor(Math.round(node.cpu * 1e6) / 1e3)}m`,
    pod_memory_limit: `${Math.floor(node.memory / 2 ** 20)}Mi`,
  };
}

/** Job pod capacity-type label value: what the pool may give a job. */
export function capacityTypesLabel(runner: ResolvedRunner): string {
  return [...runner.jobPool.capacityTypes].sort().join('-or-');
}

/** The node selector of a runner's job pods: its architecture (the helper image follows it), Linux, its pool. */
export function jobNodeSelector(runner: ResolvedRunner): Record<string, string> {
  return {
    'kubernetes.io/arch': runner.arch,
    'kubernetes.io/os': 'linux',
    'karpenter.sh/nodepool': runner.jobPool.name,
  };
}

/** Builds the typed config of one runner manager. */
export function runnerConfig(cluster: ResolvedCluster, runner: ResolvedRunner): RunnerConfig {
  const max = runner.jobMaximum;
  return {
    concurrent: runner.concurrent,
    check_interval: 3,
    // Only bounds a forced stop (a second signal); the SIGQUIT drain itself waits for every job.
    shutdown_timeout: 30,
    log_level: 'info',
    log_format: 'json',
    listen_address: `:${METRICS_PORT}`,
    runners: [
      {
        name: runner.names.gitlab,
        url: cluster.gitlabUrl,
        token: TOKEN_PLACEHOLDER,
        executor: 'kubernetes',
        limit: runner.concurrent,
        request_concurrency: Math.min(4, runner.concurrent),
        output_limit: 16384,
        feature_flags: FEATURE_FLAGS,
        ...(cluster.cache
          ? {
              cache: {
                Type: 's3' as const,
                Path: runner.name,
                Shared: true,
                s3: {
                  ServerAddress: `s3.${cluster.cache.region}.amazonaws.com`,
                  BucketName: cluster.cache.bucket,
                  BucketLocation: cluster.cache.region,
                  // The manager's Pod Identity role; no keys anywhere.
                  AuthenticationType: 'iam' as const,
                },
              },
            }
          : {}),
        kubernetes: {
          namespace: cluster.namespaces.jobs,
          image: runner.defaultImage,
          privileged: false,
          allow_privilege_escalation: false,
          service_account: runner.names.jobServiceAccount,
          automount_service_account_token: false,
          pull_policy: ['if-not-present'],
          poll_interval: 5,
          poll_timeout: POLL_TIMEOUT_SECONDS,
          // Requests are the defaults; limits are the maximum, so a job that raises only a request
          // (KUBERNETES_MEMORY_REQUEST=12Gi) still gets a valid pod: Kubernetes rejects a request above its limit.
          cpu_request: runner.jobDefaults.cpu,
          cpu_limit: max.cpu,
          memory_request: runner.jobDefaults.memory,
          memory_limit: max.memory,
          ephemeral_storage_request: runner.jobDefaults.ephemeralStorage,
          ephemeral_storage_limit: max.ephemeralStorage,
          cpu_request_overwrite_max_allowed: max.cpu,
          cpu_limit_overwrite_max_allowed: max.cpu,
          memory_request_overwrite_max_allowed: max.memory,
          memory_limit_overwrite_max_allowed: max.memory,
          ephemeral_storage_request_overwrite_max_allowed: max.ephemeralStorage,
          ephemeral_storage_limit_overwrite_max_allowed: max.ephemeralStorage,
          helper_cpu_request: HELPER_REQUESTS.cpu,
          helper_memory_request: HELPER_REQUESTS.memory,
          helper_memory_limit: HELPER_MEMORY_LIMIT,
          helper_ephemeral_storage_request: HELPER_REQUESTS.ephemeralStorage,
          // Pod-level limits, no pod-level requests: on Kubernetes 1.34+ the runner always sends a pod-level
          // \`resources\` object, and an empty one makes job pods BestEffort whatever their containers request. With
          // limits only, the API server defaults the pod's requests to the sum of its containers' requests (whatever
          // a job raised them to, however many services it has), so the pod is Burstable as its requests imply and
          // is scheduled on them. pod_*_request would have to cover every job's raised requests and services.
          ...podLimits(cluster, runner),
          service_cpu_request: SERVICE_REQUESTS.cpu,
          service_memory_request: SERVICE_REQUESTS.memory,
          service_memory_limit: max.memory,
          service_ephemeral_storage_request: SERVICE_REQUESTS.ephemeralStorage,
          service_cpu_request_overwrite_max_allowed: max.cpu,
          service_memory_request_overwrite_max_allowed: max.memory,
          service_memory_limit_overwrite_max_allowed: max.memory,
          node_selector: jobNodeSelector(runner),
          node_tolerations: { [`${FLEET_KEYS.jobTaint}=true`]: 'NoSchedule' },
          pod_labels: {
            [FLEET_KEYS.runner]: runner.name,
            [FLEET_KEYS.arch]: runner.arch,
            [FLEET_KEYS.pool]: runner.jobPool.name,
            [FLEET_KEYS.capacityTypes]: capacityTypesLabel(runner),
          },
          // Karpenter must not consolidate or drift a node away from under a running job.
          pod_annotations: { 'karpenter.sh/do-not-disrupt': 'true' },
          build_container_security_context: jobContainerSecurityContext,
          helper_container_security_context: jobContainerSecurityContext,
          service_container_security_context: jobContainerSecurityContext,
          init_permissions_container_security_context: initPermissionsSecurityContext,
        },
      },
    ],
  };
}

/**
 * Job containers run arbitrary images, often as root installing packages or building images with buildah: they
 * keep the container runtime's usual capabilities that Pod Security "baseline" allows, minus NET_RAW and MKNOD,
 * and never get SYS_ADMIN, privileged mode or privilege escalation.
 */
export const JOB_CAPABILITIES = [
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
];
const jobContainerSecurityContext: ContainerSecurityContext = { capabilities: { drop: ['ALL'], add: JOB_CAPABILITIES } };

/**
 * The init-permissions container only creates the job log and makes it world-writable (\`touch\` and \`chmod 777\`
 * of a file it owns, on an emptyDir): it needs no capability and never writes its root filesystem. The runner does
 * not give it the build, helper or service context, so it gets its own.
 */
const initPermissionsSecurityContext: ContainerSecurityContext = {
  capabilities: { drop: ['ALL'], add: [] },
  privileged: false,
  allow_privilege_escalation: false,
  read_only_root_filesystem: true,
};

/** config.toml text for one runner manager (with the token placeholder). */
export function renderRunnerConfig(config: RunnerConfig): string {
  return `# Rendered from definitions/ by cdk8s; edit the cluster definition, not this file.\n${TOML.stringify(config as unknown as TOML.JsonMap)}`;
}

/**
 * The Kubernetes executor's API permissions, from GitLab Runner's documentation ("Kubernetes executor" →
 * "Configure runner API permissions"), as data: each rule with the feature that needs it. The Role a manager gets
 * is exactly the rules of the features its config enables — never a wildcard.
 */

/** Executor features that change which permissions the manager needs. */
export interface ExecutorFeatures {
  /** Job output shows pod warning events (`print_pod_warning_events`, on by default). */
  readonly podWarningEvents: boolean;
  /** Job output streams pod events while waiting (`FF_PRINT_POD_EVENTS`). */
  readonly printPodEvents: boolean;
  /** One namespace per job (`namespace_per_job`). */
  readonly namespacePerJob: boolean;
  /** The runner waits for the image's entrypoint / reads logs (`FF_KUBERNETES_HONOR_ENTRYPOINT`, `FF_WAIT_FOR_POD_TO_BE_REACHABLE`). */
  readonly readsPodLogs: boolean;
}

export interface PolicyRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
}

interface DocumentedRule {
  readonly resource: string;
  readonly verbs: readonly string[];
  readonly when: (features: ExecutorFeatures) => boolean;
}

const ALWAYS = () => true;

const DOCUMENTED_RULES: readonly DocumentedRule[] = [
  // Job pods: created, watched through informers (17.9+), deleted after the job.
  { resource: 'pods', verbs: ['create', 'delete', 'get', 'list', 'watch'], when: ALWAYS },
  // Build scripts run through attach (the default strategy); exec is used for helper commands.
  { resource: 'pods/attach', verbs: ['create', 'delete', 'get', 'patch'], when: ALWAYS },
  { resource: 'pods/exec', verbs: ['create', 'delete', 'get', 'patch'], when: ALWAYS },
  { resource: 'pods/log', verbs: ['get', 'list'], when: (f) => f.readsPodLogs },
  // Registry credentials and job variables are mounted from per-job Secrets.
  { resource: 'secrets', verbs: ['create', 'delete', 'get', 'update'], when: ALWAYS },
  // The job's service account is checked before the pod is created.
  { resource: 'serviceaccounts', verbs: ['get'], when: ALWAYS },
  // Job `services:` with aliases get a Service.
  { resource: 'services', verbs: ['create', 'get'], when: ALWAYS },
  { resource: 'events', verbs: ['list'], when: (f) => f.podWarningEvents && !f.printPodEvents },
  { resource: 'events', verbs: ['list', 'watch'], when: (f) => f.printPodEvents },
  { resource: 'namespaces', verbs: ['create', 'delete'], when: (f) => f.namespacePerJob },
];

/** The Role rules for the given features: core API group only, verbs sorted, one rule per resource. */
export function executorRules(features: ExecutorFeatures): PolicyRule[] {
  return DOCUMENTED_RULES.filter((rule) => rule.when(features)).map((rule) => ({
    apiGroups: [''],
    resources: [rule.resource],
    verbs: [...rule.verbs].sort(),
  }));
}

/** The features a rendered runner config enables, read from the config itself so the Role follows the config. */
export function featuresOf(config: {
  readonly feature_flags: Readonly<Record<string, boolean>>;
  readonly kubernetes: { readonly print_pod_warning_events?: boolean; readonly namespace_per_job?: boolean };
}): ExecutorFeatures {
  const flags = config.feature_flags;
  return {
    podWarningEvents: config.kubernetes.print_pod_warning_events ?? true,
    printPodEvents: flags.FF_PRINT_POD_EVENTS ?? false,
    namespacePerJob: config.kubernetes.namespace_per_job ?? false,
    readsPodLogs: (flags.FF_KUBERNETES_HONOR_ENTRYPOINT ?? false) || (flags.FF_WAIT_FOR_POD_TO_BE_REACHABLE ?? false),
  };
}

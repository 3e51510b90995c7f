/**
 * What test:e2e asserts about objects it reads back from the cluster, as pure functions: each returns the problems
 * it finds (empty when all is well), naming the object, the field, what was expected and what was found. The
 * expectations come from the rendered output (NodePools, ServiceAccounts, the runner config), never from the
 * object under test.
 */
import type { KubeObject } from './kube';
import type { NodeShape } from './node-plan';

/** What a job pod of one runner must look like, derived from what was rendered for that runner. */
export interface JobPodExpectation {
  /** The nodes of the runner's job pool (from the node plan, i.e. from the NodePool). */
  readonly poolNodes: readonly NodeShape[];
  /** The job service account rendered for the runner. */
  readonly serviceAccount: string;
}

interface Container {
  readonly name: string;
  readonly securityContext?: {
    readonly allowPrivilegeEscalation?: boolean;
    readonly privileged?: boolean;
    readonly capabilities?: { readonly drop?: readonly string[]; readonly add?: readonly string[] };
  };
}

const tolerates = (tolerations: readonly any[], taint: { key: string; value?: string; effect: string }) =>  
  tolerations.some(
    (t) =>
      (t.effect === undefined || t.effect === '' || t.effect === taint.effect) &&
      (t.operator === 'Exists' ? t.key === undefined || t.key === taint.key : t.key === taint.key && (t.value ?? '') === (taint.value ?? '')),
  );

/** Problems of a job pod against what its runner's pool and service account require. */
export function jobPodProblems(pod: KubeObject, expected: JobPodExpectation): string[] {
  const name = `job pod ${pod.metadata.name}`;
  const problems: string[] = [];
  const spec = pod.spec ?? {};
  const pool = expected.poolNodes[0];
  if (!pool) return [`${name}: no node of its pool was planned`];

  // Scheduling: the selector must name the pool and its architecture, and only labels the pool's nodes carry.
  const selector: Record<string, string> = spec.nodeSelector ?? {};
  for (const key of ['kubernetes.io/arch', 'karpenter.sh/nodepool']) {
    if (selector[key] !== pool.labels[key]) {
      problems.push(`${name}: nodeSelector ${key} should be "${pool.labels[key]}" (from NodePool ${pool.pool}), got ${JSON.stringify(selector[key])}`);
    }
  }
  for (const [key, value] of Object.entries(selector)) {
    if (pool.labels[key] !== value) problems.push(`${name}: nodeSelector ${key}=${value} matches no node of NodePool ${pool.pool}`);
  }
  const tolerations: readonly unknown[] = spec.tolerations ?? [];
  for (const taint of pool.taints) {
    if (!tolerates(tolerations, taint)) problems.push(`${name}: does not tolerate NodePool ${pool.pool}'s taint ${taint.key}=${taint.value ?? ''}:${taint.effect}`);
  }
  if (spec.nodeName !== undefined && !expected.poolNodes.some((n) => n.name === spec.nodeName)) {
    problems.push(`${name}: runs on node ${spec.nodeName}, not on a node of NodePool ${pool.pool} (${expected.poolNodes.map((n) => n.name).join(', ')})`);
  }

  // Karpenter must not consolidate a node under a running job.
  if (pod.metadata.annotations?.['karpenter.sh/do-not-disrupt'] !== 'true') {
    problems.push(`${name}: annotation karpenter.sh/do-not-disrupt should be "true", got ${JSON.stringify(pod.metadata.annotations?.['karpenter.sh/do-not-disrupt'])}`);
  }

  // The job runs as its own service account, with no API token in the pod.
  if (spec.serviceAccountName !== expected.serviceAccount) {
    problems.push(`${name}: serviceAccountName should be "${expected.serviceAccount}", got ${JSON.stringify(spec.serviceAccountName)}`);
  }
  if (spec.automountServiceAccountToken !== false) problems.push(`${name}: automountServiceAccountToken should be false, got ${JSON.stringify(spec.automountServiceAccountToken)}`);
  const tokenVolumes = ((spec.volumes ?? []) as { name: string; projected?: { sources?: { serviceAccountToken?: unknown }[] } }[]).filter((v) =>
    v.projected?.sources?.some((s) => s.serviceAccountToken !== undefined),
  );
  if (tokenVolumes.length) problems.push(`${name}: mounts a service account token (volume ${tokenVolumes.map((v) => v.name).join(', ')})`);

  // Requests must count: BestEffort pods are the first evicted and are not what the runner config asks for.
  const qos = pod.status?.qosClass;
  if (qos === undefined || qos === 'BestEffort') problems.push(`${name}: QoS class should be Burstable or Guaranteed, got ${JSON.stringify(qos)}`);

  // Every container, init containers included, without privilege and with every capability dropped.
  const containers: Container[] = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
  for (const c of containers) {
    const sc = c.securityContext;
    if (sc?.allowPrivilegeEscalation !== false) problems.push(`${name}: container ${c.name}: allowPrivilegeEscalation should be false, got ${JSON.stringify(sc?.allowPrivilegeEscalation)}`);
    if (sc?.privileged === true) problems.push(`${name}: container ${c.name} is privileged`);
    if (!sc?.capabilities?.drop?.includes('ALL')) problems.push(`${name}: container ${c.name}: capabilities.drop should include ALL, got ${JSON.stringify(sc?.capabilities?.drop)}`);
  }
  return problems;
}

/** Problems of a running manager pod against the hardening we render (Pod Security "restricted" and more). */
export function managerPodProblems(pod: KubeObject, namespace: KubeObject | undefined): string[] {
  const name = `manager pod ${pod.metadata.name}`;
  const problems: string[] = [];
  const enforce = namespace?.metadata.labels?.['pod-security.kubernetes.io/enforce'];
  if (enforce !== 'restricted') problems.push(`${name}: namespace ${pod.metadata.namespace} should enforce Pod Security "restricted", enforces ${JSON.stringify(enforce)}`);
  const spec = pod.spec ?? {};
  if (spec.securityContext?.runAsNonRoot !== true) problems.push(`${name}: runAsNonRoot should be true`);
  for (const c of spec.containers ?? []) {
    if (c.securityContext?.readOnlyRootFilesystem !== true) problems.push(`${name}: container ${c.name}: readOnlyRootFilesystem should be true`);
  }
  if (pod.status?.phase !== 'Running') problems.push(`${name}: phase should be Running, got ${JSON.stringify(pod.status?.phase)}`);
  const ready = (pod.status?.conditions ?? []).find((c: { type: string }) => c.type === 'Ready');
  if (ready?.status !== 'True') problems.push(`${name}: not Ready (readiness probe on /metrics not passing)`);
  for (const s of pod.status?.containerStatuses ?? []) {
    if (s.restartCount > 0) problems.push(`${name}: container ${s.name} restarted ${s.restartCount} times (liveness probe or crash)`);
    if (s.started !== true) problems.push(`${name}: container ${s.name}: startup probe has not passed`);
  }
  return problems;
}

/** One entry of the API server's audit log (JSON lines, audit.k8s.io/v1 Event), the fields we read. */
export interface AuditEvent {
  readonly stage?: string;
  readonly verb?: string;
  readonly requestURI?: string;
  readonly user?: { readonly username?: string };
  readonly objectRef?: { readonly resource?: string; readonly subresource?: string; readonly namespace?: string; readonly name?: string };
  readonly responseStatus?: { readonly code?: number };
  readonly annotations?: Readonly<Record<string, string>>;
}

/** Requests by `users` the API server refused for lack of permission, from the audit log's text. */
export function deniedRequests(auditLog: string, users: readonly string[]): string[] {
  const denied: string[] = [];
  for (const line of auditLog.split('\n')) {
    if (!line.trim()) continue;
    const event = JSON.parse(line) as AuditEvent;
    if (event.stage !== 'ResponseComplete' || !users.includes(event.user?.username ?? '')) continue;
    const forbidden = event.annotations?.['authorization.k8s.io/decision'] === 'forbid' || event.responseStatus?.code === 403;
    if (!forbidden) continue;
    const ref = event.objectRef ?? {};
    const resource = `${ref.resource ?? '?'}${ref.subresource ? `/${ref.subresource}` : ''}`;
    denied.push(`${event.user?.username}: ${event.verb} ${resource}${ref.namespace ? ` in ${ref.namespace}` : ''}${ref.name ? ` (${ref.name})` : ''} was denied (${event.requestURI})`);
  }
  return denied;
}

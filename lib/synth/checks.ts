/**
 * Consistency by construction, checked on what was actually rendered: the objects in dist/, the config.toml inside
 * each ConfigMap. Anything that must agree across objects (a runner's node selector and its pool's requirements,
 * a toleration and a taint, a Secret a Deployment reads and what makes it) is verified here, at synth.
 */
import TOML from '@iarna/toml';
import { UserInputError } from '../model/errors';
import { findTokens, redact } from '../model/token-shapes';
import type { ManifestObject, RenderedFile } from './render';
import type { ResolvedCluster } from '../model/resolve';

/** One broken promise between rendered objects. */
export class RenderCheckError extends UserInputError {
  constructor(readonly problems: readonly string[]) {
    super(`rendered manifests are inconsistent:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'RenderCheckError';
  }
}

interface Requirement {
  key: string;
  operator: string;
  values?: string[];
}
interface Taint {
  key: string;
  value?: string;
  effect: string;
}
interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
}

/** Node labels Karpenter sets from what it launches: an unconstrained one can still be satisfied by a pod. */
const WELL_KNOWN_NODE_LABELS = new Set([
  'kubernetes.io/arch',
  'kubernetes.io/os',
  'karpenter.sh/capacity-type',
  'topology.kubernetes.io/zone',
  'node.kubernetes.io/instance-type',
]);

function get(object: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], object);
}

/** Whether a NodePool can launch a node carrying `key=value`. */
function poolOffers(pool: ManifestObject, key: string, value: string): boolean {
  if (key === 'karpenter.sh/nodepool') return pool.metadata.name === value;
  const labels = (get(pool, 'spec.template.metadata.labels') ?? {}) as Record<string, string>;
  if (key in labels) return labels[key] === value;
  const requirements = ((get(pool, 'spec.template.spec.requirements') ?? []) as Requirement[]).filter((r) => r.key === key);
  if (!requirements.length) return WELL_KNOWN_NODE_LABELS.has(key);
  return requirements.every((r) => {
    switch (r.operator) {
      case 'In':
        return (r.values ?? []).includes(value);
      case 'NotIn':
        return !(r.values ?? []).includes(value);
      case 'Exists':
        return true;
      case 'DoesNotExist':
        return false;
      default:
        return true; // Gt/Lt on numeric keys: not used in selectors
    }
  });
}

function tolerates(tolerations: readonly Toleration[], taint: Taint): boolean {
  return tolerations.some(
    (t) =>
      (t.effect === undefined || t.effect === '' || t.effect === taint.effect) &&
      (t.operator === 'Exists' ? t.key === undefined || t.key === taint.key : t.key === taint.key && (t.value ?? '') === (taint.value ?? '')),
  );
}

/** The runner's `"key=value" = "Effect"` tolerations as Kubernetes tolerations. */
function runnerTolerations(table: Record<string, string>): Toleration[] {
  return Object.entries(table).map(([keyValue, effect]) => {
    const [key, value] = keyValue.split('=', 2);
    return value === undefined ? { key, operator: 'Exists', effect } : { key, operator: 'Equal', value, effect };
  });
}

function poolSatisfies(pool: ManifestObject, selector: Record<string, string>, tolerations: readonly Toleration[]): boolean {
  const taints = (get(pool, 'spec.template.spec.taints') ?? []) as Taint[];
  return (
    Object.entries(selector).every(([key, value]) => poolOffers(pool, key, value)) &&
    taints.every((taint) => tolerates(tolerations, taint))
  );
}

function identity(object: ManifestObject): string {
  const group = object.apiVersion.includes('/') ? object.apiVersion.split('/')[0] : 'core';
  return `${object.kind}.${group} ${object.metadata.namespace ?? '(cluster)'}/${object.metadata.name}`;
}

/** Every problem in one cluster's rendered files. */
export function findRenderProblems(cluster: ResolvedCluster, files: readonly RenderedFile[]): string[] {
  const problems: string[] = [];
  const where = `cluster "${cluster.name}"`;
  const objects = files.flatMap((file) => (file.object ? [{ file, object: file.object }] : []));

  const seen = new Map<string, string>();
  for (const { file, object } of objects) {
    const id = identity(object);
    const first = seen.get(id);
    if (first) problems.push(`${where}: ${id} is rendered twice (${first} and ${file.path})`);
    else seen.set(id, file.path);
    if (object.kind === 'Secret') problems.push(`${where}: ${file.path} is a Secret; tokens come from Secrets made in the cluster, never from git`);
  }

  const byKind = (kind: string) => objects.filter(({ object }) => object.kind === kind).map(({ object }) => object);
  const pools = byKind('NodePool');
  const configMaps = byKind('ConfigMap');
  const deployments = byKind('Deployment');
  const externalSecrets = byKind('ExternalSecret');
  const serviceAccounts = new Set(byKind('ServiceAccount').map((sa) => `${sa.metadata.namespace}/${sa.metadata.name}`));

  for (const runner of cluster.runners) {
    const at = `${where}, runner "${runner.name}"`;
    const configMap = configMaps.find((cm) => cm.metadata.name === runner.names.manager);
    const template = (configMap?.data as Record<string, string> | undefined)?.['config.template.toml'];
    if (!template) {
      problems.push(`${at}: no ConfigMap ${runner.names.manager} with config.template.toml`);
      continue;
    }
    const config = TOML.parse(template) as unknown as {
      runners: Array<{
        kubernetes: {
          node_selector: Record<string, string>;
          node_tolerations: Record<string, string>;
          service_account: string;
          namespace: string;
          privileged?: boolean;
          allow_privilege_escalation?: boolean;
        };
      }>;
    };
    const executor = config.runners[0].kubernetes;
    // Jobs are never privileged: the job namespace enforces Pod Security "baseline", which would reject the pods.
    for (const key of ['privileged', 'allow_privilege_escalation'] as const) {
      if (executor[key] !== false) {
        problems.push(`${at}: runners.kubernetes.${key} must be false (jobs never run privileged), got ${JSON.stringify(executor[key])}`);
      }
    }
    const matching = pools
      .filter((pool) => poolSatisfies(pool, executor.node_selector, runnerTolerations(executor.node_tolerations)))
      .map((pool) => pool.metadata.name);
    if (matching.length !== 1 || matching[0] !== runner.jobPool.name) {
      problems.push(
        `${at}: runners.kubernetes.node_selector ${JSON.stringify(executor.node_selector)} with its node_tolerations ` +
          `must fit exactly NodePool ${runner.jobPool.name}, but fits ${matching.length ? matching.join(', ') : 'none'}`,
      );
    }
    if (!serviceAccounts.has(`${executor.namespace}/${executor.service_account}`)) {
      problems.push(`${at}: runners.kubernetes.service_account ${executor.namespace}/${executor.service_account} is not rendered`);
    }

    const deployment = deployments.find((d) => d.metadata.name === runner.names.manager);
    if (!deployment) {
      problems.push(`${at}: no Deployment ${runner.names.manager}`);
      continue;
    }
    const pod = get(deployment, 'spec.template.spec') as {
      serviceAccountName: string;
      volumes?: Array<{ secret?: { secretName: string } }>;
      tolerations?: Toleration[];
      affinity?: { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms: Array<{ matchExpressions: Requirement[] }> } } };
    };
    if (!serviceAccounts.has(`${deployment.metadata.namespace}/${pod.serviceAccountName}`)) {
      problems.push(`${at}: Deployment ${runner.names.manager} runs as ServiceAccount ${pod.serviceAccountName}, which is not rendered`);
    }
    for (const volume of pod.volumes ?? []) {
      if (!volume.secret) continue;
      const secretName = volume.secret.secretName;
      const madeByExternalSecret = externalSecrets.some(
        (es) => es.metadata.namespace === deployment.metadata.namespace && (get(es, 'spec.target.name') ?? es.metadata.name) === secretName,
      );
      const declaredExisting = runner.token.source === 'existing-secret' && runner.tokenSecret.name === secretName;
      if (!madeByExternalSecret && !declaredExisting) {
        problems.push(`${at}: Deployment ${runner.names.manager} reads Secret ${secretName}, which no ExternalSecret makes and no definition declares as existing`);
      }
    }
    // The manager must land on its own architecture, on demand: the fleet's manager pool must be able to hold it.
    const managerPool = pools.find((p) => p.metadata.name === cluster.managerPool.name);
    const terms = pod.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
    const fitsManagerPool =
      !!managerPool &&
      terms.some((term) =>
        term.matchExpressions.every((e) => e.operator === 'In' && (e.values ?? []).some((v) => poolOffers(managerPool, e.key, v))),
      ) &&
      ((get(managerPool, 'spec.template.spec.taints') ?? []) as Taint[]).every((t) => tolerates(pod.tolerations ?? [], t));
    if (!fitsManagerPool) {
      problems.push(`${at}: Deployment ${runner.names.manager} cannot be scheduled on NodePool ${cluster.managerPool.name} (affinity or tolerations)`);
    }
    const managerAffinityArch = terms.every((term) =>
      term.matchExpressions.some((e) => e.key === 'kubernetes.io/arch' && e.values?.length === 1 && e.values[0] === runner.arch),
    );
    if (!terms.length || !managerAffinityArch) {
      problems.push(`${at}: Deployment ${runner.names.manager} is not pinned to kubernetes.io/arch=${runner.arch}`);
    }
  }

  for (const file of files) {
    for (const { name, match } of findTokens(file.content)) {
      problems.push(`${where}: ${file.path} contains something that looks like a ${name} (${redact(match)})`);
    }
  }
  return problems;
}

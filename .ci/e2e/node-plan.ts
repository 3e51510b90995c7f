/**
 * The nodes test:e2e starts, derived from the rendered NodePools the way Karpenter would shape a node of each pool:
 * the pool's template labels, one label per requirement with a single `In` value, `karpenter.sh/nodepool`, and the
 * pool's taints. A requirement with several values (the managers' pool allows amd64 and arm64) is a choice
 * Karpenter makes per node; we make one node per architecture the pool allows, and as many of each as the
 * Deployments placed there need during a rollout (replicas + maxSurge, since managers repel each other by host).
 */
import type { ManifestObject } from '../../lib/synth/render';

export type Architecture = 'amd64' | 'arm64';

export interface NodeTaint {
  readonly key: string;
  readonly value?: string;
  readonly effect: string;
}

/** One node to start: its name, the pool it stands for, its architecture, labels and taints. */
export interface NodeShape {
  readonly name: string;
  readonly pool: string;
  readonly arch: Architecture;
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly NodeTaint[];
}

interface Requirement {
  readonly key: string;
  readonly operator: string;
  readonly values?: readonly string[];
}

interface NodePoolObject extends ManifestObject {
  readonly spec: {
    readonly template: {
      readonly metadata?: { readonly labels?: Record<string, string> };
      readonly spec: { readonly requirements: readonly Requirement[]; readonly taints?: readonly NodeTaint[] };
    };
  };
}

const ARCH = 'kubernetes.io/arch';
const CAPACITY_TYPE = 'karpenter.sh/capacity-type';
const NODEPOOL = 'karpenter.sh/nodepool';
const ARCHITECTURES: readonly Architecture[] = ['amd64', 'arm64'];

/** Does a node with `labels` satisfy one nodeSelectorTerm's matchExpressions? */
export function matchesTerm(labels: Readonly<Record<string, string>>, expressions: readonly Requirement[]): boolean {
  return expressions.every(({ key, operator, values = [] }) => {
    const value = labels[key];
    switch (operator) {
      case 'In':
        return value !== undefined && values.includes(value);
      case 'NotIn':
        return value === undefined || !values.includes(value);
      case 'Exists':
        return value !== undefined;
      case 'DoesNotExist':
        return value === undefined;
      default:
        throw new Error(`node affinity operator "${operator}" is not supported by the e2e node plan`);
    }
  });
}

/** How many pods of Deployment `object` may run at once during a rollout, if it requires nodes like `labels`. */
function deploymentDemand(object: ManifestObject, labels: Readonly<Record<string, string>>): number {
  const spec = object.spec as {
    replicas?: number;
    strategy?: { rollingUpdate?: { maxSurge?: number | string } };
    template: { spec: { affinity?: { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms: { matchExpressions?: Requirement[] }[] } } } } };
  };
  const terms = spec.template.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (!terms?.some((term) => matchesTerm(labels, term.matchExpressions ?? []))) return 0;
  const surge = spec.strategy?.rollingUpdate?.maxSurge;
  if (typeof surge === 'string') throw new Error(`Deployment ${object.metadata.name}: a percentage maxSurge ("${surge}") is not supported by the e2e node plan`);
  return (spec.replicas ?? 1) + (surge ?? 0);
}

function nodePoolShape(pool: NodePoolObject): { arches: Architecture[]; labels: Record<string, string>; taints: NodeTaint[] } {
  const name = pool.metadata.name;
  const labels: Record<string, string> = { ...pool.spec.template.metadata?.labels, [NODEPOOL]: name };
  let arches: Architecture[] = [];
  for (const { key, operator, values = [] } of pool.spec.template.spec.requirements) {
    if (key === ARCH) {
      if (operator !== 'In') throw new Error(`NodePool ${name}: the ${ARCH} requirement must use In, got ${operator}`);
      const unknown = values.filter((v) => !(ARCHITECTURES as readonly string[]).includes(v));
      if (unknown.length) throw new Error(`NodePool ${name}: architecture(s) ${unknown.join(', ')} cannot run here (amd64, arm64)`);
      arches = values as Architecture[];
    } else if (operator === 'In' && values.length === 1) {
      labels[key] = values[0]!;
    } else if (operator === 'In' && key === CAPACITY_TYPE) {
      // Karpenter picks one per node; managers' pools prefer on-demand, so do we.
      labels[key] = values.includes('on-demand') ? 'on-demand' : values[0]!;
    }
  }
  if (!arches.length) throw new Error(`NodePool ${name}: no ${ARCH} requirement, so the e2e node plan cannot tell which nodes to start`);
  return { arches, labels, taints: [...(pool.spec.template.spec.taints ?? [])] };
}

/** The nodes for every NodePool in `objects`, in a stable order (pool name, architecture, index). */
export function planNodes(objects: readonly ManifestObject[]): NodeShape[] {
  const pools = objects
    .filter((o): o is NodePoolObject => o.kind === 'NodePool' && o.apiVersion.startsWith('karpenter.sh/'))
    .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  const deployments = objects.filter((o) => o.kind === 'Deployment');
  const nodes: NodeShape[] = [];
  for (const pool of pools) {
    const shape = nodePoolShape(pool);
    for (const arch of shape.arches) {
      const labels = { ...shape.labels, [ARCH]: arch };
      const count = Math.max(1, ...deployments.map((d) => deploymentDemand(d, labels)));
      for (let index = 1; index <= count; index++) {
        const name = shape.arches.length > 1 ? `${pool.metadata.name}-${arch}-${index}` : `${pool.metadata.name}-${index}`;
        nodes.push({ name, pool: pool.metadata.name, arch, labels, taints: shape.taints });
      }
    }
  }
  return nodes;
}

/** The kubelet's `--node-labels` value for a node (sorted, so the command line is stable). */
export function kubeletNodeLabels(node: NodeShape): string {
  return Object.entries(node.labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
}

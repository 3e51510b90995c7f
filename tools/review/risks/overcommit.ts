/**
 * Pool capacity overcommitted by concurrency: the jobs the runner managers of a job pool may run at once
 * (`concurrent`, or the runner's `limit`, × the Deployment's replicas), each at its maximum size (the largest
 * request a job may ask for, plus the helper), request more CPU or memory than the NodePool's limits let Karpenter
 * launch. Some jobs then wait for capacity and fail at poll_timeout. Flagged when a change makes a pool
 * overcommitted or more so; the synth warns about the same condition (lib/model/consistency.ts capacityWarnings).
 */
import { parseQuantity } from '../../../lib/model/quantity';
import { formatBytes } from '../../../lib/model/quantity';
import { embeddedDocuments } from '../embedded';
import type { ReviewObject } from '../manifests';
import { isMapping } from '../values';
import { clusterObjects, highlight, type Highlight, type RiskCheck } from './highlight';

const NODEPOOL_SELECTOR = 'karpenter.sh/nodepool';

function quantity(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return 0;
  try {
    return parseQuantity(value);
  } catch {
    return 0;
  }
}

interface Demand {
  cpu: number;
  memory: number;
  /** How it adds up, for the message. */
  parts: string[];
}

/** What the runner managers of one cluster ask of each job pool, by pool name. */
export function poolDemand(objects: readonly ReviewObject[]): Map<string, Demand> {
  const configs = new Map(objects.filter((o) => o.kind === 'ConfigMap').map((o) => [`${o.namespace}/${o.name}`, o]));
  const demand = new Map<string, Demand>();
  for (const deployment of objects) {
    if (deployment.kind !== 'Deployment' || !isMapping(deployment.body) || !isMapping(deployment.body.spec)) continue;
    const replicas = typeof deployment.body.spec.replicas === 'number' ? deployment.body.spec.replicas : 1;
    const template = isMapping(deployment.body.spec.template) && isMapping(deployment.body.spec.template.spec) ? deployment.body.spec.template.spec : {};
    const volumes = Array.isArray(template.volumes) ? template.volumes : [];
    for (const volume of volumes) {
      if (!isMapping(volume) || !isMapping(volume.configMap)) continue;
      const configMap = configs.get(`${deployment.namespace}/${String(volume.configMap.name)}`);
      for (const { value: config } of configMap ? embeddedDocuments(configMap.body) : []) {
        const concurrent = typeof config.concurrent === 'number' ? config.concurrent : 1;
        for (const runner of Array.isArray(config.runners) ? config.runners : []) {
          if (!isMapping(runner) || !isMapping(runner.kubernetes)) continue;
          const k = runner.kubernetes;
          const pool = isMapping(k.node_selector) ? k.node_selector[NODEPOOL_SELECTOR] : undefined;
          if (typeof pool !== 'string') continue;
          const limit = typeof runner.limit === 'number' && runner.limit > 0 ? Math.min(runner.limit, concurrent) : concurrent;
          const jobs = limit * replicas;
          const cpu = Math.max(quantity(k.cpu_request), quantity(k.cpu_request_overwrite_max_allowed)) + quantity(k.helper_cpu_request);
          const memory = Math.max(quantity(k.memory_request), quantity(k.memory_request_overwrite_max_allowed)) + quantity(k.helper_memory_request);
          const entry = demand.get(pool) ?? { cpu: 0, memory: 0, parts: [] };
          entry.cpu += jobs * cpu;
          entry.memory += jobs * memory;
          entry.parts.push(`${deployment.name}: ${limit} jobs × ${replicas} replicas × ${Number(cpu.toFixed(2))} CPU, ${formatBytes(memory)}`);
          demand.set(pool, entry);
        }
      }
    }
  }
  return demand;
}

/** By how much each resource of each pool is overcommitted (demand − limit, > 0 only). */
function overcommitted(objects: readonly ReviewObject[]): Map<string, { pool: ReviewObject; resource: 'cpu' | 'memory'; demand: Demand; limit: number }> {
  const demand = poolDemand(objects);
  const out = new Map<string, { pool: ReviewObject; resource: 'cpu' | 'memory'; demand: Demand; limit: number }>();
  for (const pool of objects) {
    if (pool.kind !== 'NodePool' || !isMapping(pool.body) || !isMapping(pool.body.spec) || !isMapping(pool.body.spec.limits)) continue;
    const asked = demand.get(pool.name);
    if (!asked) continue;
    for (const resource of ['cpu', 'memory'] as const) {
      if (!(resource in pool.body.spec.limits)) continue;
      const limit = quantity(pool.body.spec.limits[resource]);
      if (asked[resource] > limit) out.set(`${pool.name} ${resource}`, { pool, resource, demand: asked, limit });
    }
  }
  return out;
}

export const capacityOvercommitted: RiskCheck = (context) => {
  const out: Highlight[] = [];
  for (const cluster of [...new Set(context.changes.map((c) => c.cluster))]) {
    const before = overcommitted(clusterObjects(context.base, cluster));
    for (const [key, { pool, resource, demand, limit }] of overcommitted(clusterObjects(context.head, cluster))) {
      const was = before.get(key);
      if (was && was.demand[resource] - was.limit >= demand[resource] - limit) continue;
      const show = (v: number) => (resource === 'cpu' ? `${Number(v.toFixed(2))} CPU` : formatBytes(v));
      out.push(
        highlight(
          'capacity',
          pool,
          `spec.limits.${resource}`,
          `jobs at their maximum size ask ${show(demand[resource])} (${demand.parts.join('; ')}), the limit is ${show(limit)}: ` +
            'when many large jobs come at once, some wait for capacity and may fail at poll_timeout',
        ),
      );
    }
  }
  return out;
};

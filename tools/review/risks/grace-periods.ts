/**
 * Grace periods shortened below the job timeout. A runner manager drains on SIGQUIT and needs its pod's
 * terminationGracePeriodSeconds to cover its longest job plus a margin; a job node needs its NodePool's
 * terminationGracePeriod to cover the longest job of the runners that use it, or an expiring node kills jobs.
 *
 * The job timeout is read from the same cluster's rendered objects, as the renderer derives it:
 * a manager's terminationGracePeriodSeconds − DRAIN_MARGIN_SECONDS; the pools it uses come from the
 * `karpenter.sh/nodepool` node selector in its config.toml.
 */
import { formatDuration, parseDuration } from '../../../lib/model/duration';
import { embeddedDocuments } from '../embedded';
import type { ReviewObject } from '../manifests';
import { isMapping } from '../values';
import { clusterObjects, headVersions, highlight, type Highlight, type RiskCheck } from './highlight';
import { DRAIN_MARGIN_SECONDS } from '../../../lib/model/drain';

const NODEPOOL_SELECTOR = 'karpenter.sh/nodepool';


interface Manager {
  readonly name: string;
  readonly graceSeconds: number;
  readonly jobTimeoutSeconds: number;
  /** NodePools its job pods are sent to. */
  readonly pools: readonly string[];
}

function graceSecondsOf(body: unknown): number | undefined {
  const spec = isMapping(body) && isMapping(body.spec) && isMapping(body.spec.template) && isMapping(body.spec.template.spec) ? body.spec.template.spec : undefined;
  return typeof spec?.terminationGracePeriodSeconds === 'number' ? spec.terminationGracePeriodSeconds : undefined;
}

function configMapsMounted(body: unknown): string[] {
  const spec = isMapping(body) && isMapping(body.spec) && isMapping(body.spec.template) && isMapping(body.spec.template.spec) ? body.spec.template.spec : undefined;
  const volumes = Array.isArray(spec?.volumes) ? spec.volumes : [];
  return volumes.flatMap((v: unknown) => (isMapping(v) && isMapping(v.configMap) && typeof v.configMap.name === 'string' ? [v.configMap.name] : []));
}

/** Runner managers of one cluster: Deployments that mount a ConfigMap holding a runner config.toml. */
export function runnerManagers(objects: readonly ReviewObject[]): Manager[] {
  const configs = new Map<string, ReviewObject>();
  for (const o of objects) if (o.kind === 'ConfigMap') configs.set(`${o.namespace}/${o.name}`, o);
  return objects.flatMap((deployment) => {
    if (deployment.kind !== 'Deployment') return [];
    const graceSeconds = graceSecondsOf(deployment.body);
    const documents = configMapsMounted(deployment.body).flatMap((name) => {
      const configMap = configs.get(`${deployment.namespace}/${name}`);
      return configMap ? embeddedDocuments(configMap.body) : [];
    });
    if (graceSeconds === undefined || !documents.length) return [];
    const pools = documents.flatMap(({ value }) =>
      (Array.isArray(value.runners) ? value.runners : []).flatMap((runner: unknown) => {
        const selector = isMapping(runner) && isMapping(runner.kubernetes) && isMapping(runner.kubernetes.node_selector) ? runner.kubernetes.node_selector : {};
        return typeof selector[NODEPOOL_SELECTOR] === 'string' ? [selector[NODEPOOL_SELECTOR]] : [];
      }),
    );
    return [{ name: deployment.name, graceSeconds, jobTimeoutSeconds: Math.max(0, graceSeconds - DRAIN_MARGIN_SECONDS), pools }];
  });
}

function poolGraceSeconds(body: unknown): number | undefined {
  const spec = isMapping(body) && isMapping(body.spec) && isMapping(body.spec.template) && isMapping(body.spec.template.spec) ? body.spec.template.spec : undefined;
  if (typeof spec?.terminationGracePeriod !== 'string') return undefined;
  try {
    return parseDuration(spec.terminationGracePeriod);
  } catch {
    return undefined;
  }
}

interface PoolShortfall {
  readonly pool: ReviewObject;
  readonly graceSeconds: number;
  readonly neededSeconds: number;
  readonly reason: string;
}

/** NodePools of one cluster whose terminationGracePeriod is shorter than what runs on them needs. */
export function poolShortfalls(objects: readonly ReviewObject[]): PoolShortfall[] {
  const managers = runnerManagers(objects);
  if (!managers.length) return [];
  return objects.flatMap((pool) => {
    if (pool.kind !== 'NodePool') return [];
    const graceSeconds = poolGraceSeconds(pool.body);
    if (graceSeconds === undefined) return [];
    const users = managers.filter((m) => m.pools.includes(pool.name));
    const [neededSeconds, reason] = users.length
      ? [Math.max(...users.map((m) => m.jobTimeoutSeconds)), `the longest job timeout of ${users.map((m) => m.name).join(', ')}`]
      : [Math.max(...managers.map((m) => m.graceSeconds)), 'the longest runner manager drain'];
    return graceSeconds < neededSeconds ? [{ pool, graceSeconds, neededSeconds, reason }] : [];
  });
}

export const gracePeriodsShortened: RiskCheck = (context) => {
  const out: Highlight[] = [];
  for (const { head, base } of headVersions(context, 'Deployment')) {
    const before = base ? graceSecondsOf(base.body) : undefined;
    const after = graceSecondsOf(head.body);
    if (before === undefined || after === undefined || after >= before) continue;
    const manager = runnerManagers(clusterObjects(context.head, head.cluster)).find((m) => m.name === head.name);
    const jobs = manager
      ? `: drains jobs up to ${formatDuration(manager.jobTimeoutSeconds)}, was ${formatDuration(Math.max(0, before - DRAIN_MARGIN_SECONDS))}; a rollout kills longer jobs`
      : '';
    out.push(highlight('grace-period', head, 'spec.template.spec.terminationGracePeriodSeconds', `${before} → ${after}${jobs}`));
  }
  const clusters = [...new Set(context.changes.map((c) => c.cluster))];
  for (const cluster of clusters) {
    const before = new Set(poolShortfalls(clusterObjects(context.base, cluster)).map((s) => s.pool.name));
    for (const shortfall of poolShortfalls(clusterObjects(context.head, cluster))) {
      if (before.has(shortfall.pool.name)) continue;
      out.push(
        highlight(
          'grace-period',
          shortfall.pool,
          'spec.template.spec.terminationGracePeriod',
          `${formatDuration(shortfall.graceSeconds)} is shorter than ${shortfall.reason} (${formatDuration(shortfall.neededSeconds)}): expiring or drained nodes kill running jobs`,
        ),
      );
    }
  }
  return out;
};

/**
 * Drain protection removed: job pods losing `karpenter.sh/do-not-disrupt` (Karpenter may then consolidate a node
 * under a running job), a container losing its preStop hook (the manager's SIGQUIT drain), a PodDisruptionBudget
 * removed, a rollout allowed to take managers down (maxUnavailable above 0), or a runner manager removed while it
 * still ran managers (not retired first).
 */
import { formatPath, lastKey, type FieldPath } from '../paths';
import { formatValue, isMapping } from '../values';
import { comparableLeaves, headVersions, highlight, type Highlight, type RiskCheck } from './highlight';

const DO_NOT_DISRUPT = ['karpenter.sh/do-not-disrupt', 'karpenter.sh/do-not-evict'];

/** Paths of preStop hooks among some leaves, up to the hook itself. */
function preStopHooks(leaves: Iterable<{ readonly path: FieldPath }>): Map<string, FieldPath> {
  const hooks = new Map<string, FieldPath>();
  for (const { path } of leaves) {
    const at = path.findIndex((s) => 'key' in s && s.key === 'preStop');
    if (at > 0) hooks.set(formatPath(path.slice(0, at + 1)), path.slice(0, at + 1));
  }
  return hooks;
}

function maxUnavailable(body: unknown): unknown {
  const strategy = isMapping(body) && isMapping(body.spec) && isMapping(body.spec.strategy) ? body.spec.strategy : undefined;
  return isMapping(strategy?.rollingUpdate) ? strategy.rollingUpdate.maxUnavailable : undefined;
}

function isZero(value: unknown): boolean {
  return value === 0 || value === '0' || value === '0%';
}

export const drainProtectionRemoved: RiskCheck = (context) => {
  const out: Highlight[] = [];
  for (const version of headVersions(context)) {
    if (!version.base) continue;
    const { head } = version;
    const leaves = comparableLeaves(version);
    for (const [key, leaf] of leaves.base) {
      const name = lastKey(leaf.path);
      if (name && DO_NOT_DISRUPT.includes(name) && String(leaf.value) === 'true' && String(leaves.head.get(key)?.value) !== 'true') {
        const now = leaves.head.get(key)?.value;
        out.push(highlight('disruption', head, leaf.path, `${name} ${now === undefined ? 'removed' : `→ ${formatValue(now)}`}: Karpenter may disrupt nodes under running jobs`));
      }
    }
    const after = preStopHooks(leaves.head.values());
    for (const [key, path] of preStopHooks(leaves.base.values())) {
      if (!after.has(key)) out.push(highlight('disruption', head, path, 'preStop hook removed: pods stop without draining'));
    }
    if (head.kind === 'Deployment' && isZero(maxUnavailable(version.base.body)) && !isZero(maxUnavailable(head.body))) {
      out.push(
        highlight('disruption', head, 'spec.strategy.rollingUpdate.maxUnavailable', `0 → ${formatValue(maxUnavailable(head.body) ?? '25% (default)')}: a rollout may stop managers before new ones run`),
      );
    }
  }
  const removed = context.changes.flatMap((change) => (change.type === 'removed' && change.base ? [change.base] : []));
  const removedDeployment = (namespace: string, name: string) =>
    removed.find((o) => o.kind === 'Deployment' && o.namespace === namespace && o.name === name);
  for (const object of removed) {
    if (object.kind === 'Deployment') {
      // Flux deletes every object of a removed runner in one pass: the draining managers lose their ServiceAccount and
      // Role with them. Only a runner already scaled to zero (retiring) may go.
      const replicas = isMapping(object.body) && isMapping(object.body.spec) ? object.body.spec.replicas : undefined;
      if (!isZero(replicas)) {
        out.push(
          highlight('disruption', object, 'spec.replicas', `Deployment removed while it ran ${formatValue(replicas ?? 1)} managers: their running jobs fail (retire the runner first, docs/lifecycle.md)`),
        );
      }
    } else if (object.kind === 'PodDisruptionBudget' && !removedDeployment(object.namespace, object.name)) {
      out.push(highlight('disruption', object, '', 'PodDisruptionBudget removed: evictions may stop every manager at once'));
    }
  }
  return out;
};

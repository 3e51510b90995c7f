/**
 * Limits raised: a NodePool's CPU or memory limit raised or removed (more nodes, more cost), a runner's
 * `concurrent` or `limit` raised (more jobs at once; `limit = 0` is unlimited), a job size maximum raised, or a
 * Deployment's replicas raised.
 */
import { formatPath, lastKey } from '../paths';
import { parseQuantity } from '../../../lib/model/quantity';
import { isMapping, formatValue } from '../values';
import { comparableLeaves, headVersions, highlight, type Highlight, type RiskCheck } from './highlight';

/** A limit as a number; `unlimited` maps to Infinity. Undefined when it is not a number or quantity. */
function amount(value: unknown, zeroIsUnlimited = false): number | undefined {
  if (typeof value === 'number') return zeroIsUnlimited && value === 0 ? Infinity : value;
  if (typeof value !== 'string') return undefined;
  try {
    return parseQuantity(value);
  } catch {
    return undefined;
  }
}

function raised(before: unknown, after: unknown, zeroIsUnlimited = false): boolean {
  const a = amount(before, zeroIsUnlimited);
  const b = amount(after, zeroIsUnlimited);
  return a !== undefined && b !== undefined && b > a;
}

/** Runner config fields whose rise lets more (or bigger) jobs run. */
function isRunnerLimit(name: string): boolean {
  return name === 'concurrent' || name === 'limit' || name === 'request_concurrency' || name.endsWith('_overwrite_max_allowed');
}

export const limitsRaised: RiskCheck = (context) => {
  const out: Highlight[] = [];
  for (const version of headVersions(context)) {
    const { head, base } = version;
    if (!base) continue;
    if (head.kind === 'NodePool') {
      const before = isMapping(base.body) && isMapping(base.body.spec) && isMapping(base.body.spec.limits) ? base.body.spec.limits : {};
      const after = isMapping(head.body) && isMapping(head.body.spec) && isMapping(head.body.spec.limits) ? head.body.spec.limits : {};
      for (const resource of Object.keys(before)) {
        const field = formatPath([{ key: 'spec' }, { key: 'limits' }, { key: resource }]);
        if (!(resource in after)) out.push(highlight('limits', head, field, `${formatValue(before[resource])} → removed: the pool is unbounded`));
        else if (raised(before[resource], after[resource])) out.push(highlight('limits', head, field, `${formatValue(before[resource])} → ${formatValue(after[resource])}`));
      }
      continue;
    }
    if (head.kind === 'Deployment' || head.kind === 'StatefulSet') {
      const replicas = (body: unknown) => (isMapping(body) && isMapping(body.spec) ? body.spec.replicas : undefined);
      if (raised(replicas(base.body), replicas(head.body))) {
        out.push(highlight('limits', head, 'spec.replicas', `${formatValue(replicas(base.body))} → ${formatValue(replicas(head.body))}`));
      }
      continue;
    }
    const leaves = comparableLeaves(version);
    for (const [key, leaf] of leaves.head) {
      const name = lastKey(leaf.path);
      if (!name || !('embedded' in (leaf.path[0] ?? {})) || !isRunnerLimit(name)) continue;
      const was = leaves.base.get(key)?.value;
      const unlimitedAtZero = name === 'limit';
      if (raised(was, leaf.value, unlimitedAtZero)) {
        const note = unlimitedAtZero && leaf.value === 0 ? ' (0: unlimited)' : '';
        out.push(highlight('limits', head, leaf.path, `${formatValue(was)} → ${formatValue(leaf.value)}${note}`));
      }
    }
  }
  return out;
};

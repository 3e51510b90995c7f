/**
 * Flux behaviour changed: a Kustomization's `prune` turned on (objects removed from git are deleted from the
 * cluster) or off (they are left behind), or reconciliation suspended.
 */
import { isMapping, formatValue } from '../values';
import { headVersions, highlight, type Highlight, type RiskCheck } from './highlight';

const FLUX_KUSTOMIZE = 'kustomize.toolkit.fluxcd.io';

function specField(body: unknown, field: string): unknown {
  return isMapping(body) && isMapping(body.spec) ? body.spec[field] : undefined;
}

export const fluxChanged: RiskCheck = (context) => {
  const out: Highlight[] = [];
  for (const { head, base } of headVersions(context, 'Kustomization')) {
    if (head.group !== FLUX_KUSTOMIZE) continue;
    const prune = [base ? specField(base.body, 'prune') : undefined, specField(head.body, 'prune')];
    if (base && prune[0] !== prune[1]) {
      const effect = prune[1] === true ? 'objects removed from git are now deleted from the cluster' : 'objects removed from git are now left running';
      out.push(highlight('flux', head, 'spec.prune', `${formatValue(prune[0] ?? 'unset')} → ${formatValue(prune[1] ?? 'unset')}: ${effect}`));
    }
    if (specField(head.body, 'suspend') === true && (!base || specField(base.body, 'suspend') !== true)) {
      out.push(highlight('flux', head, 'spec.suspend', 'reconciliation suspended: later commits are not applied'));
    }
  }
  return out;
};

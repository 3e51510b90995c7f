/** Every risk check, in the order highlights are reported. */
import { capacityTypeChanged } from './capacity-type';
import { chartVersionsChanged } from './charts';
import { drainProtectionRemoved } from './disruption';
import { fluxChanged } from './flux';
import { gracePeriodsShortened } from './grace-periods';
import type { Highlight, RiskCheck, RiskContext } from './highlight';
import { imagesMoved } from './images';
import { limitsRaised } from './limits';
import { privilegeRaised } from './privilege';
import { rbacWidened } from './rbac';
import { secretsAppearing } from './secrets';
import { tokenSourceChanged } from './token-source';
import { capacityOvercommitted } from './overcommit';

export const RISK_CHECKS: readonly RiskCheck[] = [
  secretsAppearing,
  tokenSourceChanged,
  rbacWidened,
  privilegeRaised,
  capacityTypeChanged,
  limitsRaised,
  capacityOvercommitted,
  gracePeriodsShortened,
  drainProtectionRemoved,
  fluxChanged,
  imagesMoved,
  chartVersionsChanged,
];

/** Highlights of every check, sorted by cluster, in check order within a cluster; each one once. */
export function findRisks(context: RiskContext): Highlight[] {
  const all = RISK_CHECKS.flatMap((check) => check(context));
  const seen = new Set<string>();
  const unique = all.filter((h) => {
    const key = JSON.stringify(h);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const clusters = [...new Set(unique.map((h) => h.cluster))].sort();
  return clusters.flatMap((cluster) => unique.filter((h) => h.cluster === cluster));
}

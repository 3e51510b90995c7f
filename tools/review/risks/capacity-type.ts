/**
 * Capacity type changed: a NodePool's `karpenter.sh/capacity-type` requirement moving between spot and on-demand
 * (spot jobs can be interrupted with two minutes' notice; on-demand costs about three times as much).
 */
import { isMapping } from '../values';
import { headVersions, highlight, type Highlight, type RiskCheck } from './highlight';

const CAPACITY_TYPE = 'karpenter.sh/capacity-type';
const ALL_TYPES = '(any: no requirement)';

/** The capacity types a NodePool allows, sorted; undefined when it does not say. */
export function capacityTypes(body: unknown): string[] | undefined {
  const spec = isMapping(body) && isMapping(body.spec) && isMapping(body.spec.template) && isMapping(body.spec.template.spec) ? body.spec.template.spec : undefined;
  const requirement = Array.isArray(spec?.requirements) ? spec.requirements.find((r: unknown) => isMapping(r) && r.key === CAPACITY_TYPE) : undefined;
  if (!isMapping(requirement) || !Array.isArray(requirement.values)) return undefined;
  const values = requirement.values.map(String).sort();
  return requirement.operator === 'NotIn' ? values.map((v) => `not ${v}`) : values;
}

export const capacityTypeChanged: RiskCheck = (context) => {
  const out: Highlight[] = [];
  for (const { head, base } of headVersions(context, 'NodePool')) {
    if (!base) continue;
    const before = capacityTypes(base.body)?.join(', ') ?? ALL_TYPES;
    const after = capacityTypes(head.body)?.join(', ') ?? ALL_TYPES;
    if (before !== after) {
      out.push(highlight('capacity-type', head, `spec.template.spec.requirements[${CAPACITY_TYPE}].values`, `${before} → ${after}`));
    }
  }
  return out;
};

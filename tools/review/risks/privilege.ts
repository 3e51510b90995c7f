/**
 * Privilege raised: a container (or the runner's job pods, through config.toml) becoming privileged, allowed to
 * escalate, running as root, sharing the host's namespaces, gaining Linux capabilities or no longer dropping ALL;
 * a namespace's Pod Security level lowered.
 */
import { keysOf, lastKey } from '../paths';
import { comparableLeaves, headVersions, highlight, type Highlight, type RiskCheck } from './highlight';

/** Fields that are a risk when they become true (Kubernetes and GitLab Runner names). */
const MUST_NOT_BECOME_TRUE = new Set(['privileged', 'allowPrivilegeEscalation', 'allow_privilege_escalation', 'hostNetwork', 'hostPID', 'hostIPC']);
/** Fields that are a risk when they stop being true. */
const MUST_STAY_TRUE = new Set(['runAsNonRoot']);
const PSA_LEVELS = ['privileged', 'baseline', 'restricted'];
const PSA_ENFORCE = 'pod-security.kubernetes.io/enforce';

function asList(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : value === undefined ? [] : [String(value)];
}

export const privilegeRaised: RiskCheck = (context) => {
  const out: Highlight[] = [];
  for (const version of headVersions(context)) {
    const { head } = version;
    const leaves = comparableLeaves(version);
    for (const [key, leaf] of leaves.head) {
      const name = lastKey(leaf.path);
      const was = leaves.base.get(key)?.value;
      if (name && MUST_NOT_BECOME_TRUE.has(name) && leaf.value === true && was !== true) {
        out.push(highlight('privilege', head, leaf.path, `${name}: ${String(was ?? 'unset')} → true`));
      }
      const keys = keysOf(leaf.path);
      const capabilityAdd = (name === 'add' && keys.includes('capabilities')) || name === 'cap_add';
      if (capabilityAdd) {
        const added = asList(leaf.value).filter((c) => !asList(was).includes(c));
        if (added.length) out.push(highlight('privilege', head, leaf.path, `capabilities added: ${added.join(', ')}`));
      }
    }
    for (const [key, leaf] of leaves.base) {
      const name = lastKey(leaf.path);
      const now = leaves.head.get(key)?.value;
      if (name && MUST_STAY_TRUE.has(name) && leaf.value === true && now !== true) {
        out.push(highlight('privilege', head, leaf.path, `${name}: true → ${String(now ?? 'unset')}`));
      }
      const keys = keysOf(leaf.path);
      if (((name === 'drop' && keys.includes('capabilities')) || name === 'cap_drop') && asList(leaf.value).includes('ALL') && !asList(now).includes('ALL')) {
        out.push(highlight('privilege', head, leaf.path, 'capabilities no longer drop ALL'));
      }
      if (name === PSA_ENFORCE && version.base && typeof leaf.value === 'string') {
        const from = PSA_LEVELS.indexOf(leaf.value);
        const to = typeof now === 'string' ? PSA_LEVELS.indexOf(now) : -1;
        if (from > 0 && to < from) out.push(highlight('privilege', head, leaf.path, `Pod Security enforce: ${leaf.value} → ${String(now ?? 'unset')}`));
      }
    }
  }
  return out;
};

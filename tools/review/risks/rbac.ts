/**
 * RBAC widened: a Role or ClusterRole granting a verb on a resource it did not grant (or a wildcard), a binding
 * gaining subjects or pointing at another role, a ClusterRole or ClusterRoleBinding appearing.
 */
import { isMapping } from '../values';
import { headVersions, highlight, type Highlight, type RiskCheck } from './highlight';

interface Grant {
  readonly group: string;
  /** Resource, `resource/subresource`, `resource@name` when restricted to names, or a non-resource URL. */
  readonly resource: string;
  readonly verb: string;
}

const RBAC_GROUP = 'rbac.authorization.k8s.io';

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function grantsOf(body: unknown): Grant[] {
  if (!isMapping(body) || !Array.isArray(body.rules)) return [];
  return body.rules.flatMap((rule: unknown) => {
    if (!isMapping(rule)) return [];
    const names = strings(rule.resourceNames);
    const resources = [
      ...strings(rule.resources).flatMap((r) => (names.length ? names.map((n) => `${r}@${n}`) : [r])),
      ...strings(rule.nonResourceURLs),
    ];
    const groups = strings(rule.nonResourceURLs).length && !strings(rule.resources).length ? [''] : strings(rule.apiGroups);
    return groups.flatMap((group) => resources.flatMap((resource) => strings(rule.verbs).map((verb) => ({ group, resource, verb }))));
  });
}

function part(held: string, wanted: string): boolean {
  return held === '*' || held === wanted;
}

function resourceCovers(held: string, wanted: string): boolean {
  if (held === '*' || held === wanted) return true;
  // `pods` covers `pods@name`; `*` covers subresources only as `*/…` does in Kubernetes, so compare plainly.
  return !held.includes('@') && wanted.startsWith(`${held}@`);
}

function covered(grant: Grant, held: readonly Grant[]): boolean {
  return held.some((h) => part(h.group, grant.group) && resourceCovers(h.resource, grant.resource) && part(h.verb, grant.verb));
}

function describeResource(grant: Grant): string {
  return grant.group ? `${grant.group}/${grant.resource}` : grant.resource;
}

function hasWildcard(grants: readonly Grant[]): boolean {
  return grants.some((g) => g.group === '*' || g.resource === '*' || g.resource.startsWith('*') || g.verb === '*');
}

function subjectsOf(body: unknown): string[] {
  if (!isMapping(body) || !Array.isArray(body.subjects)) return [];
  return body.subjects.filter(isMapping).map((s) => `${s.kind} ${s.namespace ? `${String(s.namespace)}/` : ''}${String(s.name)}`);
}

function roleRefOf(body: unknown): string {
  const ref = isMapping(body) && isMapping(body.roleRef) ? body.roleRef : {};
  return `${String(ref.kind)} ${String(ref.name)}`;
}

export const rbacWidened: RiskCheck = (context) => {
  const out: Highlight[] = [];
  for (const version of headVersions(context)) {
    const { head, base, change } = version;
    if (head.group !== RBAC_GROUP) continue;
    if (head.kind === 'Role' || head.kind === 'ClusterRole') {
      const grants = grantsOf(head.body);
      if (!base) {
        if (head.kind === 'ClusterRole') {
          out.push(highlight('rbac', head, 'rules', `ClusterRole appears: cluster-wide ${summarize(grants)}`));
        } else if (hasWildcard(grants)) {
          out.push(highlight('rbac', head, 'rules', `new Role with a wildcard: ${summarize(grants.filter((g) => hasWildcard([g])))}`));
        }
        continue;
      }
      const before = grantsOf(base.body);
      const added = grants.filter((g) => !covered(g, before));
      if (!added.length) continue;
      const byResource = new Map<string, string[]>();
      for (const grant of added) byResource.set(describeResource(grant), [...(byResource.get(describeResource(grant)) ?? []), grant.verb]);
      for (const [resource, verbs] of byResource) {
        const wildcard = hasWildcard(added.filter((g) => describeResource(g) === resource));
        out.push(
          highlight('rbac', head, `rules[${resource}]`, `${wildcard ? 'wildcard granted: ' : ''}${verbs.join(', ')} on ${resource} (${change.type === 'renamed' ? 'renamed Role, ' : ''}not granted before)`),
        );
      }
    } else if (head.kind === 'RoleBinding' || head.kind === 'ClusterRoleBinding') {
      if (!base) {
        if (head.kind === 'ClusterRoleBinding' || roleRefOf(head.body).startsWith('ClusterRole ')) {
          out.push(highlight('rbac', head, 'roleRef', `${head.kind} appears: binds ${roleRefOf(head.body)} to ${subjectsOf(head.body).join(', ')}`));
        }
        continue;
      }
      if (change.type === 'renamed') {
        // Names change with a rename; widening shows as more subjects or a ClusterRole where a Role was.
        const kindOf = (body: unknown) => roleRefOf(body).split(' ')[0];
        if (subjectsOf(head.body).length > subjectsOf(base.body).length || kindOf(head.body) !== kindOf(base.body)) {
          out.push(highlight('rbac', head, 'subjects', `renamed binding now binds ${roleRefOf(head.body)} to ${subjectsOf(head.body).join(', ')}`));
        }
        continue;
      }
      const newSubjects = subjectsOf(head.body).filter((s) => !subjectsOf(base.body).includes(s));
      if (newSubjects.length) {
        out.push(highlight('rbac', head, 'subjects', `binds ${roleRefOf(head.body)} to new subjects: ${newSubjects.join(', ')}`));
      }
      if (roleRefOf(base.body) !== roleRefOf(head.body)) {
        out.push(highlight('rbac', head, 'roleRef', `now binds ${roleRefOf(head.body)} (was ${roleRefOf(base.body)})`));
      }
    }
  }
  return out;
};

function summarize(grants: readonly Grant[]): string {
  const byResource = new Map<string, string[]>();
  for (const g of grants) byResource.set(describeResource(g), [...(byResource.get(describeResource(g)) ?? []), g.verb]);
  return [...byResource].map(([r, verbs]) => `${r}: ${verbs.join(', ')}`).join('; ');
}

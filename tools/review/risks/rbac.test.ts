import { editObject, renderObjects, runCheck } from '../testing';
import { rbacWidened } from './rbac';

const base = renderObjects();
const role = { kind: 'Role', name: 'gitlab-runner-amd64' };

describe('rbacWidened', () => {
  it('is silent when nothing changed', () => {
    expect(runCheck(rbacWidened, base, renderObjects())).toEqual([]);
  });

  it('names a verb added to a rule', () => {
    const head = editObject(base, role, (b) => b.rules.find((r: any) => r.resources[0] === 'pods').verbs.push('patch'));
    expect(runCheck(rbacWidened, base, head)).toEqual([
      { kind: 'rbac', cluster: 'staging', object: 'Role gitlab-ci-jobs/gitlab-runner-amd64', field: 'rules[pods]', message: 'patch on pods (not granted before)' },
    ]);
  });

  it('names a new resource and a wildcard', () => {
    const head = editObject(base, role, (b) => {
      b.rules.push({ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get'] });
      b.rules.push({ apiGroups: [''], resources: ['*'], verbs: ['*'] });
    });
    const messages = runCheck(rbacWidened, base, head).map((h) => h.message);
    expect(messages).toEqual(['get on apps/deployments (not granted before)', 'wildcard granted: * on * (not granted before)']);
  });

  it('does not flag narrowing, or a verb already covered by a wildcard', () => {
    const narrowed = editObject(base, role, (b) => b.rules.pop());
    expect(runCheck(rbacWidened, base, narrowed)).toEqual([]);
    const wide = editObject(base, role, (b) => b.rules.push({ apiGroups: [''], resources: ['pods'], verbs: ['*'] }));
    const wider = editObject(wide, role, (b) => b.rules.push({ apiGroups: [''], resources: ['pods'], verbs: ['patch'] }));
    expect(runCheck(rbacWidened, wide, wider)).toEqual([]);
  });

  it('flags a ClusterRole or ClusterRoleBinding appearing and a binding gaining a subject', () => {
    const clusterRole = { ...base.find((o) => o.kind === 'Role')!, kind: 'ClusterRole', id: 'cr', namespace: '' };
    const binding = base.find((o) => o.kind === 'RoleBinding' && o.cluster === 'staging')!;
    const clusterBinding = { ...binding, kind: 'ClusterRoleBinding', id: 'crb', namespace: '' };
    expect(runCheck(rbacWidened, base, [...base, clusterRole, clusterBinding]).map((h) => h.message)).toEqual([
      expect.stringMatching(/^ClusterRole appears: cluster-wide pods: create, delete/),
      expect.stringMatching(/^ClusterRoleBinding appears: binds Role gitlab-runner-amd64 to ServiceAccount/),
    ]);
    const head = editObject(base, { kind: 'RoleBinding', name: 'gitlab-runner-amd64' }, (b) =>
      b.subjects.push({ kind: 'ServiceAccount', name: 'default', namespace: 'gitlab-ci-jobs' }),
    );
    expect(runCheck(rbacWidened, base, head).map((h) => h.message)).toEqual([
      'binds Role gitlab-runner-amd64 to new subjects: ServiceAccount gitlab-ci-jobs/default',
    ]);
  });
});

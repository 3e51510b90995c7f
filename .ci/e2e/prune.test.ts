import { e2eCluster } from './fixture/definition';
import { objectKey, prunedObjects } from './prune';
import { renderCluster } from './render';

const objects = (files: ReturnType<typeof renderCluster>) => files.flatMap((f) => (f.object ? [f.object] : []));

describe('prunedObjects', () => {
  const retiring = renderCluster(e2eCluster({ arm64: { retiring: true } }));
  const removed = renderCluster(e2eCluster({ arm64: null }));

  it('lists every object of a removed runner and nothing of the runner that stays', () => {
    const pruned = prunedObjects(retiring, removed);
    const kinds = new Set(pruned.map((o) => o.kind));
    for (const kind of ['Deployment', 'ServiceAccount', 'Role', 'RoleBinding', 'ConfigMap', 'NodePool']) expect(kinds).toContain(kind);
    for (const object of pruned) expect(JSON.stringify(object)).toMatch(/arm64/);
    const keptKeys = new Set(objects(removed).map(objectKey));
    for (const object of pruned) expect(keptKeys.has(objectKey(object))).toBe(false);
    expect(pruned.length + objects(removed).length).toBe(objects(retiring).length);
  });

  it('prunes nothing between revisions that keep every object', () => {
    expect(prunedObjects(retiring, renderCluster(e2eCluster({ arm64: { retiring: true, tokenRevision: 'r2' } })))).toEqual([]);
    expect(prunedObjects(removed, retiring)).toEqual([]);
  });

  it('keys objects by group, kind, namespace and name, not by version', () => {
    const base = { kind: 'Role', metadata: { name: 'a', namespace: 'n' } };
    expect(objectKey({ ...base, apiVersion: 'rbac.authorization.k8s.io/v1' })).toBe(objectKey({ ...base, apiVersion: 'rbac.authorization.k8s.io/v1beta1' }));
    expect(objectKey({ ...base, apiVersion: 'v1' })).not.toBe(objectKey({ ...base, apiVersion: 'rbac.authorization.k8s.io/v1' }));
    expect(objectKey({ ...base, apiVersion: 'v1' })).not.toBe(objectKey({ ...base, apiVersion: 'v1', metadata: { name: 'a', namespace: 'm' } }));
  });
});

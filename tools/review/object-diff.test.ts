import { compareObjects } from './object-diff';
import { formatPath } from './paths';
import { editObject, renderObjects } from './testing';

const base = renderObjects();

describe('compareObjects', () => {
  it('finds nothing between two renders of the same definitions', () => {
    expect(compareObjects(base, renderObjects())).toEqual([]);
  });

  it('reports one changed field of one object as exactly that', () => {
    const head = editObject(base, { kind: 'NodePool', name: 'gitlab-ci-jobs-amd64' }, (b) => (b.spec.limits.cpu = '64'));
    const changes = compareObjects(base, head);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ type: 'changed', cluster: 'staging' });
    expect(changes[0].fields.map((f) => formatPath(f.path))).toEqual(['spec.limits.cpu']);
  });

  it('reports added and removed objects', () => {
    const head = base.filter((o) => !(o.cluster === 'production' && o.kind === 'PodMonitor'));
    expect(compareObjects(base, head).map((c) => `${c.type} ${c.base?.kind}`)).toEqual(['removed PodMonitor']);
    expect(compareObjects(head, base).map((c) => `${c.type} ${c.head?.kind}`)).toEqual(['added PodMonitor']);
  });

  it('reports an object that moved to another file without another change', () => {
    const head = base.map((o) => (o.kind === 'PodMonitor' ? { ...o, path: o.path.replace('/monitoring/monitoring/', '/runners/monitoring/') } : o));
    const [change] = compareObjects(base, head);
    expect(change).toMatchObject({ type: 'changed', fields: [], moved: { from: expect.stringContaining('/monitoring/'), to: expect.stringContaining('/runners/') } });
  });
});

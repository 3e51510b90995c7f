import { compareObjects } from '../object-diff';
import { editObject, renderObjects } from '../testing';
import { comparableLeaves, headVersions, highlight } from './highlight';

const base = renderObjects();

describe('headVersions', () => {
  it('lists the objects present in head that differ, each with its base', () => {
    const head = editObject(base, { kind: 'NodePool', name: 'gitlab-ci-jobs-amd64' }, (b) => (b.spec.limits.cpu = '64'));
    const versions = headVersions({ changes: compareObjects(base, head), base, head });
    expect(versions.map((v) => [v.head.name, v.base?.name])).toEqual([['gitlab-ci-jobs-amd64', 'gitlab-ci-jobs-amd64']]);
    expect(comparableLeaves(versions[0]).head.get('spec.limits.cpu')?.value).toBe('64');
    expect(comparableLeaves(versions[0]).base.get('spec.limits.cpu')?.value).toBe('32');
  });
});

describe('highlight', () => {
  it('names the cluster, the object and the field', () => {
    const pool = base.find((o) => o.kind === 'NodePool')!;
    expect(highlight('limits', pool, [{ key: 'spec' }, { key: 'limits' }], 'x')).toEqual({
      kind: 'limits',
      cluster: pool.cluster,
      object: `NodePool ${pool.name}`,
      field: 'spec.limits',
      message: 'x',
    });
  });
});

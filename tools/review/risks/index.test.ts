import { compareObjects } from '../object-diff';
import { editObject, renderObjects } from '../testing';
import { findRisks } from '.';

const base = renderObjects();

describe('findRisks', () => {
  it('finds nothing between two renders of the same definitions', () => {
    const head = renderObjects();
    expect(findRisks({ changes: compareObjects(base, head), base, head })).toEqual([]);
  });

  it('reports highlights of every check, sorted by cluster', () => {
    const pool = editObject(base, { cluster: 'production', kind: 'NodePool', name: 'gitlab-ci-jobs-arm64' }, (b) => (b.spec.limits.cpu = '4096'));
    const head = editObject(pool, { kind: 'Kustomization', name: 'runners' }, (b) => (b.spec.prune = false));
    const risks = findRisks({ changes: compareObjects(base, head), base, head });
    expect(risks.map((r) => `${r.cluster} ${r.kind}`)).toEqual(['production limits', 'staging flux']);
  });
});

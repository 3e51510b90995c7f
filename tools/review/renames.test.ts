import { findRenames, similarity } from './renames';
import { renderObjects } from './testing';
import { staging } from '../../definitions/staging';

const renamedStaging = { ...staging, runners: staging.runners.map((r) => (r.arch === 'amd64' ? { ...r, name: 'build' } : r)) };
const base = renderObjects([staging]);
const head = renderObjects([renamedStaging]);
const find = (objects: typeof base, kind: string, name: string) => objects.find((o) => o.kind === kind && o.name === name)!;

describe('similarity', () => {
  it('is high for the objects of a renamed runner and low for two different runners', () => {
    expect(similarity(find(base, 'Deployment', 'gitlab-runner-amd64'), find(head, 'Deployment', 'gitlab-runner-build'))).toBeGreaterThan(0.9);
    expect(similarity(find(base, 'ConfigMap', 'gitlab-runner-amd64'), find(head, 'ConfigMap', 'gitlab-runner-build'))).toBeGreaterThan(0.9);
    expect(similarity(find(base, 'Deployment', 'gitlab-runner-amd64'), find(base, 'Deployment', 'gitlab-runner-arm64'))).toBeLessThan(0.9);
  });
});

describe('findRenames', () => {
  it('pairs every object of a renamed runner with its new name, and nothing else', () => {
    const removed = base.filter((o) => !head.some((h) => h.id === o.id));
    const added = head.filter((o) => !base.some((b) => b.id === o.id));
    const renames = findRenames(removed, added);
    const pairs = renames.map((r) => `${r.base.kind} ${r.base.name} -> ${r.head.name}`);
    expect(pairs).toEqual(
      expect.arrayContaining([
        'Deployment gitlab-runner-amd64 -> gitlab-runner-build',
        'ConfigMap gitlab-runner-amd64 -> gitlab-runner-build',
        'Role gitlab-runner-amd64 -> gitlab-runner-build',
        'NodePool gitlab-ci-jobs-amd64 -> gitlab-ci-jobs-build',
      ]),
    );
    expect(renames.every((r) => r.base.kind === r.head.kind && r.similarity >= 0.7)).toBe(true);
  });

  it('does not pair objects of different kinds or clusters', () => {
    const [a] = base.filter((o) => o.kind === 'Role');
    expect(findRenames([a], [{ ...a, kind: 'ClusterRole', id: 'x' }])).toEqual([]);
    expect(findRenames([a], [{ ...a, cluster: 'production', id: 'y' }])).toEqual([]);
  });
});

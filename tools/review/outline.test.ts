import { editObject, renderObjects } from './testing';
import { compareObjects } from './object-diff';
import { byCluster, changeNote, changeTitle, countChanges } from './outline';

const base = renderObjects();

describe('outline', () => {
  it('groups, counts and titles changes', () => {
    const head = editObject(base, { kind: 'NodePool', name: 'gitlab-ci-jobs-amd64' }, (b) => (b.spec.limits.cpu = '64')).filter(
      (o) => o.kind !== 'PodMonitor',
    );
    const changes = compareObjects(base, head);
    expect(byCluster(changes).map((c) => `${c.cluster}: ${countChanges(c.changes)}`)).toEqual(['production: 1 removed', 'staging: 1 changed']);
    expect(changes.map(changeTitle)).toEqual(['PodMonitor gitlab-runner/gitlab-runner', 'NodePool gitlab-ci-jobs-amd64']);
  });

  it('titles a rename with both names and its similarity', () => {
    const role = base.find((o) => o.kind === 'Role' && o.name === 'gitlab-runner-amd64')!;
    const renamed = { ...role, id: 'x', name: 'other', body: { ...(role.body as object), metadata: { ...(role.body as any).metadata, name: 'other' } } };
    const [change] = compareObjects([role], [renamed]);
    expect(changeTitle(change)).toBe('Role gitlab-ci-jobs/gitlab-runner-amd64 → other');
    expect(changeNote(change)).toBe('renamed, 100% similar');
  });
});

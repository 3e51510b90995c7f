import { render } from '../../charts/testing';
import { staging } from '../../definitions/staging';
import { leavesOf, objectLeaves } from './leaves';

describe('leavesOf', () => {
  it('keys leaves by path, list elements by natural key, and keeps scalar lists whole', () => {
    const leaves = leavesOf({ rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }] });
    expect([...leaves.keys()]).toEqual(['rules[pods].apiGroups', 'rules[pods].resources', 'rules[pods].verbs']);
    expect(leaves.get('rules[pods].verbs')?.value).toEqual(['get', 'list']);
  });

  it('keys by position when asked', () => {
    expect([...leavesOf({ subjects: [{ kind: 'User', name: 'a' }] }, [], { byPosition: true }).keys()]).toEqual([
      'subjects[0].kind',
      'subjects[0].name',
    ]);
  });
});

describe('objectLeaves', () => {
  it('parses config.toml in a runner ConfigMap into leaves', () => {
    const leaves = objectLeaves(render(staging).get('ConfigMap', 'gitlab-runner-amd64'));
    expect(leaves.get('config.template.toml › concurrent')?.value).toBe(4);
    expect(leaves.get('config.template.toml › runners[staging-amd64].kubernetes.privileged')?.value).toBe(false);
    expect(leaves.has('data["config.template.toml"]')).toBe(false);
    expect(leaves.has('data["drain.sh"]')).toBe(true);
  });
});

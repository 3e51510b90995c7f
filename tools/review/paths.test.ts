import { formatPath, keysOf, lastKey } from './paths';

describe('formatPath', () => {
  it('joins plain keys with dots and shows matched list elements by their key', () => {
    expect(formatPath([{ key: 'spec' }, { key: 'containers' }, { match: 'gitlab-runner' }, { key: 'image' }])).toBe(
      'spec.containers[gitlab-runner].image',
    );
  });

  it('quotes keys that hold dots or slashes, so the path stays unambiguous', () => {
    expect(formatPath([{ key: 'metadata' }, { key: 'labels' }, { key: 'app.kubernetes.io/name' }])).toBe(
      'metadata.labels["app.kubernetes.io/name"]',
    );
  });

  it('names an embedded document before the path inside it', () => {
    expect(formatPath([{ embedded: 'config.template.toml' }, { key: 'runners' }, { match: 'a' }, { key: 'limit' }])).toBe(
      'config.template.toml › runners[a].limit',
    );
    expect(formatPath([{ embedded: 'config.template.toml' }])).toBe('config.template.toml');
  });

  it('shows list positions where a list has no natural key', () => {
    expect(formatPath([{ key: 'budgets' }, { index: 0 }, { key: 'nodes' }])).toBe('budgets[0].nodes');
  });
});

describe('lastKey and keysOf', () => {
  it('skip list steps', () => {
    const path = [{ key: 'rules' }, { match: 'pods' }, { key: 'verbs' }, { index: 1 }];
    expect(lastKey(path)).toBe('verbs');
    expect(keysOf(path)).toEqual(['rules', 'verbs']);
  });
});

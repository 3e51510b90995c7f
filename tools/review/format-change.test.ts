import { changeLines } from './format-change';

describe('changeLines', () => {
  it('writes a changed leaf as old → new', () => {
    expect(changeLines({ type: 'changed', path: [{ key: 'spec' }, { key: 'limits' }, { key: 'cpu' }], from: '64', to: '128' })).toEqual([
      { sign: '~', text: 'spec.limits.cpu: "64" → "128"' },
    ]);
  });

  it('writes long lists of scalars as the elements added and removed', () => {
    const from = ['a', 'b', 'c', 'd'];
    expect(changeLines({ type: 'changed', path: [{ key: 'add' }], from, to: ['a', 'b', 'c', 'e'] })).toEqual([{ sign: '~', text: 'add: + e, - d' }]);
    expect(changeLines({ type: 'changed', path: [{ key: 'add' }], from, to: [...from].reverse() })).toEqual([{ sign: '~', text: 'add: reordered' }]);
    expect(changeLines({ type: 'changed', path: [{ key: 'verbs' }], from: ['get'], to: ['get', 'list'] })[0].text).toBe('verbs: [get] → [get, list]');
  });

  it('writes additions, removals and text hunks', () => {
    expect(changeLines({ type: 'added', path: [{ key: 'x' }], value: { a: 1 } })).toEqual([{ sign: '+', text: 'x: {a: 1}' }]);
    expect(changeLines({ type: 'removed', path: [{ key: 'x' }], value: 1 })).toEqual([{ sign: '-', text: 'x: 1' }]);
    expect(changeLines({ type: 'text', path: [{ key: 's' }], from: 'a', to: 'b', hunks: ['@@ -1 +1 @@', '-a', '+b'] }).map((l) => l.text)).toEqual([
      's:',
      '@@ -1 +1 @@',
      '-a',
      '+b',
    ]);
  });
});

describe('long and opaque values', () => {
  const subject = (version: string) => `^https://github\\.com/aws/karpenter-provider-aws/\\.github/workflows/release\\.yaml@refs/tags/v${version}$`;

  it('shows where two long values differ instead of cutting the change off', () => {
    const [line] = changeLines({ type: 'changed', path: [{ key: 'subject' }], from: subject('1.14.3'), to: subject('1.14.4') });
    const [before, after] = line.text.slice('subject: '.length).split(' → ');
    expect(before).not.toBe(after);
    expect(before).toMatch(/v1\.14\.3\$"$/);
    expect(after).toMatch(/v1\.14\.4\$"$/);
    expect(before.startsWith('…')).toBe(true);
  });

  it('shortens a config checksum to its first 12 characters', () => {
    const from = 'a'.repeat(64);
    const to = 'b'.repeat(64);
    expect(changeLines({ type: 'changed', path: [{ key: 'annotations' }, { key: 'checksum/config' }], from, to })[0].text).toBe(
      `annotations["checksum/config"]: ${'a'.repeat(12)}… → ${'b'.repeat(12)}…`,
    );
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forgetParsedTexts, readObjects, useParsedStore } from './manifests';
import { isPlainData, ParseCache } from './parse-cache';
import { renderTree } from './testing';

let repo: string;
beforeEach(() => {
  repo = mkdtempSync(join(tmpdir(), 'parse-cache-'));
  writeFileSync(join(repo, 'package-lock.json'), '{"lockfileVersion": 3}');
});
afterEach(() => {
  useParsedStore(undefined);
  rmSync(repo, { recursive: true, force: true });
});

describe('isPlainData', () => {
  it('accepts only what JSON gives back unchanged', () => {
    expect(isPlainData({ a: [1, 'x', null, true, { b: 2.5 }] })).toBe(true);
    for (const value of [undefined, Number.NaN, Infinity, -0, new Date(0), new Map(), [undefined], { a: undefined }, 1n]) {
      expect(isPlainData(value)).toBe(false);
    }
  });
});

describe('ParseCache', () => {
  it('gives back in a later run what was parsed before, and keeps nothing that JSON would change', () => {
    const cache = ParseCache.of(repo)!;
    cache.set('a: 1\n', [{ a: 1 }]);
    cache.set('a: .inf\n', [{ a: Infinity }]);
    cache.save();
    const later = ParseCache.of(repo)!;
    expect(later.get('a: 1\n')).toEqual([{ a: 1 }]);
    expect(later.get('a: .inf\n')).toBeUndefined();
    expect(later.get('b: 1\n')).toBeUndefined();
  });

  it('makes readObjects read the same objects as parsing gives', () => {
    const files = renderTree();
    const yamlText = [...files].find(([path]) => path.endsWith('.yaml'))![1];
    const parsed = readObjects(files);
    forgetParsedTexts();
    const first = ParseCache.of(repo)!;
    useParsedStore(first);
    expect(readObjects(files)).toEqual(parsed);
    first.save();
    forgetParsedTexts();
    const later = ParseCache.of(repo)!;
    expect(later.get(yamlText)).toBeDefined();
    const parse = jest.spyOn(later, 'set');
    useParsedStore(later);
    expect(readObjects(files)).toEqual(parsed);
    expect(parse).not.toHaveBeenCalled(); // every text came from the store
  });
});

import { DefinitionError, resolveCluster } from './resolve';
import { formatPath } from './problems';
import { everyField, leaves, problemsOf, withLeaf } from './testing';
import { toPlainData } from './plain-data';

const fields = leaves(everyField());

/** Values that are not data, each with how a message must show it. */
const NOT_DATA: Array<[string, unknown, string]> = [
  ['a function', function cpuFor() {
    return '2';
  }, 'a function (cpuFor)'],
  ['an arrow function', () => 1, 'a function'],
  ['a BigInt', BigInt(10), '10n'],
  ['NaN', NaN, 'NaN'],
  ['Infinity', Infinity, 'Infinity'],
  ['-Infinity', -Infinity, '-Infinity'],
  ['a symbol', Symbol('cpu'), 'Symbol(cpu)'],
  ['a Date', new Date(0), 'a Date'],
  ['a Map', new Map(), 'a Map'],
  ['a RegExp', /x/, 'a RegExp'],
];

describe('a value that is not plain data, in any field, is reported at that field as written, never a crash', () => {
  test.each(NOT_DATA)('%s', (_, bad, shown) => {
    expect(fields.length).toBeGreaterThan(40);
    for (const field of fields) {
      const problems = problemsOf(withLeaf(everyField(), field.path, bad));
      expect({ field: formatPath(field.path), problems }).toEqual({
        field: formatPath(field.path),
        problems: [expect.stringMatching(new RegExp(`^${escape(formatPath(field.path))}: .*, got ${escape(shown)}$`))],
      });
    }
  });
});

test('a list or object that contains itself is reported, not followed forever', () => {
  const definition = everyField() as unknown as { runners: Array<Record<string, unknown>> };
  definition.runners[0].tags = ['linux'];
  (definition.runners[0].tags as unknown[]).push(definition.runners[0].tags);
  expect(problemsOf(definition)).toEqual(['runners[0].tags[1]: must be plain data, but it contains itself']);
});

test('a getter that throws is reported at its field', () => {
  const definition = everyField() as unknown as Record<string, unknown>;
  Object.defineProperty(definition, 'region', { enumerable: true, get: () => { throw new Error('no region today'); } });
  expect(problemsOf(definition)).toEqual(['region: could not be read: no region today']);
});

test('a getter is read once: what is validated is what is rendered', () => {
  let reads = 0;
  const definition = everyField() as unknown as Record<string, unknown>;
  Object.defineProperty(definition, 'gitlabUrl', { enumerable: true, get: () => (reads++ ? 'https://other.example.com' : 'https://gitlab.example.com') });
  expect(resolveCluster(definition as never).gitlabUrl).toBe('https://gitlab.example.com');
  expect(reads).toBe(1);
});

describe('an optional field set to undefined means "not set": the default applies, never undefined', () => {
  const resolvedWithout = (path: PropertyKey[]) => {
    const copy = structuredClone(everyField()) as unknown as Record<PropertyKey, unknown>;
    let at = copy;
    for (const key of path.slice(0, -1)) at = at[key] as Record<PropertyKey, unknown>;
    delete at[path[path.length - 1]];
    return copy;
  };
  // Every optional field, at every depth (whole objects too: jobDefaults, nodePool, cache …).
  const optional: PropertyKey[][] = [
    ...fields.map((f) => f.path).filter((p) => typeof p[p.length - 1] === 'string'),
    ['runners', 0, 'tags'],
    ['runners', 0, 'nodePool', 'capacityTypes'],
    ['runners', 0, 'nodePool', 'instanceCategories'],
    ['runners', 1, 'nodePool', 'instanceFamilies'],
    ['runners', 0, 'jobDefaults'],
    ['runners', 0, 'nodePool'],
    ['nodeClass'],
    ['cache'],
  ].filter((p) => {
    try {
      resolveCluster(resolvedWithout(p) as never);
      return true;
    } catch (error) {
      if (error instanceof DefinitionError) return false; // a required field
      throw error;
    }
  });

  test.each(optional.map((p) => [formatPath(p), p]))('%s', (_, path) => {
    const withUndefined = resolveCluster(withLeaf(everyField(), path as PropertyKey[], undefined));
    const without = resolveCluster(resolvedWithout(path as PropertyKey[]) as never);
    expect(withUndefined).toEqual(without);
    expect(JSON.stringify(leaves(withUndefined).filter((l) => l.value === undefined).map((l) => formatPath(l.path)))).toBe('[]');
  });
});

test('the copy keeps data as it is and drops only keys holding undefined', () => {
  const { data, problems } = toPlainData({ a: 1, b: undefined, c: [1, 'x', true, null], d: { e: undefined } });
  expect(problems).toEqual([]);
  expect(data).toEqual({ a: 1, c: [1, 'x', true, null], d: {} });
  expect(Object.keys(data as object)).toEqual(['a', 'c', 'd']);
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

import { showValue } from './show-value';

test.each<[string, unknown, string]>([
  ['nothing', undefined, 'nothing'],
  ['a string, quoted', 'eu-west-1', '"eu-west-1"'],
  ['NaN, not null', NaN, 'NaN'],
  ['Infinity, not null', Infinity, 'Infinity'],
  ['minus zero', -0, '-0'],
  ['a BigInt', BigInt(7), '7n'],
  ['a named function', function limit() {
    return 1;
  }, 'a function (limit)'],
  ['a symbol', Symbol('s'), 'Symbol(s)'],
  ['null', null, 'null'],
  ['a list of mixed values', [1, NaN, 'a', BigInt(2)], '[1,NaN,"a",2n]'],
  ['an object with a nested undefined', { cpu: undefined, memory: '2Gi' }, '{"cpu":nothing,"memory":"2Gi"}'],
  ['a class instance', new Date(0), 'a Date'],
])('shows %s as written', (_, value, shown) => {
  expect(showValue(value)).toBe(shown);
});

test('never throws and stays on one short line, whatever it is given', () => {
  const cycle: Record<string, unknown> = { a: 1 };
  cycle.self = cycle;
  const deep = { a: { b: { c: { d: { e: { f: 1 } } } } } };
  const throwing = Object.defineProperty({}, 'x', { enumerable: true, get: () => { throw new Error('boom'); } });
  for (const value of [cycle, deep, throwing, 'x'.repeat(500), Array.from({ length: 100 }, (_, i) => i), Object.create(null)]) {
    const shown = showValue(value);
    expect(shown.length).toBeLessThanOrEqual(80);
    expect(shown).not.toContain('\n');
  }
});

test('redacts secrets it shows', () => {
  const token = ['glrt', 'abcdefghij0123456789'].join('-');
  expect(showValue({ tags: [token] })).not.toContain(token);
  expect(showValue(`https://user:${'p'.repeat(12)}@gitlab.example.com`)).toBe('"https://…@gitlab.example.com"');
});

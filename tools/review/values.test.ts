import { deepEqual, formatValue } from './values';

describe('formatValue', () => {
  it('writes strings plain unless they would read as numbers, booleans or hold spaces', () => {
    expect(formatValue('registry.gitlab.com/gitlab-org/gitlab-runner:alpine-v19.4.1')).toBe(
      'registry.gitlab.com/gitlab-org/gitlab-runner:alpine-v19.4.1',
    );
    expect(formatValue('32')).toBe('"32"');
    expect(formatValue('true')).toBe('"true"');
    expect(formatValue('a b')).toBe('"a b"');
    expect(formatValue('')).toBe('""');
    expect(formatValue(32)).toBe('32');
  });

  it('writes lists and mappings in flow style and cuts long values', () => {
    expect(formatValue({ key: 'a', values: ['spot', 'on-demand'] })).toBe('{key: a, values: [spot, on-demand]}');
    expect(formatValue('x'.repeat(200), 10)).toBe(`${'x'.repeat(9)}…`);
  });
});

describe('deepEqual', () => {
  it('compares structure, not identity or key order', () => {
    expect(deepEqual({ a: [1, { b: 2 }], c: 'x' }, { c: 'x', a: [1, { b: 2 }] })).toBe(true);
    expect(deepEqual({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
    expect(deepEqual({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(deepEqual('1', 1)).toBe(false);
  });
});

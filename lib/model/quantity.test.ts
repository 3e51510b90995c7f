import { formatBytes, isQuantity, parseQuantity } from './quantity';

describe('parseQuantity', () => {
  test.each([
    ['500m', 0.5],
    ['2', 2],
    ['1.5', 1.5],
    ['512Mi', 512 * 2 ** 20],
    ['4Gi', 4 * 2 ** 30],
    ['10G', 10e9],
  ])('reads %s as %d base units', (text, value) => {
    expect(parseQuantity(text)).toBe(value);
  });

  test.each(['2cores', '', '-1', '4 Gi', 'Gi', '1e3', '0x10'])('rejects %j', (text) => {
    expect(isQuantity(text)).toBe(false);
    expect(() => parseQuantity(text)).toThrow(/is not a Kubernetes quantity/);
  });
});

test('formatBytes prints binary units people read', () => {
  expect(formatBytes(8 * 2 ** 30)).toBe('8Gi');
  expect(formatBytes(1.5 * 2 ** 30)).toBe('1.5Gi');
  expect(formatBytes(512 * 2 ** 20)).toBe('512Mi');
});

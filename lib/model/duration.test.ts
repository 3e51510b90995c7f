import { formatDuration, isDuration, parseDuration } from './duration';

test.each([
  ['90m', 5400],
  ['3h', 10800],
  ['1h30m', 5400],
  ['45s', 45],
  ['168h', 604800],
])('parses %s as %d seconds', (text, seconds) => {
  expect(parseDuration(text)).toBe(seconds);
});

test.each(['', '1d', '90', 'h', '1.5h', '-1h', '30m1h'])('rejects %j', (text) => {
  expect(isDuration(text)).toBe(false);
  expect(() => parseDuration(text)).toThrow(/is not a duration/);
});

test('formatDuration is the inverse of parseDuration for canonical forms', () => {
  for (const text of ['1h30m', '3h', '45s', '2h5m10s']) {
    expect(formatDuration(parseDuration(text))).toBe(text);
  }
  expect(formatDuration(0)).toBe('0s');
});

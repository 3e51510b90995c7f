import { goRegExp } from './crd-schema';

test.each([
  ['^(?i)(abort|warn)?$', ['abort', 'WARN', 'Abort', ''], ['abort ', 'stop']],
  ['(?i)^x$', ['x', 'X'], ['xx']],
  ['^[a-z]+$', ['abc'], ['ABC']],
])('a Go pattern %s matches what RE2 matches, inline flags included', (pattern, matches, rejects) => {
  const regExp = goRegExp(pattern, 'u');
  for (const value of matches) expect(regExp.test(value)).toBe(true);
  for (const value of rejects) expect(regExp.test(value)).toBe(false);
});

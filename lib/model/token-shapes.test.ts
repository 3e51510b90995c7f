import { findTokens, redact, redactTokens } from './token-shapes';

// Token-shaped fixtures, assembled at run time so that no token-like string is tracked in git.
const GLRT = ['glrt', 'abcdefghij0123456789'].join('-');
const GLPAT = ['glpat', 'abcdefghij0123456789'].join('-');
const AKIA = ['AKIA', 'IOSFODNN7EXAMPLE'].join('');

test('finds runner, personal and AWS tokens, not the entrypoint\'s glrt-* pattern', () => {
  expect(findTokens(`url = "https://${GLPAT}.example.com" token = "${GLRT}" key=${AKIA}`).map((t) => t.name)).toEqual([
    'GitLab token',
    'GitLab token',
    'AWS access key id',
  ]);
  expect(findTokens('case "$token" in glrt-*) ;; esac')).toEqual([]);
});

test('redacts every token in a text, keeping enough to find it, and is idempotent', () => {
  const text = `- url: https://gitlab.com\n+ url: https://${GLPAT}.example.com\n+ key: ${AKIA}`;
  const redacted = redactTokens(text);
  expect(redacted).toBe(`- url: https://gitlab.com\n+ url: https://${redact(GLPAT)}.example.com\n+ key: ${redact(AKIA)}`);
  expect(redacted).not.toContain(GLPAT);
  expect(redacted).not.toContain(AKIA);
  expect(redactTokens(redacted)).toBe(redacted);
});

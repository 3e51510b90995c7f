/**
 * Token and key shapes that must never appear in a definition, in rendered output or in a review: the definition
 * check refuses them (lib/model/secrets.ts), the synth refuses them in what it rendered (lib/synth/checks.ts), the
 * manifests diff highlights them; every message redacts them (lib/model/show-value.ts, tools/review/).
 */

/** Token shapes, each with what it is. The runner's `glrt-*` case pattern does not match: a token has 8+ characters. */
export const TOKEN_PATTERNS: ReadonlyArray<{ readonly name: string; readonly pattern: RegExp }> = [
  { name: 'GitLab token', pattern: /\bgl(?:rt|pat|dt|ptt|ft|imt|agent|cbt|soat|oas|rtr)-[A-Za-z0-9_-]{8,}/g },
  { name: 'GitLab runner registration token', pattern: /\bGR1348941[A-Za-z0-9_-]{8,}/g },
  { name: 'AWS access key id', pattern: /\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/g },
  { name: 'private key', pattern: /-----BEGIN (?:[A-Z]+ )*PRIVATE KEY-----/g },
  { name: 'GitHub token', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})/g },
  { name: 'Slack token', pattern: /\bxox[abprs]-[A-Za-z0-9-]{10,}/g },
  // user:password@ in a URL: a credential whatever its shape (the scheme is kept when redacted).
  { name: 'password in a URL', pattern: /\b[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s/?#@:]*:[^\s/?#@]+@/g },
];

/** Token-like strings in a text, each with its kind. */
export function findTokens(text: string): Array<{ readonly name: string; readonly match: string }> {
  return TOKEN_PATTERNS.flatMap(({ name, pattern }) => [...text.matchAll(pattern)].map((m) => ({ name, match: m[0] })));
}

/** Shows enough of a token to find it, not enough to use it. */
export function redact(token: string): string {
  if (token.startsWith('-----')) return token;
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(token);
  if (scheme && token.endsWith('@')) return `${scheme[0]}…@`;
  return `${token.slice(0, Math.min(8, token.length - 4))}…`;
}

/** The text with every token-like string in it redacted. */
export function redactTokens(text: string): string {
  return TOKEN_PATTERNS.reduce((out, { pattern }) => out.replace(pattern, (match) => redact(match)), text);
}

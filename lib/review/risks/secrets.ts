/**
 * Secrets in manifests: a token-like string appearing anywhere in the rendered files (GitLab runner, personal,
 * deploy and registration tokens, AWS access keys, private keys, GitHub and Slack tokens), or a `kind: Secret`
 * carrying data. Tokens belong in AWS Secrets Manager, read by an ExternalSecret, never in git.
 */
import { objectLeaves } from '../leaves';
import type { ReviewObject } from '../manifests';
import { isMapping } from '../values';
import { headVersions, highlight, type Highlight, type RiskCheck } from './highlight';

/** Token shapes, each with what it is. The runner's `glrt-*` case pattern does not match: a token has 8+ characters. */
export const TOKEN_PATTERNS: ReadonlyArray<{ readonly name: string; readonly pattern: RegExp }> = [
  { name: 'GitLab token', pattern: /\bgl(?:rt|pat|dt|ptt|ft|imt|agent|cbt|soat|oas|rtr)-[A-Za-z0-9_-]{8,}/g },
  { name: 'GitLab runner registration token', pattern: /\bGR1348941[A-Za-z0-9_-]{8,}/g },
  { name: 'AWS access key id', pattern: /\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/g },
  { name: 'private key', pattern: /-----BEGIN (?:[A-Z]+ )*PRIVATE KEY-----/g },
  { name: 'GitHub token', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})/g },
  { name: 'Slack token', pattern: /\bxox[abprs]-[A-Za-z0-9-]{10,}/g },
];

/** Token-like strings in a text, each with its kind. */
export function findTokens(text: string): Array<{ readonly name: string; readonly match: string }> {
  return TOKEN_PATTERNS.flatMap(({ name, pattern }) => [...text.matchAll(pattern)].map((m) => ({ name, match: m[0] })));
}

/** Shows enough of a token to find it, not enough to use it. */
export function redact(token: string): string {
  return token.startsWith('-----') ? token : `${token.slice(0, Math.min(8, token.length - 4))}…`;
}

function tokensIn(objects: readonly ReviewObject[]): Set<string> {
  const seen = new Set<string>();
  for (const object of objects) {
    for (const leaf of objectLeaves(object.body).values()) {
      if (typeof leaf.value === 'string') for (const { match } of findTokens(leaf.value)) seen.add(match);
    }
  }
  return seen;
}

export const secretsAppearing: RiskCheck = (context) => {
  const out: Highlight[] = [];
  const versions = headVersions(context);
  const before = tokensIn(versions.flatMap((v) => (v.base ? [v.base] : [])));
  for (const { head, base } of versions) {
    for (const leaf of objectLeaves(head.body).values()) {
      if (typeof leaf.value !== 'string') continue;
      for (const { name, match } of findTokens(leaf.value)) {
        if (!before.has(match)) out.push(highlight('secret', head, leaf.path, `${name} appears: ${redact(match)}`));
      }
    }
    if (head.kind === 'Secret' && head.group === '' && isMapping(head.body)) {
      const data = { ...(isMapping(head.body.data) ? head.body.data : {}), ...(isMapping(head.body.stringData) ? head.body.stringData : {}) };
      const previous = base && isMapping(base.body) ? JSON.stringify([base.body.data, base.body.stringData]) : undefined;
      if (Object.keys(data).length && previous !== JSON.stringify([head.body.data, head.body.stringData])) {
        out.push(
          highlight('secret', head, head.body.stringData ? 'stringData' : 'data', `Secret with data (${Object.keys(data).join(', ')}) in the manifests: use an ExternalSecret`),
        );
      }
    }
  }
  return out;
};

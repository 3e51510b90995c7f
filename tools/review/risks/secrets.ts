/**
 * Secrets in manifests: a token-like string appearing anywhere in the rendered files (GitLab runner, personal,
 * deploy and registration tokens, AWS access keys, private keys, GitHub and Slack tokens), or a `kind: Secret`
 * carrying data. Tokens belong in AWS Secrets Manager, read by an ExternalSecret, never in git.
 */
import { findTokens, redact } from '../../../lib/model/token-shapes';
import { objectLeaves } from '../leaves';
import type { ReviewObject } from '../manifests';
import { isMapping } from '../values';
import { headVersions, highlight, type Highlight, type RiskCheck } from './highlight';

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

export { findTokens, redact, TOKEN_PATTERNS } from '../../../lib/model/token-shapes';

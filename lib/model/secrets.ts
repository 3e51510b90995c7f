/**
 * A definition says where a token is kept (a Secrets Manager id, a Secret's name), never the token itself. Any
 * token-shaped string anywhere in it (also in fields that are never rendered, such as tags, and as credentials in
 * a URL) is refused, naming the definition field; the value is shown redacted.
 */
import { formatPath, type DefinitionProblem } from './problems';
import { findTokens, redact } from './token-shapes';

export function findSecrets(data: unknown): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  const visit = (value: unknown, path: readonly PropertyKey[]) => {
    if (typeof value === 'string') {
      for (const { name, match } of findTokens(value)) {
        problems.push({
          path: formatPath(path),
          message:
            `looks like a ${name} (${redact(match)}): a definition names where a secret is kept ` +
            '(runners[].token: a Secrets Manager id or a Secret), never the secret itself',
        });
      }
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => visit(item, [...path, index]));
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        if (findTokens(key).length) {
          problems.push({ path: formatPath(path), message: `has a key that looks like a secret (${findTokens(key).map((t) => redact(t.match)).join(', ')})` });
        }
        visit(item, [...path, key]);
      }
    }
  };
  visit(data, []);
  return problems;
}

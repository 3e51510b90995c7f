import { DefinitionError, resolveCluster } from './resolve';
import { formatPath } from './problems';
import { everyField, leaves, withLeaf } from './testing';

// Token-shaped fixtures, assembled at run time so that no token-like string is tracked in git.
const SECRETS: Array<[string, string]> = [
  ['a runner token', ['glrt', 'abcdefghij0123456789'].join('-')],
  ['a personal access token', ['glpat', 'abcdefghij0123456789'].join('-')],
  ['a registration token', ['GR1348941', 'abcdefghij0123456789'].join('')],
  ['an AWS access key id', ['AKIA', 'IOSFODNN7EXAMPLE'].join('')],
  ['a password in a URL', ['https://deploy', 'hunter2hunter2@gitlab.example.com'].join(':')],
];

function rejection(definition: unknown): string {
  try {
    resolveCluster(definition as never);
  } catch (error) {
    if (error instanceof DefinitionError) return error.message;
    throw error;
  }
  throw new Error('the definition was accepted');
}

const stringFields = leaves(everyField()).filter((leaf) => typeof leaf.value === 'string');

describe('a secret anywhere in a definition is refused at its field and never echoed', () => {
  test.each(SECRETS)('%s', (_, secret) => {
    expect(stringFields.length).toBeGreaterThan(30);
    for (const field of stringFields) {
      // Alone, and inside an otherwise valid-looking value: both are refused.
      for (const value of [secret, `${String(field.value)}-${secret}`]) {
        const message = rejection(withLeaf(everyField(), field.path, value));
        expect(message).not.toContain(secret);
        expect(message).not.toContain(secret.slice(10));
        expect(message).toContain(`  - ${formatPath(field.path)}: looks like a `);
        expect(message.split('\n').filter((line) => line.startsWith(`  - ${formatPath(field.path)}:`))).toHaveLength(1);
      }
    }
  });
});

test('a secret as a key of a definition is refused and redacted too', () => {
  const secret = SECRETS[0][1];
  const definition = { ...everyField(), [secret]: 'x' };
  const message = rejection(definition);
  expect(message).not.toContain(secret);
  expect(message).toMatch(/has a key that looks like a secret/);
});

import { newTokenRevision, revisionKeyBeside } from './token-revision';

test('the revision sits beside the token: "revision" beside "token", "<key>-revision" beside any other key', () => {
  expect(revisionKeyBeside('token')).toBe('revision');
  for (const key of ['amd64', 'runner.token', 'a_b']) expect(revisionKeyBeside(key)).toBe(`${key}-revision`);
  expect(new Set(['token', 'amd64', 'arm64'].map(revisionKeyBeside)).size).toBe(3);
});

test('a new revision is the UTC time to the second, and a valid tokenRevision', () => {
  expect(newTokenRevision(new Date('2026-12-02T05:45:12.345Z'))).toBe('2026-12-02-054512');
  expect(newTokenRevision(new Date('2026-12-02T05:45:13Z'))).not.toBe(newTokenRevision(new Date('2026-12-02T05:45:12Z')));
  expect(newTokenRevision()).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/);
});

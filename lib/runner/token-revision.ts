/**
 * Where a token's revision is kept: beside the token, in the same secret, written with it (npm run gitlab:rotate,
 * or by hand per docs/lifecycle.md). A new manager starts only once the revision it reads from there equals the
 * definition's tokenRevision, so the check proves the store really holds the new token, not that the definition
 * says so.
 */

/** The key (a Secret key, or a JSON property of a Secrets Manager secret) that holds the revision of the token at `tokenKey`. */
export function revisionKeyBeside(tokenKey: string): string {
  return tokenKey === 'token' ? 'revision' : `${tokenKey}-revision`;
}

/**
 * A new revision name for a token written now: the UTC date and time to the second, for example
 * "2026-12-02-054512" (a valid tokenRevision; two rotations on one day get different names).
 */
export function newTokenRevision(now: Date = new Date()): string {
  return now.toISOString().slice(0, 19).replace('T', '-').replace(/:/g, '');
}

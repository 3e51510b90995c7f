/** One problem with a definition: where (the definition field, as people write it) and what is wrong. */
export interface DefinitionProblem {
  /** The field, for example `runners[0].nodePool.cpuLimit`; "" for the definition as a whole. */
  readonly path: string;
  /** What is wrong: what is allowed, and the value as written (redacted when it looks like a secret). */
  readonly message: string;
}

/** Renders a path as people write it: runners[0].nodePool.cpuLimit. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`))
    .join('');
}

/** Whether `path` is `prefix` or inside it (`runners[0].tags[1]` is inside `runners[0].tags` and `runners[0]`). */
export function isWithin(path: string, prefix: string): boolean {
  return prefix === '' || path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`);
}

/**
 * Paths to a field inside a rendered object, and how a reviewer reads them:
 * `spec.template.spec.containers[gitlab-runner].image`, `metadata.labels["app.kubernetes.io/name"]`,
 * `config.template.toml › runners[staging-amd64].limit`.
 */

/** One step into a value. */
export type Segment =
  /** A mapping key. */
  | { readonly key: string }
  /** A list element matched by its natural key (a container's name, a requirement's key); `label` is shown. */
  | { readonly match: string }
  /** A list element matched by position (lists without a natural key). */
  | { readonly index: number }
  /** A document embedded in a string field and parsed (config.toml in a ConfigMap). */
  | { readonly embedded: string };

export type FieldPath = readonly Segment[];

const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** The path as a reviewer reads it. */
export function formatPath(path: FieldPath): string {
  let out = '';
  let atStart = true;
  for (const segment of path) {
    if ('key' in segment) {
      if (!PLAIN_KEY.test(segment.key)) out += `[${JSON.stringify(segment.key)}]`;
      else out += atStart ? segment.key : `.${segment.key}`;
    } else if ('match' in segment) {
      out += `[${segment.match}]`;
    } else if ('index' in segment) {
      out += `[${segment.index}]`;
    } else {
      out += `${out ? ' ' : ''}${segment.embedded} › `;
      atStart = true;
      continue;
    }
    atStart = false;
  }
  return out.endsWith(' › ') ? out.slice(0, -3) : out;
}

/** The last mapping key of a path (the field's own name), or undefined. */
export function lastKey(path: FieldPath): string | undefined {
  for (let i = path.length - 1; i >= 0; i--) {
    const segment = path[i];
    if ('key' in segment) return segment.key;
    if ('embedded' in segment) return undefined;
  }
  return undefined;
}

/** The mapping keys of a path, in order, with list and embedded steps left out: for matching field names. */
export function keysOf(path: FieldPath): string[] {
  return path.flatMap((segment) => ('key' in segment ? [segment.key] : []));
}

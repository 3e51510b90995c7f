/**
 * An object flattened to its leaves (scalars, lists of scalars, empty collections), each with its path.
 * Risk checks look fields up by path on both sides; rename detection counts equal leaves.
 */
import { embeddedDocuments } from './embedded';
import { naturalKeys } from './natural-keys';
import { formatPath, lastKey, type FieldPath } from './paths';
import { isMapping, isScalar } from './values';

export interface Leaf {
  readonly path: FieldPath;
  readonly value: unknown;
}

export interface LeafOptions {
  /** Lists by position instead of natural keys (rename detection: a renamed subject is still the first subject). */
  readonly byPosition?: boolean;
}

function walk(value: unknown, path: FieldPath, options: LeafOptions, out: Map<string, Leaf>): void {
  if (Array.isArray(value) && value.length > 0 && !value.every(isScalar)) {
    const keys = options.byPosition ? undefined : naturalKeys(lastKey(path), value, []);
    value.forEach((element, i) => walk(element, [...path, keys ? { match: keys.base[i] } : { index: i }], options, out));
  } else if (isMapping(value) && Object.keys(value).length > 0) {
    for (const [key, child] of Object.entries(value)) walk(child, [...path, { key }], options, out);
  } else {
    out.set(formatPath(path), { path, value });
  }
}

/** Leaves of a value, keyed by their formatted path. */
export function leavesOf(value: unknown, path: FieldPath = [], options: LeafOptions = {}): Map<string, Leaf> {
  const out = new Map<string, Leaf>();
  walk(value, path, options, out);
  return out;
}

/**
 * Leaves of a rendered object with its embedded documents parsed: a ConfigMap's `config.template.toml` appears as
 * `config.template.toml › runners[x].kubernetes.privileged`, not as one string.
 */
export function objectLeaves(object: unknown, options: LeafOptions = {}): ReadonlyMap<string, Leaf> {
  if (typeof object !== 'object' || object === null) return computeObjectLeaves(object, options);
  const cache = options.byPosition ? byPositionCache : byKeyCache;
  let leaves = cache.get(object);
  if (!leaves) {
    leaves = computeObjectLeaves(object, options);
    cache.set(object, leaves);
  }
  return leaves;
}

/** Leaves per object: every risk check walks the same objects. Rendered objects are never modified. */
const byKeyCache = new WeakMap<object, ReadonlyMap<string, Leaf>>();
const byPositionCache = new WeakMap<object, ReadonlyMap<string, Leaf>>();

function computeObjectLeaves(object: unknown, options: LeafOptions): Map<string, Leaf> {
  const documents = embeddedDocuments(object);
  if (!documents.length || !isMapping(object)) return leavesOf(object, [], options);
  const data = { ...(object.data as Record<string, unknown>) };
  for (const { name } of documents) delete data[name];
  const out = leavesOf({ ...object, data }, [], options);
  for (const { name, value } of documents) {
    for (const [key, leaf] of leavesOf(value, [{ embedded: name }], options)) out.set(key, leaf);
  }
  return out;
}

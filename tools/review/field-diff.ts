/**
 * Field-level changes between two versions of a value: mappings key by key, lists element by element (by natural
 * key where the list has one, by position otherwise), multi-line strings line by line, embedded TOML key by key.
 */
import { parseEmbedded } from './embedded';
import { naturalKeys } from './natural-keys';
import { lastKey, type FieldPath } from './paths';
import { unifiedHunks } from './text-diff';
import { deepEqual, isMapping, isScalar } from './values';

export type FieldChange =
  | { readonly type: 'changed'; readonly path: FieldPath; readonly from: unknown; readonly to: unknown }
  | { readonly type: 'added'; readonly path: FieldPath; readonly value: unknown }
  | { readonly type: 'removed'; readonly path: FieldPath; readonly value: unknown }
  /** A multi-line string changed: its unified hunks. */
  | { readonly type: 'text'; readonly path: FieldPath; readonly from: string; readonly to: string; readonly hunks: readonly string[] };

/** Changes from `base` to `head`, appended to `out` (returned). */
export function diffValues(base: unknown, head: unknown, path: FieldPath = [], out: FieldChange[] = []): FieldChange[] {
  if (deepEqual(base, head)) return out;
  if (isMapping(base) && isMapping(head)) {
    for (const key of Object.keys(base)) {
      if (!(key in head)) out.push({ type: 'removed', path: [...path, { key }], value: base[key] });
      else diffValues(base[key], head[key], [...path, { key }], out);
    }
    for (const key of Object.keys(head)) {
      if (!(key in base)) out.push({ type: 'added', path: [...path, { key }], value: head[key] });
    }
    return out;
  }
  if (Array.isArray(base) && Array.isArray(head) && !(base.every(isScalar) && head.every(isScalar))) {
    return diffLists(base, head, path, out);
  }
  if (typeof base === 'string' && typeof head === 'string' && (base.includes('\n') || head.includes('\n'))) {
    out.push({ type: 'text', path, from: base, to: head, hunks: unifiedHunks(base, head) });
    return out;
  }
  out.push({ type: 'changed', path, from: base, to: head });
  return out;
}

function diffLists(base: unknown[], head: unknown[], path: FieldPath, out: FieldChange[]): FieldChange[] {
  const keys = naturalKeys(lastKey(path), base, head);
  if (!keys) {
    const common = Math.min(base.length, head.length);
    for (let i = 0; i < common; i++) diffValues(base[i], head[i], [...path, { index: i }], out);
    for (let i = common; i < base.length; i++) out.push({ type: 'removed', path: [...path, { index: i }], value: base[i] });
    for (let i = common; i < head.length; i++) out.push({ type: 'added', path: [...path, { index: i }], value: head[i] });
    return out;
  }
  const headByKey = new Map(keys.head.map((key, i) => [key, head[i]]));
  const baseKeys = new Set(keys.base);
  keys.base.forEach((key, i) => {
    const element = [...path, { match: key }];
    if (headByKey.has(key)) diffValues(base[i], headByKey.get(key), element, out);
    else out.push({ type: 'removed', path: element, value: base[i] });
  });
  keys.head.forEach((key, i) => {
    if (!baseKeys.has(key)) out.push({ type: 'added', path: [...path, { match: key }], value: head[i] });
  });
  return out;
}

/**
 * Changes between two versions of a rendered object. ConfigMap entries holding TOML are parsed and compared by
 * key (`config.template.toml › concurrent`); other multi-line entries (scripts) line by line.
 */
export function diffObjects(base: unknown, head: unknown): FieldChange[] {
  if (!isMapping(base) || !isMapping(head) || base.kind !== 'ConfigMap' || head.kind !== 'ConfigMap') {
    return diffValues(base, head);
  }
  const { data: baseData = {}, ...baseRest } = base as { data?: Record<string, unknown> };
  const { data: headData = {}, ...headRest } = head as { data?: Record<string, unknown> };
  const out = diffValues(baseRest, headRest);
  const names = [...new Set([...Object.keys(baseData), ...Object.keys(headData)])];
  for (const name of names) {
    const path: FieldPath = [{ key: 'data' }, { key: name }];
    if (!(name in headData)) out.push({ type: 'removed', path, value: baseData[name] });
    else if (!(name in baseData)) out.push({ type: 'added', path, value: headData[name] });
    else {
      const before = parseEmbedded(name, baseData[name]);
      const after = parseEmbedded(name, headData[name]);
      if (before && after) {
        const changes = diffValues(before, after, [{ embedded: name }]);
        // Only comments or layout changed: the parsed documents agree, so show the text.
        if (!changes.length) diffValues(baseData[name], headData[name], path, out);
        else out.push(...changes);
      } else {
        diffValues(baseData[name], headData[name], path, out);
      }
    }
  }
  return out;
}

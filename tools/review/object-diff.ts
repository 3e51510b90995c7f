/**
 * Matches two revisions' objects by identity (cluster, API group, kind, namespace, name), finds renames among the
 * rest, and lists what was added, removed, renamed and changed, with field-level changes.
 */
import { diffObjects, type FieldChange } from './field-diff';
import type { ReviewObject } from './manifests';
import { findRenames } from './renames';

export type ObjectChangeType = 'added' | 'removed' | 'renamed' | 'changed';

export interface ObjectChange {
  readonly type: ObjectChangeType;
  readonly cluster: string;
  /** The base version (absent when added). */
  readonly base?: ReviewObject;
  /** The head version (absent when removed). */
  readonly head?: ReviewObject;
  /** Field changes from base to head (changed and renamed objects). */
  readonly fields: readonly FieldChange[];
  /** For renames: the similarity that paired them (0–1). */
  readonly similarity?: number;
  /** The object moved to another file (another layer or chart) without being renamed. */
  readonly moved?: { readonly from: string; readonly to: string };
}

const ORDER: Record<ObjectChangeType, number> = { removed: 0, renamed: 1, changed: 2, added: 3 };

function byId(objects: readonly ReviewObject[]): Map<string, ReviewObject> {
  return new Map(objects.map((o) => [o.id, o]));
}

/** Every difference between two revisions' objects, sorted by cluster, then removed, renamed, changed, added. */
export function compareObjects(base: readonly ReviewObject[], head: readonly ReviewObject[]): ObjectChange[] {
  const before = byId(base);
  const after = byId(head);
  const changes: ObjectChange[] = [];
  const removed: ReviewObject[] = [];
  const added: ReviewObject[] = [];
  for (const [id, old] of before) {
    const current = after.get(id);
    if (!current) {
      removed.push(old);
      continue;
    }
    const fields = diffObjects(old.body, current.body);
    const moved = old.path !== current.path ? { from: old.path, to: current.path } : undefined;
    if (fields.length || moved) changes.push({ type: 'changed', cluster: current.cluster, base: old, head: current, fields, ...(moved ? { moved } : {}) });
  }
  for (const [id, current] of after) if (!before.has(id)) added.push(current);

  const renames = findRenames(removed, added);
  const renamed = new Set(renames.flatMap((r) => [r.base, r.head]));
  for (const rename of renames) {
    changes.push({
      type: 'renamed',
      cluster: rename.head.cluster,
      base: rename.base,
      head: rename.head,
      fields: diffObjects(rename.base.body, rename.head.body),
      similarity: rename.similarity,
    });
  }
  for (const old of removed) if (!renamed.has(old)) changes.push({ type: 'removed', cluster: old.cluster, base: old, fields: [] });
  for (const current of added) if (!renamed.has(current)) changes.push({ type: 'added', cluster: current.cluster, head: current, fields: [] });

  const pathOf = (c: ObjectChange) => (c.head ?? c.base)!.path;
  return changes.sort(
    (a, b) => a.cluster.localeCompare(b.cluster) || ORDER[a.type] - ORDER[b.type] || pathOf(a).localeCompare(pathOf(b)),
  );
}

/**
 * Rename detection: an object removed and another of the same cluster, kind and namespace added with similar
 * content is shown as one renamed object with its field changes, as `git diff -M` does for files.
 *
 * Similarity: the share of leaf paths, over both versions, whose values are equal (metadata.name left out, lists by
 * position, config.toml parsed). A renamed runner's Deployment keeps well over 90% of its leaves; its RoleBinding,
 * whose subject and roleRef carry the name, about 75%.
 */
import { objectLeaves } from './leaves';
import type { ReviewObject } from './manifests';
import { deepEqual } from './values';

/** Least similarity for a removed and an added object to be read as a rename. */
export const RENAME_SIMILARITY = 0.7;

/** Share (0–1) of leaves that two objects have in common, name aside. */
export function similarity(a: ReviewObject, b: ReviewObject): number {
  const left = objectLeaves(a.body, { byPosition: true });
  const right = objectLeaves(b.body, { byPosition: true });
  const paths = new Set([...left.keys(), ...right.keys()]);
  paths.delete('metadata.name');
  if (paths.size === 0) return 1;
  let equal = 0;
  for (const path of paths) {
    if (left.has(path) && right.has(path) && deepEqual(left.get(path)!.value, right.get(path)!.value)) equal++;
  }
  return equal / paths.size;
}

export interface Rename {
  readonly base: ReviewObject;
  readonly head: ReviewObject;
  readonly similarity: number;
}

/** Pairs removed with added objects of the same cluster, group, kind and namespace, most similar first. */
export function findRenames(removed: readonly ReviewObject[], added: readonly ReviewObject[]): Rename[] {
  const scope = (o: ReviewObject) => [o.cluster, o.group, o.kind, o.namespace].join('|');
  const candidates: Rename[] = [];
  for (const base of removed) {
    for (const head of added) {
      if (scope(base) !== scope(head)) continue;
      const score = similarity(base, head);
      if (score >= RENAME_SIMILARITY) candidates.push({ base, head, similarity: score });
    }
  }
  candidates.sort((a, b) => b.similarity - a.similarity || a.base.id.localeCompare(b.base.id) || a.head.id.localeCompare(b.head.id));
  const used = new Set<ReviewObject>();
  const renames: Rename[] = [];
  for (const candidate of candidates) {
    if (used.has(candidate.base) || used.has(candidate.head)) continue;
    used.add(candidate.base);
    used.add(candidate.head);
    renames.push(candidate);
  }
  return renames;
}

/** What both reports share: changes grouped by cluster, counted, and each object's title. */
import { describeObject } from './manifests';
import type { ObjectChange, ObjectChangeType } from './object-diff';

export interface ClusterChanges {
  readonly cluster: string;
  readonly changes: readonly ObjectChange[];
}

export function byCluster(changes: readonly ObjectChange[]): ClusterChanges[] {
  const clusters = [...new Set(changes.map((c) => c.cluster))];
  return clusters.map((cluster) => ({ cluster, changes: changes.filter((c) => c.cluster === cluster) }));
}

const TYPES: readonly ObjectChangeType[] = ['changed', 'renamed', 'added', 'removed'];

/** `2 changed, 1 added`. */
export function countChanges(changes: readonly ObjectChange[]): string {
  return TYPES.flatMap((type) => {
    const n = changes.filter((c) => c.type === type).length;
    return n ? [`${n} ${type}`] : [];
  }).join(', ');
}

/** `NodePool gitlab-ci-jobs-amd64`, or for a rename `Deployment gitlab-runner/gitlab-runner-amd64 → gitlab-runner-build`. */
export function changeTitle(change: ObjectChange): string {
  if (change.type === 'renamed') {
    const to = change.head!.namespace === change.base!.namespace ? change.head!.name : `${change.head!.namespace}/${change.head!.name}`;
    return `${describeObject(change.base!)} → ${to}`;
  }
  return describeObject((change.head ?? change.base)!);
}

/** `(renamed, 93% similar)`, `(moved from … )` and the like; empty when there is nothing to add. */
export function changeNote(change: ObjectChange): string {
  if (change.type === 'renamed') return `renamed, ${Math.round((change.similarity ?? 0) * 100)}% similar`;
  if (change.moved) return `moved from ${change.moved.from}`;
  return '';
}

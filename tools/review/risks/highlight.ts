/**
 * Risk highlights: what a reviewer must not miss, printed before the detail. Each names the cluster, the object and
 * the field. Each kind of risk is one check in its own file; index.ts runs them all.
 */
import { objectLeaves, type Leaf } from '../leaves';
import { describeObject, type ReviewObject } from '../manifests';
import type { ObjectChange } from '../object-diff';
import { formatPath, type FieldPath } from '../paths';

export type RiskKind =
  | 'rbac'
  | 'secret'
  | 'privilege'
  | 'capacity-type'
  | 'limits'
  | 'grace-period'
  | 'disruption'
  | 'flux'
  | 'image'
  | 'chart'
  | 'token-source'
  | 'capacity';

/** How each kind reads in a report. */
export const RISK_TITLES: Readonly<Record<RiskKind, string>> = {
  rbac: 'RBAC widened',
  secret: 'secret in manifests',
  privilege: 'privilege raised',
  'capacity-type': 'capacity type changed',
  limits: 'limit raised',
  'grace-period': 'grace period shortened',
  disruption: 'drain protection removed',
  flux: 'Flux behaviour changed',
  image: 'image tag moved',
  chart: 'chart version changed',
  'token-source': 'token source changed',
  capacity: 'pool capacity overcommitted',
};

export interface Highlight {
  readonly kind: RiskKind;
  readonly cluster: string;
  /** `Role gitlab-ci-jobs/gitlab-runner-amd64`. */
  readonly object: string;
  /** The field, as a path; empty when the whole object is the point. */
  readonly field: string;
  readonly message: string;
}

/** What every check sees: the object changes, and both revisions' objects for cluster-wide facts. */
export interface RiskContext {
  readonly changes: readonly ObjectChange[];
  readonly base: readonly ReviewObject[];
  readonly head: readonly ReviewObject[];
}

export type RiskCheck = (context: RiskContext) => Highlight[];

export function highlight(kind: RiskKind, object: ReviewObject, field: FieldPath | string, message: string): Highlight {
  return { kind, cluster: object.cluster, object: describeObject(object), field: typeof field === 'string' ? field : formatPath(field), message };
}

/** An object present in head (added, changed or renamed), with its base version when there is one. */
export interface HeadVersion {
  readonly change: ObjectChange;
  readonly head: ReviewObject;
  readonly base?: ReviewObject;
}

/** Objects that exist in head and differ from base (added, changed, renamed). */
export function headVersions(context: RiskContext, kind?: string): HeadVersion[] {
  return context.changes.flatMap((change) =>
    change.head && (!kind || change.head.kind === kind) ? [{ change, head: change.head, ...(change.base ? { base: change.base } : {}) }] : [],
  );
}

/**
 * Leaves of both versions keyed so that the same field has the same key on both sides: by natural key, or by
 * position for a renamed object (whose natural keys may carry the old name).
 */
export function comparableLeaves(version: HeadVersion): { readonly base: ReadonlyMap<string, Leaf>; readonly head: ReadonlyMap<string, Leaf> } {
  const byPosition = version.change.type === 'renamed';
  return {
    base: version.base ? objectLeaves(version.base.body, { byPosition }) : new Map<string, Leaf>(),
    head: objectLeaves(version.head.body, { byPosition }),
  };
}

/** Objects of one cluster in one revision. */
export function clusterObjects(objects: readonly ReviewObject[], cluster: string): ReviewObject[] {
  return objects.filter((o) => o.cluster === cluster);
}

/**
 * What Flux's kustomize-controller prunes when a new revision of a layer drops objects: every object the previous
 * revision applied that the next one no longer contains, deleted in one pass (test:e2e deletes them the same way).
 */
import type { ManifestObject, RenderedFile } from '../../lib/synth/render';

/** An object's identity as Flux's inventory keys it: group/version-independent kind, namespace and name. */
export function objectKey(object: Pick<ManifestObject, 'apiVersion' | 'kind' | 'metadata'>): string {
  const group = object.apiVersion.includes('/') ? object.apiVersion.split('/')[0] : '';
  return `${group}/${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`;
}

const objectsOf = (files: readonly RenderedFile[]) => files.flatMap((f) => (f.object ? [f.object] : []));

/** Objects rendered in `previous` and absent from `next` (what Flux prunes), in the order `previous` lists them. */
export function prunedObjects(previous: readonly RenderedFile[], next: readonly RenderedFile[]): ManifestObject[] {
  const kept = new Set(objectsOf(next).map(objectKey));
  return objectsOf(previous).filter((o) => !kept.has(objectKey(o)));
}

/** Test helpers: render definitions in memory into reviewable objects, and edit copies of them. Imported by tests only. */
import { clusterFileRenderers, composeCluster } from '../../charts';
import { staging } from '../../definitions/staging';
import { production } from '../../definitions/production';
import type { ClusterDefinition } from '../../lib/model/definition';
import { resolveFleet } from '../../lib/model/fleet';
import { renderFleet } from '../../lib/synth/synth';
import { readObjects, type ReviewObject } from './manifests';
import { compareObjects } from './object-diff';
import type { Highlight, RiskCheck } from './risks/highlight';

/** The generated files of some definitions, path → content, as `npm run synth` would write them. */
export function renderTree(definitions: readonly ClusterDefinition[] = [staging, production]): Map<string, string> {
  return new Map(renderFleet(resolveFleet(definitions), composeCluster, clusterFileRenderers).map((f) => [f.path, f.content]));
}

/** The example clusters' objects. */
export function renderObjects(definitions: readonly ClusterDefinition[] = [staging, production]): ReviewObject[] {
  return readObjects(renderTree(definitions));
}

/** A deep copy of `objects` in which `edit` changed the body of the one object of this cluster, kind and name. */
export function editObject(
  objects: readonly ReviewObject[],
  where: { readonly cluster?: string; readonly kind: string; readonly name: string },
  edit: (body: any) => void,
): ReviewObject[] {
  let found = 0;
  const copy = objects.map((object) => {
    const body = JSON.parse(JSON.stringify(object.body));
    if (object.kind === where.kind && object.name === where.name && object.cluster === (where.cluster ?? 'staging')) {
      found++;
      edit(body);
    }
    return { ...object, body };
  });
  if (found !== 1) throw new Error(`expected one ${where.kind} ${where.name}, found ${found}`);
  return copy;
}

/** Edits the config.template.toml text of a runner ConfigMap. */
export function editRunnerConfig(body: any, edit: (toml: string) => string): void {
  const before = body.data['config.template.toml'];
  const after = edit(before);
  if (after === before) throw new Error('the config.toml edit changed nothing');
  body.data['config.template.toml'] = after;
}

/** Runs one risk check on the difference between two object sets. */
export function runCheck(check: RiskCheck, base: readonly ReviewObject[], head: readonly ReviewObject[]): Highlight[] {
  return check({ changes: compareObjects(base, head), base, head });
}

/**
 * Broken copies of rendered output, to prove test:e2e fails when the fleet is wrong: each mutation changes one
 * runner's files in a copy and leaves the original untouched. A mutated ConfigMap comes with a new pod-template
 * checksum (as the renderer would make it) so applying the copy rolls the managers like a real change.
 */
import { createHash } from 'node:crypto';
import { parse } from 'yaml';
import { toYaml, type ManifestObject, type RenderedFile } from '../../lib/synth/render';

type Mutation = (files: readonly RenderedFile[]) => RenderedFile[];

function mutateObject(files: readonly RenderedFile[], kind: string, name: string, change: (object: any) => void): RenderedFile[] {  
  let found = false;
  const result = files.map((file) => {
    if (file.object?.kind !== kind || file.object.metadata.name !== name) return file;
    found = true;
    const object = structuredClone(file.object) as ManifestObject;
    change(object);
    return { path: file.path, content: toYaml(object), object };
  });
  if (!found) throw new Error(`mutation: no ${kind} ${name} in the rendered files`);
  return result;
}

/** Changes the runner's ConfigMap data and re-stamps the Deployment's checksum so the managers roll. */
function mutateRunnerConfig(files: readonly RenderedFile[], runner: string, change: (data: Record<string, string>) => void): RenderedFile[] {
  let data: Record<string, string> = {};
  const changed = mutateObject(files, 'ConfigMap', runner, (configMap) => {
    change(configMap.data);
    data = configMap.data;
  });
  // Same digest as charts/runner-manager.ts; any new value rolls the Deployment.
  const checksum = createHash('sha256').update(JSON.stringify(data)).digest('hex');
  return mutateObject(changed, 'Deployment', runner, (deployment) => {
    deployment.spec.template.metadata.annotations['checksum/config'] = checksum;
  });
}

function replaceOnce(text: string, search: RegExp, replacement: string, what: string): string {
  if (!search.test(text)) throw new Error(`mutation: ${what} not found`);
  return text.replace(search, replacement);
}

/** The manager's Role loses `create` on pods/attach: the executor can no longer attach to the build container. */
export function breakRole(runner: string): Mutation {
  return (files) =>
    mutateObject(files, 'Role', runner, (role) => {
      const rule = role.rules.find((r: { resources: string[] }) => r.resources.includes('pods/attach'));
      if (!rule) throw new Error(`mutation: Role ${runner} has no pods/attach rule`);
      rule.verbs = rule.verbs.filter((v: string) => v !== 'create');
    });
}

/** The runner's job pods select another pool's nodes (the manager pool, whose taint they do not tolerate). */
export function wrongNodeSelector(runner: string, pool: string): Mutation {
  return (files) =>
    mutateRunnerConfig(files, runner, (data) => {
      data['config.template.toml'] = replaceOnce(
        data['config.template.toml']!,
        /"karpenter\.sh\/nodepool" = "[^"]*"/,
        `"karpenter.sh/nodepool" = "${pool}"`,
        `karpenter.sh/nodepool in ${runner}'s node_selector`,
      );
    });
}

/** The preStop hook stops the manager with SIGTERM (abort every job) instead of SIGQUIT (finish them). */
export function sigtermDrain(runner: string): Mutation {
  return (files) =>
    mutateRunnerConfig(files, runner, (data) => {
      data['drain.sh'] = replaceOnce(data['drain.sh']!, /kill -QUIT/, 'kill -TERM', `kill -QUIT in ${runner}'s drain.sh`);
    });
}

/** Reads a rendered file's object back from its content (what a mutation wrote is what gets applied). */
export function objectOf(file: RenderedFile): ManifestObject {
  return parse(file.content) as ManifestObject;
}

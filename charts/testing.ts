/** Test helpers: render a cluster in memory and look objects up. Imported by tests only. */
import TOML from '@iarna/toml';
import type { ClusterDefinition } from '../lib/model/definition';
import { renderClusterManifests, type ManifestObject, type RenderedFile } from '../lib/synth/render';
import { resolveCluster, type ResolvedCluster } from '../lib/model/resolve';
import { composeCluster } from '.';

export interface Rendered {
  readonly cluster: ResolvedCluster;
  readonly files: RenderedFile[];
  /** The one object of this kind and name; fails the test if there is not exactly one. */
  readonly get: (kind: string, name: string) => ManifestObject & Record<string, any>;
  readonly all: (kind: string) => Array<ManifestObject & Record<string, any>>;
  /** The parsed config.toml of a runner manager. */
  readonly runnerConfig: (manager: string) => Record<string, any>;
}

export function render(definition: ClusterDefinition): Rendered {
  const cluster = resolveCluster(definition);
  const files = renderClusterManifests(cluster, composeCluster);
  const objects = files.flatMap((f) => (f.object ? [f.object] : []));
  const all = (kind: string) => objects.filter((o) => o.kind === kind) as Array<ManifestObject & Record<string, any>>;
  const get = (kind: string, name: string) => {
    const found = all(kind).filter((o) => o.metadata.name === name);
    if (found.length !== 1) throw new Error(`expected one ${kind} ${name}, found ${found.length}`);
    return found[0];
  };
  const runnerConfig = (manager: string) => TOML.parse(get('ConfigMap', manager).data['config.template.toml']) as Record<string, any>;
  return { cluster, files, get, all, runnerConfig };
}

export { TOKEN_FROM_EXISTING_SECRET, twoArchCluster } from '../lib/model/testing';

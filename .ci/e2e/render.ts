/**
 * Renders a cluster definition through the normal synth code path (resolve, compose, check) into a scratch folder
 * laid out like the repository (dist/<cluster>/…, clusters/<cluster>/…), so what test:e2e applies is exactly what
 * `npm run synth` would commit for that definition.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { clusterFileRenderers, composeCluster } from '../../charts';
import type { ClusterDefinition } from '../../lib/model/definition';
import { resolveFleet } from '../../lib/model/fleet';
import type { RenderedFile } from '../../lib/synth/render';
import { renderFleet } from '../../lib/synth/synth';

/** Renders `definition` in memory; throws the synth's own errors for a bad definition. */
export function renderCluster(definition: ClusterDefinition): RenderedFile[] {
  return renderFleet(resolveFleet([definition]), composeCluster, clusterFileRenderers);
}

/** Writes rendered files under `root` (paths as in the repository); returns `root`. */
export function writeRendered(root: string, files: readonly RenderedFile[]): string {
  for (const file of files) {
    const path = join(root, file.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.content);
  }
  return root;
}

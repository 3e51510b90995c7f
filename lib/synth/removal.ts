/**
 * A runner may leave a cluster only once its managers are gone. Flux prunes every object of a removed runner in
 * one pass (kustomize-controller deletes them all at once, background propagation, no waiting): the Deployment's
 * pods start their SIGQUIT drain just as their ServiceAccount (so their API token) and their Role in the job
 * namespace are deleted, so the draining managers can no longer watch, exec into or delete their job pods and the
 * running jobs fail. The safe path is two commits: `retiring: true` (replicas 0, everything else kept) and, once
 * the pods are gone, the removal. The synth compares what it renders with the manifests it is about to replace and
 * refuses a removal that skips the first step.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { UserInputError } from '../model/errors';
import type { RenderedFile } from './render';

/** A manifest as committed: its repository-relative path and its text. */
export interface CommittedFile {
  readonly path: string;
  readonly content: string;
}

const MANAGER_DEPLOYMENT = /^dist\/([^/]+)\/runners\/[^/]+\/Deployment\.[^/]+\.yaml$/;

/** The committed manager Deployments of the given clusters, read from `root`. */
export function readCommittedManagers(root: string, clusters: readonly string[]): CommittedFile[] {
  const files: CommittedFile[] = [];
  for (const cluster of clusters) {
    const runners = join(root, 'dist', cluster, 'runners');
    if (!existsSync(runners)) continue;
    for (const chart of readdirSync(runners, { withFileTypes: true })) {
      if (!chart.isDirectory()) continue;
      for (const file of readdirSync(join(runners, chart.name))) {
        const path = `dist/${cluster}/runners/${chart.name}/${file}`;
        if (MANAGER_DEPLOYMENT.test(path)) files.push({ path, content: readFileSync(join(root, path), 'utf8') });
      }
    }
  }
  return files;
}

/**
 * Problems with removals: a committed manager Deployment of a cluster that is still rendered, absent from the new
 * render, that did not run zero replicas. A cluster removed as a whole is a teardown (docs/lifecycle.md), not
 * checked here.
 */
export function findUnsafeRemovals(committed: readonly CommittedFile[], rendered: readonly RenderedFile[]): string[] {
  const renderedPaths = new Set(rendered.map((f) => f.path));
  const renderedClusters = new Set(rendered.flatMap((f) => (f.path.startsWith('dist/') ? [f.path.split('/')[1]] : [])));
  const problems: string[] = [];
  for (const file of committed) {
    const cluster = MANAGER_DEPLOYMENT.exec(file.path)?.[1];
    if (!cluster || !renderedClusters.has(cluster) || renderedPaths.has(file.path)) continue;
    const deployment = parse(file.content) as { kind?: string; metadata?: { name?: string; namespace?: string }; spec?: { replicas?: number } } | null;
    if (deployment?.kind !== 'Deployment') continue;
    const replicas = deployment.spec?.replicas ?? 1;
    if (replicas === 0) continue;
    const name = deployment.metadata?.name ?? file.path;
    problems.push(
      `cluster "${cluster}": runner manager ${name} (${file.path}) would be deleted while it runs ${replicas} manager(s). ` +
        'Flux would delete its ServiceAccount, Role and token in the same pass, and the draining managers would lose their ' +
        'running jobs. First set `retiring: true` on the runner and merge; once its pods are gone ' +
        `(kubectl -n ${deployment.metadata?.namespace ?? 'gitlab-runner'} get pods -l app.kubernetes.io/instance=${name}), remove it. See docs/lifecycle.md.`,
    );
  }
  return problems;
}

/** A render that would remove runners unsafely; nothing was written. */
export class UnsafeRemovalError extends UserInputError {
  constructor(readonly problems: readonly string[]) {
    super(`unsafe runner removal:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'UnsafeRemovalError';
  }
}

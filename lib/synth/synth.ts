/**
 * The whole synth: resolve every definition, render every cluster in memory, check what was rendered, and only
 * then write. Any problem stops it before the first file is touched, so dist/ stays exactly as it was.
 */
import { mkdirSync } from 'node:fs';
import { findRenderProblems, RenderCheckError } from './checks';
import { UserInputError } from '../model/errors';
import type { ClusterDefinition } from '../model/definition';
import { fleetWarnings, resolveFleet } from '../model/fleet';
import { writeOutputs, type WriteSummary } from './output';
import { findUnsafeRemovals, readCommittedManagers, UnsafeRemovalError } from './removal';
import { findSchemaProblems } from './schema-validation';
import { renderClusterManifests, type ClusterComposer, type ClusterFileRenderer, type RenderedFile } from './render';
import type { ResolvedCluster } from '../model/resolve';

export interface SynthOptions {
  /** Repository root the generated trees live under. */
  readonly root: string;
  /** The cluster definitions as written. */
  readonly definitions: readonly ClusterDefinition[];
  /** Adds a cluster's charts to an app. */
  readonly compose: ClusterComposer;
  /** Renders a cluster's files outside dist/. */
  readonly renderers: readonly ClusterFileRenderer[];
}

/** Renders resolved clusters into files (sorted by path), checking each cluster's manifests; writes nothing. */
export function renderFleet(
  fleet: readonly ResolvedCluster[],
  compose: ClusterComposer,
  renderers: readonly ClusterFileRenderer[],
): RenderedFile[] {
  const files: RenderedFile[] = [];
  const problems: string[] = [];
  for (const cluster of fleet) {
    const manifests = renderClusterManifests(cluster, compose);
    problems.push(...findSchemaProblems(cluster, manifests), ...findRenderProblems(cluster, manifests));
    files.push(...manifests, ...renderers.flatMap((render) => render(cluster, manifests)));
  }
  if (problems.length) throw new RenderCheckError(problems);
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * Resolves, renders, checks and writes; returns what was written. Throws before writing on any problem, including a
 * runner removed without retiring first (compared with the manifests already in `root`).
 */
export function synth(
  options: SynthOptions,
): WriteSummary & { readonly clusters: number; readonly files: number; readonly warnings: readonly string[] } {
  const fleet = resolveFleet(options.definitions);
  const files = renderFleet(fleet, options.compose, options.renderers);
  const committed = readCommittedManagers(options.root, fleet.map((c) => c.name));
  const removals = findUnsafeRemovals(committed, files);
  if (removals.length) throw new UnsafeRemovalError(removals);
  return { ...writeOutputs(options.root, files), clusters: fleet.length, files: files.length, warnings: fleetWarnings(fleet) };
}

/** Command-line entry: prints a one-line summary, or the problems and exit code 1. Bugs still throw. */
export function runSynth(options: SynthOptions): number {
  try {
    const result = synth(options);
    for (const warning of result.warnings) console.error(`warning: ${warning}`);
    // `cdk8s synth` checks that its output folder exists; the manifests themselves go to dist/ (see output.ts).
    if (process.env.CDK8S_OUTDIR) mkdirSync(process.env.CDK8S_OUTDIR, { recursive: true });
    console.log(
      `rendered ${result.clusters} clusters into ${result.files} files: ${result.written} written, ` +
        `${result.removed} removed, ${result.unchanged} unchanged`,
    );
    return 0;
  } catch (error) {
    if (error instanceof UserInputError) {
      console.error(`synth failed; nothing was written.\n${error.message}`);
      return 1;
    }
    throw error;
  }
}

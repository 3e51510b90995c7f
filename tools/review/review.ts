/**
 * A review of what changes on the clusters between two revisions: the object changes, the risk highlights,
 * and warnings about the comparison itself.
 */
import { cacheWanted } from './cache';
import { readObjects, useParsedStore } from './manifests';
import { compareObjects, type ObjectChange } from './object-diff';
import { ParseCache } from './parse-cache';
import { renderRevisions, type RenderedTree } from './render-revisions';
import { dependencyWarning, resolveRevision, WORKING_TREE, type Revision } from './revisions';
import { findRisks } from './risks';
import type { Highlight } from './risks/highlight';

export interface ManifestReview {
  readonly base: Revision;
  readonly head: Revision;
  readonly changes: readonly ObjectChange[];
  readonly highlights: readonly Highlight[];
  readonly warnings: readonly string[];
}

/** Reviews two revisions' generated files (no git, no rendering). */
export function reviewTrees(base: Revision, baseFiles: RenderedTree, head: Revision, headFiles: RenderedTree, warnings: readonly string[] = []): ManifestReview {
  const before = readObjects(baseFiles);
  const after = readObjects(headFiles);
  const changes = compareObjects(before, after);
  return { base, head, changes, highlights: findRisks({ changes, base: before, head: after }), warnings };
}

function attempt(work: () => unknown): void {
  try {
    work();
  } catch {
    // reported when it is done again
  }
}

/**
 * Renders `baseRef` and `headRef` (the working tree when undefined) from their own sources and reviews them. The
 * renders of commits and the parsed generated files are cached between runs (see cache.ts).
 */
export async function reviewRevisions(repo: string, baseRef: string, headRef?: string): Promise<ManifestReview> {
  const base = resolveRevision(repo, baseRef);
  const head = headRef === undefined ? WORKING_TREE : resolveRevision(repo, headRef);
  const parsed = cacheWanted() ? ParseCache.of(repo) : undefined;
  useParsedStore(parsed);
  try {
    const review = await renderAndReview(repo, base, head);
    parsed?.save();
    return review;
  } finally {
    useParsedStore(undefined);
  }
}

async function renderAndReview(repo: string, base: Revision, head: Revision): Promise<ManifestReview> {
  const [dependencyWarnings, [before, after]] = await Promise.all([
    Promise.all([base, head].map((revision) => dependencyWarning(repo, revision))),
    // Each render is parsed as soon as it is there, while the other may still be rendering: readObjects keeps what
    // it parsed by text, so reviewTrees below parses only what this left (a failure is reported there, not here).
    renderRevisions(repo, [base, head], { onRendered: (_, rendered) => void attempt(() => readObjects(rendered.files)) }),
  ]);
  const warnings = dependencyWarnings.filter((w): w is string => w !== undefined);
  for (const [revision, rendered] of [[base, before], [head, after]] as const) {
    if (!rendered.hasRenderer) warnings.push(`${revision.label} has no main.ts: it renders nothing, so everything of the other side shows as added or removed`);
  }
  return reviewTrees(base, before.files, head, after.files, warnings);
}

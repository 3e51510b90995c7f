/**
 * Renders revisions from their own sources: each is exported into a temporary folder beside a link to the
 * installed node_modules (assumption: the revisions' dependencies are compatible; see dependencyWarning), its
 * main.ts is bundled with esbuild as scripts/run-ts.mjs bundles it (__dirname = the entry's folder), every
 * revision in one esbuild run, and the bundles run in parallel child processes, each writing into its own folder.
 * The generated trees are then read back. A revision's own run-ts.mjs is not used: older revisions lack it, and
 * it caches its bundle in node_modules/.cache, which all revisions would share through the link.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { exportRevision, GENERATED_TREES, ReviewError, type Revision } from './revisions';

/** A revision's generated files: repository-relative path → content. */
export type RenderedTree = Map<string, string>;

const BUNDLE = '.review-render.cjs';

function walk(root: string, dir: string, out: string[]): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) walk(root, full, out);
    else if (entry.isFile()) out.push(relative(root, full).split(sep).join('/'));
  }
}

/** The generated files under a rendered revision's folder (clusters/<name>/flux-system belongs to Flux, not us). */
export function readGeneratedTrees(dir: string): RenderedTree {
  const paths: string[] = [];
  for (const tree of GENERATED_TREES) walk(dir, join(dir, tree), paths);
  const tree: RenderedTree = new Map();
  for (const path of paths.sort()) {
    const parts = path.split('/');
    if (parts[0] === 'clusters' && (parts.length < 3 || parts[2] === 'flux-system')) continue;
    if (path.includes('.tmp-')) continue;
    tree.set(path, readFileSync(join(dir, path), 'utf8'));
  }
  return tree;
}

function run(bundle: string, cwd: string): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bundle], { cwd, env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

interface EsbuildFailure {
  readonly errors?: ReadonlyArray<{ readonly text: string; readonly location?: { readonly file: string; readonly line: number } | null }>;
}

export interface RenderOptions {
  /** Keep the temporary folders (for debugging); they are removed otherwise. */
  readonly keep?: boolean;
}

export interface RenderedRevision {
  readonly files: RenderedTree;
  /** False for a revision without main.ts (older than the renderer): it renders nothing. */
  readonly hasRenderer: boolean;
}

/** Renders each revision of `repo` from its own sources; results come back in the order given. */
export async function renderRevisions(repo: string, revisions: readonly Revision[], options: RenderOptions = {}): Promise<RenderedRevision[]> {
  const work = mkdtempSync(join(tmpdir(), 'manifests-diff-'));
  try {
    const dirs = revisions.map((_, i) => join(work, `r${i}`));
    await Promise.all(
      revisions.map(async (revision, i) => {
        mkdirSync(dirs[i]);
        await exportRevision(repo, revision, dirs[i]);
        symlinkSync(join(repo, 'node_modules'), join(dirs[i], 'node_modules'), 'dir');
      }),
    );
    const renderable = revisions.map((_, i) => existsSync(join(dirs[i], 'main.ts')));
    const entryPoints = dirs.flatMap((dir, i) => (renderable[i] ? [{ in: join(dir, 'main.ts'), out: `r${i}/${BUNDLE.replace(/\.cjs$/, '')}` }] : []));
    if (entryPoints.length) {
      // Loaded at run time from the repository, not bundled into this tool: esbuild finds its binary beside itself.
      const esbuild = createRequire(join(repo, 'package.json'))('esbuild') as typeof import('esbuild');
      try {
        await esbuild.build({
          absWorkingDir: work,
          entryPoints,
          outdir: work,
          outExtension: { '.js': '.cjs' },
          bundle: true,
          platform: 'node',
          format: 'cjs',
          target: 'node20',
          // Libraries stay in node_modules: bundling them costs more here than loading them saves.
          packages: 'external',
          banner: { js: "const __entryDir = require('node:path').dirname(process.argv[1]);" },
          define: { __dirname: '__entryDir' },
          logLevel: 'silent',
        });
      } catch (error) {
        const messages = ((error as EsbuildFailure).errors ?? []).map((e) => {
          const at = e.location ? `${e.location.file}:${e.location.line}: ` : '';
          const owner = dirs.findIndex((dir) => e.location?.file.startsWith(`${relative(work, dir)}/`));
          return `${owner >= 0 ? `${revisions[owner].label}: ` : ''}${at.replace(/^r[0-9]+\//, '')}${e.text}`;
        });
        throw new ReviewError(`could not build the renderer:\n${messages.join('\n') || (error as Error).message}`);
      }
    }
    const results = await Promise.all(dirs.map((dir, i) => (renderable[i] ? run(join(dir, BUNDLE), dir) : Promise.resolve(undefined))));
    results.forEach((result, i) => {
      if (result && result.code !== 0) {
        const output = `${result.stderr}${result.stdout}`.trim();
        throw new ReviewError(`rendering ${revisions[i].label} failed (exit ${String(result.code)}):\n${output}`);
      }
    });
    return dirs.map((dir, i) => ({ files: readGeneratedTrees(dir), hasRenderer: renderable[i] }));
  } finally {
    if (!options.keep) rmSync(work, { recursive: true, force: true });
  }
}

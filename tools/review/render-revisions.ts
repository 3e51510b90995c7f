/**
 * Renders revisions from their own sources: each is exported into a temporary folder beside a link to the
 * installed node_modules (assumption: the revisions' dependencies are compatible; see dependencyWarning), its
 * main.ts is bundled with esbuild as scripts/run-ts.mjs bundles it (__dirname = the entry's folder), every
 * revision in one esbuild run, with the libraries left external, and the bundles run one after the other in one
 * child process, so that cdk8s and the other libraries are loaded once for both. The generated trees are then read
 * back. A revision's own run-ts.mjs is not used: older revisions lack it, and it caches its bundle in
 * node_modules/.cache, which all revisions would share through the link.
 *
 * The shared child runs each bundle as its own main module (require.main, process.argv[1], working folder), and
 * starts the next only once the event loop is empty, as if the process had ended. A revision that fails there in
 * any way (exit code, exception, process.exit, a crash) is rendered again alone in a child of its own, as
 * `node bundle` would run it, so that its error output is exactly its own.
 *
 * A commit's render never changes for given dependencies: it is cached under node_modules/.cache/manifests-diff/
 * renders, keyed by the commit, a digest of the installed node_modules' lockfile and the Node version (see
 * cache.ts). The working tree is always rendered. MANIFESTS_DIFF_CACHE=off turns the cache off.
 */
import { spawn } from 'node:child_process';
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statfsSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { cacheLocation, cacheWanted, digest, writeCacheFile, type CacheLocation } from './cache';
import { exportRevision, GENERATED_TREES, ReviewError, type Revision } from './revisions';

/** A revision's generated files: repository-relative path → content. */
export type RenderedTree = Map<string, string>;

const BUNDLE = '.review-render.cjs';
const SHARED_RUNNER = '.review-render-all.cjs';

/**
 * The shared child. It starts while the revisions are still being exported and bundled, and loads the libraries
 * named in its arguments meanwhile (from the repository's node_modules, the very files the bundles load). Then it
 * reads the bundles' paths (a JSON list) from its standard input and runs them one after the other, each as the
 * main module with its folder as working folder, the next once the event loop has emptied ('beforeExit') as if
 * the process had ended, and writes the position of each that ended with exit code 0 to file descriptor 3 as soon
 * as it has. It stops at the first failure; the parent renders that revision and the rest alone.
 */
const SHARED_RUNNER_SOURCE = `'use strict';
const Module = require('node:module');
const { dirname } = require('node:path');
const { writeSync } = require('node:fs');
const [repoPackage, ...preload] = process.argv.slice(2);
const requireFromRepo = Module.createRequire(repoPackage);
for (const name of preload) {
  try {
    requireFromRepo(name);
  } catch {
    // not installed, or not loadable with require: the bundles load what they need themselves
  }
}
let bundles = [];
let index = -1;
function next() {
  if (index >= 0) {
    if (Number(process.exitCode ?? 0) !== 0) process.exit(0);
    writeSync(3, index + '\\n');
  }
  index++;
  if (index >= bundles.length) {
    process.removeListener('beforeExit', next);
    return;
  }
  const file = bundles[index];
  process.chdir(dirname(file));
  process.argv[1] = file;
  const main = new Module(file, null);
  main.filename = file;
  main.paths = Module._nodeModulePaths(dirname(file));
  process.mainModule = main;
  Module._cache[file] = main;
  try {
    main.load(file);
  } catch {
    process.exit(0);
  }
  // Keeps the loop alive for one more turn, so that 'beforeExit' comes again even when the bundle was synchronous.
  setImmediate(() => undefined);
}
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => (input += chunk));
process.stdin.on('end', () => {
  bundles = JSON.parse(input || '[]');
  process.on('beforeExit', next);
  next();
});
`;

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

const CHILD_ENV = { ...process.env, CDK8S_CHECK_UPGRADE: 'false' };

function run(bundle: string, cwd: string): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bundle], { cwd, env: CHILD_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The shared child (SHARED_RUNNER_SOURCE), started before the bundles exist; `start` hands them over. */
interface SharedChild {
  /** Runs the bundles; `onDone(k)` as soon as bundles[k] has rendered; resolves with those that did, when the child ends. */
  start(bundles: readonly string[], onDone: (k: number) => void): Promise<Set<number>>;
  /** Ends the child if it still runs (when there is nothing to run, or an error came first). */
  stop(): void;
}

function startShared(runner: string, repo: string, cwd: string): SharedChild {
  const preload = libraries(repo);
  const child = spawn(process.execPath, [runner, join(repo, 'package.json'), ...preload], {
    cwd,
    env: CHILD_ENV,
    stdio: ['pipe', 'ignore', 'ignore', 'pipe'],
  });
  const done = new Set<number>();
  let listener: ((k: number) => void) | undefined;
  let reported = '';
  child.stdio[3]!.on('data', (d: Buffer) => {
    reported += d.toString();
    const lines = reported.split('\n');
    reported = lines.pop()!;
    for (const line of lines) {
      done.add(Number(line));
      listener?.(Number(line));
    }
  });
  child.stdin!.on('error', () => undefined); // a child that died early: its revisions are rendered alone
  const ended = new Promise<void>((resolve) => {
    child.on('error', () => resolve());
    child.on('close', () => resolve());
  });
  return {
    async start(bundles, onDone) {
      listener = onDone;
      child.stdin!.end(JSON.stringify(bundles));
      await ended;
      return done;
    },
    stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill();
    },
  };
}

/** The libraries the renderer loads, for the shared child to load early: the repository's runtime dependencies. */
function libraries(repo: string): string[] {
  try {
    const manifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    return Object.keys(manifest.dependencies ?? {});
  } catch {
    return [];
  }
}

interface EsbuildFailure {
  readonly errors?: ReadonlyArray<{ readonly text: string; readonly location?: { readonly file: string; readonly line: number } | null }>;
}

export interface RenderOptions {
  /** Keep the temporary folders (for debugging); they are removed otherwise. */
  readonly keep?: boolean;
  /** Use the render cache for commits (default: unless MANIFESTS_DIFF_CACHE=off). */
  readonly cache?: boolean;
  /** Render every revision in a child process of its own instead of all in one (slower; for tests). */
  readonly separate?: boolean;
  /**
   * Called with each revision's render as soon as it is there, while the others may still be rendering (for work
   * that can start early, such as parsing). Results still come back all together.
   */
  readonly onRendered?: (index: number, rendered: RenderedRevision) => void;
}

export interface RenderedRevision {
  readonly files: RenderedTree;
  /** False for a revision without main.ts (older than the renderer): it renders nothing. */
  readonly hasRenderer: boolean;
  /**
   * How it was obtained: from the render cache, rendered in the shared child, rendered alone in a child of its own
   * (after failing in the shared one, or with `separate`), or not rendered at all (no main.ts).
   */
  readonly via: 'cache' | 'shared' | 'alone' | 'nothing';
}

/**
 * Where temporary folders go: the memory-backed /dev/shm when it is there with room to spare (creating and removing
 * hundreds of small files is most of an export's cost on a busy disk), else the system's temporary folder. An
 * explicit TMPDIR wins.
 */
function scratchRoot(): string {
  if (process.env.TMPDIR) return tmpdir();
  try {
    const shm = '/dev/shm';
    accessSync(shm, constants.W_OK);
    const space = statfsSync(shm);
    if (space.bavail * space.bsize >= 256 * 1024 * 1024) return shm;
  } catch {
    // no /dev/shm here
  }
  return tmpdir();
}

/** Bump when what a render yields changes (files read back, their filtering): older cache entries are then unused. */
const RENDER_CACHE_FORMAT = 1;
/** Cache entries kept; older ones are removed. An entry is about 130 kB for the two example clusters. */
const RENDER_CACHE_ENTRIES = 40;

interface CacheEntry {
  readonly format: number;
  readonly commit: string;
  readonly hasRenderer: boolean;
  readonly files: ReadonlyArray<readonly [string, string]>;
}

/** Renders of commits, by commit and installed dependencies, under node_modules/.cache/manifests-diff/renders. */
export class RenderCache {
  private constructor(private readonly location: CacheLocation) {}

  /** The cache of `repo`'s node_modules; undefined when it has no lockfile to key renders by. */
  static of(repo: string): RenderCache | undefined {
    const location = cacheLocation(repo);
    return location && new RenderCache(location);
  }

  private get dir(): string {
    return join(this.location.dir, 'renders');
  }

  private file(commit: string): string {
    return join(this.dir, `${digest(String(RENDER_CACHE_FORMAT), commit, this.location.dependencies, process.version)}.json`);
  }

  get(commit: string): RenderedRevision | undefined {
    let entry: CacheEntry;
    try {
      entry = JSON.parse(readFileSync(this.file(commit), 'utf8')) as CacheEntry;
    } catch {
      return undefined;
    }
    if (entry.format !== RENDER_CACHE_FORMAT || entry.commit !== commit || !Array.isArray(entry.files)) return undefined;
    return { files: new Map(entry.files), hasRenderer: entry.hasRenderer, via: 'cache' };
  }

  set(commit: string, rendered: RenderedRevision): void {
    const entry: CacheEntry = { format: RENDER_CACHE_FORMAT, commit, hasRenderer: rendered.hasRenderer, files: [...rendered.files] };
    writeCacheFile(this.file(commit), JSON.stringify(entry));
    try {
      const entries = readdirSync(this.dir)
        .filter((name) => name.endsWith('.json'))
        .map((name) => ({ path: join(this.dir, name), time: statSync(join(this.dir, name)).mtimeMs }))
        .sort((a, b) => b.time - a.time);
      for (const old of entries.slice(RENDER_CACHE_ENTRIES)) rmSync(old.path, { force: true });
    } catch {
      // pruning is best effort
    }
  }
}

/** Renders each revision of `repo` from its own sources; results come back in the order given. */
export async function renderRevisions(repo: string, revisions: readonly Revision[], options: RenderOptions = {}): Promise<RenderedRevision[]> {
  const cache = cacheWanted(options.cache) ? RenderCache.of(repo) : undefined;
  const results = revisions.map((revision) => (revision.commit && cache ? cache.get(revision.commit) : undefined));
  // A commit given twice is rendered once.
  const first = revisions.map((revision, i) => (revision.commit ? revisions.findIndex((other) => other.commit === revision.commit) : i));
  const pending = revisions.flatMap((_, i) => (results[i] || first[i] !== i ? [] : [i]));
  const cached = () => results.forEach((rendered, i) => rendered && options.onRendered?.(i, rendered));
  const complete = () => revisions.map((_, i) => (results[i] ?? results[first[i]])!);
  if (!pending.length) {
    cached();
    return complete();
  }

  const work = mkdtempSync(join(scratchRoot(), 'manifests-diff-'));
  let shared: SharedChild | undefined;
  try {
    if (!options.separate) {
      const runner = join(work, SHARED_RUNNER);
      writeFileSync(runner, SHARED_RUNNER_SOURCE);
      shared = startShared(runner, repo, work);
    }
    const dirs = revisions.map((_, i) => join(work, `r${i}`));
    const exported = Promise.all(
      pending.map(async (i) => {
        mkdirSync(dirs[i]);
        await exportRevision(repo, revisions[i], dirs[i]);
        symlinkSync(join(repo, 'node_modules'), join(dirs[i], 'node_modules'), 'dir');
      }),
    );
    cached(); // while git exports and the shared child loads the libraries
    await exported;
    const renderable = pending.filter((i) => existsSync(join(dirs[i], 'main.ts')));
    const finish = (i: number, via: RenderedRevision['via']) => {
      const rendered: RenderedRevision = { files: readGeneratedTrees(dirs[i]), hasRenderer: via !== 'nothing', via };
      results[i] = rendered;
      const commit = revisions[i].commit;
      if (commit && cache) cache.set(commit, rendered);
      options.onRendered?.(i, rendered);
    };
    for (const i of pending) if (!renderable.includes(i)) finish(i, 'nothing');
    if (renderable.length) {
      await bundle(repo, work, revisions, dirs, renderable);
      const bundles = renderable.map((i) => join(dirs[i], BUNDLE));
      let failure: unknown;
      const succeeded = shared
        ? await shared.start(bundles, (k) => {
            try {
              finish(renderable[k], 'shared');
            } catch (error) {
              failure ??= error;
            }
          })
        : new Set<number>();
      if (failure) throw failure;
      const alone = renderable.filter((_, k) => !succeeded.has(k));
      const outcomes = await Promise.all(
        alone.map((i) => {
          // Whatever a failed shared run left behind goes; the render alone starts from the export, as it would.
          for (const tree of GENERATED_TREES) rmSync(join(dirs[i], tree), { recursive: true, force: true });
          return run(join(dirs[i], BUNDLE), dirs[i]);
        }),
      );
      outcomes.forEach((result, k) => {
        if (result.code !== 0) {
          const output = `${result.stderr}${result.stdout}`.trim();
          throw new ReviewError(`rendering ${revisions[alone[k]].label} failed (exit ${String(result.code)}):\n${output}`);
        }
      });
      for (const i of alone) finish(i, 'alone');
    }
    return complete();
  } finally {
    shared?.stop();
    if (!options.keep) rmSync(work, { recursive: true, force: true });
  }
}

/** Bundles each renderable revision's main.ts into <dir>/BUNDLE, all in one esbuild run; a failure names the revision. */
async function bundle(repo: string, work: string, revisions: readonly Revision[], dirs: readonly string[], renderable: readonly number[]): Promise<void> {
  // Loaded at run time from the repository, not bundled into this tool: esbuild finds its binary beside itself.
  const esbuild = createRequire(join(repo, 'package.json'))('esbuild') as typeof import('esbuild');
  try {
    await esbuild.build({
      absWorkingDir: work,
      entryPoints: renderable.map((i) => ({ in: join(dirs[i], 'main.ts'), out: `r${i}/${BUNDLE.replace(/\.cjs$/, '')}` })),
      outdir: work,
      outExtension: { '.js': '.cjs' },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      // Libraries stay in node_modules: bundling them costs more here than loading them saves, and the shared
      // child loads them once for every revision.
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

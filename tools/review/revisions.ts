/**
 * Revisions to compare, and their sources: a git commit exported with `git archive`, or the working tree (tracked
 * and untracked files that git does not ignore). The committed generated trees are left out of the export, so
 * what is compared is what the revision's own sources render, never a stale dist/; so are folders the renderer
 * does not read and tests (NOT_RENDERED).
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** An error the user can act on (bad ref, failed render): reported as such, exit status 2. */
export class ReviewError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReviewError';
  }
}

export interface Revision {
  /** How reports name it: a short commit and the ref given, or "working tree". */
  readonly label: string;
  /** The full commit; undefined for the working tree. */
  readonly commit?: string;
}

export const WORKING_TREE: Revision = { label: 'working tree' };

/** Trees the renderer writes; removed from an export so that only the revision's own render fills them. */
export const GENERATED_TREES = ['dist', 'clusters', 'bootstrap/clusters'] as const;

/**
 * What an export leaves out besides the generated trees: folders the renderer never reads (the CI scripts, the
 * sample application, documentation, cdk8s' own output folder) and tests. Fewer files to write is a faster export.
 */
export const NOT_RENDERED = ['.ci', 'sample-app', 'docs', 'cdk8s.out', 'node_modules'] as const;

/** The pathspec of an export: everything but the generated trees, the folders in NOT_RENDERED and tests. */
export const EXPORT_PATHSPEC: readonly string[] = [
  '.',
  ...[...GENERATED_TREES, ...NOT_RENDERED].map((tree) => `:(exclude)${tree}`),
  ':(exclude,glob)**/*.test.ts',
];

export function git(repo: string, args: readonly string[], input?: Buffer | string): Buffer {
  const result = spawnSync('git', ['-C', repo, ...args], { input, maxBuffer: 1 << 30 });
  if (result.error) throw new ReviewError(`git ${args[0]} could not run: ${result.error.message}`);
  if (result.status !== 0) throw new ReviewError(`git ${args.join(' ')} failed: ${result.stderr.toString().trim()}`);
  return result.stdout;
}

/** The repository's top folder, from any folder inside it. */
export function repositoryRoot(from: string): string {
  const result = spawnSync('git', ['-C', from, 'rev-parse', '--show-toplevel'], { encoding: 'utf8' });
  if (result.status !== 0) throw new ReviewError(`${from} is not inside a git repository: ${result.stderr.trim()}`);
  return result.stdout.trim();
}

/** Resolves a ref to a commit; throws a ReviewError naming the ref when there is none. */
export function resolveRevision(repo: string, ref: string): Revision {
  const result = spawnSync('git', ['-C', repo, 'rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], { encoding: 'utf8' });
  const commit = result.stdout.trim();
  if (result.status !== 0 || !commit) {
    throw new ReviewError(`unknown revision "${ref}": not a commit in ${repo} (for a merge request base, fetch it first)`);
  }
  const short = commit.slice(0, 8);
  return { label: ref === commit || short.startsWith(ref) || ref.startsWith(short) ? short : `${ref} (${short})`, commit };
}

/** Runs a command without blocking; resolves with its exit code and output. */
export function runAsync(command: string, args: readonly string[]): Promise<{ readonly code: number | null; readonly stdout: string; readonly stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => stdout.push(d));
    child.stderr.on('data', (d: Buffer) => stderr.push(d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(stdout).toString(), stderr: Buffer.concat(stderr).toString() }));
  });
}

/** Writes a revision's sources into `dir` (which must exist), without the generated trees, NOT_RENDERED and tests. */
export async function exportRevision(repo: string, revision: Revision, dir: string): Promise<void> {
  if (revision.commit) {
    const script = 'set -o pipefail; dir="$1"; repo="$2"; commit="$3"; shift 3; git -C "$repo" archive --format=tar "$commit" -- "$@" | tar -x -C "$dir"';
    const result = await runAsync('bash', ['-c', script, 'export', dir, repo, revision.commit, ...EXPORT_PATHSPEC]);
    if (result.code !== 0) throw new ReviewError(`could not export ${revision.label}: ${result.stderr.trim()}`);
  } else {
    const listed = git(repo, ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', ...EXPORT_PATHSPEC]).toString().split('\0');
    for (const path of new Set(listed)) {
      if (!path) continue;
      if ([...GENERATED_TREES, ...NOT_RENDERED].some((tree) => path === tree || path.startsWith(`${tree}/`))) continue;
      const source = join(repo, path);
      let stat;
      try {
        stat = lstatSync(source);
      } catch {
        continue; // tracked but deleted in the working tree
      }
      const target = join(dir, path);
      mkdirSync(dirname(target), { recursive: true });
      if (stat.isSymbolicLink()) symlinkSync(readlinkSync(source), target);
      else if (stat.isFile()) copyFileSync(source, target);
    }
  }
  for (const tree of GENERATED_TREES) rmSync(join(dir, tree), { recursive: true, force: true });
}

function lockedVersions(text: string | undefined): Map<string, string> {
  if (!text) return new Map();
  try {
    const lock = JSON.parse(text) as { packages?: Record<string, { version?: string }> };
    return new Map(
      Object.entries(lock.packages ?? {}).flatMap(([path, entry]) =>
        path.startsWith('node_modules/') && entry.version ? [[path.slice('node_modules/'.length), entry.version] as [string, string]] : [],
      ),
    );
  } catch {
    return new Map();
  }
}

/**
 * Every revision is rendered with the installed node_modules. When a revision's package-lock.json locks other
 * versions than the working tree's, its render may differ from what its own dependencies would give: say so.
 */
export async function dependencyWarning(repo: string, revision: Revision): Promise<string | undefined> {
  if (!revision.commit) return undefined;
  const current = existsSync(join(repo, 'package-lock.json')) ? readFileSync(join(repo, 'package-lock.json'), 'utf8') : undefined;
  const result = await runAsync('git', ['-C', repo, 'show', `${revision.commit}:package-lock.json`]);
  const locked = result.code === 0 ? result.stdout : undefined;
  if (locked === current) return undefined;
  const before = lockedVersions(locked);
  const now = lockedVersions(current);
  const differing = [...before.keys()]
    // What the revision locks and the installed tree lacks or has at another version; packages only the
    // installed tree has cannot change how the revision renders.
    .filter((name) => !name.includes('/node_modules/') && before.has(name) && before.get(name) !== now.get(name))
    .sort();
  const shown = differing.slice(0, 5).map((name) => `${name} ${before.get(name) ?? '(none)'} → ${now.get(name) ?? '(none)'}`);
  const more = differing.length > shown.length ? `, and ${differing.length - shown.length} more` : '';
  if (!shown.length && locked !== undefined) return undefined;
  const detail = shown.length ? `: ${shown.join(', ')}${more}` : ': it has no package-lock.json';
  return `${revision.label} locks other dependencies than the installed node_modules${detail}; it was rendered with the installed ones`;
}

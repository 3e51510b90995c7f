/**
 * Writes rendered files into the repository, only after everything rendered and passed its checks.
 * Generated trees: dist/ (whole), clusters/<name>/ (except flux-system/, which `flux bootstrap` owns) and
 * bootstrap/clusters/. Stale generated files are removed; unchanged files are not touched; each file is written to
 * a temporary name and renamed, so a reader never sees half a file.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, existsSync, rmdirSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import type { RenderedFile } from './render';

/** True for repository-relative paths the renderer owns. */
export function isGenerated(path: string): boolean {
  const parts = path.split('/');
  if (parts[0] === 'dist') return true;
  if (parts[0] === 'clusters') return parts.length >= 3 && parts[2] !== 'flux-system';
  return parts[0] === 'bootstrap' && parts[1] === 'clusters';
}

function walk(root: string, dir: string, out: string[]): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) walk(root, full, out);
    else out.push(relative(root, full).split(sep).join('/'));
  }
}

/** Removes directories left empty under `dir` (not `dir` itself). */
function pruneEmpty(dir: string): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const full = join(dir, entry.name);
    pruneEmpty(full);
    if (readdirSync(full).length === 0) rmdirSync(full);
  }
}

export interface WriteSummary {
  readonly written: number;
  readonly removed: number;
  readonly unchanged: number;
}

/** Makes the generated trees under `root` hold exactly `files`. */
export function writeOutputs(root: string, files: readonly RenderedFile[]): WriteSummary {
  const wanted = new Map<string, string>();
  for (const file of files) {
    if (!isGenerated(file.path)) throw new Error(`refusing to write ${file.path}: not in a generated tree`);
    if (wanted.has(file.path)) throw new Error(`two rendered files have the path ${file.path}`);
    wanted.set(file.path, file.content);
  }
  const existing: string[] = [];
  for (const top of ['dist', 'clusters', 'bootstrap/clusters']) walk(root, join(root, top), existing);

  let removed = 0;
  for (const path of existing) {
    if (isGenerated(path) && !wanted.has(path)) {
      rmSync(join(root, path));
      removed++;
    }
  }
  let written = 0;
  let unchanged = 0;
  for (const [path, content] of wanted) {
    const target = join(root, path);
    if (existsSync(target) && readFileSync(target, 'utf8') === content) {
      unchanged++;
      continue;
    }
    mkdirSync(dirname(target), { recursive: true });
    const temporary = `${target}.tmp-${process.pid}`;
    writeFileSync(temporary, content);
    renameSync(temporary, target);
    written++;
  }
  for (const top of ['dist', 'clusters', 'bootstrap/clusters']) pruneEmpty(join(root, top));
  return { written, removed, unchanged };
}

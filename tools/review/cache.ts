/**
 * Where the manifests diff keeps what it can reuse between runs: node_modules/.cache/manifests-diff of the
 * repository, keyed by what the installed node_modules hold (their lockfile), so that installing other versions
 * leaves old entries unused. MANIFESTS_DIFF_CACHE_DIR puts it elsewhere (a CI cache folder: `npm ci` empties
 * node_modules); MANIFESTS_DIFF_CACHE=off (or 0, false, no) turns every cache off.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CacheLocation {
  /** The folder of the caches. */
  readonly dir: string;
  /** A digest of the installed dependencies (node_modules/.package-lock.json, else package-lock.json). */
  readonly dependencies: string;
}

/** Whether caches are on: the option when given, else unless MANIFESTS_DIFF_CACHE says off. */
export function cacheWanted(option?: boolean): boolean {
  return option ?? !/^(off|0|false|no)$/i.test(process.env.MANIFESTS_DIFF_CACHE ?? '');
}

/** The cache location of `repo`; undefined when it has no lockfile to key entries by. */
export function cacheLocation(repo: string): CacheLocation | undefined {
  const modules = join(repo, 'node_modules');
  const lockfile = [join(modules, '.package-lock.json'), join(repo, 'package-lock.json')].find((file) => existsSync(file));
  if (!lockfile) return undefined;
  const dir = process.env.MANIFESTS_DIFF_CACHE_DIR || join(modules, '.cache', 'manifests-diff');
  return { dir, dependencies: digest(readFileSync(lockfile)) };
}

export function digest(...parts: ReadonlyArray<string | Buffer>): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\0');
  return hash.digest('hex').slice(0, 32);
}

/** Writes a cache file whole or not at all; a cache that cannot be written is no error (the next run redoes it). */
export function writeCacheFile(file: string, content: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(temporary, content);
    renameSync(temporary, file);
  } catch {
    rmSync(temporary, { force: true });
  }
}

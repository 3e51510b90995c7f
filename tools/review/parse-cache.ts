/**
 * Parsed YAML kept between runs: most generated files are the same from one revision to the next, and parsing them
 * is most of what the diff itself costs. Documents are stored by a digest of their text, in one file under the
 * cache folder (see cache.ts), only when they are plain JSON data, so that reading them back gives exactly what
 * parsing would.
 */
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { cacheLocation, digest, writeCacheFile } from './cache';
import { isMapping } from './values';

/** Bump when what parsing yields changes. */
const PARSE_CACHE_FORMAT = 1;
/** Distinct texts kept (about 1 MB, which every run reads): those of the last run first, then the most recent others. */
const PARSE_CACHE_ENTRIES = 500;

type Documents = readonly unknown[];

interface StoredFile {
  readonly format: number;
  readonly entries: Record<string, Documents>;
}

/** True for what JSON gives back unchanged: null, booleans, finite numbers (not -0), strings, arrays, plain objects. */
export function isPlainData(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  if (Array.isArray(value)) return value.every(isPlainData);
  if (isMapping(value) && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.keys(value).every((key) => key !== '__proto__' && isPlainData(value[key]));
  }
  return false;
}

export class ParseCache {
  private readonly used = new Map<string, Documents>();
  private added = false;

  private constructor(
    private readonly file: string,
    private readonly stored: Record<string, Documents>,
  ) {}

  /** The parse cache of `repo`'s node_modules (empty when there is none yet); undefined without a lockfile. */
  static of(repo: string): ParseCache | undefined {
    const location = cacheLocation(repo);
    if (!location) return undefined;
    const file = join(location.dir, `parsed-${location.dependencies}.json`);
    let entries: Record<string, Documents> = {};
    try {
      const stored = JSON.parse(readFileSync(file, 'utf8')) as StoredFile;
      if (stored.format === PARSE_CACHE_FORMAT && isMapping(stored.entries)) entries = stored.entries;
    } catch {
      // none yet, or unreadable: start afresh
    }
    return new ParseCache(file, entries);
  }

  get(text: string): Documents | undefined {
    const key = digest(text);
    const documents = this.used.get(key) ?? (Object.hasOwn(this.stored, key) ? this.stored[key] : undefined);
    if (documents && Array.isArray(documents)) this.used.set(key, documents);
    return Array.isArray(documents) ? documents : undefined;
  }

  set(text: string, documents: Documents): void {
    if (!documents.every(isPlainData)) return;
    this.used.set(digest(text), documents);
    this.added = true;
  }

  /** Writes the cache when this run parsed something new. */
  save(): void {
    if (!this.added) return;
    const entries: Record<string, Documents> = {};
    let count = 0;
    for (const [key, documents] of [...this.used, ...Object.entries(this.stored)]) {
      if (count >= PARSE_CACHE_ENTRIES) break;
      if (Object.hasOwn(entries, key)) continue;
      entries[key] = documents;
      count++;
    }
    const stored: StoredFile = { format: PARSE_CACHE_FORMAT, entries };
    writeCacheFile(this.file, JSON.stringify(stored));
    this.added = false;
    // The files of other installed dependencies, once a day has passed without them.
    try {
      const dir = dirname(this.file);
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (/^parsed-.*\.json$/.test(name) && path !== this.file && Date.now() - statSync(path).mtimeMs > 86_400_000) rmSync(path, { force: true });
      }
    } catch {
      // best effort
    }
  }
}

/**
 * A revision's generated files read back as reviewable objects, each identified the way Kubernetes identifies it:
 * cluster, API group, kind, namespace and name (the API version is a field, so v1beta1 → v1 reads as a change).
 * Generated files that are not Kubernetes objects (Karpenter stack parameters) are compared as whole documents.
 */
import { parseAllDocuments } from 'yaml';
import { isMapping } from './values';

export interface ReviewObject {
  /** Identity: `cluster|group|kind|namespace|name`. */
  readonly id: string;
  readonly cluster: string;
  /** API group, "" for the core group; "file" for a generated file that is not a Kubernetes object. */
  readonly group: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  /** Repository-relative path of the file it was read from. */
  readonly path: string;
  /** The parsed document. */
  readonly body: unknown;
}

/** Kind given to generated files that hold no Kubernetes object. */
export const FILE_KIND = 'File';

/** The cluster a generated path belongs to: dist/<c>/…, clusters/<c>/…, bootstrap/clusters/<c>/…. */
export function clusterOfPath(path: string): string {
  const parts = path.split('/');
  if ((parts[0] === 'dist' || parts[0] === 'clusters') && parts.length > 2) return parts[1];
  if (parts[0] === 'bootstrap' && parts[1] === 'clusters' && parts.length > 3) return parts[2];
  return '(repository)';
}

export function groupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
}

function objectId(cluster: string, group: string, kind: string, namespace: string, name: string): string {
  return [cluster, group, kind, namespace, name].join('|');
}

/** `NodePool gitlab-ci-jobs-amd64`, `Role gitlab-ci-jobs/gitlab-runner-amd64`, or the file's path. */
export function describeObject(object: Pick<ReviewObject, 'kind' | 'namespace' | 'name'>): string {
  if (object.kind === FILE_KIND) return object.name;
  return `${object.kind} ${object.namespace ? `${object.namespace}/` : ''}${object.name}`;
}

/** Thrown when a generated file does not parse; names the file. */
export class UnreadableFileError extends Error {
  constructor(path: string, reason: string) {
    super(`cannot read generated file ${path}: ${reason}`);
    this.name = 'UnreadableFileError';
  }
}

function asFile(path: string, body: unknown): ReviewObject {
  const cluster = clusterOfPath(path);
  return { id: objectId(cluster, 'file', FILE_KIND, '', path), cluster, group: 'file', kind: FILE_KIND, namespace: '', name: path, path, body };
}

/**
 * The documents of a YAML file. Most files are the same in both revisions: each distinct text is parsed once and
 * its documents shared (nothing modifies them), which halves the parsing and makes equal objects identical.
 */
function parseYamlStream(path: string, content: string): readonly unknown[] {
  const cached = parsedYaml.get(content);
  if (cached) return cached;
  const stored = parsedStore?.get(content);
  if (stored) {
    parsedYaml.set(content, stored);
    return stored;
  }
  const documents = parseAllDocuments(content);
  if (!Array.isArray(documents)) throw new UnreadableFileError(path, 'not a YAML stream');
  const bodies = documents.map((document) => {
    if (document.errors.length) throw new UnreadableFileError(path, document.errors[0].message);
    return document.toJS() as unknown;
  });
  if (parsedYaml.size > 5000) parsedYaml.clear();
  parsedYaml.set(content, bodies);
  parsedStore?.set(content, bodies);
  return bodies;
}

const parsedYaml = new Map<string, readonly unknown[]>();

/** Forgets the texts parsed in this process (for tests of the store). */
export function forgetParsedTexts(): void {
  parsedYaml.clear();
}

/** Where documents parsed in earlier runs are found and new ones kept (parse-cache.ts); none unless set. */
export interface ParsedStore {
  get(text: string): readonly unknown[] | undefined;
  set(text: string, documents: readonly unknown[]): void;
}

let parsedStore: ParsedStore | undefined;

/** Sets (or, with undefined, clears) the store readObjects consults before parsing a YAML text. */
export function useParsedStore(store: ParsedStore | undefined): void {
  parsedStore = store;
}

/** Every object of a revision's generated files, in path order. */
export function readObjects(files: ReadonlyMap<string, string>): ReviewObject[] {
  const objects: ReviewObject[] = [];
  for (const path of [...files.keys()].sort()) {
    const content = files.get(path)!;
    if (path.endsWith('.json')) {
      try {
        objects.push(asFile(path, JSON.parse(content)));
      } catch (error) {
        throw new UnreadableFileError(path, (error as Error).message);
      }
      continue;
    }
    if (!/\.ya?ml$/.test(path)) {
      objects.push(asFile(path, content));
      continue;
    }
    for (const body of parseYamlStream(path, content)) {
      if (body === null || body === undefined) continue;
      const metadata = isMapping(body) && isMapping(body.metadata) ? body.metadata : undefined;
      if (!isMapping(body) || typeof body.apiVersion !== 'string' || typeof body.kind !== 'string' || typeof metadata?.name !== 'string') {
        objects.push(asFile(path, body));
        continue;
      }
      const cluster = clusterOfPath(path);
      const group = groupOf(body.apiVersion);
      const namespace = typeof metadata.namespace === 'string' ? metadata.namespace : '';
      objects.push({
        id: objectId(cluster, group, body.kind, namespace, metadata.name),
        cluster,
        group,
        kind: body.kind,
        namespace,
        name: metadata.name,
        path,
        body,
      });
    }
  }
  return objects;
}

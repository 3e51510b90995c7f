/** Test helpers for definitions and rendered trees. Imported by tests only. */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { ClusterDefinition, RunnerDefinition } from './definition';
import { DefinitionError, resolveCluster } from './resolve';

const token = { source: 'existing-secret', secretName: 'runner-token' } as const;

/** A one-runner definition, with overrides for the cluster and for its runner. */
export function cluster(overrides: Partial<ClusterDefinition> = {}, runner: Partial<RunnerDefinition> = {}): ClusterDefinition {
  return { name: 'test', region: 'eu-west-1', runners: [{ arch: 'amd64', token, ...runner }], ...overrides };
}

/** The problems a definition is rejected with, as "path: message" lines; fails if it is accepted. */
export function problemsOf(definition: unknown): string[] {
  try {
    resolveCluster(definition as ClusterDefinition);
  } catch (error) {
    if (error instanceof DefinitionError) return error.problems.map((p) => `${p.path}: ${p.message}`);
    throw error;
  }
  throw new Error('the definition was accepted');
}

export { token as TEST_TOKEN };

/** The SHA-256 of every file under `root` (or under the given folders of it), by path relative to `root`. */
export function treeDigest(root: string, folders: readonly string[] = ['.']): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else out[relative(root, full)] = createHash('sha256').update(readFileSync(full)).digest('hex');
    }
  };
  for (const folder of folders) if (existsSync(join(root, folder))) walk(join(root, folder));
  return out;
}

export const TOKEN_FROM_EXISTING_SECRET = { source: 'existing-secret', secretName: 'runner-token' } as const;

/** A small two-architecture cluster for tests. */
export function twoArchCluster(overrides: Partial<ClusterDefinition> = {}): ClusterDefinition {
  return {
    name: 'test',
    region: 'eu-west-1',
    runners: [
      { arch: 'amd64', token: { source: 'aws-secrets-manager', secretId: 'ci/amd64', property: 'token' }, jobTimeout: '2h' },
      { arch: 'arm64', token: TOKEN_FROM_EXISTING_SECRET },
    ],
    ...overrides,
  };
}

/** A definition with every optional field set, so tests can reach every field (all valid, all within capacity). */
export function everyField(): ClusterDefinition {
  return {
    name: 'full',
    region: 'eu-west-1',
    kubernetesVersion: '1.35',
    gitlabUrl: 'https://gitlab.example.com',
    runners: [
      {
        arch: 'amd64',
        name: 'amd',
        tags: ['linux', 'docker'],
        runUntagged: false,
        concurrent: 4,
        replicas: 2,
        jobTimeout: '2h',
        jobDefaults: { cpu: '1', memory: '2Gi', ephemeralStorage: '10Gi' },
        jobMaximum: { cpu: '4', memory: '8Gi', ephemeralStorage: '50Gi' },
        defaultImage: 'alpine:3.22',
        token: { source: 'aws-secrets-manager', secretId: 'ci/amd64', property: 'token' },
        nodePool: {
          capacityTypes: ['spot', 'on-demand'],
          instanceCategories: ['c', 'm'],
          minInstanceGeneration: 6,
          minInstanceCpu: 2,
          maxInstanceCpu: 16,
          cpuLimit: '64',
          memoryLimit: '256Gi',
          consolidationPolicy: 'WhenEmpty',
          consolidateAfter: '5m',
          expireAfter: '168h',
          disruptionBudget: '10%',
        },
      },
      {
        arch: 'arm64',
        name: 'arm',
        token: { source: 'existing-secret', secretName: 'arm-token', key: 'token' },
        nodePool: { instanceFamilies: ['c7g', 'm7g'] },
      },
    ],
    nodeClass: { amiAlias: 'al2023@v20260903', nodeRole: 'KarpenterNodeRole-full', rootVolumeSize: '100Gi' },
    cache: { bucket: 'full-runner-cache', region: 'eu-west-1' },
    metrics: true,
  };
}

/** Every leaf of plain data (strings, numbers, booleans), with its path as a list of keys. */
export function leaves(value: unknown, path: readonly PropertyKey[] = []): Array<{ path: PropertyKey[]; value: unknown }> {
  if (Array.isArray(value)) return value.flatMap((item, index) => leaves(item, [...path, index]));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([key, item]) => leaves(item, [...path, key]));
  return [{ path: [...path], value }];
}

/** A deep copy of `value` with the leaf at `path` replaced (set to undefined: the key stays, holding undefined). */
export function withLeaf<T>(value: T, path: readonly PropertyKey[], leaf: unknown): T {
  const copy = structuredClone(value);
  let at = copy as Record<PropertyKey, unknown>;
  for (const key of path.slice(0, -1)) at = at[key] as Record<PropertyKey, unknown>;
  at[path[path.length - 1]] = leaf;
  return copy;
}

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

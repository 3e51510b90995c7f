/** Test helpers for definitions. Imported by tests only. */
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

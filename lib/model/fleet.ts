/** Resolves every cluster of the fleet at once, so one run reports the problems of all clusters, not only the first. */
import type { ClusterDefinition } from './definition';
import { UserInputError } from './errors';
import { DefinitionError, resolveCluster, type ResolvedCluster } from './resolve';

/** A fleet that cannot be rendered: every invalid cluster, each with all its problems. */
export class FleetError extends UserInputError {
  constructor(readonly errors: readonly Error[]) {
    super(errors.map((e) => e.message).join('\n'));
    this.name = 'FleetError';
  }
}

export function resolveFleet(definitions: readonly ClusterDefinition[]): readonly ResolvedCluster[] {
  const errors: Error[] = [];
  const resolved: ResolvedCluster[] = [];
  const names = new Map<string, number>();
  definitions.forEach((definition, index) => {
    try {
      const cluster = resolveCluster(definition);
      const first = names.get(cluster.name);
      if (first !== undefined) {
        throw new DefinitionError(cluster.name, [
          { path: 'name', message: `"${cluster.name}" is already the name of cluster ${first + 1} in the list; cluster names must be unique` },
        ]);
      }
      names.set(cluster.name, index);
      resolved.push(cluster);
    } catch (error) {
      if (!(error instanceof DefinitionError)) throw error;
      errors.push(error);
    }
  });
  if (errors.length) throw new FleetError(errors);
  return resolved;
}

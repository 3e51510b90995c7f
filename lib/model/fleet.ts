/** Resolves every cluster of the fleet at once, so one run reports the problems of all clusters, not only the first. */
import type { ClusterDefinition } from './definition';
import { UserInputError } from './errors';
import { capacityWarnings } from './consistency';
import { definitionWarnings } from './warnings';
import { DefinitionError, resolveCluster, type ResolvedCluster } from './resolve';
import { showValue } from './show-value';

/** A fleet that cannot be rendered: every invalid cluster, each with all its problems. */
export class FleetError extends UserInputError {
  constructor(readonly errors: readonly Error[]) {
    super(errors.map((e) => e.message).join('\n'));
    this.name = 'FleetError';
  }
}

/**
 * Resolves every cluster; refuses a fleet that is not a list or lists no cluster, since rendering it would delete
 * every generated file (and with them every cluster's runners, once Flux applies the change).
 */
export function resolveFleet(definitions: readonly ClusterDefinition[]): readonly ResolvedCluster[] {
  if (!Array.isArray(definitions)) {
    throw new FleetError([
      new Error(`the fleet (the \`definitions\` export of definitions/clusters.ts) must be a list of cluster definitions, got ${showValue(definitions)}`),
    ]);
  }
  if (definitions.length === 0) {
    throw new FleetError([
      new Error(
        'the fleet (the `definitions` export of definitions/clusters.ts) lists no cluster: rendering it would delete ' +
          'every generated file and, once Flux applies that, every runner. List at least one cluster.',
      ),
    ]);
  }
  const errors: Error[] = [];
  const resolved: ResolvedCluster[] = [];
  const names = new Map<string, number>();
  definitions.forEach((definition, index) => {
    try {
      const cluster = resolveCluster(definition, index);
      const first = names.get(cluster.name);
      if (first !== undefined) {
        throw new DefinitionError(`"${cluster.name}"`, [
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

/** What may not work but is allowed, per cluster: `cluster "name": field: message`. */
export function fleetWarnings(fleet: readonly ResolvedCluster[]): string[] {
  return fleet.flatMap((cluster) =>
    [...capacityWarnings(cluster), ...definitionWarnings(cluster)].map((w) => `cluster "${cluster.name}": ${w.path}: ${w.message}`),
  );
}

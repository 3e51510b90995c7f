/** Resolves every cluster of the fleet at once, so one run reports the problems of all clusters, not only the first. */
import type { ClusterDefinition } from './definition';
import { UserInputError } from './errors';
import { capacityWarnings } from './consistency';
import { definitionWarnings } from './warnings';
import { DefinitionError, resolveCluster, type ResolvedCluster } from './resolve';
import { showValue } from './show-value';
import type { DefinitionProblem } from './problems';
import { awsSecretRef, sameAwsSecret } from './token-identity';

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
  errors.push(...sharedTokensAcrossClusters(resolved));
  if (errors.length) throw new FleetError(errors);
  return resolved;
}

/**
 * Runners of different clusters reading one Secrets Manager secret (region, name and property; an ARN and the
 * plain name of one secret are one secret): one token in two clusters means GitLab hands either cluster's jobs to
 * the other's managers, and revoking it stops both. Reported at the later cluster's runner.
 */
function sharedTokensAcrossClusters(fleet: readonly ResolvedCluster[]): Error[] {
  const errors: Error[] = [];
  fleet.forEach((cluster, c) => {
    const problems: DefinitionProblem[] = [];
    cluster.runners.forEach((runner, r) => {
      const mine = awsSecretRef(runner, cluster.region);
      if (!mine) return;
      for (const earlier of fleet.slice(0, c)) {
        const other = earlier.runners.findIndex((o) => {
          const theirs = awsSecretRef(o, earlier.region);
          return !!theirs && sameAwsSecret(mine, theirs);
        });
        if (other >= 0) {
          problems.push({
            path: `runners[${r}].token`,
            message:
              `reads the same token as runner "${earlier.runners[other].name}" of cluster "${earlier.name}" (${mine.written} in ` +
              `${mine.region}): each runner of the fleet needs its own token, or GitLab gives one cluster's jobs to the other's ` +
              'managers; create a secret for this cluster, such as ' +
              JSON.stringify(`gitlab-runner/${cluster.name}/${runner.name}`),
          });
          break;
        }
      }
    });
    if (problems.length) errors.push(new DefinitionError(`"${cluster.name}"`, problems));
  });
  return errors;
}

/** A token secretId naming another cluster of the fleet in one of its path segments: most likely a copy-paste slip. */
function tokenWarnings(fleet: readonly ResolvedCluster[], cluster: ResolvedCluster): DefinitionProblem[] {
  const others = fleet.filter((c) => c.name !== cluster.name).map((c) => c.name);
  return cluster.runners.flatMap((runner, index) => {
    if (runner.token.source !== 'aws-secrets-manager') return [];
    const segments = runner.token.secretId.split(/[/:]/);
    const named = others.find((name) => segments.includes(name));
    return named
      ? [{ path: `runners[${index}].token.secretId`, message: `"${runner.token.secretId}" names cluster "${named}", not this cluster "${cluster.name}": is it that cluster's token?` }]
      : [];
  });
}

/** What may not work but is allowed, per cluster: `cluster "name": field: message`. */
export function fleetWarnings(fleet: readonly ResolvedCluster[]): string[] {
  return fleet.flatMap((cluster) =>
    [...capacityWarnings(cluster), ...definitionWarnings(cluster), ...tokenWarnings(fleet, cluster)].map((w) => `cluster "${cluster.name}": ${w.path}: ${w.message}`),
  );
}

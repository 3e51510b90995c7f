/**
 * What GitLab should hold for each runner of the fleet, derived from the resolved definitions: the runner object's
 * settings, where it is registered, and where its token goes. Nothing here talks to GitLab.
 */
import type { RunnerAccessLevel, RunnerScope } from '../../lib/model/definition';
import type { ResolvedCluster } from '../../lib/model/resolved';
import { maintenanceNote } from './ownership';

/** The settings of a runner object in GitLab that this repository decides, by GitLab's API names. */
export interface RunnerSettings {
  readonly description: string;
  readonly maintenance_note: string;
  readonly tag_list: readonly string[];
  readonly run_untagged: boolean;
  readonly locked: boolean;
  readonly paused: boolean;
  readonly access_level: RunnerAccessLevel;
  /** Seconds; null when the runner has none (a runner made by hand). */
  readonly maximum_timeout: number | null;
}

export const SETTING_NAMES = ['description', 'maintenance_note', 'tag_list', 'run_untagged', 'locked', 'paused', 'access_level', 'maximum_timeout'] as const satisfies ReadonlyArray<keyof RunnerSettings>;

/** Where a new or rotated runner token is stored. */
export type TokenDestination =
  | { readonly kind: 'aws-secrets-manager'; readonly region: string; readonly secretId: string; readonly property?: string }
  | { readonly kind: 'existing-secret'; readonly namespace: string; readonly secretName: string; readonly key: string };

export interface DesiredRunner {
  /** `<cluster>/<runner>`: recorded in the runner's maintenance note, so apply finds the runners it owns. */
  readonly key: string;
  readonly cluster: string;
  readonly runner: string;
  /** GitLab instance URL (no trailing slash). */
  readonly gitlabUrl: string;
  readonly scope: RunnerScope;
  readonly settings: RunnerSettings;
  readonly token: TokenDestination;
  /** The manager Deployment (namespace and name) that reads the token; restarted after a rotation. */
  readonly manager: { readonly namespace: string; readonly name: string };
}

/** Every runner of the given clusters, as GitLab should hold it. */
export function desiredRunners(clusters: readonly ResolvedCluster[]): DesiredRunner[] {
  return clusters.flatMap((cluster) =>
    cluster.runners.map((runner): DesiredRunner => ({
      key: runner.gitlab.key,
      cluster: cluster.name,
      runner: runner.name,
      gitlabUrl: cluster.gitlabUrl,
      scope: runner.gitlab.scope,
      settings: {
        description: runner.gitlab.description,
        maintenance_note: maintenanceNote(runner.gitlab.key),
        tag_list: runner.gitlab.tagList,
        run_untagged: runner.gitlab.runUntagged,
        locked: runner.gitlab.locked,
        paused: runner.gitlab.paused,
        access_level: runner.gitlab.accessLevel,
        maximum_timeout: runner.gitlab.maximumTimeout,
      },
      token:
        runner.token.source === 'aws-secrets-manager'
          ? { kind: 'aws-secrets-manager', region: cluster.region, secretId: runner.token.secretId, ...(runner.token.property ? { property: runner.token.property } : {}) }
          : { kind: 'existing-secret', namespace: cluster.namespaces.managers, secretName: runner.tokenSecret.name, key: runner.tokenSecret.key },
      manager: { namespace: cluster.namespaces.managers, name: runner.names.manager },
    })),
  );
}

/** One line naming a scope, for reports and errors. */
export function describeScope(scope: RunnerScope): string {
  return scope.type === 'instance' ? 'instance runner' : `${scope.type} runner of ${scope.path}`;
}

/** One line naming a token destination, for reports and errors. Never a token. */
export function describeDestination(token: TokenDestination): string {
  return token.kind === 'aws-secrets-manager'
    ? `AWS Secrets Manager secret ${token.secretId}${token.property ? ` (JSON property ${token.property})` : ''} in ${token.region}`
    : `Secret ${token.namespace}/${token.secretName} (key ${token.key}), created with kubectl`;
}

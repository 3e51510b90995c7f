/**
 * The plan: for each GitLab instance, what apply would do to make GitLab's runners match the definitions. Reading
 * GitLab (readOwnedRunners) is separate from deciding (planInstance), which is pure and tested on its own.
 */
import type { RunnerScope } from '../../lib/model/definition';
import { type DesiredRunner, describeScope, type RunnerSettings, SETTING_NAMES } from './desired';
import type { GitLabApi, GitLabRunner, ScopeIds } from './gitlab-api';
import { ownerKey } from './ownership';

/** A runner in GitLab that carries this repository's key. */
export interface OwnedRunner extends GitLabRunner {
  readonly key: string;
}

export interface SettingChange {
  readonly field: keyof RunnerSettings;
  readonly from: unknown;
  readonly to: unknown;
}

export type Action =
  /** Not in GitLab: create it and store its token. */
  | { readonly kind: 'create'; readonly desired: DesiredRunner; readonly scopeIds: ScopeIds }
  /** In GitLab with other settings: update those. */
  | { readonly kind: 'update'; readonly desired: DesiredRunner; readonly actual: OwnedRunner; readonly changes: readonly SettingChange[] }
  /** In GitLab in another scope (GitLab cannot move a runner): create the new one, store its token, delete the old. */
  | { readonly kind: 'replace'; readonly desired: DesiredRunner; readonly actual: OwnedRunner; readonly scopeIds: ScopeIds }
  | { readonly kind: 'unchanged'; readonly desired: DesiredRunner; readonly actual: OwnedRunner }
  /** Owned, of a cluster being planned, but no longer defined: delete it. */
  | { readonly kind: 'delete'; readonly actual: OwnedRunner }
  /** More than one runner carries the key: nothing is done until a person deletes the extra ones. */
  | { readonly kind: 'conflict'; readonly desired: DesiredRunner; readonly actuals: readonly OwnedRunner[] };

export interface InstancePlan {
  readonly gitlabUrl: string;
  readonly actions: readonly Action[];
  /** What needs a person soon though nothing differs: tokens about to expire. */
  readonly warnings: readonly string[];
}

/** Tokens expiring within this many days are reported (rotation is a person's merge: leave time for it). */
export const TOKEN_EXPIRY_WARNING_DAYS = 14;

/** Whether the plan needs anything done (conflicts and expiring tokens count: they need a person). */
export function hasChanges(plans: readonly InstancePlan[]): boolean {
  return plans.some((p) => p.warnings.length > 0 || p.actions.some((a) => a.kind !== 'unchanged'));
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
/** GitLab keeps tags as a set; their order is not drift. */
const normalized = (field: keyof RunnerSettings, value: unknown) => (field === 'tag_list' ? [...(value as string[])].sort() : value);

export function settingChanges(actual: RunnerSettings, desired: RunnerSettings): SettingChange[] {
  return SETTING_NAMES.filter((field) => !same(normalized(field, actual[field]), normalized(field, desired[field]))).map((field) => ({ field, from: actual[field], to: desired[field] }));
}

function inScope(runner: GitLabRunner, scope: ScopeIds): boolean {
  switch (scope.type) {
    case 'instance':
      return runner.runnerType === 'instance_type';
    case 'group':
      return runner.runnerType === 'group_type' && runner.groupIds.includes(scope.id);
    case 'project':
      return runner.runnerType === 'project_type' && runner.projectIds.includes(scope.id);
  }
}

/**
 * Decides the actions for one instance. `owned` are the runners carrying a key of one of `clusters` (the clusters
 * being planned): only those may be deleted; runners of other clusters are never touched.
 */
export function planInstance(gitlabUrl: string, desired: readonly DesiredRunner[], owned: readonly OwnedRunner[], scopeIds: ReadonlyMap<string, ScopeIds>, clusters: ReadonlySet<string>, now = new Date()): InstancePlan {
  const actions: Action[] = [];
  for (const want of desired) {
    const ids = scopeIds.get(want.key)!;
    const matches = owned.filter((r) => r.key === want.key);
    if (matches.length > 1) actions.push({ kind: 'conflict', desired: want, actuals: matches });
    else if (matches.length === 0) actions.push({ kind: 'create', desired: want, scopeIds: ids });
    else if (!inScope(matches[0], ids)) actions.push({ kind: 'replace', desired: want, actual: matches[0], scopeIds: ids });
    else {
      const changes = settingChanges(matches[0].settings, want.settings);
      actions.push(changes.length ? { kind: 'update', desired: want, actual: matches[0], changes } : { kind: 'unchanged', desired: want, actual: matches[0] });
    }
  }
  const wanted = new Set(desired.map((d) => d.key));
  for (const runner of owned) {
    if (!wanted.has(runner.key) && clusters.has(runner.key.split('/')[0])) actions.push({ kind: 'delete', actual: runner });
  }
  const warnings: string[] = [];
  for (const action of actions) {
    if (action.kind !== 'update' && action.kind !== 'unchanged') continue;
    const expires = action.actual.tokenExpiresAt === null ? NaN : Date.parse(action.actual.tokenExpiresAt);
    if (Number.isNaN(expires) || expires - now.getTime() > TOKEN_EXPIRY_WARNING_DAYS * 86_400_000) continue;
    warnings.push(
      `${action.desired.key} (#${action.actual.id}): its token ${expires <= now.getTime() ? 'expired' : 'expires'} ${new Date(expires).toISOString().slice(0, 16).replace('T', ' ')} UTC; ` +
        `run \`npm run gitlab:rotate -- --runner ${action.desired.key}\`, then name a new tokenRevision (docs/lifecycle.md)`,
    );
  }
  return { gitlabUrl, actions, warnings };
}

/** Where each desired runner lives in GitLab, by id (groups and projects are named by path in the definitions). */
export async function resolveScopes(api: GitLabApi, desired: readonly DesiredRunner[]): Promise<Map<string, ScopeIds>> {
  const cache = new Map<string, Promise<number>>();
  const idOf = (scope: Exclude<RunnerScope, { type: 'instance' }>) => {
    const cacheKey = `${scope.type}:${scope.path}`;
    if (!cache.has(cacheKey)) cache.set(cacheKey, scope.type === 'group' ? api.groupId(scope.path) : api.projectId(scope.path));
    return cache.get(cacheKey)!;
  };
  const out = new Map<string, ScopeIds>();
  for (const want of desired) {
    out.set(want.key, want.scope.type === 'instance' ? { type: 'instance' } : { type: want.scope.type, id: await idOf(want.scope) });
  }
  return out;
}

/**
 * The runners of one instance that carry a key of this repository. With an instance runner among the desired ones
 * it lists every runner (needs an administrator); otherwise every runner the token's user manages (its groups' and
 * projects'), so a runner moved between them, or no longer defined, is still found.
 */
export async function readOwnedRunners(api: GitLabApi, desired: readonly DesiredRunner[]): Promise<OwnedRunner[]> {
  // The listing has no maintenance note: details are read for each listed runner, a few at a time.
  const ids = desired.length === 0 || desired.some((d) => d.scope.type === 'instance') ? await api.allRunnerIds() : await api.availableRunnerIds();
  const owned: OwnedRunner[] = [];
  const queue = [...ids].sort((a, b) => a - b);
  const worker = async () => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      let runner: GitLabRunner;
      try {
        runner = await api.runner(id);
      } catch (error) {
        // Deleted between the listing and now: not ours to worry about.
        if ((error as { name?: string }).name === 'RunnerNotFoundError') continue;
        throw error;
      }
      const key = ownerKey(runner.settings.maintenance_note);
      if (key) owned.push({ ...runner, key });
    }
  };
  await Promise.all(Array.from({ length: Math.min(8, queue.length) }, worker));
  return owned.sort((a, b) => a.id - b.id);
}

/** Plans one instance: reads GitLab, then decides. */
export async function planGitLab(api: GitLabApi, desired: readonly DesiredRunner[], clusters: ReadonlySet<string>): Promise<InstancePlan> {
  const scopeIds = await resolveScopes(api, desired);
  const owned = (await readOwnedRunners(api, desired)).filter((r) => clusters.has(r.key.split('/')[0]));
  return planInstance(api.url, desired, owned, scopeIds, clusters);
}

/** A one-line summary of an action's subject, for reports and errors. */
export function subject(action: Action): string {
  if (action.kind === 'delete') return `${action.actual.key} (#${action.actual.id})`;
  if (action.kind === 'create') return `${action.desired.key} (${describeScope(action.desired.scope)})`;
  if (action.kind === 'conflict') return `${action.desired.key} (${action.actuals.map((r) => `#${r.id}`).join(', ')})`;
  return `${action.desired.key} (#${action.actual.id})`;
}

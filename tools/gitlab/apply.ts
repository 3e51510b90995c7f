/**
 * Carries out a plan, and rotates tokens. One step at a time, each logged when done; the first failure stops the
 * run with a message saying what exists now in GitLab and in the token store, and the one command that finishes.
 */
import { describeDestination, type DesiredRunner } from './desired';
import { type GitLabApi, RunnerNotFoundError, type ScopeIds } from './gitlab-api';
import { type Action, type InstancePlan, readOwnedRunners, resolveScopes, subject } from './plan';
import type { TokenStore } from './token-store';

/** A step failed; `message` says what exists now and how to finish. */
export class ApplyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ApplyError';
  }
}

export interface ApplyOutcome {
  /** Steps that were not done and need a person (a token folder, a conflict). */
  readonly pending: readonly string[];
  /** Commands a person must run (kubectl for existing-secret tokens). */
  readonly followUps: readonly string[];
}

const rotateCommand = (key: string) => `npm run gitlab:rotate -- --runner ${key}`;

async function createAndStore(api: GitLabApi, store: TokenStore, desired: DesiredRunner, scopeIds: ScopeIds, log: (line: string) => void, followUps: string[], context: string): Promise<number> {
  let created: { id: number; token: string };
  try {
    created = await api.createRunner(scopeIds, desired.settings, `runner ${desired.key}`);
  } catch (error) {
    throw new ApplyError(`${(error as Error).message}\nNothing was created for ${desired.key}.${context}`);
  }
  try {
    const stored = await store.store(desired, created.token);
    log(`created runner #${created.id} ${desired.key}; token stored in ${stored.where}`);
    if (stored.followUp) followUps.push(`${desired.key}: ${stored.followUp}`);
    return created.id;
  } catch (error) {
    throw new ApplyError(
      `runner #${created.id} (${desired.key}) now exists in GitLab at ${api.url} with the settings of the definition, but its token could not be stored: ${(error as Error).message}\n` +
        `GitLab shows a token once; it is not kept anywhere, and nothing uses it yet.${context}\n` +
        `To finish: fix the cause, then run \`${rotateCommand(desired.key)}\`: it resets the token of runner #${created.id} and stores the new one in the ${describeDestination(desired.token)}.`,
    );
  }
}

/** Applies one instance's plan. `done` collects what was done, for the message of a later failure. */
export async function applyPlan(api: GitLabApi, plan: InstancePlan, store: TokenStore, log: (line: string) => void): Promise<ApplyOutcome> {
  const pending: string[] = [];
  const followUps: string[] = [];
  const done: string[] = [];
  const context = () => (done.length ? `\nDone before this failure: ${done.join('; ')}.` : '');
  const step = (action: Action, what: string) => {
    done.push(`${what} ${subject(action)}`);
  };
  for (const action of plan.actions) {
    switch (action.kind) {
      case 'unchanged':
        break;
      case 'conflict':
        pending.push(`${subject(action)}: ${action.actuals.length} runners carry the key ${action.desired.key}; delete all but one in GitLab (or remove the runner-fleet-key line from their maintenance note), then apply again`);
        break;
      case 'create': {
        const unavailable = store.unavailable(action.desired);
        if (unavailable) {
          pending.push(`${action.desired.key} not created: ${unavailable}`);
          break;
        }
        await createAndStore(api, store, action.desired, action.scopeIds, log, followUps, context());
        step(action, 'created');
        break;
      }
      case 'update':
        try {
          await api.updateRunner(action.actual.id, Object.fromEntries(action.changes.map((c) => [c.field, c.to])), `runner #${action.actual.id} (${action.desired.key})`);
        } catch (error) {
          if (error instanceof RunnerNotFoundError) {
            throw new ApplyError(`runner #${action.actual.id} (${action.desired.key}) was deleted in GitLab after the plan read it; nothing was changed for it.${context()}\nTo finish: run \`npm run gitlab:apply\` again: it creates the runner and stores its new token.`);
          }
          throw new ApplyError(`${(error as Error).message}\nRunner #${action.actual.id} (${action.desired.key}) keeps its previous settings.${context()}`);
        }
        log(`updated runner #${action.actual.id} ${action.desired.key}: ${action.changes.map((c) => c.field).join(', ')}`);
        step(action, 'updated');
        break;
      case 'replace': {
        const unavailable = store.unavailable(action.desired);
        if (unavailable) {
          pending.push(`${action.desired.key} not replaced: ${unavailable}`);
          break;
        }
        const oldNote = `\nThe old runner #${action.actual.id} is untouched and its token still works.`;
        await createAndStore(api, store, action.desired, action.scopeIds, log, followUps, `${context()}${oldNote}`);
        await api.deleteRunner(action.actual.id, `runner #${action.actual.id} (${action.desired.key}, replaced)`).catch((error: Error) => {
          throw new ApplyError(`${error.message}\nThe new runner of ${action.desired.key} exists and its token is stored; the old runner #${action.actual.id} is still in GitLab: run \`npm run gitlab:apply\` again to delete it.`);
        });
        log(`deleted runner #${action.actual.id} (replaced by the new ${action.desired.key})`);
        step(action, 'replaced');
        break;
      }
      case 'delete':
        try {
          await api.deleteRunner(action.actual.id, `runner #${action.actual.id} (${action.actual.key}, no longer defined)`);
        } catch (error) {
          throw new ApplyError(`${(error as Error).message}\nRunner #${action.actual.id} (${action.actual.key}) is still in GitLab.${context()}`);
        }
        log(`deleted runner #${action.actual.id} ${action.actual.key}: no longer defined`);
        step(action, 'deleted');
        break;
    }
  }
  // Expiring tokens are a person's job (rotate, then a tokenRevision merge): reported, not done here.
  pending.push(...plan.warnings);
  return { pending, followUps };
}

/** Resets the token of the runner that carries `desired.key` and stores the new one. */
export async function rotateToken(api: GitLabApi, desired: DesiredRunner, store: TokenStore, log: (line: string) => void): Promise<ApplyOutcome> {
  const unavailable = store.unavailable(desired);
  if (unavailable) throw new ApplyError(`cannot rotate ${desired.key}: ${unavailable}. Nothing was changed.`);
  await resolveScopes(api, [desired]);
  const owned = (await readOwnedRunners(api, [desired])).filter((r) => r.key === desired.key);
  if (owned.length === 0) throw new ApplyError(`no runner in GitLab at ${api.url} carries the key ${desired.key}: run \`npm run gitlab:apply\` to create it (that stores its token). Nothing was changed.`);
  if (owned.length > 1) throw new ApplyError(`${owned.length} runners carry the key ${desired.key} (${owned.map((r) => `#${r.id}`).join(', ')}): delete all but one in GitLab first. Nothing was changed.`);
  const runner = owned[0];
  let token: string;
  try {
    token = await api.resetToken(runner.id, `runner #${runner.id} (${desired.key})`);
  } catch (error) {
    if (error instanceof RunnerNotFoundError) throw new ApplyError(`runner #${runner.id} (${desired.key}) was deleted in GitLab while rotating; run \`npm run gitlab:apply\` to create it again. Nothing was stored.`);
    throw new ApplyError(`${(error as Error).message}\nThe token of runner #${runner.id} was not reset; the current one still works.`);
  }
  const followUps: string[] = [];
  try {
    const stored = await store.store(desired, token);
    log(`reset the token of runner #${runner.id} ${desired.key}; new token stored in ${stored.where}`);
    if (stored.followUp) followUps.push(`${desired.key}: ${stored.followUp}`);
  } catch (error) {
    throw new ApplyError(
      `GitLab reset the token of runner #${runner.id} (${desired.key}): the old token no longer works, so its managers take no new jobs (running jobs finish with their job tokens). The new token could not be stored: ${(error as Error).message}\n` +
        `It is not kept anywhere. To finish: fix the cause, then run \`${rotateCommand(desired.key)}\` again; it resets the token once more and stores it.`,
    );
  }
  followUps.push(`${desired.key}: ${store.afterRotation(desired)}`);
  return { pending: [], followUps };
}

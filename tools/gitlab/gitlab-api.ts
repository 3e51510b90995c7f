/**
 * The runner endpoints of GitLab's REST API this tool calls, through @gitbeaker/rest, with errors turned into
 * messages that say what failed, why, and what to do: the scope a token lacks, the role its user lacks, a runner
 * deleted in GitLab, an unreachable instance. No message ever carries a token: requests (which hold the
 * PRIVATE-TOKEN header) are never printed, only the status and GitLab's own description.
 */
import { Gitlab } from '@gitbeaker/rest';
import type { RunnerAccessLevel } from '../../lib/model/definition';
import type { RunnerSettings } from './desired';

export type RunnerType = 'instance_type' | 'group_type' | 'project_type';

/** A runner as GitLab's details endpoint returns it. */
export interface GitLabRunner {
  readonly id: number;
  readonly runnerType: RunnerType;
  /** Ids of the group (group runners) or projects (project runners) it belongs to. */
  readonly groupIds: readonly number[];
  readonly projectIds: readonly number[];
  readonly settings: RunnerSettings;
  /** When its token stops working (instances that enforce runner token expiry), ISO time, or null. */
  readonly tokenExpiresAt: string | null;
}

/** Where a runner is created: the instance, or a group / project by id. */
export type ScopeIds = { readonly type: 'instance' } | { readonly type: 'group'; readonly id: number } | { readonly type: 'project'; readonly id: number };

/** What each call needs from the token: scopes (any one of them) and a role. Named in every 401/403 message. */
export const NEEDS = {
  listAll: { scopes: ['read_api', 'api'], role: 'an administrator (or auditor): listing all runners' },
  listAvailable: { scopes: ['read_api', 'api'], role: 'the Owner role of the groups and the Maintainer role of the projects whose runners are defined' },
  readNamespace: { scopes: ['read_api', 'api'], role: 'access to the group or project' },
  show: { scopes: ['read_api', 'manage_runner', 'api'], role: 'an administrator, or the Owner/Maintainer role of the runner\'s group/project' },
  create: { scopes: ['create_runner', 'api'], role: 'an administrator for instance runners, the Owner role for group runners, Maintainer for project runners' },
  update: { scopes: ['manage_runner', 'api'], role: 'an administrator, or the Owner/Maintainer role of the runner\'s group/project' },
  remove: { scopes: ['manage_runner', 'api'], role: 'an administrator, or the Owner/Maintainer role of the runner\'s group/project' },
  reset: { scopes: ['manage_runner', 'api'], role: 'an administrator, or the Owner/Maintainer role of the runner\'s group/project' },
} as const;
type Operation = keyof typeof NEEDS;

/** A call to GitLab failed; the message says what to do. `status` is the HTTP status, absent when GitLab was not reached. */
export class GitLabApiError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'GitLabApiError';
  }
}

/** The runner is not in GitLab (deleted there, or never made). */
export class RunnerNotFoundError extends GitLabApiError {
  constructor(
    readonly runnerId: number,
    gitlabUrl: string,
  ) {
    super(`runner #${runnerId} does not exist in GitLab at ${gitlabUrl} (deleted there?)`, 404);
    this.name = 'RunnerNotFoundError';
  }
}

function causeCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Turns whatever gitbeaker or fetch threw into a GitLabApiError for `operation` on `what`. */
export function explain(error: unknown, gitlabUrl: string, operation: Operation, what: string): GitLabApiError {
  if (error instanceof GitLabApiError) return error;
  const needs = NEEDS[operation];
  const scopes = needs.scopes.map((s) => `"${s}"`).join(' or ');
  const response = (error as { cause?: { response?: Response; description?: string } }).cause?.response;
  if (response && typeof response.status === 'number') {
    const status = response.status;
    const description = (error as { cause?: { description?: string } }).cause?.description ?? '';
    if (status === 401) {
      return new GitLabApiError(`GitLab at ${gitlabUrl} refused the token (401 Unauthorized) when ${what}: the token is missing, revoked or expired. It needs the scope ${scopes}.`, status);
    }
    if (status === 403) {
      const header = response.headers?.get?.('www-authenticate') ?? '';
      if (description === 'insufficient_scope' || header.includes('insufficient_scope')) {
        const allowed = header.match(/scope="([^"]+)"/)?.[1]?.split(' ') ?? [...needs.scopes];
        return new GitLabApiError(`GitLab at ${gitlabUrl} refused ${what} (403 insufficient_scope): the token lacks the scope ${allowed.map((s) => `"${s}"`).join(' or ')}.`, status);
      }
      return new GitLabApiError(`GitLab at ${gitlabUrl} refused ${what} (403 ${description || 'Forbidden'}): the token's user needs ${needs.role}.`, status);
    }
    return new GitLabApiError(`GitLab at ${gitlabUrl} answered ${status} when ${what}${description ? `: ${description}` : ''}`, status);
  }
  const code = causeCode(error);
  const message = (error as Error)?.message ?? String(error);
  if (code && /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) {
    return new GitLabApiError(`cannot verify the TLS certificate of GitLab at ${gitlabUrl} when ${what} (${code}): for a private CA, set NODE_EXTRA_CA_CERTS to its PEM file.`);
  }
  if (code || /fetch failed|timeout|retries/i.test(message)) {
    return new GitLabApiError(`GitLab at ${gitlabUrl} is unreachable when ${what} (${code ?? message}). Nothing was changed by this call; check the URL, the network and GitLab's status, then run the command again.`);
  }
  return new GitLabApiError(`GitLab at ${gitlabUrl}: ${what} failed: ${message}`);
}

interface RunnerDetails {
  id: number;
  runner_type: RunnerType;
  description: string | null;
  maintenance_note?: string | null;
  tag_list: string[] | null;
  run_untagged: boolean;
  locked: boolean;
  paused: boolean;
  access_level: RunnerAccessLevel;
  maximum_timeout: number | null;
  token_expires_at?: string | null;
  groups?: Array<{ id: number }>;
  projects?: Array<{ id: number }>;
}

/** The calls this tool makes to one GitLab instance. */
export class GitLabApi {
  private readonly api: InstanceType<typeof Gitlab<false>>;

  constructor(
    readonly url: string,
    token: string,
    options: { readonly timeoutMs?: number } = {},
  ) {
    this.api = new Gitlab({ host: url, token, queryTimeout: options.timeoutMs ?? 30_000 });
  }

  private async call<T>(operation: Operation, what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw explain(error, this.url, operation, what);
    }
  }

  /** Ids of every runner of the instance (administrators only), every page. */
  async allRunnerIds(): Promise<number[]> {
    const runners = await this.call('listAll', 'listing all runners (GET /runners/all)', () => this.api.Runners.all({ perPage: 100 }));
    return runners.map((r) => r.id);
  }

  /** Ids of the runners the token's user manages: of the groups it owns and the projects it maintains (GET /runners). */
  async availableRunnerIds(): Promise<number[]> {
    const runners = await this.call('listAvailable', 'listing the runners of your groups and projects (GET /runners)', () => this.api.Runners.all({ owned: true, perPage: 100 }));
    return runners.map((r) => r.id);
  }

  async groupId(path: string): Promise<number> {
    const group = await this.call('readNamespace', `reading group ${path}`, () => this.api.Groups.show(path));
    return group.id;
  }

  async projectId(path: string): Promise<number> {
    const project = await this.call('readNamespace', `reading project ${path}`, () => this.api.Projects.show(path));
    return project.id;
  }

  /** A runner's details, or RunnerNotFoundError. */
  async runner(id: number): Promise<GitLabRunner> {
    const details = (await this.call('show', `reading runner #${id}`, () =>
      this.api.Runners.show(id).catch((error: unknown) => {
        if ((error as { cause?: { response?: Response } }).cause?.response?.status === 404) throw new RunnerNotFoundError(id, this.url);
        throw error;
      }),
    )) as unknown as RunnerDetails;
    return {
      id: details.id,
      runnerType: details.runner_type,
      groupIds: (details.groups ?? []).map((g) => g.id),
      projectIds: (details.projects ?? []).map((p) => p.id),
      tokenExpiresAt: details.token_expires_at ?? null,
      settings: {
        description: details.description ?? '',
        maintenance_note: details.maintenance_note ?? '',
        tag_list: details.tag_list ?? [],
        run_untagged: details.run_untagged,
        locked: details.locked,
        paused: details.paused,
        access_level: details.access_level,
        maximum_timeout: details.maximum_timeout,
      },
    };
  }

  /** Creates a runner (POST /user/runners); its token is returned once and never again. */
  async createRunner(scope: ScopeIds, settings: RunnerSettings, what: string): Promise<{ id: number; token: string }> {
    const created = await this.call('create', `creating ${what}`, () =>
      this.api.Users.createCIRunner(scope.type === 'instance' ? 'instance_type' : scope.type === 'group' ? 'group_type' : 'project_type', {
        ...(scope.type === 'group' ? { groupId: scope.id } : {}),
        ...(scope.type === 'project' ? { projectId: scope.id } : {}),
        description: settings.description,
        maintenanceNote: settings.maintenance_note,
        tagList: [...settings.tag_list],
        runUntagged: settings.run_untagged,
        locked: settings.locked,
        paused: settings.paused,
        accessLevel: settings.access_level,
        ...(settings.maximum_timeout !== null ? { maximumTimeout: settings.maximum_timeout } : {}),
      }),
    );
    return { id: created.id, token: created.token };
  }

  /** Sets the given settings of a runner (PUT /runners/:id), or RunnerNotFoundError. */
  async updateRunner(id: number, changes: Partial<RunnerSettings>, what: string): Promise<void> {
    await this.call('update', `updating ${what}`, () =>
      this.api.Runners.requester.put(`runners/${id}`, { body: { ...changes } }).catch((error: unknown) => {
        if ((error as { cause?: { response?: Response } }).cause?.response?.status === 404) throw new RunnerNotFoundError(id, this.url);
        throw error;
      }),
    );
  }

  /** Deletes a runner; a runner already gone is not an error. */
  async deleteRunner(id: number, what: string): Promise<void> {
    await this.call('remove', `deleting ${what}`, () =>
      this.api.Runners.remove({ runnerId: id }).catch((error: unknown) => {
        if ((error as { cause?: { response?: Response } }).cause?.response?.status === 404) return undefined;
        throw error;
      }),
    );
  }

  /** Resets a runner's authentication token (POST /runners/:id/reset_authentication_token); the old one stops working. */
  async resetToken(id: number, what: string): Promise<string> {
    const response = await this.call('reset', `resetting the token of ${what}`, () =>
      this.api.Runners.requester.post(`runners/${id}/reset_authentication_token`, {}).catch((error: unknown) => {
        if ((error as { cause?: { response?: Response } }).cause?.response?.status === 404) throw new RunnerNotFoundError(id, this.url);
        throw error;
      }),
    );
    const token = (response as { body?: { token?: unknown } }).body?.token;
    if (typeof token !== 'string' || token.length === 0) throw new GitLabApiError(`GitLab at ${this.url} reset the token of ${what} but returned none`);
    return token;
  }
}

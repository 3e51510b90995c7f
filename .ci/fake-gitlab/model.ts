/**
 * The state of the fake GitLab: users with their tokens, groups, projects, runners and jobs, and the two rules of
 * GitLab's that the fleet depends on: which runner may pick which job, and how long a job may run.
 * Pure data and functions: the HTTP side is in server.ts.
 */
import { randomBytes } from 'node:crypto';

export const RUNNER_TYPES = ['instance_type', 'group_type', 'project_type'] as const;
export type RunnerType = (typeof RUNNER_TYPES)[number];

export const ACCESS_LEVELS = ['not_protected', 'ref_protected'] as const;
export type AccessLevel = (typeof ACCESS_LEVELS)[number];

/** GitLab's model validation: `maximum_timeout` must be at least 10 minutes (Ci::Runner). */
export const MINIMUM_MAXIMUM_TIMEOUT = 600;
/** GitLab's default project job timeout (`build_timeout`): one hour. */
export const DEFAULT_PROJECT_TIMEOUT = 3600;

/** Personal access token scopes the runner endpoints know. `api` grants everything, `read_api` every GET. */
export const TOKEN_SCOPES = ['api', 'read_api', 'create_runner', 'manage_runner'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/** A user, as far as runners are concerned: an administrator, or an owner of groups / maintainer of projects. */
export interface FakeUser {
  readonly id: number;
  readonly username: string;
  readonly admin: boolean;
  /** Full paths of the groups the user owns (group runners need the Owner role). */
  readonly ownedGroups: readonly string[];
  /** Full paths of the projects the user maintains (project runners need Maintainer or more). */
  readonly maintainedProjects: readonly string[];
}

/** A personal access token. The value is made at run time; nothing token-shaped is written in the repository. */
export interface FakeAccessToken {
  readonly value: string;
  readonly userId: number;
  readonly scopes: readonly TokenScope[];
}

export interface FakeNamespace {
  readonly id: number;
  readonly fullPath: string;
}

export interface FakeProject extends FakeNamespace {
  /** Full path of the group holding the project, if any (group runners see its jobs). */
  readonly groupPath?: string;
  /** The project's job timeout in seconds ("Settings > CI/CD > Timeout"). */
  readonly buildTimeout: number;
}

/** A runner as GitLab stores it. */
export interface FakeRunner {
  id: number;
  /** The runner authentication token (`glrt-…`). */
  token: string;
  tokenExpiresAt: string | null;
  runnerType: RunnerType;
  /** Group id for group runners, project ids for project runners. */
  groupId?: number;
  projectIds: number[];
  description: string;
  maintenanceNote: string;
  paused: boolean;
  locked: boolean;
  runUntagged: boolean;
  tagList: string[];
  accessLevel: AccessLevel;
  /** Seconds, or null when the runner sets no maximum. */
  maximumTimeout: number | null;
  /** When the runner last talked to GitLab (verify or job request), ISO time, null if never. */
  contactedAt: string | null;
  /** `system_id`s of the runner managers that used the token. */
  managers: string[];
  createdBy: number;
}

export type JobStatus = 'pending' | 'running' | 'success' | 'failed' | 'canceling' | 'canceled';

/** A CI job waiting for a runner or running on one. */
export interface FakeJob {
  readonly id: number;
  readonly name: string;
  readonly stage: string;
  readonly projectId: number;
  readonly pipelineId: number;
  readonly ref: string;
  readonly refProtected: boolean;
  readonly tags: readonly string[];
  readonly image: string;
  readonly services: readonly string[];
  readonly script: readonly string[];
  readonly afterScript: readonly string[];
  readonly variables: Readonly<Record<string, string>>;
  /** The job's own `timeout:` in seconds, when the pipeline sets one. */
  readonly jobTimeout?: number;
  /** The job token, made when the job is handed to a runner. */
  token?: string;
  status: JobStatus;
  runnerId?: number;
  /** Seconds the runner may run the job, fixed when the job is handed out. */
  timeout?: number;
  timeoutSource?: 'job_timeout_source' | 'project_timeout_source' | 'runner_timeout_source';
  trace: Buffer;
  failureReason?: string;
  exitCode?: number;
  startedAt?: string;
  finishedAt?: string;
}

const TOKEN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A random token with GitLab's prefix for its kind (`glrt-` runner, `glpat-` personal, `glcbt-` job). */
export function makeToken(prefix: 'glrt-' | 'glpat-' | 'glcbt-'): string {
  const bytes = randomBytes(24);
  return prefix + [...bytes].map((b) => TOKEN_ALPHABET[b % TOKEN_ALPHABET.length]).join('');
}

/**
 * Whether GitLab would hand this job to this runner (Ci::Runner#matches_build? and the queue's filters):
 * never to a paused runner; every tag of the job must be a tag of the runner; a job without tags only to a
 * runner that runs untagged jobs; a `ref_protected` runner only jobs of protected refs; a project runner only its
 * projects' jobs, a group runner only jobs of projects in its group.
 */
export function runnerCanPick(runner: FakeRunner, job: FakeJob, project: FakeProject | undefined, groupOf: (id: number) => FakeNamespace | undefined): boolean {
  if (runner.paused) return false;
  if (job.tags.length === 0 && !runner.runUntagged) return false;
  if (!job.tags.every((tag) => runner.tagList.includes(tag))) return false;
  if (runner.accessLevel === 'ref_protected' && !job.refProtected) return false;
  switch (runner.runnerType) {
    case 'instance_type':
      return true;
    case 'project_type':
      return runner.projectIds.includes(job.projectId);
    case 'group_type': {
      const group = runner.groupId === undefined ? undefined : groupOf(runner.groupId);
      const projectGroup = project?.groupPath;
      return !!group && !!projectGroup && (projectGroup === group.fullPath || projectGroup.startsWith(`${group.fullPath}/`));
    }
  }
}

/**
 * The timeout GitLab gives a job (Ci::BuildMetadata#update_timeout_state): the job's own `timeout:` or else the
 * project's timeout, capped by the runner's maximum timeout when the runner sets one; the smaller value wins and
 * names its source.
 */
export function jobTimeout(job: Pick<FakeJob, 'jobTimeout'>, projectTimeout: number, runnerMaximum: number | null): { timeout: number; source: NonNullable<FakeJob['timeoutSource']> } {
  const fromPipeline =
    job.jobTimeout !== undefined
      ? { timeout: job.jobTimeout, source: 'job_timeout_source' as const }
      : { timeout: projectTimeout, source: 'project_timeout_source' as const };
  if (runnerMaximum !== null && runnerMaximum < fromPipeline.timeout) return { timeout: runnerMaximum, source: 'runner_timeout_source' };
  return fromPipeline;
}

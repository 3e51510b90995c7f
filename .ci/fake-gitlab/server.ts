/**
 * One fake GitLab for the tests: the REST endpoints that manage runners (what `gitlab:plan` / `gitlab:apply` call)
 * and the runner's job API (what a real gitlab-runner calls), on one HTTP or HTTPS server, keeping state and
 * recording every request. Loopback by default; any address the test owns (a test bridge) when asked.
 *
 * REST: validated as GitLab's API declares it (lib/api/user_runners.rb, lib/api/ci/runners.rb): PRIVATE-TOKEN or
 * Bearer authentication, 401 without a valid token, 403 `insufficient_scope` naming the scopes that would do, 403
 * "No access granted" without the role, 400 on invalid parameters, 404 for a missing runner.
 * Job API: field names and status codes from the runner's source (common/network.go, network/gitlab.go,
 * common/spec/spec.go). Jobs go only to runners GitLab would give them to (model.ts).
 */
import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { isIPv6 } from 'node:net';
import {
  ACCESS_LEVELS,
  DEFAULT_PROJECT_TIMEOUT,
  type AccessLevel,
  type FakeAccessToken,
  type FakeJob,
  type FakeNamespace,
  type FakeProject,
  type FakeRunner,
  type FakeUser,
  type JobStatus,
  jobTimeout,
  makeToken,
  MINIMUM_MAXIMUM_TIMEOUT,
  RUNNER_TYPES,
  runnerCanPick,
  type RunnerType,
  type TokenScope,
} from './model';
import { makeRunCertificates, type RunCertificates } from './tls';

export interface FakeGitLabOptions {
  /**
   * Address to listen on.
   * @default "127.0.0.1"
   */
  readonly host?: string;
  /**
   * Port to listen on.
   * @default 0 (any free port)
   */
  readonly port?: number;
  /**
   * Serve HTTPS with a CA made for this run. `names` are the certificate's SANs besides `host`.
   * @default false (plain HTTP)
   */
  readonly tls?: boolean | { readonly names?: readonly string[] };
  /**
   * With `tls`, also serve plain HTTP on 127.0.0.1 (a free port), same state: for tools running in the test process,
   * whose fetch cannot be told to trust the run's CA (Node reads NODE_EXTRA_CA_CERTS only at start).
   * @default false
   */
  readonly plainLoopback?: boolean;
  /**
   * Seconds the runner should wait between trace updates (X-GitLab-Trace-Update-Interval).
   * @default 1
   */
  readonly traceUpdateInterval?: number;
}

/** One request as the fake received it. Bodies of JSON requests parsed; trace patches as text. */
export interface RecordedRequest {
  readonly at: string;
  readonly method: string;
  /** Path without the query, for example "/api/v4/jobs/request". */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: unknown;
  /** Status code the fake answered with. */
  status?: number;
}

/** What a test gives to create a runner directly "in GitLab" (as if through the UI). */
export interface RunnerSpec {
  readonly runnerType?: RunnerType;
  /** Group full path for group runners. */
  readonly group?: string;
  /** Project full path for project runners. */
  readonly project?: string;
  readonly description?: string;
  readonly maintenanceNote?: string;
  readonly paused?: boolean;
  readonly locked?: boolean;
  readonly runUntagged?: boolean;
  readonly tagList?: readonly string[];
  readonly accessLevel?: AccessLevel;
  readonly maximumTimeout?: number | null;
}

/** What a test gives to queue a job. */
export interface JobSpec {
  readonly name?: string;
  readonly stage?: string;
  /** Project full path; created (outside any group) if unknown. @default "fleet/e2e" */
  readonly project?: string;
  readonly ref?: string;
  readonly refProtected?: boolean;
  readonly tags?: readonly string[];
  /** @default "alpine:3.22" */
  readonly image?: string;
  readonly services?: readonly string[];
  readonly script: readonly string[];
  readonly afterScript?: readonly string[];
  /**
   * Job variables. The fake serves no repository, so GIT_STRATEGY defaults to "none"; set it to override.
   */
  readonly variables?: Readonly<Record<string, string>>;
  /** The job's own `timeout:`, in seconds. */
  readonly timeout?: number;
}

/** A job as tests see it: a copy, with its trace as text. */
export type JobView = Omit<FakeJob, 'trace'> & { readonly trace: string };

/** A change made "in GitLab" behind the tool's back, to simulate drift. */
export type RunnerPatch = Partial<Omit<FakeRunner, 'id' | 'token' | 'managers' | 'createdBy'>>;

/** A failure the next matching requests get instead of their answer (GitLab down, a proxy error, …). */
export interface InjectedFailure {
  readonly method?: string;
  readonly path: RegExp;
  readonly status: number;
  readonly body?: unknown;
  /** How many requests fail. @default 1 */
  times?: number;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof body === 'object' ? JSON.stringify(body) : String(body));
  }
}

const badRequest = (error: string) => new HttpError(400, { error });
const notFound = (what: string) => new HttpError(404, { message: `404 ${what} Not Found` });
const forbidden = (message = 'No access granted') => new HttpError(403, { message: `403 Forbidden - ${message}` });

const clone = <T>(value: T): T => structuredClone(value);

export class FakeGitLab {
  /** Base URL, for example "https://127.0.0.1:43121". */
  readonly url: string;
  /** API base, `${url}/api/v4`. */
  readonly apiUrl: string;
  /** Plain-HTTP URL on loopback, same state, when started with `plainLoopback` (else undefined). */
  loopbackUrl: string | undefined;
  /** PEM of the run's CA when serving HTTPS. */
  readonly caCertificate: string | undefined;
  /** Path of the CA file when serving HTTPS (removed by stop()). */
  readonly caFile: string | undefined;

  private readonly users = new Map<number, FakeUser>();
  private readonly tokens = new Map<string, FakeAccessToken>();
  private readonly groups = new Map<number, FakeNamespace>();
  private readonly projectsById = new Map<number, FakeProject>();
  private readonly runnersById = new Map<number, FakeRunner>();
  private readonly jobsById = new Map<number, FakeJob>();
  private readonly recorded: RecordedRequest[] = [];
  private readonly failures: InjectedFailure[] = [];
  private readonly waiters = new Set<() => void>();
  private nextId = { user: 1, namespace: 1, runner: 1, job: 1, pipeline: 1 };
  private lastUpdate = randomUUID();

  private loopbackServer: Server | undefined;

  private constructor(
    private readonly server: Server,
    url: string,
    private readonly certificates: RunCertificates | undefined,
    private readonly traceUpdateInterval: number,
  ) {
    this.url = url;
    this.apiUrl = `${url}/api/v4`;
    this.caCertificate = certificates?.caCertificate;
    this.caFile = certificates?.caFile;
  }

  /** Starts a fake GitLab; `stop()` it when done. */
  static async start(options: FakeGitLabOptions = {}): Promise<FakeGitLab> {
    const host = options.host ?? '127.0.0.1';
    const tlsNames = options.tls ? [host, ...(typeof options.tls === 'object' ? (options.tls.names ?? []) : [])] : [];
    const certificates = options.tls ? makeRunCertificates([...new Set(tlsNames)]) : undefined;
    // The handler needs the instance, and the instance needs the listening server's port.
    const created: { fake?: FakeGitLab } = {};
    const handler = (request: IncomingMessage, response: ServerResponse) => void created.fake!.handle(request, response, created.fake!.url);
    const server = certificates
      ? createHttpsServer({ cert: certificates.serverCertificate, key: certificates.serverKey }, handler)
      : createHttpServer(handler);
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port ?? 0, host, () => resolve());
      });
    } catch (error) {
      certificates?.remove();
      throw error;
    }
    const { port } = server.address() as AddressInfo;
    const hostInUrl = isIPv6(host) ? `[${host}]` : host;
    const fake = new FakeGitLab(server, `${certificates ? 'https' : 'http'}://${hostInUrl}:${port}`, certificates, options.traceUpdateInterval ?? 1);
    created.fake = fake;
    if (options.plainLoopback && certificates) {
      const plain = createHttpServer((request, response) => void fake.handle(request, response, fake.loopbackUrl!));
      await new Promise<void>((resolve, reject) => {
        plain.once('error', reject);
        plain.listen(0, '127.0.0.1', () => resolve());
      });
      fake.loopbackServer = plain;
      fake.loopbackUrl = `http://127.0.0.1:${(plain.address() as AddressInfo).port}`;
    }
    return fake;
  }

  /** Stops the server (open connections too) and removes the run's CA. */
  async stop(): Promise<void> {
    for (const server of [this.server, this.loopbackServer]) {
      if (!server) continue;
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    this.certificates?.remove();
  }

  // ---- setting up "GitLab" --------------------------------------------------------------------------------------

  /** Adds a user. Administrators may manage instance runners; owners their groups' runners; maintainers their projects'. */
  addUser(user: { username: string; admin?: boolean; ownedGroups?: readonly string[]; maintainedProjects?: readonly string[] }): FakeUser {
    const made: FakeUser = { id: this.nextId.user++, username: user.username, admin: user.admin ?? false, ownedGroups: [...(user.ownedGroups ?? [])], maintainedProjects: [...(user.maintainedProjects ?? [])] };
    this.users.set(made.id, made);
    return clone(made);
  }

  /** Makes a personal access token for a user, with these scopes. Returns the token's value. */
  addAccessToken(username: string, scopes: readonly TokenScope[]): string {
    const user = [...this.users.values()].find((u) => u.username === username);
    if (!user) throw new Error(`addAccessToken: no user ${JSON.stringify(username)}; add it with addUser first`);
    const value = makeToken('glpat-');
    this.tokens.set(value, { value, userId: user.id, scopes: [...scopes] });
    return value;
  }

  /** Adds a group (its parent groups are not needed). */
  addGroup(fullPath: string): FakeNamespace {
    const existing = [...this.groups.values()].find((g) => g.fullPath === fullPath);
    if (existing) return clone(existing);
    const group = { id: this.nextId.namespace++, fullPath };
    this.groups.set(group.id, group);
    return clone(group);
  }

  /** Adds a project, in the group its path names (or `groupPath`), whose group runners (and a parent's) serve it. */
  addProject(fullPath: string, options: { groupPath?: string; buildTimeout?: number } = {}): FakeProject {
    const existing = [...this.projectsById.values()].find((p) => p.fullPath === fullPath);
    if (existing) return clone(existing);
    // A project lives in the namespace its path names: group runners of that group (or a parent) serve it.
    const groupPath = options.groupPath ?? (fullPath.includes('/') ? fullPath.slice(0, fullPath.lastIndexOf('/')) : undefined);
    const project: FakeProject = { id: this.nextId.namespace++, fullPath, buildTimeout: options.buildTimeout ?? DEFAULT_PROJECT_TIMEOUT, ...(groupPath ? { groupPath } : {}) };
    this.projectsById.set(project.id, project);
    return clone(project);
  }

  /** Creates a runner directly, as a person would in GitLab's UI; returns it with its token. */
  createRunner(spec: RunnerSpec = {}): FakeRunner {
    const runnerType = spec.runnerType ?? 'instance_type';
    const group = spec.group === undefined ? undefined : this.addGroup(spec.group);
    const project = spec.project === undefined ? undefined : this.addProject(spec.project);
    if (runnerType === 'group_type' && !group) throw new Error('createRunner: a group runner needs `group`');
    if (runnerType === 'project_type' && !project) throw new Error('createRunner: a project runner needs `project`');
    return clone(
      this.storeRunner({
        runnerType,
        ...(group ? { groupId: group.id } : {}),
        projectIds: project ? [project.id] : [],
        description: spec.description ?? '',
        maintenanceNote: spec.maintenanceNote ?? '',
        paused: spec.paused ?? false,
        locked: spec.locked ?? false,
        runUntagged: spec.runUntagged ?? true,
        tagList: [...(spec.tagList ?? [])],
        accessLevel: spec.accessLevel ?? 'not_protected',
        maximumTimeout: spec.maximumTimeout ?? null,
        createdBy: 0,
      }),
    );
  }

  /** Changes a runner "in GitLab" behind the tool's back (drift). */
  updateRunner(id: number, patch: RunnerPatch): FakeRunner {
    const runner = this.runnersById.get(id);
    if (!runner) throw new Error(`updateRunner: no runner ${id}`);
    Object.assign(runner, clone(patch));
    this.notify();
    return clone(runner);
  }

  /** Deletes a runner "in GitLab"; its token stops working. */
  deleteRunner(id: number): void {
    if (!this.runnersById.delete(id)) throw new Error(`deleteRunner: no runner ${id}`);
  }

  /** Every runner, with its token, ordered by id. Copies: change state with updateRunner. */
  runners(): FakeRunner[] {
    return [...this.runnersById.values()].map(clone);
  }

  runner(id: number): FakeRunner | undefined {
    const runner = this.runnersById.get(id);
    return runner && clone(runner);
  }

  /** Queues a job in a new pipeline; a runner gets it on its next `POST /jobs/request` if GitLab would give it. */
  enqueueJob(spec: JobSpec): JobView {
    const project = this.addProject(spec.project ?? 'fleet/e2e');
    const job: FakeJob = {
      id: this.nextId.job++,
      name: spec.name ?? 'job',
      stage: spec.stage ?? 'test',
      projectId: project.id,
      pipelineId: this.nextId.pipeline++,
      ref: spec.ref ?? 'main',
      refProtected: spec.refProtected ?? true,
      tags: [...(spec.tags ?? [])],
      image: spec.image ?? 'alpine:3.22',
      services: [...(spec.services ?? [])],
      script: [...spec.script],
      afterScript: [...(spec.afterScript ?? [])],
      variables: { GIT_STRATEGY: 'none', ...spec.variables },
      ...(spec.timeout !== undefined ? { jobTimeout: spec.timeout } : {}),
      status: 'pending',
      trace: Buffer.alloc(0),
    };
    this.jobsById.set(job.id, job);
    this.lastUpdate = randomUUID();
    return this.jobView(job);
  }

  /** A job with its trace as text. */
  job(id: number): JobView | undefined {
    const job = this.jobsById.get(id);
    return job && this.jobView(job);
  }

  jobs(): JobView[] {
    return [...this.jobsById.values()].map((job) => this.jobView(job));
  }

  /** Cancels a job as a user would: a running job becomes `canceling` and the runner is told on its next update. */
  cancelJob(id: number): void {
    const job = this.jobsById.get(id);
    if (!job) throw new Error(`cancelJob: no job ${id}`);
    job.status = job.status === 'running' ? 'canceling' : 'canceled';
    this.notify();
  }

  /** Resolves when the job reaches one of `statuses`; rejects after `timeoutMs` naming the status it had. */
  waitForJob(id: number, statuses: readonly JobStatus[] = ['success', 'failed', 'canceled'], timeoutMs = 60_000): Promise<JobView> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const job = this.jobsById.get(id);
        if (job && statuses.includes(job.status)) {
          cleanup();
          resolve(this.jobView(job));
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`job ${id} did not reach ${statuses.join('/')} within ${timeoutMs} ms; it is ${this.jobsById.get(id)?.status ?? 'missing'}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Every request received so far, oldest first. */
  requests(filter?: { method?: string; path?: string | RegExp }): RecordedRequest[] {
    return this.recorded
      .filter((r) => !filter?.method || r.method === filter.method)
      .filter((r) => !filter?.path || (typeof filter.path === 'string' ? r.path === filter.path : filter.path.test(r.path)))
      .map(clone);
  }

  clearRequests(): void {
    this.recorded.length = 0;
  }

  /** The next `times` requests matching get `status` (and `body`) instead of their answer. */
  injectFailure(failure: InjectedFailure): void {
    this.failures.push({ times: 1, ...failure });
  }

  // ---- HTTP -----------------------------------------------------------------------------------------------------

  /** `base`: the URL of the listener the request came in on (pagination links point back to it). */
  private async handle(request: IncomingMessage, response: ServerResponse, base: string): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://fake');
    const raw = await readBody(request);
    const contentType = String(request.headers['content-type'] ?? '');
    let body: unknown = raw.length === 0 ? undefined : raw.toString('utf8');
    const record: RecordedRequest = { at: new Date().toISOString(), method: request.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), headers: { ...request.headers }, body };
    this.recorded.push(record);
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      record.status = status;
      for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
      response.statusCode = status;
      if (payload === undefined) {
        response.end();
        return;
      }
      response.setHeader('Content-Type', 'application/json');
      response.end(JSON.stringify(payload));
    };
    try {
      if (raw.length > 0 && contentType.includes('application/json')) {
        try {
          body = JSON.parse(raw.toString('utf8'));
        } catch {
          throw badRequest('The request body is not valid JSON');
        }
      } else if (raw.length > 0 && contentType.includes('application/x-www-form-urlencoded')) {
        body = Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
      }
      (record as { body: unknown }).body = body;
      const failure = this.failures.find((f) => (!f.method || f.method === record.method) && f.path.test(url.pathname));
      if (failure) {
        failure.times = (failure.times ?? 1) - 1;
        if (failure.times <= 0) this.failures.splice(this.failures.indexOf(failure), 1);
        return send(failure.status, failure.body ?? { message: `${failure.status} injected failure` });
      }
      const result = this.route(record.method, url, body, request, raw, base);
      send(result.status, result.body, result.headers);
    } catch (error) {
      if (error instanceof HttpError) return send(error.status, error.body, error.headers);
      send(500, { message: `500 Internal Server Error (fake GitLab: ${(error as Error).message})` });
    } finally {
      this.notify();
    }
  }

  private route(method: string, url: URL, body: unknown, request: IncomingMessage, raw: Buffer, base: string): { status: number; body?: unknown; headers?: Record<string, string> } {
    const path = url.pathname;
    const params = { ...Object.fromEntries(url.searchParams), ...(body && typeof body === 'object' ? (body as Record<string, unknown>) : {}) };
    let m: RegExpMatchArray | null;
    // Runner job API: authenticated by the runner's or the job's token, never by a personal token.
    if (method === 'POST' && path === '/api/v4/runners/verify') return this.verifyRunner(params);
    if (method === 'POST' && path === '/api/v4/jobs/request') return this.requestJob(params);
    if (method === 'PUT' && (m = path.match(/^\/api\/v4\/jobs\/(\d+)$/))) return this.updateJob(Number(m[1]), params, request);
    if (method === 'PATCH' && (m = path.match(/^\/api\/v4\/jobs\/(\d+)\/trace$/))) return this.patchTrace(Number(m[1]), request, raw);

    // REST API for people and tools.
    const user = this.authenticate(method, path, request);
    if (method === 'GET' && path === '/api/v4/user') return { status: 200, body: { id: user.id, username: user.username, is_admin: user.admin } };
    if (method === 'GET' && path === '/api/v4/personal_access_tokens/self') {
      const token = this.tokens.get(this.presentedToken(request)!)!;
      return { status: 200, body: { id: 1, name: 'fake', revoked: false, active: true, user_id: user.id, scopes: token.scopes } };
    }
    if (method === 'POST' && path === '/api/v4/user/runners') return this.createRunnerByApi(user, params);
    if (method === 'GET' && path === '/api/v4/runners/all') {
      if (!user.admin) throw forbidden();
      return this.page([...this.runnersById.values()], params, url, base);
    }
    if (method === 'GET' && path === '/api/v4/runners') return this.page([...this.runnersById.values()].filter((r) => this.canManage(user, r)), params, url, base);
    if (method === 'GET' && (m = path.match(/^\/api\/v4\/groups\/([^/]+)\/runners$/))) {
      const group = this.findGroup(decodeURIComponent(m[1]));
      if (!user.admin && !user.ownedGroups.includes(group.fullPath)) throw forbidden();
      return this.page([...this.runnersById.values()].filter((r) => r.runnerType === 'group_type' && r.groupId === group.id), params, url, base);
    }
    if (method === 'GET' && (m = path.match(/^\/api\/v4\/projects\/([^/]+)\/runners$/))) {
      const project = this.findProject(decodeURIComponent(m[1]));
      if (!user.admin && !user.maintainedProjects.includes(project.fullPath)) throw forbidden();
      return this.page([...this.runnersById.values()].filter((r) => r.runnerType === 'instance_type' || r.projectIds.includes(project.id)), params, url, base);
    }
    if (method === 'GET' && (m = path.match(/^\/api\/v4\/groups\/([^/]+)$/))) {
      const group = this.findGroup(decodeURIComponent(m[1]));
      return { status: 200, body: { id: group.id, full_path: group.fullPath, path: group.fullPath.split('/').pop() } };
    }
    if (method === 'GET' && (m = path.match(/^\/api\/v4\/projects\/([^/]+)$/))) {
      const project = this.findProject(decodeURIComponent(m[1]));
      return { status: 200, body: { id: project.id, path_with_namespace: project.fullPath, build_timeout: project.buildTimeout } };
    }
    if ((m = path.match(/^\/api\/v4\/runners\/([^/]+)(\/reset_authentication_token)?$/))) {
      if (!/^\d+$/.test(m[1])) throw badRequest('id is invalid');
      const runner = this.runnersById.get(Number(m[1]));
      if (!runner) throw notFound('Runner');
      if (m[2] && method === 'POST') return this.resetToken(user, runner);
      if (m[2]) throw new HttpError(405, { message: '405 Method Not Allowed' });
      if (method === 'GET') {
        if (runner.runnerType !== 'instance_type' && !this.canManage(user, runner)) throw forbidden();
        return { status: 200, body: this.details(runner) };
      }
      if (method === 'PUT') return this.updateRunnerByApi(user, runner, params);
      if (method === 'DELETE') {
        if (!this.canManage(user, runner)) throw forbidden();
        this.runnersById.delete(runner.id);
        return { status: 204 };
      }
    }
    throw new HttpError(404, { error: '404 Not Found' });
  }

  // ---- REST: authentication and permissions ----------------------------------------------------------------------

  private presentedToken(request: IncomingMessage): string | undefined {
    const privateToken = request.headers['private-token'];
    if (typeof privateToken === 'string' && privateToken) return privateToken;
    const authorization = request.headers.authorization;
    if (typeof authorization === 'string' && authorization.startsWith('Bearer ')) return authorization.slice('Bearer '.length);
    return undefined;
  }

  /**
   * GitLab's API guard: a token is valid, and one of its scopes allows the request: `api` always, `read_api` for
   * reads, `create_runner` for POST /user/runners, `manage_runner` for /runners/:id… .
   */
  private authenticate(method: string, path: string, request: IncomingMessage): FakeUser {
    const value = this.presentedToken(request);
    const token = value === undefined ? undefined : this.tokens.get(value);
    if (!token) throw new HttpError(401, { message: '401 Unauthorized' });
    const allowed: TokenScope[] = ['api'];
    if (method === 'GET' || method === 'HEAD') allowed.push('read_api');
    if (method === 'POST' && path === '/api/v4/user/runners') allowed.push('create_runner');
    if (/^\/api\/v4\/runners\/\d+(\/|$)/.test(path)) allowed.push('manage_runner');
    if (!allowed.some((scope) => token.scopes.includes(scope))) {
      throw new HttpError(
        403,
        { error: 'insufficient_scope', error_description: 'The request requires higher privileges than provided by the access token.', scope: allowed.join(' ') },
        { 'WWW-Authenticate': `Bearer realm="Protected by OAuth 2", error="insufficient_scope", error_description="The request requires higher privileges than provided by the access token.", scope="${allowed.join(' ')}"` },
      );
    }
    return this.users.get(token.userId)!;
  }

  /** Administrators manage every runner; group owners their group's; project maintainers their projects'. */
  private canManage(user: FakeUser, runner: FakeRunner): boolean {
    if (user.admin) return true;
    if (runner.runnerType === 'group_type') return user.ownedGroups.includes(this.groups.get(runner.groupId!)?.fullPath ?? '');
    if (runner.runnerType === 'project_type') return runner.projectIds.some((id) => user.maintainedProjects.includes(this.projectsById.get(id)?.fullPath ?? ''));
    return false;
  }

  private findGroup(idOrPath: string): FakeNamespace {
    const group = /^\d+$/.test(idOrPath) ? this.groups.get(Number(idOrPath)) : [...this.groups.values()].find((g) => g.fullPath === idOrPath);
    if (!group) throw notFound('Group');
    return group;
  }

  private findProject(idOrPath: string): FakeProject {
    const project = /^\d+$/.test(idOrPath) ? this.projectsById.get(Number(idOrPath)) : [...this.projectsById.values()].find((p) => p.fullPath === idOrPath);
    if (!project) throw notFound('Project');
    return project;
  }

  // ---- REST: runners -------------------------------------------------------------------------------------------

  private createRunnerByApi(user: FakeUser, params: Record<string, unknown>) {
    const runnerType = params.runner_type;
    if (runnerType === undefined) throw badRequest('runner_type is missing');
    if (!RUNNER_TYPES.includes(runnerType as RunnerType)) throw badRequest('runner_type does not have a valid value');
    let groupId: number | undefined;
    const projectIds: number[] = [];
    if (runnerType === 'group_type') {
      const id = integer(params, 'group_id', { required: true })!;
      const group = this.groups.get(id);
      if (!group) throw badRequest('Runner must be associated with a group');
      if (!user.admin && !user.ownedGroups.includes(group.fullPath)) throw forbidden('Insufficient permissions');
      groupId = id;
    } else if (runnerType === 'project_type') {
      const id = integer(params, 'project_id', { required: true })!;
      const project = this.projectsById.get(id);
      if (!project) throw badRequest('Runner must be associated with a project');
      if (!user.admin && !user.maintainedProjects.includes(project.fullPath)) throw forbidden('Insufficient permissions');
      projectIds.push(id);
    } else if (!user.admin) {
      throw forbidden('Insufficient permissions');
    }
    const settings = this.runnerSettings(params, {
      description: '',
      maintenanceNote: '',
      paused: false,
      locked: false,
      runUntagged: true,
      tagList: [],
      accessLevel: 'not_protected',
      maximumTimeout: null,
    });
    const runner = this.storeRunner({ runnerType: runnerType as RunnerType, ...(groupId !== undefined ? { groupId } : {}), projectIds, ...settings, createdBy: user.id });
    return { status: 201, body: { id: runner.id, token: runner.token, token_expires_at: runner.tokenExpiresAt } };
  }

  private updateRunnerByApi(user: FakeUser, runner: FakeRunner, params: Record<string, unknown>) {
    if (!this.canManage(user, runner)) throw forbidden();
    const updatable = ['description', 'active', 'paused', 'tag_list', 'run_untagged', 'locked', 'access_level', 'maximum_timeout', 'maintenance_note'];
    if (!updatable.some((key) => key in params)) throw badRequest(`${updatable.join(', ')} are missing, at least one parameter must be provided`);
    if ('active' in params && 'paused' in params) throw badRequest('active, paused are mutually exclusive');
    const settings = this.runnerSettings(params, runner);
    Object.assign(runner, settings);
    if ('active' in params) runner.paused = !boolean(params, 'active');
    return { status: 200, body: this.details(runner) };
  }

  /** Parameters shared by create and update, typed and validated like GitLab's API and Ci::Runner model. */
  private runnerSettings(params: Record<string, unknown>, current: Pick<FakeRunner, 'description' | 'maintenanceNote' | 'paused' | 'locked' | 'runUntagged' | 'tagList' | 'accessLevel' | 'maximumTimeout'>) {
    const next = {
      description: string(params, 'description') ?? current.description,
      maintenanceNote: string(params, 'maintenance_note') ?? current.maintenanceNote,
      paused: boolean(params, 'paused') ?? current.paused,
      locked: boolean(params, 'locked') ?? current.locked,
      runUntagged: boolean(params, 'run_untagged') ?? current.runUntagged,
      tagList: tagList(params) ?? [...current.tagList],
      accessLevel: current.accessLevel,
      maximumTimeout: 'maximum_timeout' in params ? integer(params, 'maximum_timeout') ?? null : current.maximumTimeout,
    };
    if ('access_level' in params) {
      if (!ACCESS_LEVELS.includes(params.access_level as AccessLevel)) throw badRequest('access_level does not have a valid value');
      next.accessLevel = params.access_level as AccessLevel;
    }
    const invalid: Record<string, string[]> = {};
    if (next.maintenanceNote.length > 1024) invalid.maintenance_note = ['is too long (maximum is 1024 characters)'];
    if (next.maximumTimeout !== null && next.maximumTimeout < MINIMUM_MAXIMUM_TIMEOUT) invalid.maximum_timeout = ['needs to be at least 10 minutes'];
    if (!next.runUntagged && next.tagList.length === 0) invalid.tags_list = ['can not be empty when runner is not allowed to pick untagged jobs'];
    const longTag = next.tagList.find((tag) => tag.length > 255);
    if (longTag) invalid.tag_list = [`tag ${JSON.stringify(longTag.slice(0, 20))}… is too long (maximum is 255 characters)`];
    if (Object.keys(invalid).length > 0) throw new HttpError(400, { message: invalid });
    return next;
  }

  private resetToken(user: FakeUser, runner: FakeRunner) {
    if (!this.canManage(user, runner)) throw forbidden();
    runner.token = makeToken('glrt-');
    return { status: 201, body: { token: runner.token, token_expires_at: runner.tokenExpiresAt } };
  }

  private storeRunner(fields: Omit<FakeRunner, 'id' | 'token' | 'tokenExpiresAt' | 'contactedAt' | 'managers'>): FakeRunner {
    const runner: FakeRunner = { id: this.nextId.runner++, token: makeToken('glrt-'), tokenExpiresAt: null, contactedAt: null, managers: [], ...fields };
    this.runnersById.set(runner.id, runner);
    return runner;
  }

  /** Entities::Ci::Runner: what listings return. */
  private summary(runner: FakeRunner) {
    return {
      id: runner.id,
      description: runner.description,
      ip_address: null,
      active: !runner.paused,
      paused: runner.paused,
      is_shared: runner.runnerType === 'instance_type',
      runner_type: runner.runnerType,
      name: 'gitlab-runner',
      online: runner.contactedAt !== null,
      status: runner.contactedAt === null ? 'never_contacted' : 'online',
    };
  }

  /** Entities::Ci::RunnerDetails: what GET/PUT /runners/:id return. */
  private details(runner: FakeRunner) {
    const group = runner.groupId === undefined ? undefined : this.groups.get(runner.groupId);
    return {
      ...this.summary(runner),
      tag_list: [...runner.tagList],
      run_untagged: runner.runUntagged,
      locked: runner.locked,
      maximum_timeout: runner.maximumTimeout,
      access_level: runner.accessLevel,
      maintenance_note: runner.maintenanceNote,
      token_expires_at: runner.tokenExpiresAt,
      contacted_at: runner.contactedAt,
      version: null,
      revision: null,
      platform: null,
      architecture: null,
      projects: runner.projectIds.map((id) => ({ id, path_with_namespace: this.projectsById.get(id)?.fullPath })),
      groups: group ? [{ id: group.id, full_path: group.fullPath }] : [],
    };
  }

  /** A listing with GitLab's filters (type, paused, status, tag_list) and offset pagination headers. */
  private page(runners: FakeRunner[], params: Record<string, unknown>, url: URL, base: string) {
    let selected = runners;
    if (params.type !== undefined) {
      if (!RUNNER_TYPES.includes(params.type as RunnerType)) throw badRequest('type does not have a valid value');
      selected = selected.filter((r) => r.runnerType === params.type);
    }
    if (params.paused !== undefined) {
      const paused = boolean(params, 'paused');
      selected = selected.filter((r) => r.paused === paused);
    }
    const tags = tagList(params);
    if (tags) selected = selected.filter((r) => tags.every((t) => r.tagList.includes(t)));
    const perPage = Math.min(integer(params, 'per_page') ?? 20, 100);
    const pageNumber = Math.max(integer(params, 'page') ?? 1, 1);
    const totalPages = Math.max(1, Math.ceil(selected.length / perPage));
    const items = selected.slice((pageNumber - 1) * perPage, pageNumber * perPage).map((r) => this.summary(r));
    const link = (page: number) => {
      const next = new URL(`${base}${url.pathname}`);
      for (const [key, value] of url.searchParams) next.searchParams.set(key, value);
      next.searchParams.set('page', String(page));
      next.searchParams.set('per_page', String(perPage));
      return next.toString();
    };
    const links = [`<${link(1)}>; rel="first"`, `<${link(totalPages)}>; rel="last"`];
    if (pageNumber < totalPages) links.unshift(`<${link(pageNumber + 1)}>; rel="next"`);
    if (pageNumber > 1) links.unshift(`<${link(pageNumber - 1)}>; rel="prev"`);
    return {
      status: 200,
      body: items,
      headers: {
        'X-Page': String(pageNumber),
        'X-Per-Page': String(perPage),
        'X-Total': String(selected.length),
        'X-Total-Pages': String(totalPages),
        'X-Next-Page': pageNumber < totalPages ? String(pageNumber + 1) : '',
        'X-Prev-Page': pageNumber > 1 ? String(pageNumber - 1) : '',
        Link: links.join(', '),
      },
    };
  }

  // ---- Runner job API ------------------------------------------------------------------------------------------

  private runnerByToken(params: Record<string, unknown>): FakeRunner {
    const token = params.token;
    const runner = typeof token === 'string' ? [...this.runnersById.values()].find((r) => r.token === token) : undefined;
    if (!runner) throw new HttpError(403, { message: '403 Forbidden' });
    runner.contactedAt = new Date().toISOString();
    if (typeof params.system_id === 'string' && !runner.managers.includes(params.system_id)) runner.managers.push(params.system_id);
    return runner;
  }

  /** POST /runners/verify (common.VerifyRunnerRequest → VerifyRunnerResponse). */
  private verifyRunner(params: Record<string, unknown>) {
    const runner = this.runnerByToken(params);
    return { status: 200, body: { id: runner.id, token: runner.token, token_expires_at: runner.tokenExpiresAt } };
  }

  /** POST /jobs/request: 201 with a job GitLab would give this runner, 204 when none (or the runner is paused). */
  private requestJob(params: Record<string, unknown>) {
    const runner = this.runnerByToken(params);
    const noJob = { status: 204, headers: { 'X-GitLab-Last-Update': this.lastUpdate } };
    if (runner.paused) return noJob;
    const job = [...this.jobsById.values()].find(
      (j) => j.status === 'pending' && runnerCanPick(runner, j, this.projectsById.get(j.projectId), (id) => this.groups.get(id)),
    );
    if (!job) return noJob;
    const project = this.projectsById.get(job.projectId)!;
    const { timeout, source } = jobTimeout(job, project.buildTimeout, runner.maximumTimeout);
    Object.assign(job, { status: 'running', runnerId: runner.id, token: makeToken('glcbt-'), timeout, timeoutSource: source, startedAt: new Date().toISOString() });
    this.lastUpdate = randomUUID();
    return { status: 201, body: this.jobPayload(job, project, runner) };
  }

  /** spec.Job as the runner decodes it. */
  private jobPayload(job: FakeJob, project: FakeProject, runner: FakeRunner) {
    const variable = (key: string, value: string, options: { public?: boolean; masked?: boolean } = {}) => ({ key, value, public: options.public ?? true, masked: options.masked ?? false, file: false, raw: false });
    const predefined = [
      variable('CI', 'true'),
      variable('GITLAB_CI', 'true'),
      variable('CI_SERVER_URL', this.url),
      variable('CI_JOB_ID', String(job.id)),
      variable('CI_JOB_NAME', job.name),
      variable('CI_JOB_STAGE', job.stage),
      variable('CI_JOB_TOKEN', job.token!, { public: false, masked: true }),
      variable('CI_JOB_TIMEOUT', String(job.timeout)),
      variable('CI_PIPELINE_ID', String(job.pipelineId)),
      variable('CI_PROJECT_ID', String(project.id)),
      variable('CI_PROJECT_PATH', project.fullPath),
      variable('CI_PROJECT_NAME', project.fullPath.split('/').pop()!),
      variable('CI_COMMIT_REF_NAME', job.ref),
      variable('CI_COMMIT_SHA', '0'.repeat(40)),
      variable('CI_COMMIT_REF_PROTECTED', String(job.refProtected)),
      variable('CI_RUNNER_ID', String(runner.id)),
      variable('CI_RUNNER_TAGS', JSON.stringify(runner.tagList)),
    ];
    const steps = [{ name: 'script', script: job.script, timeout: job.timeout, when: 'on_success', allow_failure: false }];
    if (job.afterScript.length > 0) steps.push({ name: 'after_script', script: job.afterScript, timeout: job.timeout, when: 'always', allow_failure: true });
    return {
      id: job.id,
      token: job.token,
      allow_git_fetch: false,
      job_info: { id: job.id, name: job.name, stage: job.stage, project_id: project.id, project_name: project.fullPath.split('/').pop(), project_full_path: project.fullPath, pipeline_id: job.pipelineId, time_in_queue_seconds: 0 },
      git_info: { repo_url: `${this.url}/${project.fullPath}.git`, ref: job.ref, sha: '0'.repeat(40), before_sha: '0'.repeat(40), ref_type: 'branch', refspecs: [], depth: 20, protected: job.refProtected },
      runner_info: { timeout: job.timeout },
      variables: [...predefined, ...Object.entries(job.variables).map(([key, value]) => variable(key, value))],
      steps,
      image: { name: job.image },
      services: job.services.map((name) => ({ name })),
      artifacts: [],
      cache: [],
      credentials: [],
      dependencies: [],
      features: { trace_sections: true, token_mask_prefixes: ['glpat-', 'glrt-', 'glcbt-'], failure_reasons: ['unknown_failure', 'script_failure', 'runner_system_failure', 'job_execution_timeout', 'stuck_or_timeout_failure', 'image_pull_failure'] },
    };
  }

  private jobByToken(id: number, token: unknown): FakeJob {
    const job = this.jobsById.get(id);
    if (!job) throw new HttpError(404, { message: '404 Not Found' });
    if (typeof token !== 'string' || token !== job.token) throw new HttpError(403, { message: '403 Forbidden' }, { 'Job-Status': job.status });
    return job;
  }

  /** PUT /jobs/:id (common.UpdateJobRequest): `running` keeps the job, `success`/`failed` finish it. */
  private updateJob(id: number, params: Record<string, unknown>, request: IncomingMessage) {
    const job = this.jobByToken(id, params.token ?? request.headers['job-token']);
    const statusHeaders = () => ({ 'Job-Status': job.status, 'X-GitLab-Trace-Update-Interval': String(this.traceUpdateInterval) });
    if (!['running', 'canceling'].includes(job.status)) throw new HttpError(403, { message: '403 Forbidden - Job is not running' }, statusHeaders());
    const state = params.state;
    if (state !== undefined && !['running', 'success', 'failed'].includes(state as string)) throw badRequest('state does not have a valid value');
    if (state === 'success' || state === 'failed') {
      job.status = job.status === 'canceling' ? 'canceled' : (state as JobStatus);
      if (typeof params.failure_reason === 'string') job.failureReason = params.failure_reason;
      if (typeof params.exit_code === 'number') job.exitCode = params.exit_code;
      job.finishedAt = new Date().toISOString();
    }
    return { status: 200, headers: statusHeaders() };
  }

  /** PATCH /jobs/:id/trace: appends at the offset Content-Range names; 416 with the current Range if it is not the end. */
  private patchTrace(id: number, request: IncomingMessage, raw: Buffer) {
    const job = this.jobByToken(id, request.headers['job-token']);
    const headers = (extra: Record<string, string> = {}) => ({ 'Job-Status': job.status, 'X-GitLab-Trace-Update-Interval': String(this.traceUpdateInterval), ...extra });
    if (!['running', 'canceling'].includes(job.status)) throw new HttpError(403, { message: '403 Forbidden - Job is not running' }, headers());
    const range = String(request.headers['content-range'] ?? '').match(/^(\d+)-(\d+)$/);
    if (!range) throw new HttpError(400, { message: '400 Bad request - Missing header Content-Range' }, headers());
    const start = Number(range[1]);
    if (start !== job.trace.length) return { status: 416, headers: headers({ Range: `0-${job.trace.length}` }) };
    job.trace = Buffer.concat([job.trace, raw]);
    return { status: 202, headers: headers({ Range: `0-${job.trace.length}` }) };
  }

  private jobView(job: FakeJob): JobView {
    return { ...clone({ ...job, trace: undefined }), trace: job.trace.toString('utf8') };
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

// ---- parameter coercion as Grape does it ---------------------------------------------------------------------

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function string(params: Record<string, unknown>, key: string): string | undefined {
  const value = params[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw badRequest(`${key} is invalid`);
  return value;
}

function boolean(params: Record<string, unknown>, key: string): boolean | undefined {
  const value = params[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw badRequest(`${key} is invalid`);
}

function integer(params: Record<string, unknown>, key: string, options: { required?: boolean } = {}): number | undefined {
  const value = params[key];
  if (value === undefined || value === null) {
    if (options.required) throw badRequest(`${key} is missing`);
    return undefined;
  }
  const number = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(number)) throw badRequest(`${key} is invalid`);
  return number;
}

/** `tag_list`: an array of strings, or a comma-separated string (CommaSeparatedToArray), or `tag_list[]` in a form. */
function tagList(params: Record<string, unknown>): string[] | undefined {
  const value = params.tag_list ?? params['tag_list[]'];
  if (value === undefined || value === null) return undefined;
  const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : undefined;
  if (!items || items.some((t) => typeof t !== 'string')) throw badRequest('tag_list is invalid');
  return [...new Set((items as string[]).map((t) => t.trim()).filter((t) => t.length > 0))];
}

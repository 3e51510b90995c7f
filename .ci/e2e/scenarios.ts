/**
 * The scenarios of test:e2e. Each takes the run's context, asserts, and throws an Error naming what it saw when
 * the fleet does not keep its promise; each returns the figures it measured.
 */
import { request as httpRequest } from 'node:http';
import { readFileSync } from 'node:fs';
import type { FakeGitLab, RecordedRequest } from '../fake-gitlab';
import type { RenderedFile } from '../../lib/synth/render';
import { deniedRequests, managerPodProblems } from './checks';
import { applyLayers, deploymentPods, JOB_NAMESPACE, MANAGER_NAMESPACE, waitRolledOut, type JobPodRecorder, type RunnerUnderTest } from './harness';
import { sleep, waitFor, WaitTimeout, type Kube, type KubeObject } from './kube';
import { prunedObjects } from './prune';

export interface E2eContext {
  readonly kube: Kube;
  readonly gitlab: FakeGitLab;
  readonly cluster: string;
  readonly runners: readonly RunnerUnderTest[];
  readonly recorder: JobPodRecorder;
  readonly auditLog: string;
  readonly log: (line: string) => void;
}

type Job = NonNullable<ReturnType<FakeGitLab['job']>>;

export class ScenarioFailure extends Error {}

function fail(message: string): never {
  throw new ScenarioFailure(message);
}

export function runnerOf(ctx: E2eContext, arch: string): RunnerUnderTest {
  return ctx.runners.find((r) => r.arch === arch) ?? fail(`no runner for ${arch} in the fixture`);
}

/** Successful `POST /jobs/request` answers (a job handed out) to `token`, in order. */
function handOuts(gitlab: FakeGitLab, token: string): RecordedRequest[] {
  return gitlab
    .requests({ method: 'POST', path: '/api/v4/jobs/request' })
    .filter((r) => r.status === 201 && (r.body as { token?: string } | undefined)?.token === token);
}

const systemId = (r: RecordedRequest) => (r.body as { system_id?: string }).system_id ?? '?';

/**
 * Queues a job for `runner` and waits for it to end. Fails at once when a pod of the job breaks an expectation
 * (selector, tolerations, service account, QoS, security context), so a wrong pod never costs a timeout.
 */
export async function runJob(ctx: E2eContext, runner: RunnerUnderTest, script: readonly string[], options: { seconds?: number; name?: string } = {}): Promise<{ job: Job; seconds: number }> {
  const queued = ctx.gitlab.enqueueJob({ name: options.name ?? `${runner.arch}-job`, tags: runner.tags, script });
  const job = await waitForJob(ctx, queued.id, ['success', 'failed', 'canceled'], options.seconds ?? 150);
  const started = job.startedAt ? Date.parse(job.startedAt) : NaN;
  const finished = job.finishedAt ? Date.parse(job.finishedAt) : NaN;
  return { job, seconds: (finished - started) / 1000 };
}

export async function waitForJob(ctx: E2eContext, id: number, statuses: readonly string[], seconds: number): Promise<Job> {
  return waitFor(`job ${id} to reach ${statuses.join('/')}`, seconds, async (note) => {
    const problems = ctx.recorder.problemsOfJob(id);
    if (problems.length) {
      ctx.gitlab.cancelJob(id);
      fail(`job ${id}: its pod breaks what was rendered:\n  ${problems.join('\n  ')}`);
    }
    const job = ctx.gitlab.job(id);
    const pods = ctx.recorder.podsOfJob(id).map((p) => `${p.metadata.name} ${p.status?.phase} on ${p.spec?.nodeName ?? '(unscheduled)'}`);
    note(`status ${job?.status}; pods: ${pods.join(', ') || 'none yet'}; trace ends:\n${job?.trace.slice(-800) ?? ''}`);
    return job && statuses.includes(job.status) ? job : undefined;
  });
}

function expectSuccess(job: Job, what: string): void {
  if (job.status !== 'success') fail(`${what}: job ${job.id} ended ${job.status} (${job.failureReason ?? 'no reason given'}); trace:\n${job.trace.slice(-2000)}`);
}

/** A job of each architecture succeeds on a node of its runner's pool, and its own log names the machine. */
export async function jobsRunOnTheirArchitecture(ctx: E2eContext): Promise<Record<string, number>> {
  const machine: Record<string, string> = { amd64: 'x86_64', arm64: 'aarch64' };
  const results = await Promise.all(
    ctx.runners.map(async (runner) => {
      const marker = `e2e-machine-${runner.arch}`;
      const { job, seconds } = await runJob(ctx, runner, [`echo "${marker}=$(uname -m)"`]);
      expectSuccess(job, `${runner.arch} job`);
      const line = job.trace.split('\n').find((l) => l.includes(`${marker}=`) && !l.includes('$(uname'));
      const seen = line?.split(`${marker}=`)[1]?.trim();
      if (seen !== machine[runner.arch]) fail(`${runner.arch} job ${job.id}: uname -m printed ${JSON.stringify(seen)}, expected ${machine[runner.arch]}`);
      const pods = ctx.recorder.podsOfJob(job.id);
      if (!pods.length) fail(`${runner.arch} job ${job.id}: no pod of it was seen in ${JOB_NAMESPACE}`);
      for (const pod of pods) {
        const node = runner.poolNodes.find((n) => n.name === pod.spec?.nodeName);
        if (!node || node.arch !== runner.arch) fail(`${runner.arch} job ${job.id}: pod ${pod.metadata.name} ran on ${pod.spec?.nodeName}, not on an ${runner.arch} node of its pool`);
      }
      return [runner.arch, seconds] as const;
    }),
  );
  return Object.fromEntries(results);
}

function httpGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error(`GET ${url}: timed out`)));
    req.end();
  });
}

/** The managers run as rendered: hardened, Ready, answering metrics, authenticated with the token from the Secret. */
export async function managersRunAsRendered(ctx: E2eContext): Promise<void> {
  const namespace = await ctx.kube.get('v1', 'Namespace', undefined, MANAGER_NAMESPACE);
  for (const runner of ctx.runners) {
    const pods = (await deploymentPods(ctx.kube, runner.name)).filter((p) => !p.metadata.deletionTimestamp);
    if (!pods.length) fail(`runner ${runner.name}: no manager pod`);
    for (const pod of pods) {
      const problems = managerPodProblems(pod, namespace);
      if (problems.length) fail(problems.join('\n'));
      const metrics = await httpGet(`http://${pod.status.podIP}:9252/metrics`);
      if (metrics.status !== 200 || !metrics.body.includes('gitlab_runner_')) fail(`manager pod ${pod.metadata.name}: /metrics answered ${metrics.status} without gitlab_runner_ metrics`);
    }
    const authenticated = ctx.gitlab
      .requests({ method: 'POST', path: '/api/v4/jobs/request' })
      .filter((r) => (r.body as { token?: string } | undefined)?.token === runner.token && r.status !== undefined && r.status < 400);
    if (!authenticated.length) fail(`runner ${runner.name}: GitLab saw no accepted job request with the token of Secret ${runner.tokenSecret}`);
  }
}

/** Queues a job of `jobSeconds` for `runner` and waits until its script runs; returns it and the hand-out that gave it. */
async function startLongJob(ctx: E2eContext, runner: RunnerUnderTest, jobSeconds: number, name = 'long-job'): Promise<{ id: number; handOut: RecordedRequest }> {
  const before = handOuts(ctx.gitlab, runner.token).length;
  const long = ctx.gitlab.enqueueJob({ name, tags: runner.tags, script: [`echo long job starts`, `sleep ${jobSeconds}`, `echo long job done`] });
  await waitFor(`long job ${long.id} running its script`, 120, async () => {
    const job = ctx.gitlab.job(long.id);
    if (job && ['success', 'failed', 'canceled'].includes(job.status)) fail(`long job ${long.id} ended ${job.status} (${job.failureReason ?? ''}) before the operation; trace:\n${job.trace.slice(-1500)}`);
    return job?.trace.includes('long job starts') ? true : undefined;
  });
  return { id: long.id, handOut: handOuts(ctx.gitlab, runner.token)[before] ?? fail(`long job ${long.id}: no hand-out recorded`) };
}

const isReady = (p: KubeObject) => p.status?.conditions?.some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True');

/**
 * Waits until a manager pod among `oldPods` is told to stop and drains (its preStop hook sent SIGQUIT: the runner
 * reports a graceful shutdown), failing at once if the long job ends before or the manager shuts down forcefully.
 */
async function oldManagerDraining(ctx: E2eContext, runner: RunnerUnderTest, oldPods: readonly string[], longJob: number, what: string): Promise<KubeObject> {
  const pod = await waitFor(`the old manager of ${runner.name} draining (graceful-shutdown)`, 120, async (note) => {
    const job = ctx.gitlab.job(longJob);
    if (job && job.status !== 'running') fail(`${what}: the long job ${longJob} ended ${job.status} (${job.failureReason ?? ''}) while its manager was stopped: the old manager did not drain it`);
    for (const pod of (await deploymentPods(ctx.kube, runner.name)).filter((p) => oldPods.includes(p.metadata.name))) {
      if (!pod.metadata.deletionTimestamp || !pod.status?.podIP) continue;
      const state = await httpGet(`http://${pod.status.podIP}:9252/debug/process/state`).catch((e: Error) => ({ status: 0, body: e.message }));
      note(`${pod.metadata.name}: ${state.body.trim()}`);
      if (state.body.includes('graceful-shutdown')) return pod;
      if (state.body.includes('forceful-shutdown')) fail(`${what}: the old manager ${pod.metadata.name} is in a forceful shutdown (SIGTERM), which aborts its jobs`);
    }
    return undefined;
  });
  const job = ctx.gitlab.job(longJob);
  if (job?.status !== 'running') fail(`${what}: the long job ${longJob} is ${job?.status} before it could finish (the old manager did not drain it)`);
  return pod;
}

/** Its job done, an old manager exits on its own: its pod goes away long before the grace period ends. */
async function oldManagersGone(ctx: E2eContext, runner: RunnerUnderTest, oldPods: readonly string[], what: string): Promise<void> {
  await waitFor(`the old manager of ${runner.name} gone once its job finished`, 60, async (note) => {
    const left = (await deploymentPods(ctx.kube, runner.name)).filter((p) => oldPods.includes(p.metadata.name));
    note(left.map((p) => `${p.metadata.name} ${p.status?.phase}`).join(', '));
    return left.length ? undefined : true;
  }).catch((error: Error) => fail(`${what}: ${error.message}`));
}

/**
 * Rollout mid-job: while a long job runs, the next revision of the runner's files rolls its Deployment. The old
 * manager finishes that job and exits without taking another; the new one takes the next job.
 */
export async function rolloutMidJob(ctx: E2eContext, runner: RunnerUnderTest, nextRevision: readonly RenderedFile[], jobSeconds = 40): Promise<{ rolloutSeconds: number }> {
  const before = handOuts(ctx.gitlab, runner.token).length;
  const long = await startLongJob(ctx, runner, jobSeconds);
  const oldManager = long.handOut;
  const oldPods = (await deploymentPods(ctx.kube, runner.name)).map((p) => p.metadata.name);

  const t0 = Date.now();
  await applyLayers(ctx.kube, ctx.cluster, nextRevision, ['runners']);
  // The new manager is up (Ready, in the Deployment's new ReplicaSet) while the old one still drains.
  const newPod = await waitFor(`a new manager of ${runner.name} Ready`, 120, async () => {
    const pods = await deploymentPods(ctx.kube, runner.name);
    return pods.find((p) => !oldPods.includes(p.metadata.name) && isReady(p));
  });
  // The old manager keeps taking jobs until its pod is told to stop (after the new one has been Ready for
  // minReadySeconds); from then on its preStop hook has sent SIGQUIT and the runner reports a graceful shutdown.
  const oldPod = await oldManagerDraining(ctx, runner, oldPods, long.id, 'rollout');
  ctx.log(`old manager ${oldPod.metadata.name} drains; new manager ${newPod.metadata.name} is Ready`);

  const next = await runJob(ctx, runner, ['echo next job'], { name: 'next-job' });
  expectSuccess(next.job, 'the job queued during the rollout');
  const nextHandOut = handOuts(ctx.gitlab, runner.token).at(-1) ?? fail('next job: no hand-out recorded');
  if (systemId(nextHandOut) === systemId(oldManager)) fail(`rollout: the draining manager (${systemId(oldManager)}) took job ${next.job.id}; the new one (pod ${newPod.metadata.name}) should have`);

  const longDone = await waitForJob(ctx, long.id, ['success', 'failed', 'canceled'], jobSeconds + 120);
  expectSuccess(longDone, 'the long job running while its manager was replaced');
  await waitRolledOut(ctx.kube, runner.name, 120);
  await oldManagersGone(ctx, runner, oldPods, 'rollout');
  const taken = handOuts(ctx.gitlab, runner.token).filter((r) => systemId(r) === systemId(oldManager));
  if (taken.length > 1 + handOuts(ctx.gitlab, runner.token).slice(0, before).filter((r) => systemId(r) === systemId(oldManager)).length) {
    fail(`rollout: the old manager ${systemId(oldManager)} took ${taken.length} jobs; after the long job it should take none`);
  }
  return { rolloutSeconds: (Date.now() - t0) / 1000 };
}

/**
 * Token rotation mid-job (docs/lifecycle.md, "Rotate a runner token"): while a long job runs, the token is reset
 * in GitLab and stored with its revision (`rotate`, as gitlab:rotate does), then the revision naming it is applied.
 * The running manager's next job requests are refused (403), yet its running job succeeds (it reports with the
 * job's own token); the new managers start on the new token and take the next job; the rollout completes.
 * Returns the new token.
 */
export async function rotationMidJob(
  ctx: E2eContext,
  runner: RunnerUnderTest,
  rotate: () => Promise<string>,
  nextRevision: readonly RenderedFile[],
  jobSeconds = 40,
): Promise<{ rolloutSeconds: number; token: string }> {
  const oldToken = runner.token;
  const long = await startLongJob(ctx, runner, jobSeconds, 'long-job-during-rotation');
  const oldManager = long.handOut;
  const oldPods = (await deploymentPods(ctx.kube, runner.name)).map((p) => p.metadata.name);
  const t0 = Date.now();
  const resetAt = new Date().toISOString();
  const token = await rotate();
  if (token === oldToken) fail(`rotation: the token of ${runner.name} did not change`);
  // The running manager asks for jobs every check_interval: GitLab refuses the old token from the reset on.
  await waitFor(`the old manager of ${runner.name} refused (403) with the old token`, 30, async (note) => {
    const answers = ctx.gitlab
      .requests({ method: 'POST', path: '/api/v4/jobs/request' })
      .filter((r) => r.at >= resetAt && (r.body as { token?: string } | undefined)?.token === oldToken && systemId(r) === systemId(oldManager));
    note(`answers to the old manager since the reset: ${answers.map((r) => r.status).join(', ') || 'none'}`);
    if (answers.some((r) => r.status === 201)) fail(`rotation: GitLab handed a job to the old token after the reset`);
    return answers.some((r) => r.status === 403) ? true : undefined;
  }).catch((error: Error) => fail(`rotation: ${error.message}`));

  await applyLayers(ctx.kube, ctx.cluster, nextRevision, ['runners']);
  const rotated: RunnerUnderTest = { ...runner, token };
  const newPod = await waitFor(`a new manager of ${runner.name} Ready on the new token`, 180, async () => {
    const pods = await deploymentPods(ctx.kube, runner.name);
    return pods.find((p) => !oldPods.includes(p.metadata.name) && isReady(p));
  });
  const oldPod = await oldManagerDraining(ctx, runner, oldPods, long.id, 'rotation');
  ctx.log(`old manager ${oldPod.metadata.name} drains on the revoked token; new manager ${newPod.metadata.name} is Ready`);

  const next = await runJob(ctx, rotated, ['echo job after rotation'], { name: 'job-after-rotation' });
  expectSuccess(next.job, 'the job queued after the rotation');
  const newHandOuts = handOuts(ctx.gitlab, token);
  if (newHandOuts.length !== 1) fail(`rotation: ${newHandOuts.length} job(s) were handed out for the new token; the job after the rotation (${next.job.id}) should be the only one`);
  if (systemId(newHandOuts[0]!) === systemId(oldManager)) fail(`rotation: the old manager (${systemId(oldManager)}) took job ${next.job.id} with the new token; it read its token once, at start`);

  const longDone = await waitForJob(ctx, long.id, ['success', 'failed', 'canceled'], jobSeconds + 120);
  expectSuccess(longDone, 'the long job running while its token was rotated');
  await waitRolledOut(ctx.kube, runner.name, 120);
  await oldManagersGone(ctx, runner, oldPods, 'rotation');
  return { rolloutSeconds: (Date.now() - t0) / 1000, token };
}

type ObjectRef = { readonly apiVersion: string; readonly kind: string; readonly metadata: { readonly name: string; readonly namespace?: string } };
const describe = (o: ObjectRef) => `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;

/** Which of `objects` the API server still has, described as "Kind namespace/name". */
async function present(kube: Kube, objects: readonly ObjectRef[]): Promise<string[]> {
  const found = await Promise.all(objects.map(async (o) => ((await kube.get(o.apiVersion, o.kind, o.metadata.namespace, o.metadata.name)) ? describe(o) : undefined)));
  return found.filter((f): f is string => f !== undefined);
}

/**
 * Removal mid-job (docs/lifecycle.md, "Remove or rename a runner"): while a long job runs, the runner is retired
 * (`retiring`, its managers go to zero, all else kept): its identity, RBAC and token stay, the manager finishes the
 * job, deletes its job pod, exits, and the API server refuses it nothing. Then the runner is removed: every object
 * the retiring revision rendered and the removed one does not is deleted at once (as Flux prunes, see prune.ts),
 * with the token Secret (the operator's last step), and nothing of the runner remains.
 */
export async function removalMidJob(
  ctx: E2eContext,
  runner: RunnerUnderTest,
  retiring: readonly RenderedFile[],
  removed: readonly RenderedFile[],
  jobSeconds = 25,
): Promise<{ drainSeconds: number }> {
  const kept = prunedObjects(retiring, removed);
  const identity = kept.filter((o) => ['ServiceAccount', 'Role', 'RoleBinding'].includes(o.kind));
  if (identity.length < 3) fail(`removal: the retiring render has no ServiceAccount, Role and RoleBinding of ${runner.name} that the removal prunes (${identity.map((o) => o.kind).join(', ')})`);
  const tokenSecret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: runner.tokenSecret, namespace: MANAGER_NAMESPACE } };
  const mustStay = [...kept, tokenSecret];
  const stays = async (when: string) => {
    const found = await present(ctx.kube, mustStay);
    const gone = mustStay.map(describe).filter((d) => !found.includes(d));
    if (gone.length) fail(`removal: ${when}, ${gone.join(', ')} of the retiring runner is gone; the draining manager needs it`);
  };
  const long = await startLongJob(ctx, runner, jobSeconds, 'long-job-during-removal');
  const oldPods = (await deploymentPods(ctx.kube, runner.name)).map((p) => p.metadata.name);
  const deployment = await ctx.kube.get('apps/v1', 'Deployment', MANAGER_NAMESPACE, runner.name);
  const selector = Object.entries((deployment?.spec?.selector?.matchLabels ?? {}) as Record<string, string>).map(([k, v]) => `${k}=${v}`).join(',');

  const t0 = Date.now();
  await applyLayers(ctx.kube, ctx.cluster, retiring, ['runners']);
  await oldManagerDraining(ctx, runner, oldPods, long.id, 'removal');
  await stays('while its manager drains');
  const longDone = await waitForJob(ctx, long.id, ['success', 'failed', 'canceled'], jobSeconds + 120);
  expectSuccess(longDone, 'the long job running while its runner was retired');
  const jobPods = ctx.recorder.podsOfJob(long.id).map((p) => p.metadata.name);
  if (!jobPods.length) fail(`removal: no pod of the long job ${long.id} was seen in ${JOB_NAMESPACE}`);
  await waitFor(`the draining manager deleting its job pod(s) ${jobPods.join(', ')}`, 60, async (note) => {
    const left = (await Promise.all(jobPods.map((name) => ctx.kube.get('v1', 'Pod', JOB_NAMESPACE, name)))).filter((p) => p);
    note(left.map((p) => `${p!.metadata.name} ${p!.status?.phase}`).join(', '));
    return left.length ? undefined : true;
  }).catch((error: Error) => fail(`removal: ${error.message}`));
  await oldManagersGone(ctx, runner, oldPods, 'removal');
  const drainSeconds = (Date.now() - t0) / 1000;
  await stays('after its manager is gone');
  noManagerRequestDenied(ctx);

  // Step 3: the runner leaves the definition; Flux prunes what it no longer renders, all at once.
  await applyLayers(ctx.kube, ctx.cluster, removed, ['runners']);
  await Promise.all(mustStay.map((o) => ctx.kube.delete(o.apiVersion, o.kind, o.metadata.namespace, o.metadata.name)));
  await waitFor(`nothing of ${runner.name} left`, 60, async (note) => {
    const left = await present(ctx.kube, mustStay);
    if (selector) {
      for (const kind of ['ReplicaSet', 'Pod']) {
        const apiVersion = kind === 'Pod' ? 'v1' : 'apps/v1';
        left.push(...(await ctx.kube.list(apiVersion, kind, MANAGER_NAMESPACE, selector)).map((o) => `${kind} ${o.metadata.name}`));
      }
    }
    left.push(...(await ctx.kube.list('v1', 'Pod', JOB_NAMESPACE, `gitlab-runner-fleet/runner=${runner.arch}`)).map((o) => `job Pod ${o.metadata.name}`));
    note(left.join(', '));
    return left.length ? undefined : true;
  }).catch((error: Error) => fail(`removal: ${error.message}`));
  return { drainSeconds };
}

/** After the jobs, nothing of theirs is left in the job namespace. */
export async function jobNamespaceIsClean(ctx: E2eContext, seconds = 60): Promise<void> {
  await waitFor(`the job namespace ${JOB_NAMESPACE} empty of job objects`, seconds, async (note) => {
    const left: KubeObject[] = [];
    for (const kind of ['Pod', 'Secret', 'Service']) left.push(...(await ctx.kube.list('v1', kind, JOB_NAMESPACE)));
    left.push(...(await ctx.kube.list('v1', 'ConfigMap', JOB_NAMESPACE)).filter((c) => c.metadata.name !== 'kube-root-ca.crt'));
    note(left.map((o) => `${o.kind} ${o.metadata.name}`).join(', '));
    return left.length ? undefined : true;
  });
}

/** No request of a manager was refused by the API server's authorization (from its audit log). */
export function noManagerRequestDenied(ctx: E2eContext): void {
  const users = ctx.runners.map((r) => `system:serviceaccount:${MANAGER_NAMESPACE}:${r.name}`);
  const denied = deniedRequests(readFileSync(ctx.auditLog, 'utf8'), users);
  if (denied.length) fail(`the API server denied ${denied.length} manager request(s):\n  ${[...new Set(denied)].slice(0, 10).join('\n  ')}`);
}

/** Runs `scenario` and returns its failure message; throws if it passed (the harness must have caught the break). */
export async function expectFailure(what: string, scenario: () => Promise<unknown>): Promise<string> {
  try {
    await scenario();
  } catch (error) {
    if (error instanceof ScenarioFailure || error instanceof WaitTimeout) return error.message.split('\n')[0]!;
    throw error;
  }
  throw new Error(`harness self-test "${what}": the scenario passed on a broken fleet; it cannot fail, so it proves nothing`);
}

export { sleep };

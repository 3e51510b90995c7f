/**
 * gitlab:plan / apply / rotate against the fake GitLab (.ci/fake-gitlab) and a real AWS emulator (moto), with the
 * example clusters of definitions/: production stores tokens in Secrets Manager, staging in existing Secrets.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { FakeGitLab } from '../../.ci/fake-gitlab';
import { type Moto, startMoto } from '../../.ci/moto/moto';
import { fleet } from '../../definitions';
import { resolveCluster } from '../../lib/model/resolve';
import { applyCommand, type CommandOptions, planCommand, rotateCommand } from './commands';
import { maintenanceNote, ownerKey } from './ownership';
import { makeTokenStore } from './token-store';

jest.setTimeout(120_000);

let moto: Moto;
let gitlab: FakeGitLab;
let work: string;
let adminToken: string;
beforeAll(async () => {
  moto = await startMoto();
});
afterAll(() => moto?.stop());
beforeEach(async () => {
  gitlab = await FakeGitLab.start();
  gitlab.addUser({ username: 'fleet-bot', admin: true });
  // Staging's runners are group runners of this group (definitions/staging.ts).
  gitlab.addGroup('example-group');
  adminToken = gitlab.addAccessToken('fleet-bot', ['create_runner', 'manage_runner', 'read_api']);
  work = mkdtempSync(join(tmpdir(), 'gitlab-side-'));
});
afterEach(async () => {
  await gitlab.stop();
  rmSync(work, { recursive: true, force: true });
});

const secretsManager = (endpoint = moto.endpoint) => () => new SecretsManagerClient({ region: 'eu-central-1', endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });

interface Run {
  status: number;
  out: string;
  err: string;
}

async function run(command: typeof planCommand, overrides: Partial<CommandOptions> & { token?: string; endpoint?: string; tokenDir?: string | null } = {}): Promise<Run> {
  let out = '';
  let err = '';
  const { token, endpoint, tokenDir, ...rest } = overrides;
  const status = await command({
    fleet,
    env: { RUNNER_FLEET_GITLAB_URL: gitlab.url, GITLAB_TOKEN: token ?? adminToken },
    io: { out: (t) => (out += t), err: (t) => (err += t) },
    tokenStore: () => makeTokenStore({ secretsManager: secretsManager(endpoint), repositoryRoot: join(work, 'repo'), ...(tokenDir === null ? {} : { tokenDir: tokenDir ?? join(work, 'tokens') }) }),
    ...rest,
  });
  return { status, out, err };
}

const secretValue = async (secretId: string) => (await secretsManager()().send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString!;
const runnerByKey = (key: string) => gitlab.runners().filter((r) => ownerKey(r.maintenanceNote) === key);
const allRunners = fleet.flatMap((c) => c.runners.map((r) => ({ cluster: c, runner: r })));

/** Nothing printed may hold a token GitLab issued or the access token. */
function expectNoTokens(...texts: string[]) {
  const secrets = [adminToken, ...gitlab.runners().map((r) => r.token)];
  for (const text of texts) for (const secret of secrets) expect(text).not.toContain(secret);
  for (const text of texts) expect(text).not.toMatch(/gl(rt|pat)-[A-Za-z0-9_-]{8,}/);
}

test('from an empty GitLab, apply creates every runner of both example clusters as defined, stores their tokens, and a second plan finds no drift', async () => {
  expect(allRunners.length).toBe(5);
  const plan = await run(planCommand);
  expect(plan.status).toBe(1);
  expect(plan.out).toContain('Plan: 5 to create, 0 to update, 0 to replace, 0 to delete, 0 unchanged.');

  const apply = await run(applyCommand);
  expect(apply.err).toBe('');
  expect(apply.status).toBe(0);
  expect(gitlab.runners()).toHaveLength(5);

  for (const { cluster, runner } of allRunners) {
    const [created] = runnerByKey(`${cluster.name}/${runner.name}`);
    expect(created).toMatchObject({
      runnerType: runner.gitlab.scope.type === 'instance' ? 'instance_type' : 'group_type',
      runUntagged: runner.runUntagged,
      paused: false,
      locked: false,
      accessLevel: 'not_protected',
      maximumTimeout: runner.jobTimeoutSeconds,
    });
    expect([...created.tagList].sort()).toEqual([...runner.tags].sort());
    expect(created.description).toContain(`${cluster.name}/${runner.name}`);
    if (runner.token.source === 'aws-secrets-manager') {
      expect(JSON.parse(await secretValue(runner.token.secretId))).toEqual({ [runner.token.property!]: created.token });
    } else {
      expect(readFileSync(join(work, 'tokens', `${cluster.name}-${runner.name}.token`), 'utf8')).toBe(created.token);
      expect(apply.out).toContain(`kubectl --namespace gitlab-runner create secret generic ${runner.tokenSecret.name} --from-file=token=${join(work, 'tokens', `${cluster.name}-${runner.name}.token`)}`);
    }
  }
  expect(gitlab.requests({ method: 'POST', path: '/api/v4/user/runners' })).toHaveLength(5);

  const again = await run(planCommand);
  expect(again.status).toBe(0);
  expect(again.out).toContain('Plan: 0 to create, 0 to update, 0 to replace, 0 to delete, 5 unchanged.');
  expectNoTokens(plan.out, plan.err, apply.out, apply.err, again.out, again.err);
});

test('the runners apply makes get exactly the jobs their definition implies, with the definition\'s timeout as the cap', async () => {
  expect((await run(applyCommand)).status).toBe(0);
  const largeJob = gitlab.enqueueJob({ tags: ['amd64-large'], script: ['true'], timeout: 6 * 3600 });
  const stagingArm = gitlab.enqueueJob({ tags: ['arm64', 'staging'], script: ['true'], project: 'example-group/app' });
  const stagingArmElsewhere = gitlab.enqueueJob({ tags: ['arm64', 'staging'], script: ['true'], project: 'other-group/app' });
  const untagged = gitlab.enqueueJob({ script: ['true'] });
  const ask = async (key: string) => {
    const reply = await fetch(`${gitlab.apiUrl}/jobs/request`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ token: runnerByKey(key)[0].token }) });
    return reply.status === 201 ? ((await reply.json()) as { id: number }).id : reply.status;
  };
  expect(await ask('production/amd64')).toBe(204);
  expect(await ask('staging/arm64')).toBe(stagingArm.id);
  expect(await ask('production/amd64-large')).toBe(largeJob.id);
  expect(gitlab.job(largeJob.id)).toMatchObject({ timeout: 3 * 3600, timeoutSource: 'runner_timeout_source' });
  expect(await ask('staging/arm64')).toBe(204);
  expect(gitlab.job(untagged.id)!.status).toBe('pending');
  expect(gitlab.job(stagingArmElsewhere.id)!.status).toBe('pending');
});

test('a change made in GitLab shows as drift, apply reverts it, and only the fields that drifted are sent', async () => {
  await run(applyCommand);
  const [arm] = runnerByKey('production/arm64');
  gitlab.updateRunner(arm.id, { tagList: ['arm64'], maximumTimeout: 24 * 3600, paused: true });
  const plan = await run(planCommand, { markdownFile: join(work, 'plan.md') });
  expect(plan.status).toBe(1);
  expect(plan.out).toMatch(new RegExp(`~ production/arm64 \\(#${arm.id}\\)\\s+update: tag_list \\[arm64\\] → \\[arm64, linux, production\\]; paused true → false; maximum_timeout 24h → 3h`));
  expect(readFileSync(join(work, 'plan.md'), 'utf8')).toContain(`| ~ | production/arm64 (#${arm.id}) | update: tag_list [arm64] → [arm64, linux, production]`);

  gitlab.clearRequests();
  expect((await run(applyCommand)).status).toBe(0);
  const puts = gitlab.requests({ method: 'PUT' });
  expect(puts.map((r) => [r.path, Object.keys(r.body as object).sort()])).toEqual([[`/api/v4/runners/${arm.id}`, ['maximum_timeout', 'paused', 'tag_list']]]);
  expect((await run(planCommand)).status).toBe(0);
});

test('a runner deleted in GitLab is planned again and recreated with a new token; the old token no longer works', async () => {
  await run(applyCommand);
  const [old] = runnerByKey('production/amd64');
  gitlab.deleteRunner(old.id);
  const plan = await run(planCommand);
  expect(plan.out).toMatch(/\+ production\/amd64 \(instance runner\)\s+create:/);
  const again = await run(applyCommand);
  expect(again.status).toBe(0);
  const [made] = runnerByKey('production/amd64');
  expect(made.id).not.toBe(old.id);
  expect(JSON.parse(await secretValue('gitlab-runner/production/amd64')).token).toBe(made.token);
});

test('a runner deleted in GitLab between plan and update: apply says what happened and that running again creates it', async () => {
  await run(applyCommand);
  const [arm] = runnerByKey('staging/arm64');
  gitlab.updateRunner(arm.id, { description: 'edited by hand' });
  gitlab.injectFailure({ method: 'PUT', path: new RegExp(`^/api/v4/runners/${arm.id}$`), status: 404, body: { message: '404 Runner Not Found' } });
  const apply = await run(applyCommand);
  expect(apply.status).toBe(2);
  expect(apply.err).toContain(`runner #${arm.id} (staging/arm64) was deleted in GitLab after the plan read it; nothing was changed for it.`);
  expect(apply.err).toContain('run `npm run gitlab:apply` again');
});

test('never touches runners it does not own, nor owned runners of clusters outside the run; deletes its own undefined ones', async () => {
  const byHand = gitlab.createRunner({ description: 'production/amd64: looks like ours', tagList: ['amd64'], maximumTimeout: 600 });
  const otherCluster = gitlab.createRunner({ tagList: ['x'], maintenanceNote: maintenanceNote('retired/amd64') });
  const removed = gitlab.createRunner({ tagList: ['x'], maintenanceNote: maintenanceNote('production/gpu') });
  const plan = await run(planCommand, { clusters: ['production'] });
  expect(plan.out).toMatch(new RegExp(`- production/gpu \\(#${removed.id}\\)\\s+delete: owned by this repository, no longer defined`));
  expect(plan.out).not.toContain(`#${byHand.id}`);
  expect(plan.out).not.toContain(`#${otherCluster.id}`);
  expect((await run(applyCommand, { clusters: ['production'] })).status).toBe(0);
  expect(gitlab.runner(removed.id)).toBeUndefined();
  expect(gitlab.runner(byHand.id)).toEqual(byHand);
  expect(gitlab.runner(otherCluster.id)).toEqual(otherCluster);
  expect(gitlab.requests({ path: new RegExp(`/runners/(${byHand.id}|${otherCluster.id})$`) }).every((r) => r.method === 'GET')).toBe(true);
});

test('two runners carrying one key: a conflict, left to a person', async () => {
  gitlab.createRunner({ tagList: ['amd64'], maintenanceNote: maintenanceNote('staging/amd64') });
  gitlab.createRunner({ tagList: ['amd64'], maintenanceNote: maintenanceNote('staging/amd64') });
  const apply = await run(applyCommand, { clusters: ['staging'] });
  expect(apply.status).toBe(1);
  expect(apply.err).toMatch(/waiting: staging\/amd64 \(#\d+, #\d+\): 2 runners carry the key staging\/amd64; delete all but one/);
  expect(runnerByKey('staging/amd64')).toHaveLength(2);
});

test('existing-secret runners wait for a token folder; the others are created', async () => {
  const apply = await run(applyCommand, { tokenDir: null });
  expect(apply.status).toBe(1);
  expect(apply.err).toContain('waiting: staging/amd64 not created: its token goes to the Secret gitlab-runner/gitlab-runner-amd64-token (key token), created with kubectl: run from a workstation with --token-dir');
  expect(gitlab.runners().map((r) => ownerKey(r.maintenanceNote)).sort()).toEqual(['production/amd64', 'production/amd64-large', 'production/arm64']);
});

test('a Secrets Manager write failing after the runner was created: says what exists and how to finish, and rotate finishes it', async () => {
  const apply = await run(applyCommand, { clusters: ['production'], endpoint: 'http://127.0.0.1:9' });
  expect(apply.status).toBe(2);
  const [amd64] = runnerByKey('production/amd64');
  expect(gitlab.runners()).toHaveLength(1);
  expect(apply.err).toContain(`runner #${amd64.id} (production/amd64) now exists in GitLab at ${gitlab.url} with the settings of the definition, but its token could not be stored: could not write the AWS Secrets Manager secret gitlab-runner/production/amd64 (JSON property token) in eu-central-1`);
  expect(apply.err).toContain('GitLab shows a token once; it is not kept anywhere, and nothing uses it yet.');
  expect(apply.err).toContain(`run \`npm run gitlab:rotate -- --runner production/amd64\`: it resets the token of runner #${amd64.id}`);
  expectNoTokens(apply.out, apply.err);

  const rotate = await run(rotateCommand, { runner: 'production/amd64' });
  expect(rotate.err).toBe('');
  expect(rotate.status).toBe(0);
  const [rotated] = runnerByKey('production/amd64');
  expect(rotated.token).not.toBe(amd64.token);
  expect(JSON.parse(await secretValue('gitlab-runner/production/amd64')).token).toBe(rotated.token);
  expect(rotate.out).toContain("to do: production/amd64: roll the managers onto the new token: set tokenRevision: '");

  const rest = await run(applyCommand, { clusters: ['production'] });
  expect(rest.status).toBe(0);
  expect((await run(planCommand, { clusters: ['production'] })).status).toBe(0);
  expectNoTokens(rotate.out, rotate.err, rest.out, rest.err);
});

test('rotate resets the token in GitLab: the old one stops working, the stored one works', async () => {
  await run(applyCommand);
  const [before] = runnerByKey('staging/arm64');
  const rotate = await run(rotateCommand, { runner: 'staging/arm64' });
  expect(rotate.status).toBe(0);
  const [after] = runnerByKey('staging/arm64');
  const verify = (token: string) => fetch(`${gitlab.apiUrl}/runners/verify`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ token }) }).then((r) => r.status);
  expect(await verify(before.token)).toBe(403);
  expect(await verify(readFileSync(join(work, 'tokens', 'staging-arm64.token'), 'utf8'))).toBe(200);
  expect(after.token).not.toBe(before.token);
  expectNoTokens(rotate.out, rotate.err);
});

test('rotating a runner that is not in GitLab, or not defined, changes nothing and says what to do', async () => {
  const missing = await run(rotateCommand, { runner: 'production/arm64' });
  expect([missing.status, missing.err]).toEqual([2, expect.stringContaining('no runner in GitLab at')]);
  expect(missing.err).toContain('run `npm run gitlab:apply` to create it');
  const unknown = await run(rotateCommand, { runner: 'production/gpu' });
  expect(unknown.err).toContain('no runner "production/gpu" in the definitions');
  expect(gitlab.requests({ method: 'POST' })).toEqual([]);
});

describe('errors that stop before anything changes', () => {
  test('GitLab unreachable', async () => {
    const closed = `http://127.0.0.1:${new URL(gitlab.url).port}`;
    await gitlab.stop();
    const plan = await run(planCommand, { env: { RUNNER_FLEET_GITLAB_URL: closed, GITLAB_TOKEN: adminToken } });
    expect(plan.status).toBe(2);
    expect(plan.err).toMatch(new RegExp(`^gitlab:plan: GitLab at ${closed} is unreachable when reading group example-group \\(ECONNREFUSED\\)`));
    gitlab = await FakeGitLab.start();
  });

  test('a token GitLab does not know: 401, naming the scope it needs', async () => {
    const plan = await run(planCommand, { token: 'glpat-unknown' });
    expect(plan.status).toBe(2);
    expect(plan.err).toContain('refused the token (401 Unauthorized) when reading group example-group: the token is missing, revoked or expired. It needs the scope "read_api" or "api".');
    expect(plan.err).not.toContain('glpat-unknown');
  });

  test('a read-only token plans, but apply stops at the first create naming the missing scope', async () => {
    const readOnly = gitlab.addAccessToken('fleet-bot', ['read_api']);
    expect((await run(planCommand, { token: readOnly })).status).toBe(1);
    const apply = await run(applyCommand, { token: readOnly });
    expect(apply.status).toBe(2);
    expect(apply.err).toContain('refused creating runner staging/amd64 (403 insufficient_scope): the token lacks the scope "api" or "create_runner".');
    expect(apply.err).toContain('Nothing was created for staging/amd64.');
    expect(gitlab.runners()).toEqual([]);
  });

  test('a token without the administrator role cannot list instance runners: 403, naming the role', async () => {
    gitlab.addUser({ username: 'developer' });
    const plan = await run(planCommand, { token: gitlab.addAccessToken('developer', ['api']) });
    expect(plan.status).toBe(2);
    expect(plan.err).toContain("refused listing all runners (GET /runners/all) (403 403 Forbidden - No access granted): the token's user needs an administrator (or auditor): listing all runners.");
  });

  test('no token in the environment: says which variables', async () => {
    const plan = await run(planCommand, { env: { RUNNER_FLEET_GITLAB_URL: gitlab.url } });
    const host = new URL(gitlab.url).host.replace(/[^A-Za-z0-9]/g, '_');
    expect(plan.err).toBe(`gitlab:plan: no GitLab token for ${gitlab.url}: set GITLAB_TOKEN_${host} or GITLAB_TOKEN (see docs/gitlab-side.md for the scopes)\n`);
    expect(plan.status).toBe(2);
  });

  test('an unknown cluster', async () => {
    const plan = await run(planCommand, { clusters: ['prod'] });
    expect(plan.err).toBe('gitlab:plan: unknown cluster "prod"; the definitions have "staging", "production"\n');
  });
});

describe('group and project runners, with a token of a group owner (no administrator)', () => {
  const groupFleet = (scope: { type: 'group' | 'project'; path: string }) => [
    resolveCluster({
      name: 'team',
      region: 'eu-central-1',
      runners: [{ arch: 'arm64', tags: ['team'], jobTimeout: '2h', token: { source: 'aws-secrets-manager', secretId: 'team/arm64' }, gitlab: { scope, accessLevel: 'ref_protected', locked: true } }],
    }),
  ];

  test('apply creates the runner in its group, a second plan finds no drift; moving it to a project replaces it', async () => {
    gitlab.addGroup('platform');
    gitlab.addProject('platform/app', { groupPath: 'platform' });
    gitlab.addUser({ username: 'owner', ownedGroups: ['platform'], maintainedProjects: ['platform/app'] });
    const owner = gitlab.addAccessToken('owner', ['create_runner', 'manage_runner', 'read_api']);

    const inGroup = groupFleet({ type: 'group', path: 'platform' });
    expect((await run(applyCommand, { fleet: inGroup, token: owner })).status).toBe(0);
    const [created] = runnerByKey('team/arm64');
    expect(created).toMatchObject({ runnerType: 'group_type', accessLevel: 'ref_protected', locked: true, maximumTimeout: 7200, tagList: ['arm64', 'team'] });
    expect(await secretValue('team/arm64')).toBe(created.token);
    expect(gitlab.requests({ path: '/api/v4/runners/all' })).toEqual([]);
    expect((await run(planCommand, { fleet: inGroup, token: owner })).status).toBe(0);

    const inProject = groupFleet({ type: 'project', path: 'platform/app' });
    const plan = await run(planCommand, { fleet: inProject, token: owner });
    expect(plan.out).toContain(`± team/arm64 (#${created.id})  replace: it is a group runner, the definition says project runner of platform/app`);
    expect((await run(applyCommand, { fleet: inProject, token: owner })).status).toBe(0);
    const [moved] = runnerByKey('team/arm64');
    expect(moved).toMatchObject({ runnerType: 'project_type' });
    expect(gitlab.runner(created.id)).toBeUndefined();
    expect(await secretValue('team/arm64')).toBe(moved.token);
    expect((await run(planCommand, { fleet: inProject, token: owner })).status).toBe(0);
  });

  test('a group that does not exist stops the plan, naming it', async () => {
    const plan = await run(planCommand, { fleet: groupFleet({ type: 'group', path: 'nowhere' }) });
    expect(plan.status).toBe(2);
    expect(plan.err).toContain('answered 404 when reading group nowhere');
  });
});

test('a token expiring within two weeks (or expired) makes plan exit 1 and names the command; later ones do not', async () => {
  await run(applyCommand);
  const [soon] = runnerByKey('production/arm64');
  const [later] = runnerByKey('production/amd64');
  const [gone] = runnerByKey('staging/amd64');
  const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
  gitlab.updateRunner(soon.id, { tokenExpiresAt: inDays(3) });
  gitlab.updateRunner(later.id, { tokenExpiresAt: inDays(30) });
  gitlab.updateRunner(gone.id, { tokenExpiresAt: inDays(-1) });
  const plan = await run(planCommand);
  expect(plan.status).toBe(1);
  expect(plan.out).toMatch(new RegExp(`! production/arm64 \\(#${soon.id}\\): its token expires \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC; run \`npm run gitlab:rotate -- --runner production/arm64\`, then name a new tokenRevision`));
  expect(plan.out).toMatch(new RegExp(`! staging/amd64 \\(#${gone.id}\\): its token expired `));
  expect(plan.out).not.toContain(`production/amd64 (#${later.id}): its token`);
  expect(plan.out).toContain('5 unchanged, 2 token(s) expiring.');
  const apply = await run(applyCommand);
  expect(apply.status).toBe(1);
  expect(apply.err).toContain('waiting: production/arm64');
});

import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { FakeGitLab } from './server';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

/** One HTTP call to the fake, trusting its run CA when it serves HTTPS. */
function call(gitlab: FakeGitLab, method: string, path: string, options: { token?: string; json?: unknown; raw?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
  const url = new URL(`${gitlab.apiUrl}${path}`);
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers['PRIVATE-TOKEN'] = options.token;
  let payload: string | undefined;
  if (options.json !== undefined) {
    payload = JSON.stringify(options.json);
    headers['Content-Type'] = 'application/json';
  } else if (options.raw !== undefined) {
    payload = options.raw;
    headers['Content-Type'] = 'text/plain';
  }
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, { method, headers, ...(gitlab.caCertificate ? { ca: gitlab.caCertificate } : {}) }, (res) => {
      let text = '';
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text ? JSON.parse(text) : undefined }));
    });
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

describe('fake GitLab: runner management REST API', () => {
  let gitlab: FakeGitLab;
  let admin: string;
  beforeEach(async () => {
    gitlab = await FakeGitLab.start();
    gitlab.addUser({ username: 'root', admin: true });
    admin = gitlab.addAccessToken('root', ['api']);
  });
  afterEach(() => gitlab.stop());

  test('listens on loopback over plain HTTP unless asked otherwise', () => {
    expect(gitlab.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(gitlab.caCertificate).toBeUndefined();
  });

  test('no token or an unknown token is 401, for every endpoint', async () => {
    for (const [method, path] of [['GET', '/runners/all'], ['POST', '/user/runners'], ['GET', '/runners/1'], ['PUT', '/runners/1'], ['POST', '/runners/1/reset_authentication_token']]) {
      expect((await call(gitlab, method, path)).status).toBe(401);
      expect((await call(gitlab, method, path, { token: ['glpat', 'unknown-to-this-gitlab'].join('-') })).status).toBe(401);
    }
  });

  test('a token without a scope that allows the request is 403 insufficient_scope, naming the scopes that would', async () => {
    const readOnly = gitlab.addAccessToken('root', ['read_api']);
    const create = await call(gitlab, 'POST', '/user/runners', { token: readOnly, json: { runner_type: 'instance_type', run_untagged: true } });
    expect(create.status).toBe(403);
    expect(create.body).toMatchObject({ error: 'insufficient_scope', scope: 'api create_runner' });
    expect(create.headers['www-authenticate']).toContain('insufficient_scope');
    expect((await call(gitlab, 'GET', '/runners/all', { token: readOnly })).status).toBe(200);

    const createOnly = gitlab.addAccessToken('root', ['create_runner']);
    expect((await call(gitlab, 'POST', '/user/runners', { token: createOnly, json: { runner_type: 'instance_type', run_untagged: true } })).status).toBe(201);
    const list = await call(gitlab, 'GET', '/runners/all', { token: createOnly });
    expect(list.status).toBe(403);
    expect(list.body.scope).toBe('api read_api');

    const manage = gitlab.addAccessToken('root', ['manage_runner']);
    const id = gitlab.createRunner({ tagList: ['a'] }).id;
    expect((await call(gitlab, 'GET', `/runners/${id}`, { token: manage })).status).toBe(200);
    expect((await call(gitlab, 'PUT', `/runners/${id}`, { token: manage, json: { paused: true } })).status).toBe(200);
    expect((await call(gitlab, 'POST', `/runners/${id}/reset_authentication_token`, { token: manage })).status).toBe(201);
    expect((await call(gitlab, 'GET', '/runners/all', { token: manage })).body.scope).toBe('api read_api');
  });

  test('instance runners need an administrator, group runners a group owner', async () => {
    gitlab.addGroup('platform');
    gitlab.addUser({ username: 'owner', ownedGroups: ['platform'] });
    const owner = gitlab.addAccessToken('owner', ['api']);
    const groupId = gitlab.addGroup('platform').id;
    const instance = await call(gitlab, 'POST', '/user/runners', { token: owner, json: { runner_type: 'instance_type', run_untagged: true } });
    expect(instance.status).toBe(403);
    const group = await call(gitlab, 'POST', '/user/runners', { token: owner, json: { runner_type: 'group_type', group_id: groupId, tag_list: ['x'] } });
    expect(group.status).toBe(201);
    expect((await call(gitlab, 'GET', '/runners/all', { token: owner })).status).toBe(403);
    const listed = await call(gitlab, 'GET', '/groups/platform/runners', { token: owner });
    expect(listed.body.map((r: any) => r.id)).toEqual([group.body.id]);
    const adminRunner = gitlab.createRunner({ tagList: ['y'] });
    expect((await call(gitlab, 'PUT', `/runners/${adminRunner.id}`, { token: owner, json: { paused: true } })).status).toBe(403);
  });

  test('creating a runner validates parameters as GitLab does', async () => {
    const invalid: Array<[unknown, number, string]> = [
      [{}, 400, 'runner_type is missing'],
      [{ runner_type: 'shared' }, 400, 'runner_type does not have a valid value'],
      [{ runner_type: 'group_type' }, 400, 'group_id is missing'],
      [{ runner_type: 'project_type', project_id: 'abc' }, 400, 'project_id is invalid'],
      [{ runner_type: 'instance_type', tag_list: ['a'], access_level: 'protected' }, 400, 'access_level does not have a valid value'],
      [{ runner_type: 'instance_type', tag_list: ['a'], paused: 'maybe' }, 400, 'paused is invalid'],
    ];
    for (const [json, status, error] of invalid) {
      const reply = await call(gitlab, 'POST', '/user/runners', { token: admin, json });
      expect([reply.status, reply.body.error]).toEqual([status, error]);
    }
    const tooShort = await call(gitlab, 'POST', '/user/runners', { token: admin, json: { runner_type: 'instance_type', tag_list: ['a'], maximum_timeout: 599 } });
    expect(tooShort.body.message.maximum_timeout).toEqual(['needs to be at least 10 minutes']);
    const noTags = await call(gitlab, 'POST', '/user/runners', { token: admin, json: { runner_type: 'instance_type', run_untagged: false } });
    expect(noTags.body.message.tags_list).toBeDefined();
    const note = await call(gitlab, 'POST', '/user/runners', { token: admin, json: { runner_type: 'instance_type', run_untagged: true, maintenance_note: 'x'.repeat(1025) } });
    expect(note.status).toBe(400);
    expect(gitlab.runners()).toEqual([]);
  });

  test('a created runner has what was asked, a fresh glrt- token, and GitLab defaults for the rest', async () => {
    const created = await call(gitlab, 'POST', '/user/runners', {
      token: admin,
      json: { runner_type: 'instance_type', description: 'd', tag_list: 'linux, amd64', run_untagged: false, locked: true, paused: false, access_level: 'ref_protected', maximum_timeout: 3600, maintenance_note: 'n' },
    });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^glrt-[A-Za-z0-9]{20,}$/);
    const details = (await call(gitlab, 'GET', `/runners/${created.body.id}`, { token: admin })).body;
    expect(details).toMatchObject({ id: created.body.id, description: 'd', tag_list: ['linux', 'amd64'], run_untagged: false, locked: true, paused: false, access_level: 'ref_protected', maximum_timeout: 3600, maintenance_note: 'n', runner_type: 'instance_type', is_shared: true });
    expect(JSON.stringify(details)).not.toContain(created.body.token);
    const defaults = await call(gitlab, 'POST', '/user/runners', { token: admin, json: { runner_type: 'instance_type' } });
    expect((await call(gitlab, 'GET', `/runners/${defaults.body.id}`, { token: admin })).body).toMatchObject({ run_untagged: true, locked: false, paused: false, access_level: 'not_protected', maximum_timeout: null, tag_list: [] });
  });

  test('updates change only what they name; a change made in GitLab shows in the details', async () => {
    const { id } = gitlab.createRunner({ tagList: ['a', 'b'], description: 'before', maximumTimeout: 3600 });
    expect((await call(gitlab, 'PUT', `/runners/${id}`, { token: admin, json: {} })).status).toBe(400);
    const updated = await call(gitlab, 'PUT', `/runners/${id}`, { token: admin, json: { description: 'after' } });
    expect(updated.body).toMatchObject({ description: 'after', tag_list: ['a', 'b'], maximum_timeout: 3600 });
    gitlab.updateRunner(id, { tagList: ['a'], maximumTimeout: 7200 });
    expect((await call(gitlab, 'GET', `/runners/${id}`, { token: admin })).body).toMatchObject({ tag_list: ['a'], maximum_timeout: 7200 });
    expect((await call(gitlab, 'PUT', `/runners/${id}`, { token: admin, json: { maximum_timeout: null } })).body.maximum_timeout).toBeNull();
  });

  test('listings filter by type and paged with Link and X- headers; a deleted runner is 404', async () => {
    for (let i = 0; i < 5; i++) gitlab.createRunner({ tagList: ['t'], paused: i === 0 });
    gitlab.addGroup('g');
    gitlab.createRunner({ runnerType: 'group_type', group: 'g', tagList: ['t'] });
    const first = await call(gitlab, 'GET', '/runners/all?type=instance_type&per_page=2', { token: admin });
    expect(first.body).toHaveLength(2);
    expect(first.headers['x-total']).toBe('5');
    expect(first.headers['x-next-page']).toBe('2');
    expect(first.headers.link).toContain('rel="next"');
    const last = await call(gitlab, 'GET', '/runners/all?type=instance_type&per_page=2&page=3', { token: admin });
    expect(last.body).toHaveLength(1);
    expect(last.headers['x-next-page']).toBe('');
    expect((await call(gitlab, 'GET', '/runners/all?paused=true', { token: admin })).body).toHaveLength(1);
    expect((await call(gitlab, 'GET', '/runners/all?type=group_type', { token: admin })).body).toHaveLength(1);
    expect((await call(gitlab, 'GET', '/runners/all?type=nope', { token: admin })).status).toBe(400);
    const id = first.body[0].id;
    expect((await call(gitlab, 'DELETE', `/runners/${id}`, { token: admin })).status).toBe(204);
    expect((await call(gitlab, 'GET', `/runners/${id}`, { token: admin })).status).toBe(404);
    expect((await call(gitlab, 'PUT', `/runners/${id}`, { token: admin, json: { paused: true } })).status).toBe(404);
  });

  test('resetting the token replaces it: the old one no longer authenticates the runner', async () => {
    const runner = gitlab.createRunner({ tagList: ['a'] });
    const reset = await call(gitlab, 'POST', `/runners/${runner.id}/reset_authentication_token`, { token: admin });
    expect(reset.status).toBe(201);
    expect(reset.body.token).not.toBe(runner.token);
    expect((await call(gitlab, 'POST', '/runners/verify', { json: { token: runner.token } })).status).toBe(403);
    expect((await call(gitlab, 'POST', '/runners/verify', { json: { token: reset.body.token } })).status).toBe(200);
  });

  test('records every request, and injected failures answer instead of the endpoint', async () => {
    gitlab.injectFailure({ path: /^\/api\/v4\/runners\/all$/, status: 502 });
    expect((await call(gitlab, 'GET', '/runners/all', { token: admin })).status).toBe(502);
    expect((await call(gitlab, 'GET', '/runners/all', { token: admin })).status).toBe(200);
    const recorded = gitlab.requests({ path: '/api/v4/runners/all' });
    expect(recorded.map((r) => r.status)).toEqual([502, 200]);
    expect(recorded[0].headers['private-token']).toBe(admin);
  });
});

describe('fake GitLab: the runner job API, over HTTPS with a CA made for the run', () => {
  let gitlab: FakeGitLab;
  beforeAll(async () => {
    gitlab = await FakeGitLab.start({ tls: { names: ['localhost'] } });
  });
  afterAll(() => gitlab.stop());

  const requestJob = (token: string) => call(gitlab, 'POST', '/jobs/request', { json: { token, system_id: 's_test', info: { name: 'gitlab-runner', features: {} } } });

  test('serves HTTPS that a client trusting only the run CA accepts', async () => {
    expect(gitlab.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(gitlab.caCertificate).toContain('BEGIN CERTIFICATE');
    const runner = gitlab.createRunner({ tagList: ['x'] });
    expect((await call(gitlab, 'POST', '/runners/verify', { json: { token: runner.token, system_id: 's_1' } })).body).toMatchObject({ id: runner.id, token: runner.token });
    expect(gitlab.runner(runner.id)!.managers).toContain('s_1');
  });

  test('a runner gets the jobs its tags cover, never others; untagged jobs only with run_untagged; paused runners nothing', async () => {
    const amd64 = gitlab.createRunner({ tagList: ['linux', 'amd64'], runUntagged: false });
    const arm64 = gitlab.createRunner({ tagList: ['linux', 'arm64'], runUntagged: true });
    const paused = gitlab.createRunner({ tagList: ['linux', 'amd64', 'arm64'], runUntagged: true, paused: true });
    const forArm = gitlab.enqueueJob({ tags: ['arm64'], script: ['uname -m'] });
    const untagged = gitlab.enqueueJob({ script: ['true'] });
    const forAmd = gitlab.enqueueJob({ tags: ['amd64', 'linux'], script: ['uname -m'] });
    const nobody = gitlab.enqueueJob({ tags: ['amd64', 'arm64'], script: ['true'] });

    expect((await requestJob(paused.token)).status).toBe(204);
    const amdJob = await requestJob(amd64.token);
    expect([amdJob.status, amdJob.body.id]).toEqual([201, forAmd.id]);
    expect((await requestJob(amd64.token)).status).toBe(204);
    const armFirst = await requestJob(arm64.token);
    const armSecond = await requestJob(arm64.token);
    expect([armFirst.body.id, armSecond.body.id]).toEqual([forArm.id, untagged.id]);
    expect((await requestJob(arm64.token)).status).toBe(204);
    expect(gitlab.job(nobody.id)!.status).toBe('pending');
    expect((await requestJob(['glrt', 'unknown-runner-token'].join('-'))).status).toBe(403);
  });

  test('the job payload has what the runner decodes: steps, image, variables, and the timeout GitLab computed', async () => {
    const runner = gitlab.createRunner({ tagList: ['timeout'], maximumTimeout: 3600 });
    gitlab.enqueueJob({ tags: ['timeout'], script: ['echo hi'], timeout: 7200, image: 'busybox:1.37', variables: { FOO: 'bar' } });
    const { body } = await requestJob(runner.token);
    expect(body.runner_info.timeout).toBe(3600);
    expect(body.steps).toEqual([{ name: 'script', script: ['echo hi'], timeout: 3600, when: 'on_success', allow_failure: false }]);
    expect(body.image).toEqual({ name: 'busybox:1.37' });
    expect(body.token).toMatch(/^glcbt-/);
    const variables = Object.fromEntries(body.variables.map((v: any) => [v.key, v.value]));
    expect(variables).toMatchObject({ FOO: 'bar', GIT_STRATEGY: 'none', CI_JOB_ID: String(body.id), CI_SERVER_URL: gitlab.url });
    expect(gitlab.job(body.id)).toMatchObject({ status: 'running', runnerId: runner.id, timeout: 3600, timeoutSource: 'runner_timeout_source' });
  });

  test('trace patches append at the offset Content-Range names; a wrong offset is 416 with the current range', async () => {
    const runner = gitlab.createRunner({ tagList: ['trace'] });
    gitlab.enqueueJob({ tags: ['trace'], script: ['true'] });
    const { body: job } = await requestJob(runner.token);
    const patch = (range: string, text: string, token = job.token) => call(gitlab, 'PATCH', `/jobs/${job.id}/trace?debug_trace=false`, { raw: text, headers: { 'JOB-TOKEN': token, 'Content-Range': range } });
    const first = await patch('0-5', 'hello ');
    expect([first.status, first.headers.range, first.headers['job-status']]).toEqual([202, '0-6', 'running']);
    const wrong = await patch('0-4', 'again');
    expect([wrong.status, wrong.headers.range]).toEqual([416, '0-6']);
    expect((await patch('6-10', 'world')).headers.range).toBe('0-11');
    expect((await patch('11-12', 'no', 'glcbt-wrong')).status).toBe(403);
    expect(gitlab.job(job.id)!.trace).toBe('hello world');

    const done = await call(gitlab, 'PUT', `/jobs/${job.id}`, { json: { token: job.token, state: 'success', output: { checksum: 'crc32:0', bytesize: 11 }, exit_code: 0 } });
    expect([done.status, done.headers['job-status']]).toEqual([200, 'success']);
    await expect(gitlab.waitForJob(job.id, ['success'], 1000)).resolves.toMatchObject({ status: 'success', exitCode: 0 });
    expect((await patch('11-12', 'late')).status).toBe(403);
  });

  test('a canceled job tells the runner through Job-Status, and ends canceled', async () => {
    const runner = gitlab.createRunner({ tagList: ['cancel'] });
    gitlab.enqueueJob({ tags: ['cancel'], script: ['sleep 100'] });
    const { body: job } = await requestJob(runner.token);
    gitlab.cancelJob(job.id);
    const update = await call(gitlab, 'PUT', `/jobs/${job.id}`, { json: { token: job.token, state: 'running' } });
    expect(update.headers['job-status']).toBe('canceling');
    await call(gitlab, 'PUT', `/jobs/${job.id}`, { json: { token: job.token, state: 'failed', failure_reason: 'job_canceled' } });
    expect(gitlab.job(job.id)!.status).toBe('canceled');
  });

  test('a deleted runner can no longer verify or ask for jobs', async () => {
    const runner = gitlab.createRunner({ tagList: ['gone'] });
    gitlab.deleteRunner(runner.id);
    expect((await call(gitlab, 'POST', '/runners/verify', { json: { token: runner.token } })).status).toBe(403);
    expect((await requestJob(runner.token)).status).toBe(403);
  });

  test('waitForJob fails with the status the job is stuck in', async () => {
    const job = gitlab.enqueueJob({ tags: ['nobody-has-this'], script: ['true'] });
    await expect(gitlab.waitForJob(job.id, ['success'], 50)).rejects.toThrow(`job ${job.id} did not reach success within 50 ms; it is pending`);
  });
});

/** The npm scripts as people run them: arguments, exit statuses, and nothing token-like printed. */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeGitLab } from '../../.ci/fake-gitlab';

jest.setTimeout(120_000);

const repo = join(__dirname, '..', '..');
let gitlab: FakeGitLab;
let token: string;
beforeAll(async () => {
  gitlab = await FakeGitLab.start();
  gitlab.addUser({ username: 'bot', admin: true });
  gitlab.addGroup('example-group');
  token = gitlab.addAccessToken('bot', ['read_api', 'create_runner', 'manage_runner']);
});
afterAll(() => gitlab.stop());

/** Runs the CLI in a child process; spawnSync would block the fake GitLab's event loop. */
function cli(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return cliWith({ RUNNER_FLEET_GITLAB_URL: gitlab.url, GITLAB_TOKEN: token }, ...args);
}

function cliWith(env: Record<string, string>, ...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('node', ['scripts/run-ts.mjs', 'scripts/gitlab.ts', ...args], {
      cwd: repo,
      env: { PATH: process.env.PATH!, HOME: process.env.HOME!, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

test('plan exits 1 with changes; apply of a cluster without a token folder leaves its existing-secret runners waiting (1); with no change, 0', async () => {
  const plan = await cli('plan', '--cluster', 'staging');
  expect(plan.status).toBe(1);
  expect(plan.stdout).toContain('Plan: 2 to create');
  const apply = await cli('apply', '--cluster=staging');
  expect(apply.status).toBe(1);
  expect(apply.stderr).toContain('waiting: staging/amd64 not created');
  expect(gitlab.runners()).toEqual([]);
  const tokenDir = mkdtempSync(join(tmpdir(), 'gitlab-cli-'));
  try {
    const done = await cli('apply', '--cluster', 'staging', '--token-dir', tokenDir);
    expect(done.status).toBe(0);
    expect((await cli('plan', '--cluster', 'staging')).status).toBe(0);
    for (const output of [plan, apply, done]) {
      expect(output.stdout + output.stderr).not.toContain(token);
      for (const runner of gitlab.runners()) expect(output.stdout + output.stderr).not.toContain(runner.token);
    }
  } finally {
    rmSync(tokenDir, { recursive: true, force: true });
  }
});

test('bad arguments exit 2 with the usage', async () => {
  for (const args of [['plan', '--bogus'], ['nothing'], ['plan', '--cluster'], ['rotate']]) {
    const result = await cli(...args);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/gitlab: |gitlab:rotate: rotate needs --runner/);
  }
  expect(spawnSync('node', ['scripts/run-ts.mjs', 'scripts/gitlab.ts', 'plan', '--help'], { cwd: repo, encoding: 'utf8' }).stdout).toContain('npm run -s gitlab:apply');
});

test('a GitLab behind a private CA: trusted through NODE_EXTRA_CA_CERTS, and a clear message without it', async () => {
  const https = await FakeGitLab.start({ tls: true });
  try {
    https.addUser({ username: 'bot', admin: true });
    https.addGroup('example-group');
    const env = { RUNNER_FLEET_GITLAB_URL: https.url, GITLAB_TOKEN: https.addAccessToken('bot', ['read_api']) };
    const trusted = await cliWith({ ...env, NODE_EXTRA_CA_CERTS: https.caFile! }, 'plan');
    expect([trusted.status, trusted.stdout]).toEqual([1, expect.stringContaining('Plan: 5 to create')]);
    const untrusted = await cliWith(env, 'plan');
    expect(untrusted.status).toBe(2);
    expect(untrusted.stderr).toMatch(/cannot verify the TLS certificate of GitLab at https:\/\/127\.0\.0\.1:\d+ when reading group example-group \([A-Z_]+\): for a private CA, set NODE_EXTRA_CA_CERTS to its PEM file\./);
  } finally {
    await https.stop();
  }
});

import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOKEN_PLACEHOLDER } from './config-toml';
import { DRAIN_SCRIPT, ENTRYPOINT_SCRIPT } from './entrypoint';

// Not a real token: the shape of one, for the script's checks.
const FAKE_TOKEN = ['glrt', 't1_FAKE0000fake0000FAKE'].join('-');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'runner-entrypoint-'));
  writeFileSync(join(dir, 'entrypoint.sh'), ENTRYPOINT_SCRIPT);
  writeFileSync(join(dir, 'drain.sh'), DRAIN_SCRIPT);
  writeFileSync(join(dir, 'config.template.toml'), `concurrent = 2\n[[runners]]\n  token = "${TOKEN_PLACEHOLDER}"\n  url = "https://gitlab.com"\n`);
  // A stand-in gitlab-runner that records its arguments.
  writeFileSync(join(dir, 'gitlab-runner'), `#!/bin/sh\nprintf '%s\\n' "$@" > "${dir}/args"\n`);
  chmodSync(join(dir, 'gitlab-runner'), 0o755);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function entrypointEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: `${dir}:/usr/bin:/bin`,
    RUNNER_TEMPLATE: join(dir, 'config.template.toml'),
    RUNNER_TOKEN_FILE: join(dir, 'token'),
    RUNNER_TOKEN_REVISION_FILE: join(dir, 'revision'),
    RUNNER_CONFIG: join(dir, 'config.toml'),
    RUNNER_HOME: dir,
    ...extra,
  };
}

function runEntrypoint(token: string | undefined, extra: Record<string, string> = {}) {
  if (token !== undefined) writeFileSync(join(dir, 'token'), token);
  return spawnSync('/bin/sh', [join(dir, 'entrypoint.sh')], { encoding: 'utf8', env: entrypointEnv(extra) });
}

test('writes the token into config.toml in place of the placeholder, then execs gitlab-runner run', () => {
  const result = runEntrypoint(`${FAKE_TOKEN}\n`);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  expect(readFileSync(join(dir, 'config.toml'), 'utf8')).toBe(
    `concurrent = 2\n[[runners]]\n  token = "${FAKE_TOKEN}"\n  url = "https://gitlab.com"\n`,
  );
  const args = readFileSync(join(dir, 'args'), 'utf8');
  expect(args).toBe(`run\n--config\n${join(dir, 'config.toml')}\n--working-directory\n${dir}\n`);
  expect(args).not.toContain(FAKE_TOKEN);
});

test('keeps config.toml private to the runner user', () => {
  runEntrypoint(FAKE_TOKEN);
  const mode = require('node:fs').statSync(join(dir, 'config.toml')).mode & 0o777;
  expect(mode).toBe(0o600);
});

test.each([
  ['a registration token', 'GR1348941abcdefabcdef', /not a runner authentication token \(glrt-\.\.\.\)/],
  ['an empty Secret', '', /is empty/],
  ['a token with shell or TOML characters', `${FAKE_TOKEN}"; rm -rf /`, /contains characters a runner token cannot contain/],
])('refuses %s and does not start the runner', (_, token, message) => {
  const result = runEntrypoint(token);
  expect(result.status).toBe(1);
  expect(JSON.parse(result.stderr)).toEqual({ level: 'fatal', msg: expect.stringMatching(message) });
  expect(() => readFileSync(join(dir, 'args'))).toThrow();
});

test('refuses to start without a token file', () => {
  const result = runEntrypoint(undefined);
  expect(result.status).toBe(1);
  expect(result.stderr).toMatch(/runner token file .* is missing or unreadable/);
});

describe('after a token rotation (TOKEN_REVISION set)', () => {
  test('starts at once when the Secret already carries the revision', () => {
    writeFileSync(join(dir, 'revision'), 'r2');
    const result = runEntrypoint(FAKE_TOKEN, { TOKEN_REVISION: 'r2' });
    expect(result.status).toBe(0);
    expect(readFileSync(join(dir, 'config.toml'), 'utf8')).toContain(FAKE_TOKEN);
  });

  test.each([
    ['an older revision', 'r1'],
    ['no revision yet (a Secret made before the first rotation)', undefined],
  ])('with %s, gives up after the wait without starting the runner, naming both revisions', (_, current) => {
    if (current) writeFileSync(join(dir, 'revision'), current);
    const result = runEntrypoint(FAKE_TOKEN, { TOKEN_REVISION: 'r2', TOKEN_REVISION_WAIT_SECONDS: '2' });
    expect(result.status).toBe(1);
    const { msg } = JSON.parse(result.stderr);
    expect(msg).toContain(`the token Secret carries revision '${current ?? ''}', not 'r2' (tokenRevision in the definition)`);
    expect(msg).toContain('the secret store does not hold the new token with that revision yet');
    expect(msg).toContain('npm run gitlab:rotate');
    expect(() => readFileSync(join(dir, 'args'))).toThrow();
  });

  test('waits while the old token is mounted, and starts on the new one once it arrives', async () => {
    writeFileSync(join(dir, 'revision'), 'r1');
    writeFileSync(join(dir, 'token'), ['glrt', 'old_token_value_000'].join('-')); // assembled: no token-shaped literal is tracked
    const child = spawn('/bin/sh', [join(dir, 'entrypoint.sh')], { env: entrypointEnv({ TOKEN_REVISION: 'r2', TOKEN_REVISION_WAIT_SECONDS: '20' }) });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(() => readFileSync(join(dir, 'args'))).toThrow();
    // External Secrets and the kubelet deliver the new token and its revision
    writeFileSync(join(dir, 'token'), FAKE_TOKEN);
    writeFileSync(join(dir, 'revision'), 'r2');
    expect(await exited).toBe(0);
    const config = readFileSync(join(dir, 'config.toml'), 'utf8');
    expect(config).toContain(FAKE_TOKEN);
    expect(config).not.toContain('glrt-old');
  }, 15_000);
});

test('drain.sh sends SIGQUIT, not SIGTERM, and returns only once the runner has finished its jobs', async () => {
  const log = join(dir, 'signals');
  // A stand-in runner: on SIGQUIT it "finishes its jobs" (1 s) and exits; SIGTERM would be recorded.
  const runner = spawn('/bin/sh', ['-c', `trap 'echo QUIT >> ${log}; sleep 1; echo done >> ${log}; exit 0' QUIT; trap 'echo TERM >> ${log}' TERM; while :; do sleep 0.1; done`], {
    stdio: 'ignore',
  });
  await new Promise((resolve) => setTimeout(resolve, 300));
  const started = Date.now();
  // Asynchronously, so that this process reaps the stand-in when it exits (as the container runtime would).
  const status = await new Promise<number | null>((resolve) => {
    spawn('/bin/sh', [join(dir, 'drain.sh'), String(runner.pid)], { stdio: 'ignore' }).on('exit', resolve);
  });
  expect(status).toBe(0);
  expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  expect(readFileSync(log, 'utf8')).toBe('QUIT\ndone\n');
});

test('drain.sh returns at once when the runner is already gone', () => {
  const drain = spawnSync('/bin/sh', [join(dir, 'drain.sh'), '999999'], { encoding: 'utf8', timeout: 5_000 });
  expect(drain.status).toBe(0);
});

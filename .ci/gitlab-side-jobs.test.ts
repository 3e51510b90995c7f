/**
 * The pipeline's GitLab-side jobs: when they run, what they need, and how their scripts turn the tool's exit status
 * into a job result. The scripts run for real against a stand-in `npm run gitlab:*` that records what it was given.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePipeline } from './gitlab-ci/pipeline';

const doc = parsePipeline(readFileSync(join(__dirname, '..', '.gitlab-ci.yml'), 'utf8')) as Record<string, any>;

describe('.gitlab-ci.yml', () => {
  test('gitlab:drift runs on schedules (failing on drift) and in merge requests (shown, not blocking), only with its token', () => {
    expect(doc['gitlab:drift'].rules).toEqual([
      { if: '$CI_PIPELINE_SOURCE == "schedule" && $GITLAB_PLAN_TOKEN' },
      { if: '$CI_PIPELINE_SOURCE == "merge_request_event" && $GITLAB_PLAN_TOKEN', allow_failure: true },
    ]);
    expect(doc['gitlab:drift'].script).toEqual(['.ci/jobs/gitlab-drift.sh']);
    expect(doc['gitlab:drift'].artifacts.paths).toEqual(['gitlab-plan.md']);
  });

  test('gitlab:apply runs on the default branch only (never on schedules), after manifests:verify, one at a time, never cancelled or retried', () => {
    const apply = doc['gitlab:apply'];
    expect(apply.rules).toEqual([{ if: '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH && $CI_PIPELINE_SOURCE != "schedule" && $GITLAB_APPLY_TOKEN' }]);
    expect(apply.needs).toEqual(['manifests:verify']);
    expect(doc['manifests:verify'].rules).toBeUndefined();
    expect(apply).toMatchObject({ interruptible: false, resource_group: 'gitlab-runners', retry: 0 });
    expect(apply.id_tokens).toEqual({ AWS_ID_TOKEN: { aud: 'sts.amazonaws.com' } });
  });
});

describe('the job scripts', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  /** A throw-away checkout whose `npm run gitlab:<command>` records its arguments and exits with `exitCode`. */
  function checkout(exitCode: number): string {
    const dir = mkdtempSync(join(tmpdir(), 'gitlab-side-job-'));
    dirs.push(dir);
    mkdirSync(join(dir, '.ci', 'jobs', 'lib'), { recursive: true });
    mkdirSync(join(dir, 'node_modules'));
    for (const f of ['gitlab-drift.sh', 'gitlab-apply.sh', 'lib/common.sh']) copyFileSync(join(__dirname, 'jobs', f), join(dir, '.ci', 'jobs', f));
    const tool = `node tool.js ${exitCode}`;
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'fake', private: true, scripts: { 'gitlab:plan': `${tool} plan`, 'gitlab:apply': `${tool} apply` } }));
    writeFileSync(
      join(dir, 'tool.js'),
      [
        "const fs = require('fs');",
        'const [code, ...args] = process.argv.slice(2);',
        "const tokenFile = process.env.AWS_WEB_IDENTITY_TOKEN_FILE;",
        "fs.writeFileSync('called.json', JSON.stringify({ args, token: process.env.GITLAB_TOKEN, webIdentity: tokenFile ? fs.readFileSync(tokenFile, 'utf8') : null, tokenFile: tokenFile ?? null }));",
        'process.exit(Number(code));',
      ].join('\n'),
    );
    return dir;
  }
  const run = (dir: string, script: string, env: Record<string, string>) =>
    spawnSync('bash', [join(dir, '.ci', 'jobs', script)], { cwd: dir, env: { PATH: process.env.PATH!, HOME: dir, ...env }, encoding: 'utf8' });
  const called = (dir: string) => JSON.parse(readFileSync(join(dir, 'called.json'), 'utf8'));

  test.each([
    [0, 0, 'GitLab matches the definitions'],
    [1, 1, 'GitLab differs from the definitions'],
    [2, 1, 'the plan failed (exit 2)'],
  ])('gitlab-drift.sh: plan exit %i → job exit %i, "%s"', (toolExit, jobExit, message) => {
    const dir = checkout(toolExit);
    const result = run(dir, 'gitlab-drift.sh', { GITLAB_PLAN_TOKEN: 'plan-token-value' });
    expect(result.stderr).toContain(message);
    expect(result.status).toBe(jobExit);
    expect(called(dir)).toMatchObject({ args: ['plan', '--markdown', 'gitlab-plan.md'], token: 'plan-token-value' });
    expect(result.stdout + result.stderr).not.toContain('plan-token-value');
  });

  test('gitlab-drift.sh without its token fails before running anything, naming the variable', () => {
    const dir = checkout(0);
    const result = run(dir, 'gitlab-drift.sh', {});
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('environment variable GITLAB_PLAN_TOKEN must be set');
  });

  test.each([0, 1, 2])('gitlab-apply.sh passes the apply status %i through, with the clusters asked for', (toolExit) => {
    const dir = checkout(toolExit);
    const result = run(dir, 'gitlab-apply.sh', { GITLAB_APPLY_TOKEN: 'apply-token-value', GITLAB_APPLY_CLUSTERS: 'production other' });
    expect(result.status).toBe(toolExit);
    expect(called(dir)).toEqual({ args: ['apply', '--cluster', 'production', '--cluster', 'other', '--markdown', 'gitlab-plan.md'], token: 'apply-token-value', webIdentity: null, tokenFile: null });
  });

  test('gitlab-apply.sh hands the job OIDC token to the AWS SDK as a file, removed afterwards', () => {
    const dir = checkout(0);
    const result = run(dir, 'gitlab-apply.sh', { GITLAB_APPLY_TOKEN: 'a', AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/gitlab-apply', AWS_ID_TOKEN: 'oidc-jwt' });
    expect(result.status).toBe(0);
    expect(called(dir)).toMatchObject({ args: ['apply', '--markdown', 'gitlab-plan.md'], webIdentity: 'oidc-jwt' });
    expect(existsSync(called(dir).tokenFile)).toBe(false);
    expect(result.stdout + result.stderr).not.toContain('oidc-jwt');
  });
});

/** removal_base (common.sh): which revision manifests:verify checks removals against, run in bash as the job does. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const removalBase = (env: Record<string, string>) =>
  spawnSync('bash', ['-c', `source ${JSON.stringify(join(__dirname, 'common.sh'))} && removal_base`], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env } });

const sha = (c: string) => c.repeat(40);

test.each<[string, Record<string, string>, string]>([
  ['a merge request: its diff base on the target branch', { CI_MERGE_REQUEST_DIFF_BASE_SHA: sha('a'), CI_COMMIT_BEFORE_SHA: sha('0') }, sha('a')],
  ['a merge request even when a previous push is known', { CI_MERGE_REQUEST_DIFF_BASE_SHA: sha('a'), CI_COMMIT_BEFORE_SHA: sha('b') }, sha('a')],
  ['the default branch: the commit before the push', { CI_COMMIT_BEFORE_SHA: sha('b') }, sha('b')],
  ["a branch's first push (forty zeros): none, the working tree", { CI_COMMIT_BEFORE_SHA: sha('0') }, ''],
  ['outside GitLab: none', {}, ''],
])('%s', (_, env, expected) => {
  const result = removalBase(env);
  expect(result.status).toBe(0);
  expect(result.stdout.trim()).toBe(expected);
});

test('manifests:verify hands the base to the synth', () => {
  const script = require('node:fs').readFileSync(join(__dirname, '..', 'manifests-verify.sh'), 'utf8');
  expect(script).toMatch(/base="\$\(removal_base\)"/);
  expect(script).toContain('RUNNER_FLEET_REMOVAL_BASE="$base" npm run synth');
});

test('manifests:verify clones the whole history, so the base is there to read', () => {
  const { parsePipeline } = require('../../gitlab-ci/pipeline') as typeof import('../../gitlab-ci/pipeline');
  const doc = parsePipeline(require('node:fs').readFileSync(join(__dirname, '..', '..', '..', '.gitlab-ci.yml'), 'utf8')) as Record<string, any>;
  expect(doc['manifests:verify'].variables.GIT_DEPTH).toBe('0');
});

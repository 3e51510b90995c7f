/**
 * The synth as people run it: `node scripts/run-ts.mjs main.ts` (what `npm run synth` and `cdk8s synth` run), in a
 * throwaway copy of this repository, so a broken definition can be tried without touching this checkout.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createScratchRepo, type ScratchRepo } from './tools/review/scratch-repo';
import { treeDigest } from './lib/model/testing';

const digest = (root: string) => treeDigest(root, ['dist', 'clusters', 'bootstrap']);

const synth = (dir: string) => spawnSync(process.execPath, ['scripts/run-ts.mjs', 'main.ts'], { cwd: dir, encoding: 'utf8' });

let repo: ScratchRepo;
beforeAll(() => {
  repo = createScratchRepo(join(__dirname));
});
afterAll(() => repo.remove());

test('on the committed sources, the synth succeeds and changes no committed file', () => {
  const before = digest(repo.dir);
  const result = synth(repo.dir);
  expect(result.stderr).toBe('');
  expect(result.stdout).toMatch(/^rendered \d+ clusters into \d+ files: 0 written, 0 removed, \d+ unchanged\n$/);
  expect(result.status).toBe(0);
  expect(digest(repo.dir)).toEqual(before);
});

test('a broken definition exits 1, names the cluster, field, value and what is allowed, and writes nothing', () => {
  const before = digest(repo.dir);
  repo.edit('definitions/staging.ts', "concurrent: 4,", 'concurrent: 0,');
  repo.edit('definitions/production.ts', "region: 'eu-central-1',", "region: 'eu-central',");
  const result = synth(repo.dir);
  expect(result.status).toBe(1);
  expect(result.stderr).toContain('synth failed; nothing was written.');
  expect(result.stderr).toContain('cluster definition "staging" is invalid:');
  expect(result.stderr).toContain('runners[0].concurrent: must be a whole number from 1 to 500, got 0');
  expect(result.stderr).toContain('runners[1].concurrent: must be a whole number from 1 to 500, got 0');
  expect(result.stderr).toContain('cluster definition "production" is invalid:\n  - region: must be an AWS region such as eu-west-1 or us-east-2, got "eu-central"');
  expect(result.stderr).not.toMatch(/\bat .*\.(ts|js):\d+/); // a message, not a stack trace
  expect(digest(repo.dir)).toEqual(before);
});

describe('bad input the synth itself cannot parse or would misread: exit 1, a message, no stack trace, nothing written', () => {
  let scratch: ScratchRepo;
  beforeEach(() => {
    scratch = createScratchRepo(join(__dirname));
  });
  afterEach(() => scratch.remove());

  test.each<[string, string, string | RegExp, string, RegExp]>([
    ['a syntax error in a definition file', 'definitions/staging.ts', 'concurrent: 4,', 'concurrent: 4,,', /^main\.ts could not be built.*\n {2}definitions\/staging\.ts:\d+:\d+: Expected identifier but found ","\n {6}\d+ \| {3}concurrent: 4,,$/m],
    ['an unclosed object in a definition file', 'definitions/production.ts', "nodeClass: { rootVolumeSize: '200Gi' },", "nodeClass: { rootVolumeSize: '200Gi' ,", /definitions\/production\.ts:\d+:\d+: Expected "}" but found/],
    ['a definition that throws while it is built', 'definitions/staging.ts', 'concurrent: 4,', 'concurrent: (undefined as any).count,', /^main\.ts stopped, so nothing was written: a definition threw while it was built:\n {2}definitions\/staging\.ts:\d+:\d+: TypeError: Cannot read properties of undefined \(reading 'count'\)$/m],
    ['an empty fleet', 'definitions/clusters.ts', '[staging, production]', '[]', /the fleet .* lists no cluster: rendering it would delete every generated file/],
    ['a fleet that is not a list', 'definitions/clusters.ts', /: readonly ClusterDefinition\[\] = \[staging, production\]/, ' = staging as never', /the fleet .* must be a list of cluster definitions, got \{"name":"staging"/],
  ])('%s', (_, file, from, to, message) => {
    const before = digest(scratch.dir);
    scratch.edit(file, from, to);
    const result = synth(scratch.dir);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\bat .*\.(ts|js|mjs):\d+/);
    expect(digest(scratch.dir)).toEqual(before);
  });
});

describe('removals through the real synth: against the deployed revision in CI (RUNNER_FLEET_REMOVAL_BASE), whole clusters only when decommissioned', () => {
  let scratch: ScratchRepo;
  beforeEach(() => {
    scratch = createScratchRepo(join(__dirname));
  });
  afterEach(() => scratch.remove());

  const head = () => spawnSync('git', ['-C', scratch.dir, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).stdout.trim();
  const synthAgainst = (base?: string) =>
    spawnSync(process.execPath, ['scripts/run-ts.mjs', 'main.ts'], {
      cwd: scratch.dir,
      encoding: 'utf8',
      env: { ...process.env, RUNNER_FLEET_REMOVAL_BASE: base ?? '' },
    });
  const retireLarge = () => scratch.edit('definitions/production.ts', "name: 'amd64-large',", "name: 'amd64-large',\n      retiring: true,");
  const removeLarge = () => scratch.edit('definitions/production.ts', /\n {4}\{\n {6}arch: 'amd64',\n {6}name: 'amd64-large',[\s\S]*?\n {4}\},/, '');
  const largeDeployment = 'dist/production/runners/runner-amd64-large/Deployment.gitlab-runner-amd64-large.yaml';

  test('one merge request that retires and removes a runner passes locally but is refused against its target branch', () => {
    const base = head();
    retireLarge();
    expect(synthAgainst().status).toBe(0);
    removeLarge();
    expect(synthAgainst().status).toBe(0); // the working tree saw the retiring render: the local check cannot tell
    scratch.commit('retire and remove amd64-large at once');
    const before = digest(scratch.dir);
    const result = synthAgainst(base);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`runner manager gitlab-runner-amd64-large (${largeDeployment}) would be deleted while it runs 2 manager(s) in revision ${base.slice(0, 8)}`);
    expect(digest(scratch.dir)).toEqual(before);
  });

  test('two merges in sequence pass: retire, then remove against the merged retiring commit', () => {
    retireLarge();
    expect(synthAgainst(head()).status).toBe(0);
    const retired = scratch.commit('retire amd64-large');
    removeLarge();
    const result = synthAgainst(retired);
    expect(result.stderr).not.toContain('unsafe removal');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/: \d+ written, 9 removed,/); // the runner's 9 objects
  });

  test.each<[string, string, string | RegExp, string]>([
    ['renamed', 'definitions/production.ts', "name: 'production',", "name: 'prod',"],
    ['removed from the list', 'definitions/clusters.ts', '[staging, production]', '[staging]'],
  ])('a cluster %s is refused, pointing to the teardown, and nothing is written', (_, file, from, to) => {
    const before = digest(scratch.dir);
    scratch.edit(file, from, to);
    const result = synthAgainst();
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/cluster "production": all \d+ files of dist\/production\/ \(in the working tree\) would be deleted, 3 runner\(s\) with 6 manager\(s\)/);
    expect(result.stderr).toContain('docs/lifecycle.md, "Tear down a cluster"');
    expect(digest(scratch.dir)).toEqual(before);
  });

  test('a cluster torn down and listed in `decommissioned` is removed', () => {
    scratch.edit('definitions/clusters.ts', '[staging, production]', '[staging]');
    scratch.edit('definitions/clusters.ts', 'decommissioned: readonly string[] = []', "decommissioned: readonly string[] = ['production']");
    const result = synthAgainst();
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(digest(scratch.dir)).not.toHaveProperty([largeDeployment]);
  });
});

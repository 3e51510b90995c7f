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

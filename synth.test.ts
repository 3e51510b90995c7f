import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clusterFileRenderers, composeCluster } from './charts';
import { twoArchCluster } from './charts/testing';
import { definitions } from './definitions/clusters';
import { fleet } from './definitions';
import type { ClusterDefinition } from './lib/model/definition';
import { isGenerated } from './lib/synth/output';
import { renderFleet, runSynth } from './lib/synth/synth';
import { treeDigest } from './lib/model/testing';

const repoRoot = __dirname;

function quietly<T>(run: () => T): { result: T; stderr: string; stdout: string } {
  const errors: string[] = [];
  const logs: string[] = [];
  const error = jest.spyOn(console, 'error').mockImplementation((m: string) => void errors.push(m));
  const warn = jest.spyOn(console, 'warn').mockImplementation((m: string) => void errors.push(m));
  const log = jest.spyOn(console, 'log').mockImplementation((m: string) => void logs.push(m));
  try {
    return { result: run(), stderr: errors.join('\n'), stdout: logs.join('\n') };
  } finally {
    error.mockRestore();
    warn.mockRestore();
    log.mockRestore();
  }
}

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'fleet-synth-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const synthInto = (defs: readonly ClusterDefinition[]) =>
  quietly(() => runSynth({ root, definitions: defs, compose: composeCluster, renderers: clusterFileRenderers }));

test('a synth writes one file per object under dist/<cluster>/<layer>/<chart>/', () => {
  const { result, stdout } = synthInto([twoArchCluster()]);
  expect(result).toBe(0);
  expect(stdout).toMatch(/^rendered 1 clusters into \d+ files: \d+ written, 0 removed, 0 unchanged$/);
  expect(Object.keys(treeDigest(root))).toContain('dist/test/runners/runner-amd64/Deployment.gitlab-runner-amd64.yaml');
  for (const path of Object.keys(treeDigest(join(root, 'dist')))) {
    expect(path).toMatch(/^test\/(infrastructure|configs|runners|monitoring)\/[a-z0-9-]+\/[A-Za-z0-9]+\.[a-z0-9.-]+\.yaml$/);
  }
});

test('a second synth changes nothing: the output is byte-identical from run to run', () => {
  synthInto([twoArchCluster()]);
  const first = treeDigest(root);
  const { stdout } = synthInto([twoArchCluster()]);
  expect(stdout).toMatch(/: 0 written, 0 removed, \d+ unchanged$/);
  expect(treeDigest(root)).toEqual(first);
});

test('stale generated files are removed; what flux bootstrap wrote is left alone', () => {
  mkdirSync(join(root, 'dist/test/runners/runner-gone'), { recursive: true });
  writeFileSync(join(root, 'dist/test/runners/runner-gone/Deployment.gitlab-runner-gone.yaml'), 'stale');
  mkdirSync(join(root, 'clusters/test/flux-system'), { recursive: true });
  writeFileSync(join(root, 'clusters/test/flux-system/gotk-sync.yaml'), 'owned by flux bootstrap');
  writeFileSync(join(root, 'README.md'), 'not generated');
  synthInto([twoArchCluster()]);
  expect(existsSync(join(root, 'dist/test/runners/runner-gone'))).toBe(false);
  expect(readFileSync(join(root, 'clusters/test/flux-system/gotk-sync.yaml'), 'utf8')).toBe('owned by flux bootstrap');
  expect(readFileSync(join(root, 'README.md'), 'utf8')).toBe('not generated');
});

test('bad input exits non-zero, names the cluster, field and value, and leaves dist/ exactly as it was', () => {
  synthInto([twoArchCluster()]);
  const before = treeDigest(root);
  const broken = twoArchCluster({ runners: [{ arch: 'arm64', concurrent: 0, token: { source: 'existing-secret', secretName: 't' } }] });
  const { result, stderr } = synthInto([broken, { ...twoArchCluster(), name: 'other', region: 'mars-1' }]);
  expect(result).toBe(1);
  expect(stderr).toContain('synth failed; nothing was written.');
  expect(stderr).toContain('cluster definition "test" is invalid:\n  - runners[0].concurrent: must be a whole number from 1 to 500, got 0');
  expect(stderr).toContain('cluster definition "other" is invalid:\n  - region: must be an AWS region such as eu-west-1 or us-east-2, got "mars-1"');
  expect(treeDigest(root)).toEqual(before);
});

test('two clusters with one name are rejected', () => {
  const { result, stderr } = synthInto([twoArchCluster(), twoArchCluster()]);
  expect(result).toBe(1);
  expect(stderr).toContain('name: "test" is already the name of cluster 1 in the list; cluster names must be unique');
});

test('rendered output carries no date, host, user or git revision', () => {
  const files = renderFleet(fleet, composeCluster, clusterFileRenderers);
  const text = files.map((f) => f.content).join('\n');
  expect(text).not.toMatch(/20\d\d-\d\d-\d\dT\d\d:/);
  expect(text).not.toContain(require('node:os').hostname());
  const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
  expect(text).not.toContain(head);
  expect(text).not.toContain(head.slice(0, 8));
});

test('the committed generated trees are exactly what the definitions render (run `npm run synth` if this fails)', () => {
  const files = renderFleet(fleet, composeCluster, clusterFileRenderers);
  const rendered = Object.fromEntries(files.map((f) => [f.path, f.content]));
  const committed: Record<string, string> = {};
  for (const top of ['dist', 'clusters', 'bootstrap/clusters']) {
    if (!existsSync(join(repoRoot, top))) continue;
    for (const path of Object.keys(treeDigest(join(repoRoot, top)))) {
      const full = `${top}/${path}`;
      if (isGenerated(full)) committed[full] = readFileSync(join(repoRoot, full), 'utf8');
    }
  }
  expect(Object.keys(committed).sort()).toEqual(Object.keys(rendered).sort());
  for (const [path, content] of Object.entries(rendered)) expect({ path, content: committed[path] }).toEqual({ path, content });
  expect(definitions.map((d) => d.name)).toEqual(fleet.map((c) => c.name));
});

describe('removing or renaming a runner', () => {
  const withArm64 = (arm64: Partial<ClusterDefinition['runners'][number]>) =>
    twoArchCluster({ runners: twoArchCluster().runners.map((r) => (r.arch === 'arm64' ? { ...r, ...arm64 } : r)) });
  const withoutArm64 = () => twoArchCluster({ runners: twoArchCluster().runners.filter((r) => r.arch !== 'arm64') });
  const deploymentPath = 'dist/test/runners/runner-arm64/Deployment.gitlab-runner-arm64.yaml';

  test.each([
    ['removed', withoutArm64],
    ['renamed', () => withArm64({ name: 'arm64-new' })],
  ])('%s while its managers run: refused, naming the runner and the retiring step; nothing written', (_, next) => {
    synthInto([twoArchCluster()]);
    const before = treeDigest(root);
    const { result, stderr } = synthInto([next()]);
    expect(result).toBe(1);
    expect(stderr).toContain('synth failed; nothing was written.');
    expect(stderr).toContain(`cluster "test": runner manager gitlab-runner-arm64 (${deploymentPath}) would be deleted while it runs 2 manager(s)`);
    expect(stderr).toContain('First set `retiring: true` on the runner');
    expect(treeDigest(root)).toEqual(before);
  });

  test('retiring keeps identity, RBAC, token, config and job pool and scales the managers to zero; then removal is accepted', () => {
    synthInto([twoArchCluster()]);
    const running = treeDigest(root);
    expect(synthInto([withArm64({ retiring: true })]).result).toBe(0);
    const retiring = treeDigest(root);
    // the same files; only the Deployment changed
    expect(Object.keys(retiring)).toEqual(Object.keys(running));
    expect(Object.keys(retiring).filter((p) => retiring[p] !== running[p])).toEqual([deploymentPath]);
    expect(readFileSync(join(root, deploymentPath), 'utf8')).toMatch(/^ {2}replicas: 0$/m);

    const { result } = synthInto([withoutArm64()]);
    expect(result).toBe(0);
    const removed = Object.keys(treeDigest(root));
    expect(removed.filter((p) => p.includes('arm64'))).toEqual([]);
  });

  test('a whole cluster removed is a teardown, not refused here', () => {
    synthInto([twoArchCluster(), { ...twoArchCluster(), name: 'other' }]);
    expect(synthInto([twoArchCluster()]).result).toBe(0);
  });
});

test('a warning prints but does not stop the synth', () => {
  const longOnSpot = twoArchCluster({
    runners: twoArchCluster().runners.map((r) => ({ ...r, jobTimeout: '4h', nodePool: { capacityTypes: ['spot'] as const } })),
  });
  const { result, stderr } = synthInto([longOnSpot]);
  expect(result).toBe(0);
  expect(stderr.split('\n').filter((l) => l.startsWith('warning: '))).toHaveLength(2);
  expect(existsSync(join(root, 'dist/test/runners/runner-amd64/Deployment.gitlab-runner-amd64.yaml'))).toBe(true);
});

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const repoRoot = join(__dirname, '..');
const validate = (...paths: string[]) =>
  spawnSync(process.execPath, [join(__dirname, 'validate-manifests.mjs'), ...paths], { cwd: repoRoot, encoding: 'utf8' });

test('every object in dist/ and clusters/ validates against the maintained kubernetes-models schemas', () => {
  const result = validate('dist', 'clusters');
  expect(result.stderr).toBe('');
  expect(result.stdout).toMatch(/^validate-manifests: \d+ passed, 0 failed$/m);
  expect(Number(/(\d+) passed/.exec(result.stdout)![1])).toBeGreaterThan(50);
  expect(result.status).toBe(0);
});

describe('broken objects fail, naming the file, kind and name', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'validate-'));
    writeFileSync(
      join(dir, 'NodePool.bad.yaml'),
      'apiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata: {name: bad}\nspec:\n  disruption: {consolidationPolicy: Sometimes, consolidateAfter: 1m}\n  template:\n    spec:\n      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: x}\n      requirements: []\n',
    );
    writeFileSync(join(dir, 'Deployment.bad.yaml'), 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: nosel}\nspec:\n  replicas: two\n');
    writeFileSync(join(dir, 'Widget.x.yaml'), 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: x}\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('each one is reported and the run fails', () => {
    const result = validate(dir);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/validate-manifests: 0 passed, 3 failed/);
    expect(result.stderr).toContain('Deployment.bad.yaml: Deployment/nosel:');
    expect(result.stderr).toMatch(/NodePool\.bad\.yaml: NodePool\/bad: .*consolidationPolicy/);
    expect(result.stderr).toContain('Widget.x.yaml: Widget/x: no maintained schema models example.com/v1 Widget');
  });
});

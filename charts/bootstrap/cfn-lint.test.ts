/**
 * cfn-lint (AWS's CloudFormation linter, with the resource specifications of every region) on the hand-written
 * template. It is installed from PyPI at the version pinned in lib/versions.json into a virtualenv cached under
 * ${RUNNER_FLEET_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/runner-fleet}, on first use (about 30 s).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fleet } from '../../definitions';
import versions from '../../lib/versions.json';
import { KARPENTER_TEMPLATE_PATH } from './cloudformation';

jest.setTimeout(300_000);

const repoRoot = join(__dirname, '..', '..');
const cache = process.env.RUNNER_FLEET_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'runner-fleet');

function cfnLint(): string {
  const venv = join(cache, 'python', `cfn-lint-${versions.cfnLint}`);
  const exe = join(venv, 'bin', 'cfn-lint');
  if (!existsSync(exe)) {
    execFileSync('python3', ['-m', 'venv', venv], { stdio: 'inherit' });
    execFileSync(join(venv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', `cfn-lint==${versions.cfnLint}`], {
      stdio: 'inherit',
    });
  }
  return exe;
}

function lint(template: string) {
  const regions = [...new Set(fleet.map((c) => c.region))];
  return spawnSync(cfnLint(), ['--regions', ...regions, '--', template], { encoding: 'utf8' });
}

test('cfn-lint finds nothing in the Karpenter prerequisites template, for the region of every cluster', () => {
  const result = lint(join(repoRoot, KARPENTER_TEMPLATE_PATH));
  expect(result.stdout + result.stderr).toBe('');
  expect(result.status).toBe(0);
});

test('cfn-lint fails the template with a misspelt property, naming it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cfn-'));
  try {
    const broken = readFileSync(join(repoRoot, KARPENTER_TEMPLATE_PATH), 'utf8').replace(
      'QueueName: !Ref InterruptionQueueName',
      'QueueNam: !Ref InterruptionQueueName',
    );
    writeFileSync(join(dir, 'broken.yaml'), broken);
    const result = lint(join(dir, 'broken.yaml'));
    expect(result.status).not.toBe(0);
    expect(result.stdout).toContain("'QueueNam' was unexpected");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * .gitlab-ci.yml is valid for GitLab (its published CI JSON schema) and its job graph holds together against the
 * fleet that runs it: needs resolve, tags land on runners of the right arch, tests follow their own build, and the
 * multi-arch list is published only after every build and test.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { fleet } from '../definitions';
import { parseQuantity } from '../lib/model/quantity';
import { checkJobGraph, expandVariables, jobInstances, parsePipeline, type RunnerTags } from './gitlab-ci/pipeline';

const repo = join(__dirname, '..');
const schemaDir = join(__dirname, 'gitlab-ci', 'schema');
const schemaText = readFileSync(join(schemaDir, 'ci.json'), 'utf8');
const source = JSON.parse(readFileSync(join(schemaDir, 'SOURCE.json'), 'utf8')) as { package: string; version: string; sha256: string };
const pipelineText = readFileSync(join(repo, '.gitlab-ci.yml'), 'utf8');

function schemaValidator() {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(JSON.parse(schemaText));
}
const validate = schemaValidator();

function schemaErrors(doc: unknown): string[] {
  return validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
}

/** The fleet's runners, every cluster together. */
const fleetRunners: RunnerTags[] = fleet.flatMap((cluster) => cluster.runners.map((r) => ({ arch: r.arch, tags: r.tags })));

describe('the GitLab CI schema', () => {
  test('is the pinned copy of GitLab ci.json recorded in SOURCE.json', () => {
    // GIVEN the committed copy WHEN hashed THEN it is byte for byte what update-schema.sh took from the package.
    expect(createHash('sha256').update(schemaText).digest('hex')).toBe(source.sha256);
    expect(JSON.parse(schemaText).$id).toBe('https://gitlab.com/.gitlab-ci.yml');
    expect(source).toMatchObject({ package: 'check-jsonschema', version: expect.stringMatching(/^\d+\.\d+\.\d+$/) });
  });

  test('rejects a pipeline GitLab would reject, so a pass below means something', () => {
    const doc = parsePipeline(pipelineText);
    const broken = { ...doc, build: { ...(doc.build as object), retry: { max: 2, when: ['spot_interrupted'] } }, 'test:amd64': { script: 42 } };
    const errors = schemaErrors(broken);
    expect(errors.some((e) => e.startsWith('/build/retry'))).toBe(true);
    expect(errors.some((e) => e.startsWith('/test:amd64/script'))).toBe(true);
  });
});

describe('.gitlab-ci.yml', () => {
  const doc = parsePipeline(pipelineText);

  test('validates against the GitLab CI schema', () => {
    expect(schemaErrors(doc)).toEqual([]);
  });

  test('has a job graph that the fleet can run', () => {
    expect(fleetRunners.length).toBeGreaterThan(0);
    expect(checkJobGraph(doc, fleetRunners)).toEqual([]);
  });

  test('asks no runner that may pick a job up for more than its job maximum (KUBERNETES_* overrides)', () => {
    const overrides = { CPU: 'cpu', MEMORY: 'memory', EPHEMERAL_STORAGE: 'ephemeralStorage' } as const;
    const problems: string[] = [];
    let checked = 0;
    for (const instance of jobInstances(doc)) {
      for (const cluster of fleet) {
        for (const runner of cluster.runners.filter((r) => instance.tags.every((tag) => r.tags.includes(tag)))) {
          for (const [variable, value] of Object.entries(instance.variables)) {
            const match = /^KUBERNETES_(CPU|MEMORY|EPHEMERAL_STORAGE)_(REQUEST|LIMIT)$/.exec(variable);
            if (!match) continue;
            checked++;
            const maximum = runner.jobMaximum[overrides[match[1] as keyof typeof overrides]];
            if (parseQuantity(value) > parseQuantity(maximum)) {
              problems.push(`${instance.name}: ${variable}=${value} exceeds ${cluster.name}/${runner.name}'s maximum ${maximum}`);
            }
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });

  test('builds on both architectures, each on runners of its own arch', () => {
    const builds = jobInstances(doc).filter((i) => i.job === 'build');
    expect(builds.map((b) => [b.name, b.tags])).toEqual([
      ['build: [amd64]', ['amd64']],
      ['build: [arm64]', ['arm64']],
    ]);
    for (const arch of ['amd64', 'arm64']) {
      expect(fleetRunners.some((r) => r.arch === arch && r.tags.includes(arch))).toBe(true);
    }
  });

  test('retries what a spot interruption looks like, and nothing else', () => {
    expect(doc.default).toMatchObject({
      interruptible: true,
      retry: { max: 2, when: ['runner_system_failure', 'stuck_or_timeout_failure'] },
    });
    expect((doc.manifest as { interruptible: boolean }).interruptible).toBe(false);
  });

  test('runs every job through a script in .ci/jobs/ that exists', () => {
    for (const inst of jobInstances(doc)) {
      const job = (doc[inst.job] as { script?: string[] }).script ?? [];
      const scripts = [...new Set([job, ...jobExtends(doc, inst.job)].flat())];
      expect(scripts.length).toBeGreaterThan(0);
      for (const line of scripts) {
        expect(line).toMatch(/^\.ci\/jobs\/[\w-]+\.sh\b/);
        expect(() => readFileSync(join(repo, line.split(' ')[0]!))).not.toThrow();
      }
    }
  });
});

/** The `script` lines a job inherits through `extends`. */
function jobExtends(doc: Record<string, unknown>, key: string): string[][] {
  const job = doc[key] as { extends?: string | string[]; script?: string[] };
  return [job.extends ?? []].flat().flatMap((p) => [(doc[p] as { script?: string[] }).script ?? [], ...jobExtends(doc, p)]);
}

describe('checkJobGraph', () => {
  // GIVEN a fleet of one amd64 and one arm64 runner, each tagged with its arch
  const runners: RunnerTags[] = [
    { arch: 'amd64', tags: ['amd64', 'linux'] },
    { arch: 'arm64', tags: ['arm64', 'linux'] },
  ];
  const good = `
stages: [build, test, publish]
build:
  stage: build
  parallel: {matrix: [{BUILD_ARCH: [amd64, arm64]}]}
  tags: [$BUILD_ARCH]
  script: [b]
.test: {stage: test, tags: ["\${BUILD_ARCH}"], script: [t]}
test:amd64:
  extends: .test
  variables: {BUILD_ARCH: amd64}
  needs: [{job: build, parallel: {matrix: [{BUILD_ARCH: amd64}]}}]
test:arm64:
  extends: .test
  variables: {BUILD_ARCH: arm64}
  needs: [{job: build, parallel: {matrix: [{BUILD_ARCH: arm64}]}}]
manifest:
  stage: publish
  tags: [amd64]
  needs: [build, test:amd64, test:arm64]
  script: [m]
`;
  const check = (yaml: string, r: readonly RunnerTags[] = runners) => checkJobGraph(parsePipeline(yaml), r);

  test('accepts a graph where everything resolves', () => {
    expect(check(good)).toEqual([]);
  });

  test('expands the matrix and extends into job instances with their tags', () => {
    const instances = jobInstances(parsePipeline(good));
    expect(instances.map((i) => `${i.name} ${i.stage} ${i.tags.join(',')}`)).toEqual([
      'build: [amd64] build amd64',
      'build: [arm64] build arm64',
      'test:amd64 test amd64',
      'test:arm64 test arm64',
      'manifest publish amd64',
    ]);
  });

  test('reports a need that names no job', () => {
    expect(check(good.replace('needs: [build, test:amd64', 'needs: [build, tests:amd64'))).toEqual(
      expect.arrayContaining(["manifest: needs 'tests:amd64', which is not a job", "manifest: does not need 'test:amd64'"]),
    );
  });

  test('reports a matrix need that matches no instance', () => {
    expect(check(good.replace('matrix: [{BUILD_ARCH: arm64}]', 'matrix: [{BUILD_ARCH: riscv64}]'))).toEqual(
      expect.arrayContaining([`test:arm64: needs 'build' with matrix {"BUILD_ARCH":"riscv64"}, which matches no instance of it`]),
    );
  });

  test('reports tags that no runner carries', () => {
    expect(check(good, [runners[0]!])).toEqual(
      expect.arrayContaining(['build: [arm64]: no runner of the fleet carries all of tags ["arm64"]']),
    );
  });

  test('reports a tag variable that is not defined', () => {
    expect(check(good.replace('tags: [$BUILD_ARCH]', 'tags: [$BUILD_ARCHITECTURE]'))).toEqual(
      expect.arrayContaining(['build: [amd64]: tags ["$BUILD_ARCHITECTURE"] name undefined variables']),
    );
  });

  test('reports an arch job whose tags also fit runners of another arch', () => {
    expect(check(good.replace('tags: [$BUILD_ARCH]', 'tags: [linux]'))).toEqual(
      expect.arrayContaining(['build: [amd64]: BUILD_ARCH=amd64 but runners of arch arm64 carry its tags ["linux"]']),
    );
  });

  test('reports a test that waits for the other arch build', () => {
    const problems = check(good.replace('needs: [{job: build, parallel: {matrix: [{BUILD_ARCH: arm64}]}}]', 'needs: [build]'));
    expect(problems).toEqual([
      "test:arm64: must need only the BUILD_ARCH=arm64 instance of 'build', needs [build: [amd64], build: [arm64]]",
    ]);
  });

  test('reports a publish job that does not need both builds', () => {
    const problems = check(good.replace('needs: [build, test:amd64, test:arm64]', 'needs: [{job: build, parallel: {matrix: [{BUILD_ARCH: amd64}]}}, test:amd64, test:arm64]'));
    expect(problems).toEqual(["manifest: does not need 'build: [arm64]'"]);
  });

  test('expands $VAR and ${VAR} and leaves unknown variables as written', () => {
    expect(expandVariables('$A-${B}-$C', { A: 'x', B: 'y' })).toBe('x-y-$C');
  });
});

describe('manifests:diff (.ci/jobs/manifests-diff.sh)', () => {
  // GIVEN a throw-away repository whose package.json has a fake diff tool with the agreed CLI
  function fakeRepo(scripts: Record<string, string>): string {
    const dir = mkdtempSync(join(tmpdir(), 'manifests-diff-'));
    mkdirSync(join(dir, '.ci', 'jobs', 'lib'), { recursive: true });
    mkdirSync(join(dir, 'node_modules'));
    for (const f of ['manifests-diff.sh', 'lib/common.sh']) copyFileSync(join(__dirname, 'jobs', f), join(dir, '.ci', 'jobs', f));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'fake', private: true, scripts }));
    writeFileSync(join(dir, 'tool.js'), [
      'const [what, exitCode, ...args] = process.argv.slice(2);',
      "console.log(what === 'diff' ? '## diff ' + args.join(' ') : '| cluster | changed |');",
      'process.exit(Number(exitCode));',
    ].join('\n'));
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: dir, stdio: 'pipe' });
    git('init', '-q');
    git('add', '.');
    git('commit', '-qm', 'base');
    return dir;
  }
  const fakeTool = (exitCode: number) => ({ diff: `node tool.js diff ${exitCode}`, summary: 'node tool.js summary 0' });
  function run(dir: string) {
    const env = { PATH: process.env.PATH!, HOME: process.env.HOME ?? dir, MANIFESTS_DIFF_DIR: join(dir, 'out') };
    return spawnSync('bash', [join(dir, '.ci', 'jobs', 'manifests-diff.sh'), 'HEAD'], { cwd: dir, env, encoding: 'utf8' });
  }
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  test.each([
    [0, 0, 'the rendered manifests do not change'],
    [1, 0, 'the rendered manifests change'],
    [2, 1, 'the diff tool failed (exit 2)'],
  ])('diff tool exit %i: job exit %i, "%s"', (toolExit, jobExit, message) => {
    const dir = fakeRepo(fakeTool(toolExit));
    dirs.push(dir);
    const res = run(dir);
    expect(res.stderr).toContain(message);
    expect(res.status).toBe(jobExit);
    expect(readFileSync(join(dir, 'out', 'manifests-diff.md'), 'utf8')).toBe('## diff --format markdown HEAD HEAD\n');
    if (jobExit === 0) expect(readFileSync(join(dir, 'out', 'manifests-summary.md'), 'utf8')).toBe('| cluster | changed |\n');
  });

  test('fails with a clear message, not as "changed", when the diff tool is missing', () => {
    const dir = fakeRepo({ summary: fakeTool(0).summary });
    dirs.push(dir);
    const res = run(dir);
    expect(res.status).toBe(1);
    expect(res.stderr).toContain("package.json has no 'diff' script");
  });
});

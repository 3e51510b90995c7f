/**
 * The diff command on real git history: a scratch repository with this project's sources, changed commit by
 * commit. Each diff renders two revisions (about a second each here), so the cases are few and share commits.
 */
import { join } from 'node:path';
import { diffCommand } from './diff-cli';
import { reviewRevisions } from './review';
import { createScratchRepo, type ScratchRepo } from './scratch-repo';
import { formatPath } from './paths';

jest.setTimeout(120_000);

let repo: ScratchRepo;
let base: string;

beforeAll(() => {
  repo = createScratchRepo(join(__dirname, '..', '..'));
  base = repo.commit('base');
});
afterAll(() => repo?.remove());

// Raises the CPU limit of staging's amd64 pool only (both runners share the rest of their settings).
const STAGING_AMD64 = "{ ...small, arch: 'amd64',";
const STAGING_AMD64_CPU_64 = "{ ...small, nodePool: { ...small.nodePool, cpuLimit: '64' }, arch: 'amd64',";

describe('manifests diff on git history', () => {
  it('reports a definition change in the working tree as exactly that field, with its highlight', async () => {
    repo.edit('definitions/staging.ts', STAGING_AMD64, STAGING_AMD64_CPU_64);
    const review = await reviewRevisions(repo.dir, base);
    expect(review.head.label).toBe('working tree');
    expect(review.changes).toHaveLength(1);
    const [change] = review.changes;
    expect(`${change.type} ${change.cluster} ${change.head?.kind} ${change.head?.name}`).toBe('changed staging NodePool gitlab-ci-jobs-amd64');
    expect(change.fields.map((f) => formatPath(f.path))).toEqual(['spec.limits.cpu']);
    expect(review.highlights.map((h) => `${h.kind} ${h.field}: ${h.message}`)).toEqual(['limits spec.limits.cpu: "32" → "64"']);
    repo.commit('raise the staging amd64 pool limit');
  });

  it('shows a renamed runner’s objects as renames', async () => {
    const before = repo.commit('nothing');
    repo.edit('definitions/staging.ts', "arch: 'amd64',", "arch: 'amd64',\n      name: 'build',");
    const after = repo.commit('rename the staging amd64 runner');
    const result = await diffCommand([before, after], repo.dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('> Deployment gitlab-runner/gitlab-runner-amd64 → gitlab-runner-build');
    expect(result.stdout).toContain('> ConfigMap gitlab-runner/gitlab-runner-amd64 → gitlab-runner-build');
    expect(result.stdout).not.toMatch(/^ {2}[+-] (Deployment|ConfigMap) /m);
  });

  it('raises the RBAC highlight when the executor Role is widened', async () => {
    const before = repo.commit('nothing');
    repo.edit('lib/runner/executor-rbac.ts', "{ resource: 'pods', verbs: ['create', 'delete', 'get', 'list', 'watch']", "{ resource: 'pods', verbs: ['create', 'delete', 'get', 'list', 'patch', 'watch']");
    const after = repo.commit('widen the executor role');
    const result = await diffCommand(['--format', 'markdown', before, after], repo.dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('| RBAC widened | staging | `Role gitlab-ci-jobs/gitlab-runner-build` | `rules[pods]` | patch on pods (not granted before) |');
    expect(result.stdout).toContain('| RBAC widened | production | `Role gitlab-ci-jobs/gitlab-runner-amd64` |');
  });

  it('prints one line and exits 0 when nothing changed', async () => {
    const same = await diffCommand(['HEAD', 'HEAD'], repo.dir);
    expect(same).toEqual({ code: 0, stdout: 'no changes\n', stderr: '' });
  });

  it('exits 2 naming a revision that does not exist, and with the renderer’s error when a render fails', async () => {
    const bad = await diffCommand(['no-such-ref'], repo.dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown revision "no-such-ref"');
    repo.edit('definitions/staging.ts', /cpuLimit: '64'/, "cpuLimit: 'lots'");
    const broken = await diffCommand(['HEAD'], repo.dir);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain('rendering working tree failed');
    expect(broken.stderr).toContain('lots');
  });
});

import type { ClusterDefinition, RunnerDefinition } from './definition';
import { resolveCluster } from './resolve';
import { jobRoutes, takesJob } from './routing';
import { problemsOf } from './testing';

function clusterOf(...runners: Array<Partial<RunnerDefinition>>): ClusterDefinition {
  // Each runner reads its own token: two runners on one token are refused on their own.
  const token = (i: number) => ({ source: 'existing-secret', secretName: `runner-token-${i}` }) as const;
  return { name: 'test', region: 'eu-west-1', runners: runners.map((r, i) => ({ arch: 'amd64', token: token(i), ...r }) as RunnerDefinition) };
}

const general = { arch: 'amd64', tags: ['linux', 'production'] } as const;
const arm = { arch: 'arm64', tags: ['linux', 'production'] } as const;

describe('a runner that has every tag of another runner would take its jobs', () => {
  test.each([
    ['the plain architecture tag plus more', { name: 'amd64-large', tags: ['linux', 'production', 'large'] }],
    ['exactly the same tags', { name: 'amd64-b', tags: ['linux', 'production'] }],
    ['the architecture tag alone is added for it', { name: 'amd64-b', tags: ['linux', 'production', 'amd64'] }],
  ])('%s: refused, naming both runners and the way out', (_, second) => {
    const problems = problemsOf(clusterOf(general, second as Partial<RunnerDefinition>));
    expect(problems).toContainEqual(
      expect.stringMatching(new RegExp(`^runners\\[1\\]\\.tags: runner "${second.name}" has every tag of runner "amd64" \\(amd64, linux, production\\).*distinct tag.*archTag: false.*sharesJobsWith`)),
    );
  });

  test('a distinct tag without the architecture tag is accepted, and only its own jobs reach it', () => {
    const cluster = resolveCluster(clusterOf(general, arm, { name: 'amd64-large', tags: ['amd64-large'], archTag: false }));
    const [amd64, arm64, large] = cluster.runners;
    expect(large!.tags).toEqual(['amd64-large']);
    for (const job of [['amd64'], ['amd64', 'linux'], ['linux', 'production'], []]) expect(takesJob(large!, job)).toBe(false);
    expect(takesJob(large!, ['amd64-large'])).toBe(true);
    expect(takesJob(amd64!, ['amd64-large'])).toBe(false);
    expect(takesJob(arm64!, ['amd64'])).toBe(false);
  });

  test('an overlap listed in sharesJobsWith is accepted (a runner meant to take another one’s jobs too)', () => {
    expect(() => resolveCluster(clusterOf(general, { name: 'amd64-overflow', tags: ['linux', 'production', 'overflow'], sharesJobsWith: ['amd64'] }))).not.toThrow();
  });

  test('a retiring runner takes no jobs, so it overlaps nobody (the way a runner is replaced)', () => {
    expect(() => resolveCluster(clusterOf({ ...general, retiring: true }, { ...general, name: 'amd64-new' }))).not.toThrow();
  });

  test('sharesJobsWith must name another runner of the cluster', () => {
    expect(problemsOf(clusterOf(general, { name: 'b', tags: ['x'], sharesJobsWith: ['nobody'] }))).toEqual([
      expect.stringMatching(/^runners\[1\]\.sharesJobsWith: "nobody" is not another runner of this cluster; runners: "amd64", "b"$/),
    ]);
  });

  test('two runners that both run untagged jobs are refused unless one shares the other’s jobs', () => {
    expect(problemsOf(clusterOf({ ...general, runUntagged: true }, { ...arm, runUntagged: true }))).toEqual([
      expect.stringMatching(/^runners\[1\]\.runUntagged: runners "amd64" and "arm64" both run untagged jobs/),
    ]);
    expect(() => resolveCluster(clusterOf({ ...general, runUntagged: true }, { ...arm, runUntagged: true, sharesJobsWith: ['amd64'] }))).not.toThrow();
  });

  test('a runner with no tag at all that runs no untagged jobs would never get one', () => {
    expect(problemsOf(clusterOf({ archTag: false }))).toEqual([expect.stringMatching(/^runners\[0\]\.tags: the runner has no tags .* never get a job/)]);
  });
});

describe('jobRoutes', () => {
  test('lists, for each tag set that matters, every runner a job with those tags may land on', () => {
    const cluster = resolveCluster(
      clusterOf(general, arm, { name: 'amd64-large', tags: ['amd64-large'], archTag: false }, { name: 'old', tags: ['old'], archTag: false, retiring: true }),
    );
    expect(jobRoutes(cluster)).toEqual([
      { tags: ['amd64', 'linux', 'production'], untagged: false, runners: ['amd64'] },
      { tags: ['amd64-large'], untagged: false, runners: ['amd64-large'] },
      { tags: ['arm64', 'linux', 'production'], untagged: false, runners: ['arm64'] },
      { tags: ['linux', 'production'], untagged: false, runners: ['amd64', 'arm64'] },
      { tags: [], untagged: true, runners: [] },
    ]);
  });

  test('every route agrees with takesJob, for every runner', () => {
    const cluster = resolveCluster(clusterOf(general, arm, { name: 'x', tags: ['a', 'b'], archTag: false, runUntagged: true }));
    for (const route of jobRoutes(cluster)) {
      for (const runner of cluster.runners) expect(route.runners.includes(runner.name)).toBe(takesJob(runner, route.tags));
    }
  });
});

import type { RunnerDefinition } from './definition';
import { resolveCluster } from './resolve';
import { cluster } from './testing';
import { definitionWarnings, SPOT_JOB_TIMEOUT_WARNING_SECONDS } from './warnings';

const warningsFor = (jobTimeout: string, capacityTypes: Array<'spot' | 'on-demand'>) =>
  definitionWarnings(resolveCluster(cluster({}, { jobTimeout, nodePool: { capacityTypes } })));

describe('a long job timeout on spot-only capacity', () => {
  test.each(['1h1m', '2h', '3h', '12h'])('%s on spot only: one warning naming the runner, the timeout and the way out', (timeout) => {
    expect(warningsFor(timeout, ['spot'])).toEqual([
      {
        path: 'runners[0].jobTimeout',
        message: expect.stringMatching(new RegExp(`^runner "amd64" allows ${timeout} jobs on spot-only capacity\\..*capacityTypes \\["on-demand"\\].*docs/lifecycle\\.md`)),
      },
    ]);
  });

  test.each([
    ['up to an hour on spot', '1h', ['spot']],
    ['up to an hour on spot, in minutes', '60m', ['spot']],
    ['long on on-demand', '12h', ['on-demand']],
    ['long with an on-demand path', '3h', ['spot', 'on-demand']],
  ] as const)('%s: no warning', (_, timeout, types) => {
    expect(warningsFor(timeout, [...types])).toEqual([]);
  });

  test('the threshold is an hour', () => {
    expect(SPOT_JOB_TIMEOUT_WARNING_SECONDS).toBe(3600);
  });
});

describe('pools that cost money or churn, and architectures left without a runner', () => {
  const warningsOf = (definition: Parameters<typeof resolveCluster>[0]) => definitionWarnings(resolveCluster(definition));

  test.each(['0', '0%'])('a disruption budget of %j: a warning that empty nodes are never removed', (disruptionBudget) => {
    expect(warningsOf(cluster({}, { nodePool: { disruptionBudget } }))).toEqual([
      { path: 'runners[0].nodePool.disruptionBudget', message: expect.stringMatching(new RegExp(`^"${disruptionBudget}" lets Karpenter remove no node of pool gitlab-ci-jobs-amd64 .*empty nodes are never consolidated`)) },
    ]);
  });
  test.each(['1', '1%', '10%', '100%'])('a disruption budget of %j: no warning', (disruptionBudget) => {
    expect(warningsOf(cluster({}, { nodePool: { disruptionBudget } }))).toEqual([]);
  });

  test.each([
    ['1s', '1h'],
    ['59m', '1h'],
    ['2h', '3h'],
  ])('expireAfter %j with jobTimeout %j: a warning naming both', (expireAfter, jobTimeout) => {
    expect(warningsOf(cluster({}, { jobTimeout, nodePool: { expireAfter, capacityTypes: ['on-demand'] } }))).toEqual([
      { path: 'runners[0].nodePool.expireAfter', message: expect.stringMatching(new RegExp(`^"${expireAfter}" is shorter than the runner's jobTimeout ${jobTimeout}: .*longer than jobTimeout`)) },
    ]);
  });
  test.each([
    ['1h', '1h'],
    ['168h', '3h'],
    ['Never', '12h'],
  ])('expireAfter %j with jobTimeout %j: no warning', (expireAfter, jobTimeout) => {
    expect(warningsOf(cluster({}, { jobTimeout, nodePool: { expireAfter, capacityTypes: ['on-demand'] } }))).toEqual([]);
  });

  const token = (i: number) => ({ source: 'existing-secret', secretName: `token-${i}` }) as const;
  const fleetOf = (...runners: Array<Partial<RunnerDefinition> & Pick<RunnerDefinition, 'arch'>>) =>
    cluster({ runners: runners.map((r, i) => ({ token: token(i), ...r })) });

  test.each([
    ['the only amd64 runner', fleetOf({ arch: 'amd64', retiring: true }, { arch: 'arm64' }), 'amd64', '"amd64"'],
    ['both amd64 runners', fleetOf({ arch: 'amd64', retiring: true }, { arch: 'amd64', name: 'big', tags: ['big'], archTag: false, retiring: true }, { arch: 'arm64' }), 'amd64', '"amd64", "big"'],
    ['the only arm64 runner', fleetOf({ arch: 'amd64' }, { arch: 'arm64', retiring: true }), 'arm64', '"arm64"'],
  ])('retiring %s: a warning that its jobs stay pending', (_, definition, arch, names) => {
    expect(warningsOf(definition)).toEqual([
      { path: 'runners', message: `every ${arch} runner (${names}) is retiring: once their managers are gone no runner takes ${arch} jobs, which stay pending. Intended when the cluster stops running ${arch} jobs; otherwise add a new ${arch} runner before retiring the old one (docs/lifecycle.md)` },
    ]);
  });
  test('retiring one of two runners of an architecture: no warning', () => {
    expect(warningsOf(fleetOf({ arch: 'amd64', retiring: true }, { arch: 'amd64', name: 'amd64-new' }, { arch: 'arm64' }))).toEqual([]);
  });
});

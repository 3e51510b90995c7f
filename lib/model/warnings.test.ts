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

import { FleetError, fleetWarnings, resolveFleet } from './fleet';
import { resolveCluster } from './resolve';
import { cluster, everyField } from './testing';

describe('a fleet that would delete every generated file is refused', () => {
  test.each<[string, unknown, RegExp]>([
    ['an empty list', [], /lists no cluster: rendering it would delete every generated file/],
    ['undefined (a definitions export that is missing)', undefined, /must be a list of cluster definitions, got nothing/],
    ['one definition instead of a list', everyField(), /must be a list of cluster definitions, got \{"name":"full"/],
    ['an object of definitions', { staging: everyField() }, /must be a list of cluster definitions, got \{"staging":/],
    ['a string', 'staging', /must be a list of cluster definitions, got "staging"/],
    ['a function', () => [everyField()], /must be a list of cluster definitions, got a function/],
  ])('%s', (_, fleet, message) => {
    expect(() => resolveFleet(fleet as never)).toThrow(FleetError);
    expect(() => resolveFleet(fleet as never)).toThrow(message);
  });
});

test('each invalid cluster is named: by its name when it has a valid one, else by its place in the list', () => {
  const error = (() => {
    try {
      resolveFleet([cluster({ region: 'x' }), { ...cluster(), name: 'Bad Name' }, { ...cluster(), name: undefined } as never]);
    } catch (e) {
      return e as Error;
    }
    throw new Error('accepted');
  })();
  expect(error.message).toContain('cluster definition "test" is invalid:\n  - region:');
  expect(error.message).toContain('cluster definition number 2 in the list (name "Bad Name") is invalid:\n  - name:');
  expect(error.message).toContain('cluster definition number 3 in the list (name nothing) is invalid:\n  - name:');
});

test('capacity warnings name the cluster, the field and the value', () => {
  const fleet = [resolveCluster(cluster({}, { concurrent: 10, replicas: 2, nodePool: { cpuLimit: '64' } }))];
  expect(fleetWarnings(fleet)).toEqual([expect.stringMatching(/^cluster "test": runners\[0\]\.nodePool\.cpuLimit: "64" is less than/)]);
});

import type { ClusterDefinition } from './definition';
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

describe('no two clusters read one Secrets Manager token', () => {
  const asm = (secretId: string, property?: string) => ({ source: 'aws-secrets-manager' as const, secretId, ...(property ? { property } : {}) });
  const named = (name: string, token: object, region = 'eu-central-1') => cluster({ name, region }, { token: token as never });
  const refusal = (fleet: ClusterDefinition[]) => {
    try {
      resolveFleet(fleet);
    } catch (error) {
      return (error as Error).message;
    }
    return 'accepted';
  };

  test.each<[string, object, object]>([
    ['the reviewer\'s case: a copy of a cluster under another name', asm('gitlab-runner/production/amd64', 'token'), asm('gitlab-runner/production/amd64', 'token')],
    ['a cluster pointing at another cluster\'s secret', asm('gitlab-runner/production/amd64'), asm('gitlab-runner/production/amd64')],
    ['an ARN of the other cluster\'s secret', asm('gitlab-runner/production/amd64'), asm('arn:aws:secretsmanager:eu-central-1:123456789012:secret:gitlab-runner/production/amd64-AbC123')],
  ])('%s: refused at the later cluster, naming the other cluster, the runner and the secret', (_, first, second) => {
    const message = refusal([named('production', first), named('staging', second)]);
    expect(message).toMatch(
      /^cluster definition "staging" is invalid:\n {2}- runners\[0\]\.token: reads the same token as runner "amd64" of cluster "production" \(Secrets Manager secret "[^"]+".* in eu-central-1\): each runner of the fleet needs its own token.*"gitlab-runner\/staging\/amd64"/,
    );
    expect(message).not.toContain('cluster definition "production"');
  });

  test.each<[string, ClusterDefinition[]]>([
    ['other secrets', [named('production', asm('gitlab-runner/production/amd64')), named('staging', asm('gitlab-runner/staging/amd64'))]],
    ['one secret, other properties', [named('production', asm('gitlab-runner/tokens', 'production')), named('staging', asm('gitlab-runner/tokens', 'staging'))]],
    ['one secret name in two regions (two secrets)', [named('production', asm('ci/amd64')), named('staging', asm('ci/amd64'), 'eu-west-1')]],
    ['one existing Secret name in two clusters (each cluster its own Secret)', [named('production', { source: 'existing-secret', secretName: 't' }), named('staging', { source: 'existing-secret', secretName: 't' })]],
  ])('%s: accepted', (_, fleet) => {
    expect(refusal(fleet)).toBe('accepted');
  });

  test('a secretId naming another cluster is a warning naming both clusters', () => {
    const fleet = resolveFleet([named('production', asm('gitlab-runner/production/amd64')), named('staging', asm('gitlab-runner/production/amd64-copy'))]);
    expect(fleetWarnings(fleet)).toEqual([
      'cluster "staging": runners[0].token.secretId: "gitlab-runner/production/amd64-copy" names cluster "production", not this cluster "staging": is it that cluster\'s token?',
    ]);
  });

});

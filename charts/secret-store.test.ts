import { render, twoArchCluster } from './testing';

const rendered = render(twoArchCluster());

test('a token from AWS Secrets Manager gets an ExternalSecret through the namespaced store', () => {
  const externalSecret = rendered.get('ExternalSecret', 'gitlab-runner-amd64-token');
  expect(externalSecret.apiVersion).toBe('external-secrets.io/v1');
  expect(externalSecret.spec).toMatchObject({
    secretStoreRef: { kind: 'SecretStore', name: 'aws-secrets-manager' },
    target: { name: 'gitlab-runner-amd64-token', creationPolicy: 'Owner' },
    data: [{ secretKey: 'token', remoteRef: { key: 'ci/amd64', property: 'token' } }],
  });
  expect(rendered.get('SecretStore', 'aws-secrets-manager').spec.provider.aws).toEqual({ service: 'SecretsManager', region: 'eu-west-1' });
});

test('a token in an existing Secret renders only the reference to it', () => {
  expect(rendered.all('ExternalSecret').map((e) => e.metadata.name)).toEqual(['gitlab-runner-amd64-token']);
  const pod = rendered.get('Deployment', 'gitlab-runner-arm64').spec.template.spec;
  expect(pod.volumes.find((v: any) => v.name === 'token').secret.secretName).toBe('runner-token');
});

test('the store is namespaced to the managers, reached with the controller\'s Pod Identity (no auth block, no keys)', () => {
  const store = rendered.get('SecretStore', 'aws-secrets-manager');
  expect(store.metadata.namespace).toBe('gitlab-runner');
  expect(store.spec).toEqual({ provider: { aws: { service: 'SecretsManager', region: 'eu-west-1' } } });
});

import { editObject, renderObjects, runCheck } from '../testing';
import { findTokens, redact, secretsAppearing } from './secrets';

const base = renderObjects();

// Token-shaped fixtures, assembled at run time so that no token-like string is tracked in git.
const GLRT = ['glrt', 'abcdefghij0123456789'].join('-');
const GLPAT = ['glpat', 'x'.repeat(20)].join('-');
const AKIA = ['AKIA', 'IOSFODNN7EXAMPLE'].join('');
const PEM = ['-----BEGIN RSA', 'PRIVATE KEY-----'].join(' ');

describe('findTokens', () => {
  it('finds GitLab and AWS tokens but not the runner entrypoint’s glrt-* pattern', () => {
    expect(findTokens(`token = "${GLRT}"`).map((t) => t.name)).toEqual(['GitLab token']);
    expect(findTokens(AKIA).map((t) => t.name)).toEqual(['AWS access key id']);
    expect(findTokens(`${GLPAT} ${PEM}`)).toHaveLength(2);
    expect(findTokens('case "$token" in glrt-*) ;; (glrt-...)')).toEqual([]);
    expect(redact(GLRT)).toBe('glrt-abc…');
  });

  it('finds nothing in the rendered example clusters', () => {
    expect(runCheck(secretsAppearing, [], base)).toEqual([]);
  });
});

describe('secretsAppearing', () => {
  it('flags a token put into a runner config.toml, naming the field', () => {
    const head = editObject(base, { kind: 'ConfigMap', name: 'gitlab-runner-amd64' }, (b) => {
      b.data['config.template.toml'] = b.data['config.template.toml'].replace('__RUNNER_TOKEN_FROM_SECRET__', GLRT);
    });
    expect(runCheck(secretsAppearing, base, head)).toEqual([
      {
        kind: 'secret',
        cluster: 'staging',
        object: 'ConfigMap gitlab-runner/gitlab-runner-amd64',
        field: 'config.template.toml › runners[staging-amd64].token',
        message: 'GitLab token appears: glrt-abc…',
      },
    ]);
  });

  it('flags a Secret with data, and an AWS key in an environment variable', () => {
    const secret = { ...base[0], kind: 'Secret', group: '', id: 's', name: 't', body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 't' }, stringData: { token: 'x' } } };
    expect(runCheck(secretsAppearing, base, [...base, secret]).map((h) => h.message)).toEqual([
      'Secret with data (token) in the manifests: use an ExternalSecret',
    ]);
    const head = editObject(base, { kind: 'Deployment', name: 'gitlab-runner-arm64' }, (b) =>
      b.spec.template.spec.containers[0].env.push({ name: 'AWS_ACCESS_KEY_ID', value: AKIA }),
    );
    expect(runCheck(secretsAppearing, base, head).map((h) => h.field)).toEqual([
      'spec.template.spec.containers[gitlab-runner].env[AWS_ACCESS_KEY_ID].value',
    ]);
  });
});

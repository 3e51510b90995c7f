import { render, twoArchCluster } from './testing';

const rendered = render(twoArchCluster());

test('runner managers and CI jobs live in separate namespaces', () => {
  const namespaces = rendered.files.filter((f) => f.path.includes('/configs/namespaces/')).map((f) => f.object?.metadata.name);
  expect(namespaces).toEqual(['gitlab-runner', 'gitlab-ci-jobs']);
});

test('the managers namespace enforces Pod Security "restricted"', () => {
  expect(rendered.get('Namespace', 'gitlab-runner').metadata.labels).toMatchObject({
    'pod-security.kubernetes.io/enforce': 'restricted',
    'pod-security.kubernetes.io/warn': 'restricted',
  });
});

test('the jobs namespace enforces "baseline" (never privileged) and warns and audits at "restricted"', () => {
  expect(rendered.get('Namespace', 'gitlab-ci-jobs').metadata.labels).toMatchObject({
    'pod-security.kubernetes.io/enforce': 'baseline',
    'pod-security.kubernetes.io/warn': 'restricted',
    'pod-security.kubernetes.io/audit': 'restricted',
  });
});

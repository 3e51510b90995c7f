import { render, twoArchCluster } from './testing';

const rendered = render(twoArchCluster());

test('runner managers accept connections only on their metrics port, and reach out only for DNS and HTTPS', () => {
  const policy = rendered.get('NetworkPolicy', 'gitlab-runner-managers');
  expect(policy.metadata.namespace).toBe('gitlab-runner');
  expect(policy.spec).toEqual({
    podSelector: { matchLabels: { 'app.kubernetes.io/name': 'gitlab-runner' } },
    policyTypes: ['Ingress', 'Egress'],
    ingress: [{ ports: [{ port: 9252, protocol: 'TCP' }] }],
    egress: [
      { ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] },
      { ports: [{ port: 443, protocol: 'TCP' }] },
    ],
  });
  // the policy selects every manager Deployment's pods
  for (const deployment of rendered.all('Deployment').filter((d) => d.metadata.namespace === 'gitlab-runner')) {
    expect(deployment.spec.template.metadata.labels).toMatchObject(policy.spec.podSelector.matchLabels);
  }
});

test('CI job pods accept no connections at all', () => {
  const policy = rendered.get('NetworkPolicy', 'gitlab-ci-jobs-deny-ingress');
  expect(policy.metadata.namespace).toBe('gitlab-ci-jobs');
  expect(policy.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress'] });
});

test('a GitLab on another port and an S3 cache (Pod Identity agent) open exactly what they need', () => {
  const custom = render(twoArchCluster({ gitlabUrl: 'https://gitlab.example.com:8443', cache: { bucket: 'ci-cache' } }));
  const egress = custom.get('NetworkPolicy', 'gitlab-runner-managers').spec.egress;
  expect(egress[1]).toEqual({ ports: [{ port: 443, protocol: 'TCP' }, { port: 8443, protocol: 'TCP' }] });
  expect(egress[2]).toEqual({ to: [{ ipBlock: { cidr: '169.254.170.23/32' } }], ports: [{ port: 80, protocol: 'TCP' }] });
});

import { admitsIngress, type PodEndpoint } from './network-policy-admission';
import { render, twoArchCluster } from './testing';

const rendered = render(twoArchCluster());

test('runner managers accept connections only on their metrics port, and reach out only for DNS and HTTPS', () => {
  const policy = rendered.get('NetworkPolicy', 'gitlab-runner-managers');
  expect(policy.metadata.namespace).toBe('gitlab-runner');
  expect(policy.spec).toEqual({
    podSelector: { matchLabels: { 'app.kubernetes.io/name': 'gitlab-runner' } },
    policyTypes: ['Ingress', 'Egress'],
    ingress: [
      {
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
        ports: [{ port: 9252, protocol: 'TCP' }],
      },
    ],
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

describe('who may open the metrics port of a manager (9252, which also serves /debug/jobs/list and /debug/pprof)', () => {
  const policiesOf = (r: ReturnType<typeof render>) => r.all('NetworkPolicy') as unknown as Parameters<typeof admitsIngress>[0];
  const managerPods = (r: ReturnType<typeof render>): PodEndpoint[] =>
    r.all('Deployment').map((d) => ({ namespace: d.metadata.namespace!, labels: d.spec.template.metadata.labels }));
  const prometheusIn = (namespace: string): PodEndpoint => ({ namespace, labels: { 'app.kubernetes.io/name': 'prometheus' } });
  const ciJob: PodEndpoint = {
    namespace: 'gitlab-ci-jobs',
    // a job may carry any labels it likes, including those of Prometheus or of a manager
    labels: { 'app.kubernetes.io/name': 'prometheus', 'gitlab-runner-fleet/runner': 'amd64' },
  };
  const otherManager = (r: ReturnType<typeof render>) => managerPods(r)[1]!;

  test.each([
    ['the default monitoring namespace', {}, 'monitoring'],
    ['a configured one', { monitoringNamespace: 'observability' }, 'observability'],
  ])('%s may scrape every manager; nothing else may', (_, overrides, monitoring) => {
    const r = render(twoArchCluster(overrides));
    const policies = policiesOf(r);
    for (const manager of managerPods(r)) {
      expect(admitsIngress(policies, manager, prometheusIn(monitoring), 9252)).toBe(true);
      expect(admitsIngress(policies, manager, prometheusIn(monitoring), 8080)).toBe(false);
      expect(admitsIngress(policies, manager, ciJob, 9252)).toBe(false);
      expect(admitsIngress(policies, manager, prometheusIn(monitoring === 'monitoring' ? 'observability' : 'monitoring'), 9252)).toBe(false);
      expect(admitsIngress(policies, manager, prometheusIn('default'), 9252)).toBe(false);
      // a namespace label a tenant sets by hand does not stand in for the API server's name label
      expect(admitsIngress(policies, manager, { ...ciJob, namespaceLabels: { name: monitoring } }, 9252)).toBe(false);
    }
    expect(admitsIngress(policies, managerPods(r)[0]!, otherManager(r), 9252)).toBe(false);
  });

  test('with metrics off, nothing may open the port', () => {
    const r = render(twoArchCluster({ metrics: false }));
    for (const manager of managerPods(r)) {
      expect(admitsIngress(policiesOf(r), manager, prometheusIn('monitoring'), 9252)).toBe(false);
    }
  });

  test('CI job pods accept nothing from anyone, the monitoring namespace included', () => {
    const r = render(twoArchCluster());
    const job: PodEndpoint = { namespace: 'gitlab-ci-jobs', labels: { 'gitlab-runner-fleet/runner': 'amd64' } };
    expect(admitsIngress(policiesOf(r), job, prometheusIn('monitoring'), 9252)).toBe(false);
    expect(admitsIngress(policiesOf(r), job, ciJob, 8080)).toBe(false);
  });

  test('the monitoring namespace must be a namespace name', () => {
    expect(() => render(twoArchCluster({ monitoringNamespace: 'Monitoring!' }))).toThrow(/monitoringNamespace: must be lowercase/);
  });
});

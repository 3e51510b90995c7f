import { parseDuration } from '../lib/model/duration';
import { MANAGER_NODE_MARGIN_SECONDS } from '../lib/model/resolve';
import { render, twoArchCluster, TOKEN_FROM_EXISTING_SECRET } from './testing';

const rendered = render(twoArchCluster());

function requirementsOf(pool: any): Record<string, { operator: string; values: string[] }> {
  return Object.fromEntries(
    pool.spec.template.spec.requirements.map((r: any) => [`${r.key} ${r.operator}`, { operator: r.operator, values: r.values }]),
  );
}

describe('the EC2NodeClass', () => {
  const nodeClass = rendered.get('EC2NodeClass', 'gitlab-ci');

  test('requires IMDSv2 with hop limit 1, so job pods cannot take the node role', () => {
    expect(nodeClass.spec.metadataOptions).toEqual({
      httpEndpoint: 'enabled',
      httpProtocolIPv6: 'disabled',
      httpPutResponseHopLimit: 1,
      httpTokens: 'required',
    });
  });

  test('pins the AMI alias and discovers private subnets and security groups by the cluster name', () => {
    expect(nodeClass.spec.amiSelectorTerms).toEqual([{ alias: expect.stringMatching(/^al2023@v\d{8}$/) }]);
    expect(nodeClass.spec.role).toBe('KarpenterNodeRole-test');
    expect(nodeClass.spec.subnetSelectorTerms).toEqual([{ tags: { 'karpenter.sh/discovery': 'test', 'kubernetes.io/role/internal-elb': '1' } }]);
    expect(nodeClass.spec.securityGroupSelectorTerms).toEqual([{ tags: { 'karpenter.sh/discovery': 'test' } }]);
  });

  test('has an encrypted gp3 root volume sized for CI', () => {
    expect(nodeClass.spec.blockDeviceMappings).toEqual([
      expect.objectContaining({ deviceName: '/dev/xvda', ebs: expect.objectContaining({ volumeSize: '100Gi', volumeType: 'gp3', encrypted: true }) }),
    ]);
  });
});

describe.each(['amd64', 'arm64'])('the %s job pool', (arch) => {
  const pool = rendered.get('NodePool', `gitlab-ci-jobs-${arch}`);
  const requirements = requirementsOf(pool);
  const runner = rendered.cluster.runners.find((r) => r.arch === arch)!;

  test('launches only its architecture, on Linux, on spot by default', () => {
    expect(requirements['kubernetes.io/arch In'].values).toEqual([arch]);
    expect(requirements['kubernetes.io/os In'].values).toEqual(['linux']);
    expect(requirements['karpenter.sh/capacity-type In'].values).toEqual(['spot']);
  });

  test('launches categories c, m, r of generation 6 or newer, 2 to 16 vCPU', () => {
    expect(requirements['karpenter.k8s.aws/instance-category In'].values).toEqual(['c', 'm', 'r']);
    expect(requirements['karpenter.k8s.aws/instance-generation Gt'].values).toEqual(['5']);
    expect(requirements['karpenter.k8s.aws/instance-cpu Gt'].values).toEqual(['1']);
    expect(requirements['karpenter.k8s.aws/instance-cpu Lt'].values).toEqual(['17']);
  });

  test('is tainted so that only CI jobs land on it', () => {
    expect(pool.spec.template.spec.taints).toEqual([{ key: 'gitlab-runner-fleet/ci-job', value: 'true', effect: 'NoSchedule' }]);
  });

  test('lets running jobs finish when a node expires: terminationGracePeriod covers the longest job', () => {
    const spec = pool.spec.template.spec;
    expect(spec.expireAfter).toBe('168h');
    expect(parseDuration(spec.terminationGracePeriod)).toBeGreaterThanOrEqual(runner.jobTimeoutSeconds);
  });

  test('consolidates only empty nodes, a few at a time, within its limits', () => {
    expect(pool.spec.disruption).toEqual({ consolidationPolicy: 'WhenEmpty', consolidateAfter: '5m', budgets: [{ nodes: '10%' }] });
    // Limits derived from the default concurrency: 10 jobs × 2 managers × (4 CPU + 200m helper) = 84 CPU.
    expect(pool.spec.limits).toEqual({ cpu: '84', memory: '256Gi' });
    expect(pool.spec.template.spec.nodeClassRef).toEqual({ group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: 'gitlab-ci' });
  });
});

test('instance families replace categories and generation', () => {
  const custom = render({
    name: 'test',
    region: 'eu-west-1',
    runners: [{ arch: 'arm64', token: TOKEN_FROM_EXISTING_SECRET, nodePool: { instanceFamilies: ['c7g', 'm7g'], capacityTypes: ['spot', 'on-demand'] } }],
  });
  const requirements = requirementsOf(custom.get('NodePool', 'gitlab-ci-jobs-arm64'));
  expect(requirements['karpenter.k8s.aws/instance-family In'].values).toEqual(['c7g', 'm7g']);
  expect(requirements['karpenter.k8s.aws/instance-category In']).toBeUndefined();
  expect(requirements['karpenter.sh/capacity-type In'].values).toEqual(['spot', 'on-demand']);
});

test('the managers get an on-demand pool of their architectures, tainted for managers only', () => {
  const pool = rendered.get('NodePool', 'gitlab-runner-managers');
  const requirements = requirementsOf(pool);
  expect(requirements['kubernetes.io/arch In'].values).toEqual(['amd64', 'arm64']);
  expect(requirements['karpenter.sh/capacity-type In'].values).toEqual(['on-demand']);
  expect(pool.spec.template.spec.taints).toEqual([{ key: 'gitlab-runner-fleet/runner-manager', value: 'true', effect: 'NoSchedule' }]);
  // Longer than the longest drain, so evictions go through the PodDisruptionBudget before Karpenter's deadline
  // deletes what is left.
  const longestDrain = Math.max(...rendered.cluster.runners.map((r) => r.drainSeconds));
  expect(parseDuration(pool.spec.template.spec.terminationGracePeriod)).toBe(longestDrain + MANAGER_NODE_MARGIN_SECONDS);
  expect(MANAGER_NODE_MARGIN_SECONDS).toBeGreaterThanOrEqual(600);
});

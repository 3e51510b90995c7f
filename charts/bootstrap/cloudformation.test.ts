import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { clusterFileRenderers, composeCluster } from '..';
import { fleet } from '../../definitions';
import type { ManifestObject } from '../../lib/synth/render';
import { renderFleet } from '../../lib/synth/synth';
import { KARPENTER_TEMPLATE_PATH, karpenterParametersPath, karpenterStackParameters } from './cloudformation';
import { parseCloudFormation, policyDocument as policyOf, type CloudFormationTemplate } from './karpenter-upstream';
import { awsNames, KARPENTER } from '../../lib/model/platform';

const repoRoot = join(__dirname, '..', '..');

const template = parseCloudFormation(readFileSync(join(repoRoot, KARPENTER_TEMPLATE_PATH), 'utf8')) as CloudFormationTemplate & {
  Parameters: Record<string, { Default?: string; AllowedPattern?: string }>;
};
const files = renderFleet(fleet, composeCluster, clusterFileRenderers);

function resources(type: string) {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}

describe('the Karpenter prerequisites template', () => {
  test('names every IAM role and the queue from parameters, never from a literal', () => {
    expect(template.Resources.KarpenterNodeRole!.Properties.RoleName).toEqual({ Ref: 'NodeRoleName' });
    expect(template.Resources.KarpenterControllerRole!.Properties.RoleName).toEqual({ Ref: 'ControllerRoleName' });
    expect(template.Resources.KarpenterInterruptionQueue!.Properties.QueueName).toEqual({ Ref: 'InterruptionQueueName' });
  });

  test('lets EKS Pod Identity assume the controller role only for the Karpenter service account of the cluster', () => {
    const [statement] = template.Resources.KarpenterControllerRole!.Properties.AssumeRolePolicyDocument.Statement;
    expect(statement.Principal).toEqual({ Service: 'pods.eks.amazonaws.com' });
    expect(statement.Action).toEqual(['sts:AssumeRole', 'sts:TagSession']);
    expect(statement.Condition.StringEquals).toEqual({
      'aws:SourceAccount': { Ref: 'AWS::AccountId' },
      'aws:RequestTag/eks-cluster-name': { Ref: 'ClusterName' },
      'aws:RequestTag/kubernetes-namespace': { Ref: 'ControllerNamespace' },
      'aws:RequestTag/kubernetes-service-account': { Ref: 'ControllerServiceAccount' },
    });
  });

  test("attaches Karpenter's six controller policies to the controller role, each valid JSON", () => {
    const policies = resources('AWS::IAM::ManagedPolicy');
    expect(policies.map(([id]) => id).sort()).toEqual(
      ['EKSIntegrationPolicy', 'IAMIntegrationPolicy', 'InterruptionPolicy', 'NodeLifecyclePolicy', 'ResourceDiscoveryPolicy', 'ZonalShiftPolicy'].sort(),
    );
    const attached = template.Resources.KarpenterControllerRole!.Properties.ManagedPolicyArns.map((r: { Ref: string }) => r.Ref);
    expect(attached.sort()).toEqual(policies.map(([id]) => id).sort());
    for (const [, policy] of policies) expect(policyOf(policy).Statement.length).toBeGreaterThan(0);
  });

  test('passes only the node role to EC2 and reads only its own interruption queue', () => {
    const pass = policyOf(template.Resources.IAMIntegrationPolicy!).Statement.find((s) => s.Action === 'iam:PassRole')!;
    expect(pass.Resource).toBe('${KarpenterNodeRole.Arn}');
    const queue = policyOf(template.Resources.InterruptionPolicy!).Statement[0]!;
    expect(queue.Resource).toBe('${KarpenterInterruptionQueue.Arn}');
  });

  test('sends spot and capacity-reservation interruptions, rebalance recommendations, health events and state changes to the queue', () => {
    const detailTypes = resources('AWS::Events::Rule').flatMap(([, rule]) => {
      expect(rule.Properties.Targets).toEqual([{ Id: 'KarpenterInterruptionQueueTarget', Arn: { 'Fn::GetAtt': ['KarpenterInterruptionQueue', 'Arn'] } }]);
      return rule.Properties.EventPattern['detail-type'];
    });
    expect(detailTypes.sort()).toEqual(
      [
        'AWS Health Event',
        'EC2 Capacity Reservation Instance Interruption Warning',
        'EC2 Instance Rebalance Recommendation',
        'EC2 Instance State-change Notification',
        'EC2 Spot Instance Interruption Warning',
      ].sort(),
    );
  });

  test('uses no parameter it does not declare', () => {
    const refs = new Set<string>();
    const walk = (node: unknown) => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) {
          if (k === 'Ref' && typeof v === 'string' && !v.startsWith('AWS::')) refs.add(v);
          if (k === 'Fn::Sub' && typeof v === 'string') for (const m of v.matchAll(/\$\{([A-Za-z0-9]+)\}/g)) refs.add(m[1]!);
          walk(v);
        }
      }
    };
    walk(template.Resources);
    const declared = new Set([...Object.keys(template.Parameters), ...Object.keys(template.Resources)]);
    expect([...refs].filter((r) => !declared.has(r))).toEqual([]);
  });
});

describe.each(fleet.map((c) => [c.name, c] as const))('the stack parameters of cluster %s', (name, cluster) => {
  const file = files.find((f) => f.path === karpenterParametersPath(name))!;
  const parameters = Object.fromEntries(
    (JSON.parse(file.content) as Array<{ ParameterKey: string; ParameterValue: string }>).map((p) => [p.ParameterKey, p.ParameterValue]),
  );
  const dist = files.flatMap((f) => (f.path.startsWith(`dist/${name}/`) && f.object ? [f.object as ManifestObject & Record<string, any>] : []));

  test('give every template parameter a value, and no other', () => {
    expect(Object.keys(parameters).sort()).toEqual(Object.keys(template.Parameters).sort());
    expect(parameters).toEqual(karpenterStackParameters(cluster));
  });

  test('match the template patterns', () => {
    for (const [key, spec] of Object.entries(template.Parameters)) {
      if (spec.AllowedPattern) expect(parameters[key]).toMatch(new RegExp(spec.AllowedPattern));
    }
  });

  test('name the queue the Karpenter release reads and the node role the EC2NodeClass uses', () => {
    const release = dist.find((o) => o.kind === 'HelmRelease' && o.metadata.name === KARPENTER.releaseName)!;
    expect(release.spec.values.settings).toMatchObject({ clusterName: parameters.ClusterName, interruptionQueue: parameters.InterruptionQueueName });
    const nodeClass = dist.find((o) => o.kind === 'EC2NodeClass')!;
    expect(nodeClass.spec.role).toBe(parameters.NodeRoleName);
  });

  test('name the controller role and service account the eksctl Pod Identity association uses', () => {
    const eksctl = files.find((f) => f.path === `bootstrap/clusters/${name}/eksctl.yaml`)!.content;
    expect(eksctl).toContain(`roleARN: arn:${awsNames(cluster).partition}:iam::\${AWS_ACCOUNT_ID}:role/${parameters.ControllerRoleName}`);
    expect([parameters.ControllerNamespace, parameters.ControllerServiceAccount]).toEqual([KARPENTER.namespace, KARPENTER.serviceAccount]);
    const release = dist.find((o) => o.kind === 'HelmRelease' && o.metadata.name === KARPENTER.releaseName)!;
    expect([release.metadata.namespace, release.spec.values.serviceAccount.name]).toEqual([
      parameters.ControllerNamespace,
      parameters.ControllerServiceAccount,
    ]);
  });
});

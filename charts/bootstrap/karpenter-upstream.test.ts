import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KARPENTER_TEMPLATE_PATH } from './cloudformation';
import { compareWithUpstream, DELIBERATE_DIFFERENCES, parseCloudFormation, unexplainedDifferences, type CloudFormationTemplate } from './karpenter-upstream';

const ours = parseCloudFormation(readFileSync(join(__dirname, '..', '..', KARPENTER_TEMPLATE_PATH), 'utf8'));

/** A copy of our template, edited the way an upstream release might differ from it. */
function upstreamLike(edit: (t: CloudFormationTemplate & { Resources: Record<string, any> }) => void): CloudFormationTemplate {
  const copy = structuredClone(ours) as CloudFormationTemplate & { Resources: Record<string, any> };
  edit(copy);
  return copy;
}

/** Edits the JSON policy document of a managed policy in place. */
function editPolicy(t: { Resources: Record<string, any> }, id: string, edit: (statements: Array<Record<string, any>>) => void) {
  const doc = JSON.parse(t.Resources[id].Properties.PolicyDocument['Fn::Sub']);
  edit(doc.Statement);
  t.Resources[id].Properties.PolicyDocument['Fn::Sub'] = JSON.stringify(doc);
}

test('the same template has no difference, whatever the order of keys and lists', () => {
  expect(compareWithUpstream(ours, ours)).toEqual([]);
  const reordered = upstreamLike((t) =>
    editPolicy(t, 'ResourceDiscoveryPolicy', (s) => {
      s.reverse();
      s.forEach((statement) => Array.isArray(statement.Action) && statement.Action.reverse());
    }),
  );
  expect(compareWithUpstream(ours, reordered)).toEqual([]);
});

test('an action, a resource, a condition, a statement or a policy upstream added shows as missing here', () => {
  const upstream = upstreamLike((t) => {
    editPolicy(t, 'ResourceDiscoveryPolicy', (s) => s[0]!.Action.push('ec2:DescribeNewThing'));
    editPolicy(t, 'NodeLifecyclePolicy', (s) => {
      s[0]!.Resource.push('arn:${AWS::Partition}:ec2:${AWS::Region}:*:new-thing/*');
      s[1]!.Condition.StringEquals['aws:ResourceTag/extra'] = 'x';
    });
    t.Resources.NewPolicy = {
      Type: 'AWS::IAM::ManagedPolicy',
      Properties: { PolicyDocument: { 'Fn::Sub': JSON.stringify({ Statement: [{ Sid: 'AllowNew', Effect: 'Allow', Action: 'x:Y', Resource: '*' }] }) } },
    };
  });
  expect(compareWithUpstream(ours, upstream)).toEqual([
    'statement NodeLifecyclePolicy/AllowScopedEC2InstanceAccessActions lacks resources arn:${AWS::Partition}:ec2:${AWS::Region}:*:new-thing/*',
    expect.stringMatching(/^statement NodeLifecyclePolicy\/AllowScopedEC2LaunchTemplateAccessActions: condition .*, upstream .*aws:ResourceTag\/extra/),
    'statement ResourceDiscoveryPolicy/AllowRegionalReadActions lacks actions ec2:DescribeNewThing',
    'statement NewPolicy/AllowNew is missing (upstream: Allow x:Y)',
  ]);
});

test('what upstream dropped shows as extra here; an interruption rule either side shows', () => {
  const upstream = upstreamLike((t) => {
    editPolicy(t, 'ResourceDiscoveryPolicy', (s) => (s[0]!.Action = s[0]!.Action.filter((a: string) => a !== 'ec2:DescribeInstanceStatus')));
    delete t.Resources.CapacityReservationInterruptionRule;
    t.Resources.NewRule = { Type: 'AWS::Events::Rule', Properties: { EventPattern: { source: ['aws.ec2'], 'detail-type': ['New Warning'] } } };
  });
  expect(compareWithUpstream(ours, upstream)).toEqual([
    'statement ResourceDiscoveryPolicy/AllowRegionalReadActions has actions upstream does not: ec2:DescribeInstanceStatus',
    'the interruption queue lacks aws.ec2: New Warning',
    "the interruption queue has aws.ec2: EC2 Capacity Reservation Instance Interruption Warning, upstream's does not",
  ]);
});

test('a deliberate difference is reported with its reason but does not fail the check; any other does', () => {
  const upstream = upstreamLike((t) => {
    t.Resources.KarpenterNodeRole.Properties.AssumeRolePolicyDocument.Statement.push({
      Effect: 'Allow',
      Principal: { Service: 'pods.eks.amazonaws.com' },
      Action: ['sts:AssumeRole', 'sts:TagSession'],
    });
  });
  const differences = compareWithUpstream(ours, upstream);
  expect(differences).toEqual([`the node role's trust lacks "pods.eks.amazonaws.com"`]);
  expect(DELIBERATE_DIFFERENCES[differences[0]!]).toMatch(/role of its own/);
  expect(unexplainedDifferences(differences)).toEqual([]);
  expect(unexplainedDifferences([...differences, 'the node role lacks x'])).toEqual(['the node role lacks x']);
});

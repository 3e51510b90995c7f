import type { Construct } from 'constructs';
import {
  Ec2NodeClass,
  Ec2NodeClassSpecBlockDeviceMappingsEbsVolumeType,
  Ec2NodeClassSpecMetadataOptionsHttpEndpoint,
  Ec2NodeClassSpecMetadataOptionsHttpProtocolIPv6,
  Ec2NodeClassSpecMetadataOptionsHttpTokens,
} from '../imports/karpenter.k8s.aws';
import {
  NodePool,
  NodePoolSpecDisruptionConsolidationPolicy,
  NodePoolSpecLimits,
  NodePoolSpecTemplateSpecRequirementsOperator as Op,
  NodePoolSpecTemplateSpecTaintsEffect,
  type NodePoolSpecTemplateSpecRequirements,
} from '../imports/karpenter.sh';
import { FleetChart } from '../lib/synth/render';
import { FLEET_KEYS, type ResolvedCluster, type ResolvedRunner } from '../lib/model/resolve';
import { fleetLabels } from './labels';

export interface NodePoolsChartProps {
  /** The cluster whose pools these are. */
  readonly cluster: ResolvedCluster;
}

/** Instance sizes for runner managers: small, on-demand, never interrupted by spot reclaims. */
const MANAGER_INSTANCE_CPU_MAX = 4;

function requirement(key: string, operator: Op, values: readonly (string | number)[]): NodePoolSpecTemplateSpecRequirements {
  return { key, operator, values: values.map(String) };
}

/** Instance shape requirements: categories and a minimum generation, or exact families; a vCPU range. */
function instanceRequirements(runner: ResolvedRunner): NodePoolSpecTemplateSpecRequirements[] {
  const pool = runner.jobPool;
  const shape = pool.instanceFamilies.length
    ? [requirement('karpenter.k8s.aws/instance-family', Op.IN, pool.instanceFamilies)]
    : [
        requirement('karpenter.k8s.aws/instance-category', Op.IN, pool.instanceCategories),
        requirement('karpenter.k8s.aws/instance-generation', Op.GT, [pool.minInstanceGeneration - 1]),
      ];
  return [
    ...shape,
    requirement('karpenter.k8s.aws/instance-cpu', Op.GT, [pool.minInstanceCpu - 1]),
    requirement('karpenter.k8s.aws/instance-cpu', Op.LT, [pool.maxInstanceCpu + 1]),
  ];
}

/**
 * Karpenter capacity for the fleet: one EC2NodeClass (pinned AMI, IMDSv2 with hop limit 1 so job pods cannot
 * reach the node's IAM role, encrypted gp3 root volume), one spot-first NodePool per runner for its CI jobs
 * (tainted so that only those jobs land there), and one on-demand NodePool for the runner managers.
 */
export class NodePoolsChart extends FleetChart {
  constructor(scope: Construct, id: string, props: NodePoolsChartProps) {
    super(scope, id, { layer: 'configs' });
    const { cluster } = props;
    const nodeClass = cluster.nodeClass;
    const discovery = { [nodeClass.discoveryTag.key]: nodeClass.discoveryTag.value };

    new Ec2NodeClass(this, 'node-class', {
      metadata: { name: nodeClass.name, labels: fleetLabels(nodeClass.name, 'node-class') },
      spec: {
        amiSelectorTerms: [{ alias: nodeClass.amiAlias }],
        role: nodeClass.nodeRole,
        // Private subnets only (eksctl tags them for internal load balancers): no public IPs on CI nodes.
        subnetSelectorTerms: [{ tags: { ...discovery, 'kubernetes.io/role/internal-elb': '1' } }],
        securityGroupSelectorTerms: [{ tags: discovery }],
        metadataOptions: {
          httpEndpoint: Ec2NodeClassSpecMetadataOptionsHttpEndpoint.ENABLED,
          httpProtocolIPv6: Ec2NodeClassSpecMetadataOptionsHttpProtocolIPv6.DISABLED,
          httpPutResponseHopLimit: 1,
          httpTokens: Ec2NodeClassSpecMetadataOptionsHttpTokens.REQUIRED,
        },
        blockDeviceMappings: [
          {
            deviceName: '/dev/xvda',
            ebs: {
              volumeSize: nodeClass.rootVolumeSize,
              volumeType: Ec2NodeClassSpecBlockDeviceMappingsEbsVolumeType.GP3,
              iops: 3000,
              throughput: 250,
              encrypted: true,
              deleteOnTermination: true,
            },
          },
        ],
        tags: { 'gitlab-runner-fleet/cluster': cluster.name },
      },
    });
    const nodeClassRef = { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: nodeClass.name };

    for (const runner of cluster.runners) {
      const pool = runner.jobPool;
      new NodePool(this, `jobs-${runner.name}`, {
        metadata: { name: pool.name, labels: fleetLabels(pool.name, 'ci-job-pool') },
        spec: {
          template: {
            metadata: { labels: { [FLEET_KEYS.pool]: pool.name, [FLEET_KEYS.arch]: runner.arch } },
            spec: {
              nodeClassRef,
              requirements: [
                requirement('kubernetes.io/arch', Op.IN, [runner.arch]),
                requirement('kubernetes.io/os', Op.IN, ['linux']),
                requirement('karpenter.sh/capacity-type', Op.IN, pool.capacityTypes),
                ...instanceRequirements(runner),
              ],
              taints: [{ key: FLEET_KEYS.jobTaint, value: 'true', effect: NodePoolSpecTemplateSpecTaintsEffect.NO_SCHEDULE }],
              expireAfter: pool.expireAfter,
              terminationGracePeriod: pool.terminationGracePeriod,
            },
          },
          disruption: {
            consolidationPolicy:
              pool.consolidationPolicy === 'WhenEmpty'
                ? NodePoolSpecDisruptionConsolidationPolicy.WHEN_EMPTY
                : NodePoolSpecDisruptionConsolidationPolicy.WHEN_EMPTY_OR_UNDERUTILIZED,
            consolidateAfter: pool.consolidateAfter,
            budgets: [{ nodes: pool.disruptionBudget }],
          },
          limits: {
            cpu: NodePoolSpecLimits.fromString(pool.cpuLimit),
            memory: NodePoolSpecLimits.fromString(pool.memoryLimit),
          },
        },
      });
    }

    const managers = cluster.managerPool;
    new NodePool(this, 'managers', {
      metadata: { name: managers.name, labels: fleetLabels(managers.name, 'runner-manager-pool') },
      spec: {
        template: {
          metadata: { labels: { [FLEET_KEYS.pool]: managers.name } },
          spec: {
            nodeClassRef,
            requirements: [
              requirement('kubernetes.io/arch', Op.IN, managers.architectures),
              requirement('kubernetes.io/os', Op.IN, ['linux']),
              requirement('karpenter.sh/capacity-type', Op.IN, ['on-demand']),
              requirement('karpenter.k8s.aws/instance-category', Op.IN, ['c', 'm']),
              requirement('karpenter.k8s.aws/instance-generation', Op.GT, [5]),
              requirement('karpenter.k8s.aws/instance-cpu', Op.LT, [MANAGER_INSTANCE_CPU_MAX + 1]),
            ],
            taints: [
              { key: FLEET_KEYS.managerTaint, value: 'true', effect: NodePoolSpecTemplateSpecTaintsEffect.NO_SCHEDULE },
            ],
            // Managers drain for as long as their longest job: expiry must wait for that.
            expireAfter: '720h',
            terminationGracePeriod: managers.terminationGracePeriod,
          },
        },
        disruption: {
          consolidationPolicy: NodePoolSpecDisruptionConsolidationPolicy.WHEN_EMPTY,
          consolidateAfter: '10m',
          budgets: [{ nodes: '1' }],
        },
        limits: { cpu: NodePoolSpecLimits.fromNumber(managers.architectures.length * 16) },
      },
    });
  }
}

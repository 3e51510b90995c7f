/**
 * What the cluster bootstrap (eksctl config, CloudFormation template) and the infrastructure charts (Karpenter and
 * External Secrets installed by Flux) must agree on: namespaces, service accounts, node group labels and taints,
 * and the names of AWS resources derived from the cluster name. One place, so they cannot drift apart.
 */
import type { ResolvedCluster } from './resolved';

/**
 * Karpenter runs in kube-system, as its getting-started guide recommends since v1: the API server's default
 * priority-and-fairness FlowSchemas give kube-system service accounts the `workload-high` level, so node
 * provisioning is not throttled behind ordinary workloads. No Namespace object is rendered for it (Flux must never
 * own, or prune, kube-system).
 */
export const KARPENTER = {
  namespace: 'kube-system',
  /** Service account of the controller; the Pod Identity association and the chart value name it. */
  serviceAccount: 'karpenter',
  releaseName: 'karpenter',
  crdReleaseName: 'karpenter-crd',
  /** Public OCI registry of the charts. */
  chartRepository: 'oci://public.ecr.aws/karpenter',
} as const;

/** External Secrets Operator in its own namespace. */
export const EXTERNAL_SECRETS = {
  namespace: 'external-secrets',
  serviceAccount: 'external-secrets',
  releaseName: 'external-secrets',
  chartRepository: 'oci://ghcr.io/external-secrets/charts',
} as const;

/**
 * The small on-demand Graviton managed node group eksctl creates for the cluster's own controllers (Karpenter,
 * Flux, External Secrets, CoreDNS). It is tainted so that nothing else lands there: runner managers must run on
 * Karpenter's on-demand manager pool, whose nodes drain for the length of a job, not on nodes an EKS node group
 * upgrade replaces within minutes. Karpenter and CoreDNS tolerate `CriticalAddonsOnly` out of the box; Flux gets
 * the toleration from `flux bootstrap --toleration-keys=CriticalAddonsOnly`; External Secrets from its values.
 */
export const SYSTEM_NODE_GROUP = {
  name: 'system',
  label: { key: 'gitlab-runner-fleet/node-group', value: 'system' },
  taint: { key: 'CriticalAddonsOnly', value: 'true', effect: 'NoSchedule' },
  /** Two nodes: Karpenter's two replicas keep a required anti-affinity per host. */
  instanceTypes: ['m7g.large', 'm8g.large'],
  minSize: 2,
  desiredCapacity: 2,
  maxSize: 3,
  volumeSize: 50,
} as const;

/** The AWS partition of a region ("aws", "aws-cn", "aws-us-gov"); ARNs start with it. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/**
 * The account ID is not part of a cluster definition (a repository may serve several accounts, and the account is
 * known where eksctl runs): the eksctl config carries this placeholder and the runbook substitutes it with
 * `envsubst '$AWS_ACCOUNT_ID'`. It is the only placeholder in the generated configs.
 */
export const ACCOUNT_ID_PLACEHOLDER = '${AWS_ACCOUNT_ID}';

/** Names of the AWS resources of one cluster, derived once from its name. */
export interface AwsNames {
  readonly partition: string;
  /** CloudFormation stack of bootstrap/karpenter-prerequisites.cfn.yaml. */
  readonly karpenterStack: string;
  /** SQS queue Karpenter reads spot interruptions, rebalance recommendations and health events from. */
  readonly interruptionQueue: string;
  /** IAM role of the Karpenter controller (Pod Identity), created by the CloudFormation stack. */
  readonly karpenterControllerRole: string;
  /** IAM role of the nodes Karpenter launches, created by the CloudFormation stack. */
  readonly karpenterNodeRole: string;
  /** IAM role of External Secrets (Pod Identity), created by eksctl with an inline policy. */
  readonly externalSecretsRole: string;
  /** IAM role of one runner manager (Pod Identity, S3 cache), created by eksctl with an inline policy. */
  readonly runnerCacheRole: (runnerName: string) => string;
}

export function awsNames(cluster: Pick<ResolvedCluster, 'name' | 'region' | 'nodeClass'>): AwsNames {
  const name = cluster.name;
  return {
    partition: partitionOf(cluster.region),
    karpenterStack: `Karpenter-${name}`,
    interruptionQueue: `${name}-karpenter-interruption`,
    karpenterControllerRole: `KarpenterControllerRole-${name}`,
    karpenterNodeRole: cluster.nodeClass.nodeRole,
    externalSecretsRole: `${name}-external-secrets`,
    runnerCacheRole: (runnerName) => `${name}-gitlab-runner-${runnerName}`,
  };
}

/** IAM role names are at most 64 characters, SQS queue names at most 80. */
export const AWS_NAME_LIMITS = { role: 64, queue: 80 } as const;

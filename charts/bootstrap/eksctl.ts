/**
 * The eksctl ClusterConfig (eksctl.io/v1alpha5) of a cluster, generated from its definition into
 * bootstrap/clusters/<name>/eksctl.yaml: the control plane, a small on-demand Graviton node group for the cluster's
 * own controllers, the EKS add-ons, Pod Identity associations and the access entry for Karpenter's nodes.
 *
 * eksctl's `karpenter:` block is not used: it installs the Karpenter chart with Helm from the eksctl process, so the
 * release would belong to no one Flux knows; here Flux owns the release (charts/infrastructure/karpenter.ts) and
 * eksctl only creates what must exist before Flux can run.
 */
import { UserInputError } from '../../lib/model/errors';
import { toYaml, type RenderedFile } from '../../lib/synth/render';
import type { ResolvedCluster } from '../../lib/model/resolve';
import {
  ACCOUNT_ID_PLACEHOLDER,
  AWS_NAME_LIMITS,
  awsNames,
  EXTERNAL_SECRETS,
  KARPENTER,
  SYSTEM_NODE_GROUP,
} from '../../lib/model/platform';

/** A rendered file that cannot be produced because a derived AWS name breaks an AWS limit. */
export class BootstrapError extends UserInputError {
  constructor(cluster: string, problems: readonly string[]) {
    super(`cluster "${cluster}" cannot be bootstrapped:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'BootstrapError';
  }
}

export interface PodIdentityAssociation {
  readonly namespace: string;
  readonly serviceAccountName: string;
  readonly roleARN?: string;
  readonly roleName?: string;
  readonly permissionPolicy?: PolicyDocument;
}

export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: ReadonlyArray<{
    readonly Sid: string;
    readonly Effect: 'Allow';
    readonly Action: readonly string[];
    readonly Resource: readonly string[];
  }>;
}

/** The ARN pattern of a Secrets Manager secret named in a definition (Secrets Manager appends "-" and 6 characters). */
export function secretArnPattern(cluster: ResolvedCluster, secretId: string): string {
  if (secretId.startsWith('arn:')) return secretId;
  const { partition } = awsNames(cluster);
  return `arn:${partition}:secretsmanager:${cluster.region}:${ACCOUNT_ID_PLACEHOLDER}:secret:${secretId}-??????`;
}

/** External Secrets may read the runner tokens of this cluster, nothing else. */
export function externalSecretsPolicy(cluster: ResolvedCluster): PolicyDocument | undefined {
  const secrets = [
    ...new Set(
      cluster.runners.flatMap((runner) => (runner.token.source === 'aws-secrets-manager' ? [runner.token.secretId] : [])),
    ),
  ].sort();
  if (!secrets.length) return undefined;
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'ReadRunnerAuthenticationTokens',
        Effect: 'Allow',
        Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
        Resource: secrets.map((id) => secretArnPattern(cluster, id)),
      },
    ],
  };
}

/**
 * A runner manager signs the S3 URLs its jobs upload and download the cache with: read, write and delete objects
 * of the cluster's cache bucket, and list it (so a missing key is a 404, not an access error). No other bucket.
 */
export function runnerCachePolicy(cluster: ResolvedCluster): PolicyDocument | undefined {
  if (!cluster.cache) return undefined;
  const { partition } = awsNames(cluster);
  const bucket = `arn:${partition}:s3:::${cluster.cache.bucket}`;
  return {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'ListCacheBucket', Effect: 'Allow', Action: ['s3:ListBucket'], Resource: [bucket] },
      {
        Sid: 'ReadWriteCacheObjects',
        Effect: 'Allow',
        Action: ['s3:DeleteObject', 's3:GetObject', 's3:GetObjectVersion', 's3:PutObject'],
        Resource: [`${bucket}/*`],
      },
    ],
  };
}

/** Every Pod Identity association of the cluster: Karpenter always; External Secrets and the managers when used. */
export function podIdentityAssociations(cluster: ResolvedCluster): PodIdentityAssociation[] {
  const names = awsNames(cluster);
  const associations: PodIdentityAssociation[] = [
    {
      namespace: KARPENTER.namespace,
      serviceAccountName: KARPENTER.serviceAccount,
      // Created with its policies by the Karpenter prerequisites stack (bootstrap/karpenter-prerequisites.cfn.yaml).
      roleARN: `arn:${names.partition}:iam::${ACCOUNT_ID_PLACEHOLDER}:role/${names.karpenterControllerRole}`,
    },
  ];
  const eso = externalSecretsPolicy(cluster);
  if (eso) {
    associations.push({
      namespace: EXTERNAL_SECRETS.namespace,
      serviceAccountName: EXTERNAL_SECRETS.serviceAccount,
      roleName: names.externalSecretsRole,
      permissionPolicy: eso,
    });
  }
  if (cluster.cache) {
    for (const runner of cluster.runners) {
      associations.push({
        namespace: cluster.namespaces.managers,
        serviceAccountName: runner.names.manager,
        roleName: names.runnerCacheRole(runner.name),
        // A fresh object per association, so the YAML spells each policy out (no anchors).
        permissionPolicy: runnerCachePolicy(cluster)!,
      });
    }
  }
  return associations;
}

function checkNames(cluster: ResolvedCluster): void {
  const names = awsNames(cluster);
  const problems: string[] = [];
  const roles = [
    ['the Karpenter controller role', names.karpenterControllerRole],
    ['the Karpenter node role (nodeClass.nodeRole)', names.karpenterNodeRole],
    ['the External Secrets role', names.externalSecretsRole],
    ...cluster.runners.map((r) => [`the cache role of runner "${r.name}"`, names.runnerCacheRole(r.name)]),
  ] as const;
  for (const [what, role] of roles) {
    if (role.length > AWS_NAME_LIMITS.role) {
      problems.push(`${what} "${role}" is ${role.length} characters; IAM allows ${AWS_NAME_LIMITS.role}: shorten the cluster or runner name`);
    }
  }
  if (names.interruptionQueue.length > AWS_NAME_LIMITS.queue) {
    problems.push(`the interruption queue "${names.interruptionQueue}" is longer than SQS allows (${AWS_NAME_LIMITS.queue})`);
  }
  if (problems.length) throw new BootstrapError(cluster.name, problems);
}

/** The ClusterConfig of one cluster, as an object. */
export function clusterConfig(cluster: ResolvedCluster): Record<string, unknown> {
  checkNames(cluster);
  const names = awsNames(cluster);
  const discovery = cluster.nodeClass.discoveryTag;
  return {
    apiVersion: 'eksctl.io/v1alpha5',
    kind: 'ClusterConfig',
    metadata: {
      name: cluster.name,
      region: cluster.region,
      version: cluster.kubernetesVersion,
      // Tags every resource eksctl creates; subnets and security groups carry Karpenter's discovery tag this way.
      tags: { [discovery.key]: discovery.value, 'gitlab-runner-fleet/cluster': cluster.name },
    },
    // Pod Identity only: no IAM OIDC provider, no IRSA.
    iam: { withOIDC: false, podIdentityAssociations: podIdentityAssociations(cluster) },
    accessConfig: {
      authenticationMode: 'API',
      accessEntries: [
        {
          principalARN: `arn:${names.partition}:iam::${ACCOUNT_ID_PLACEHOLDER}:role/${names.karpenterNodeRole}`,
          type: 'EC2_LINUX',
        },
      ],
    },
    // vpc-cni gets its own Pod Identity role from eksctl instead of using the node role, and enforces the fleet's
    // NetworkPolicies (charts/network-policies.ts) with its network policy agent.
    addonsConfig: { autoApplyPodIdentityAssociations: true },
    addons: [
      { name: 'eks-pod-identity-agent' },
      { name: 'vpc-cni', useDefaultPodIdentityAssociations: true, configurationValues: JSON.stringify({ enableNetworkPolicy: 'true' }) },
      { name: 'coredns' },
      { name: 'kube-proxy' },
    ],
    managedNodeGroups: [
      {
        name: SYSTEM_NODE_GROUP.name,
        amiFamily: 'AmazonLinux2023',
        instanceTypes: [...SYSTEM_NODE_GROUP.instanceTypes],
        minSize: SYSTEM_NODE_GROUP.minSize,
        desiredCapacity: SYSTEM_NODE_GROUP.desiredCapacity,
        maxSize: SYSTEM_NODE_GROUP.maxSize,
        privateNetworking: true,
        volumeSize: SYSTEM_NODE_GROUP.volumeSize,
        volumeType: 'gp3',
        volumeEncrypted: true,
        disableIMDSv1: true,
        labels: { [SYSTEM_NODE_GROUP.label.key]: SYSTEM_NODE_GROUP.label.value },
        taints: [{ ...SYSTEM_NODE_GROUP.taint }],
        updateConfig: { maxUnavailable: 1 },
      },
    ],
    cloudWatch: { clusterLogging: { enableTypes: ['api', 'audit', 'authenticator'] } },
  };
}

/** ClusterFileRenderer: bootstrap/clusters/<name>/eksctl.yaml. */
export function renderEksctlConfig(cluster: ResolvedCluster): RenderedFile[] {
  const header = [
    `# Generated from definitions/${cluster.name}.ts by \`npm run synth\`; do not edit.`,
    '# Create the cluster (after the Karpenter prerequisites stack, see "Bootstrap runbook" in README.md):',
    `#   AWS_ACCOUNT_ID=$(aws sts get-caller-identity --query Account --output text) envsubst '$AWS_ACCOUNT_ID' \\`,
    `#     < bootstrap/clusters/${cluster.name}/eksctl.yaml | eksctl create cluster -f -`,
    '',
  ].join('\n');
  return [{ path: `bootstrap/clusters/${cluster.name}/eksctl.yaml`, content: header + toYaml(clusterConfig(cluster)) }];
}

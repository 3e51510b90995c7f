import type { Construct } from 'constructs';
import {
  HelmRelease,
  HelmReleaseSpecChartRefKind,
  HelmReleaseSpecDriftDetectionMode,
  HelmReleaseSpecInstallCrds,
  HelmReleaseSpecUpgradeCrds,
  HelmReleaseSpecUpgradeRemediationStrategy,
} from '../../imports/helm.toolkit.fluxcd.io';
import {
  OciRepository,
  OciRepositorySpecLayerSelectorOperation,
  OciRepositorySpecVerifyProvider,
} from '../../imports/source.toolkit.fluxcd.io';
import { awsNames, KARPENTER, SYSTEM_NODE_GROUP } from '../../lib/model/platform';
import { karpenterVersion } from '../../lib/model/versions';
import { FleetChart } from '../../lib/synth/render';
import type { ResolvedCluster } from '../../lib/model/resolve';
import { fleetLabels } from '../labels';
import { HELM_CHART_LAYER, githubActionsIdentity, systemNodeScheduling } from './common';

export interface KarpenterChartProps {
  /** The cluster Karpenter provisions nodes for: its name, interruption queue and Pod Identity service account. */
  readonly cluster: ResolvedCluster;
  /**
   * Karpenter version: the karpenter and karpenter-crd charts are released with the same version.
   * @default - the version pinned in lib/versions.json
   */
  readonly version?: string;
}

/**
 * Karpenter's releases are signed keylessly by the upstream release workflow (hack/release/common.sh runs
 * `cosign sign` for the controller image and both charts); the certificate names the workflow and the tag.
 */
export function karpenterSigningIdentity(version: string) {
  return githubActionsIdentity('aws/karpenter-provider-aws', '.github/workflows/release.yaml', `refs/tags/v${version}`);
}

/**
 * Karpenter installed by Flux from its public OCI registry, both charts verified with cosign before Helm sees
 * them: the `karpenter-crd` chart owns the CRDs (they upgrade with it; Helm never upgrades a chart's crds/ folder),
 * then the controller chart, which waits for the CRD release and skips its own copy of the CRDs. The controller
 * runs on the system node group, reads spot interruptions from the cluster's SQS queue and gets AWS credentials from
 * its EKS Pod Identity association (bootstrap/clusters/<name>/eksctl.yaml).
 */
export class KarpenterChart extends FleetChart {
  constructor(scope: Construct, id: string, props: KarpenterChartProps) {
    super(scope, id, { layer: 'infrastructure' });
    const { cluster } = props;
    const version = karpenterVersion(props.version);
    const names = awsNames(cluster);
    const namespace = KARPENTER.namespace;
    const identity = karpenterSigningIdentity(version);

    const chartSource = (name: string) =>
      new OciRepository(this, `${name}-source`, {
        metadata: { name, namespace, labels: fleetLabels(name, 'karpenter') },
        spec: {
          url: `${KARPENTER.chartRepository}/${name}`,
          ref: { tag: version },
          // A pinned tag is re-checked rarely; a moved tag would fail the signature check anyway.
          interval: '12h',
          layerSelector: { mediaType: HELM_CHART_LAYER, operation: OciRepositorySpecLayerSelectorOperation.COPY },
          verify: { provider: OciRepositorySpecVerifyProvider.COSIGN, matchOidcIdentity: [identity] },
        },
      });
    chartSource(KARPENTER.crdReleaseName);
    chartSource(KARPENTER.releaseName);

    const common = {
      interval: '1h',
      timeout: '10m',
      driftDetection: { mode: HelmReleaseSpecDriftDetectionMode.ENABLED },
    };

    new HelmRelease(this, 'crd-release', {
      metadata: { name: KARPENTER.crdReleaseName, namespace, labels: fleetLabels(KARPENTER.crdReleaseName, 'karpenter') },
      spec: {
        ...common,
        releaseName: KARPENTER.crdReleaseName,
        chartRef: { kind: HelmReleaseSpecChartRefKind.OCI_REPOSITORY, name: KARPENTER.crdReleaseName },
        install: { remediation: { retries: 3 } },
        // Never uninstall on a failed upgrade: uninstalling the CRD chart would delete every NodePool and NodeClaim.
        upgrade: { remediation: { retries: 3, strategy: HelmReleaseSpecUpgradeRemediationStrategy.ROLLBACK } },
        // The CRDs stay when the release is removed (Helm honours the keep policy), so NodePools survive a mistake.
        values: { additionalAnnotations: { 'helm.sh/resource-policy': 'keep' } },
      },
    });

    const scheduling = systemNodeScheduling();
    new HelmRelease(this, 'controller-release', {
      metadata: { name: KARPENTER.releaseName, namespace, labels: fleetLabels(KARPENTER.releaseName, 'karpenter') },
      spec: {
        ...common,
        releaseName: KARPENTER.releaseName,
        chartRef: { kind: HelmReleaseSpecChartRefKind.OCI_REPOSITORY, name: KARPENTER.releaseName },
        dependsOn: [{ name: KARPENTER.crdReleaseName }],
        // The karpenter-crd release owns the CRDs; the copy in this chart's crds/ folder is never applied.
        install: { crds: HelmReleaseSpecInstallCrds.SKIP, remediation: { retries: 3 } },
        upgrade: {
          crds: HelmReleaseSpecUpgradeCrds.SKIP,
          cleanupOnFail: true,
          remediation: { retries: 3, remediateLastFailure: true, strategy: HelmReleaseSpecUpgradeRemediationStrategy.ROLLBACK },
        },
        values: {
          settings: {
            clusterName: cluster.name,
            interruptionQueue: names.interruptionQueue,
          },
          serviceAccount: { create: true, name: KARPENTER.serviceAccount },
          replicas: 2,
          nodeSelector: { 'kubernetes.io/os': 'linux', ...scheduling.nodeSelector },
          tolerations: scheduling.tolerations,
          // The chart's default affinity, kept explicit: never on a node Karpenter itself manages, one replica per host.
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [
                  {
                    matchExpressions: [
                      { key: 'karpenter.sh/nodepool', operator: 'DoesNotExist' },
                      { key: SYSTEM_NODE_GROUP.label.key, operator: 'In', values: [SYSTEM_NODE_GROUP.label.value] },
                    ],
                  },
                ],
              },
            },
            podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname' }] },
          },
          controller: {
            resources: {
              requests: { cpu: '500m', memory: '1Gi' },
              limits: { memory: '1Gi' },
            },
          },
          logLevel: 'info',
        },
      },
    });
  }
}

import { k8s } from 'cdk8s-plus-33';
import type { Construct } from 'constructs';
import {
  HelmRelease,
  HelmReleaseSpecChartRefKind,
  HelmReleaseSpecDriftDetectionMode,
  HelmReleaseSpecUpgradeRemediationStrategy,
} from '../../imports/helm.toolkit.fluxcd.io';
import {
  OciRepository,
  OciRepositorySpecLayerSelectorOperation,
  OciRepositorySpecVerifyProvider,
} from '../../imports/source.toolkit.fluxcd.io';
import { EXTERNAL_SECRETS } from '../../lib/model/platform';
import { externalSecretsChartVersion } from '../../lib/model/versions';
import { FleetChart } from '../../lib/synth/render';
import type { ResolvedCluster } from '../../lib/model/resolve';
import { fleetLabels } from '../labels';
import { HELM_CHART_LAYER, githubActionsIdentity, systemNodeScheduling } from './common';

export interface ExternalSecretsChartProps {
  /** The cluster it runs in. */
  readonly cluster: ResolvedCluster;
  /**
   * External Secrets Operator chart version.
   * @default - the version pinned in lib/versions.json
   */
  readonly version?: string;
}

/**
 * The External Secrets charts in GHCR are pushed and signed keylessly by the `release` job of the upstream
 * `helm.yml` workflow, which runs only on the main branch.
 */
export const EXTERNAL_SECRETS_SIGNING_IDENTITY = githubActionsIdentity(
  'external-secrets/external-secrets',
  '.github/workflows/helm.yml',
  'refs/heads/main',
);

const NAME = EXTERNAL_SECRETS.releaseName;

/**
 * External Secrets Operator installed by Flux from its signed OCI chart, in its own namespace (Pod Security
 * "restricted": the chart's pods run non-root, read-only, without capabilities), on the system node group, with
 * its CRDs installed and upgraded by the chart and kept if the release is ever removed. It reaches AWS Secrets
 * Manager as its service account's EKS Pod Identity role, which may read the cluster's runner tokens only.
 */
export class ExternalSecretsChart extends FleetChart {
  constructor(scope: Construct, id: string, props: ExternalSecretsChartProps) {
    super(scope, id, { layer: 'infrastructure' });
    const version = externalSecretsChartVersion(props.version);
    const namespace = EXTERNAL_SECRETS.namespace;
    const labels = fleetLabels(NAME, 'external-secrets');

    new k8s.KubeNamespace(this, 'namespace', {
      metadata: {
        name: namespace,
        labels: {
          ...labels,
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/enforce-version': 'latest',
          'pod-security.kubernetes.io/warn': 'restricted',
          'pod-security.kubernetes.io/warn-version': 'latest',
          'pod-security.kubernetes.io/audit': 'restricted',
          'pod-security.kubernetes.io/audit-version': 'latest',
        },
      },
    });

    new OciRepository(this, 'source', {
      metadata: { name: NAME, namespace, labels },
      spec: {
        url: `${EXTERNAL_SECRETS.chartRepository}/${NAME}`,
        ref: { tag: version },
        interval: '12h',
        layerSelector: { mediaType: HELM_CHART_LAYER, operation: OciRepositorySpecLayerSelectorOperation.COPY },
        verify: { provider: OciRepositorySpecVerifyProvider.COSIGN, matchOidcIdentity: [EXTERNAL_SECRETS_SIGNING_IDENTITY] },
      },
    });

    const scheduling = systemNodeScheduling();
    new HelmRelease(this, 'release', {
      metadata: { name: NAME, namespace, labels },
      spec: {
        interval: '1h',
        timeout: '10m',
        releaseName: NAME,
        chartRef: { kind: HelmReleaseSpecChartRefKind.OCI_REPOSITORY, name: NAME },
        driftDetection: { mode: HelmReleaseSpecDriftDetectionMode.ENABLED },
        install: { remediation: { retries: 3 } },
        upgrade: {
          cleanupOnFail: true,
          remediation: { retries: 3, remediateLastFailure: true, strategy: HelmReleaseSpecUpgradeRemediationStrategy.ROLLBACK },
        },
        values: {
          // The CRDs are templates of this chart (not its crds/ folder): they install and upgrade with the release.
          installCRDs: true,
          // Removing the release must not delete the CRDs, and with them every ExternalSecret and its Secret.
          crds: { annotations: { 'helm.sh/resource-policy': 'keep' } },
          serviceAccount: { create: true, name: EXTERNAL_SECRETS.serviceAccount },
          // global.* applies to the controller, its webhook and its cert controller alike.
          global: { nodeSelector: scheduling.nodeSelector, tolerations: scheduling.tolerations },
          resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '256Mi' } },
        },
      },
    });
  }
}
